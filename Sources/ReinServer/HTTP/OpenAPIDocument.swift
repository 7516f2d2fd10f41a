/// The API's OpenAPI 3.1 document, served at `GET /openapi.yaml`. The routes are Hummingbird's
/// (docs/SERVE.md says why); a test checks that every route is in this document and every
/// operation of the document is routed, and CI runs schemathesis against a live server with it:
/// no 5xx, every status, content type and body as documented.
public enum OpenAPIDocument {
    public static let yaml = #"""
        openapi: 3.1.0
        info:
          title: Rein live session host
          version: 0.1.0
          description: >-
            The agent runtime asks before every step, approvers answer, executors report results.
            Every /v1 request carries a bearer token; the roles are agent, executor, approver,
            reader, admin and alert (an Azure Monitor action group, which may also give its
            token as ?token=).
        servers:
          - url: http://127.0.0.1:8080
        security:
          - bearer: []
        paths:
          /v1/alerts:
            post:
              operationId: postAlert
              summary: 'An Azure Monitor alert, common alert schema (alert token, as a bearer token or ?token=; or an action group''s secure webhook). Fired opens the incident named by the alertId; Resolved is recorded in it.'
              parameters:
                - {name: token, in: query, schema: {type: string}}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {type: object}
              responses:
                '200': {description: 'The incident, opened before (a repeated notification), or the resolution recorded (or not, for an incident that is not open).', content: {application/json: {schema: {type: object}}}}
                '201': {description: 'The incident, opened.', content: {application/json: {schema: {$ref: '#/components/schemas/Incident'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /api/messages:
            post:
              operationId: botMessages
              summary: 'What Teams sends the bot (a Bot Framework JWT as the bearer token). A click on an approval card (an adaptiveCard/action invoke) is answered with the card redrawn; other activities get an empty 200.'
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {type: object}
              responses:
                '200': {description: 'The invoke response (the card redrawn, or an error for the invoke), or nothing for other activities.', content: {application/json: {schema: {type: object, required: [statusCode, type], properties: {statusCode: {type: integer}, type: {type: string}, value: {}}}}}}
                '401': {description: 'The Bot Framework token is missing or does not verify; nothing was recorded.'}
                '404': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/incidents:
            post:
              operationId: openIncident
              summary: Open an incident (agent).
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Opening'}
              responses:
                '200': {description: 'The incident, opened before with the same body (a retry).', content: {application/json: {schema: {$ref: '#/components/schemas/Incident'}}}}
                '201': {description: 'The incident, opened.', content: {application/json: {schema: {$ref: '#/components/schemas/Incident'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
            get:
              operationId: listIncidents
              summary: The incidents, newest first (reader, admin).
              parameters:
                - {name: phase, in: query, schema: {type: string, enum: [investigating, awaiting_approval, executing, closed]}}
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
                - {name: cursor, in: query, schema: {type: integer, minimum: 0, maximum: 2147483647}}
              responses:
                '200':
                  description: A page of incidents.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [incidents]
                        additionalProperties: false
                        properties:
                          incidents: {type: array, items: {$ref: '#/components/schemas/Summary'}}
                          next: {type: string}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
          /v1/incidents/{id}:
            get:
              operationId: getIncident
              summary: An incident (its agent, executor, reader, admin); a long poll with after and wait.
              parameters:
                - {$ref: '#/components/parameters/Id'}
                - {name: after, in: query, schema: {type: integer, minimum: 0, maximum: 2147483647}}
                - {name: wait, in: query, schema: {type: integer, minimum: 0, maximum: 60}}
              responses:
                '200': {description: 'The incident.', content: {application/json: {schema: {$ref: '#/components/schemas/Incident'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/incidents/{id}/events:
            post:
              operationId: postEvent
              summary: 'An event, stamped by the server (agent: propose, observe; executor: result).'
              parameters:
                - {$ref: '#/components/parameters/Id'}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Event'}
              responses:
                '200': {description: 'The step and its effects.', content: {application/json: {schema: {$ref: '#/components/schemas/StepAnswer'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /v1/incidents/{id}/approvals:
            post:
              operationId: postVerdict
              summary: Approve or reject the pending action, as the approver's own name (approver).
              parameters:
                - {$ref: '#/components/parameters/Id'}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Verdict'}
              responses:
                '200': {description: 'The step (accepted or not, and why).', content: {application/json: {schema: {$ref: '#/components/schemas/StepAnswer'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /v1/incidents/{id}/recording:
            get:
              operationId: getRecording
              summary: The session as a recorded incident, JSON or (Accept application/yaml) YAML (its agent, reader, admin).
              parameters:
                - {$ref: '#/components/parameters/Id'}
              responses:
                '200':
                  description: A recorded incident, with its runbook and pinned bundle.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [incident, runbook, bundle, alert, events]
                        properties:
                          incident: {type: string}
                          runbook: {type: string}
                          bundle: {$ref: '#/components/schemas/Digest'}
                          context: {type: object}
                          alert: {type: object}
                          events: {type: array, items: {type: object}}
                    application/yaml:
                      schema: {type: string}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/bundles/{digest}:
            get:
              operationId: getBundle
              summary: A stored bundle version, or `current` (reader, admin).
              parameters:
                - {name: digest, in: path, required: true, schema: {type: string, minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9]+$'}}
              responses:
                '200':
                  description: The bundle's files.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [digest, files]
                        additionalProperties: false
                        properties:
                          digest: {$ref: '#/components/schemas/Digest'}
                          files:
                            type: array
                            items:
                              type: object
                              required: [path, sha256, text]
                              additionalProperties: false
                              properties:
                                path: {type: string}
                                sha256: {$ref: '#/components/schemas/Digest'}
                                text: {type: string}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /v1/bundles/reload:
            post:
              operationId: reloadBundle
              summary: Load the bundle again; refused with its diagnostics when it has errors (admin).
              responses:
                '200':
                  description: The bundle new incidents now open under.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [digest, previous, changed]
                        additionalProperties: false
                        properties:
                          digest: {$ref: '#/components/schemas/Digest'}
                          previous: {$ref: '#/components/schemas/Digest'}
                          changed: {type: boolean}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '422': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /v1/incidents/{id}/mcp:
            post:
              operationId: mcpMessage
              summary: 'The incident''s MCP server (the agent that opened it): one JSON-RPC message, in the session era (initialize, Mcp-Session-Id) or the 2026-07-28 one.'
              parameters:
                - $ref: '#/components/parameters/Id'
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {type: object}
              responses:
                '200': {description: 'A JSON-RPC response; for a call that waits for an approval, an SSE stream (progress notifications, keep-alives, then the response).', content: {application/json: {schema: {$ref: '#/components/schemas/RPCMessage'}}, text/event-stream: {schema: {type: string}}}}
                '202': {description: 'A notification or response, accepted.'}
                '400': {description: 'Not a valid message, or (2026-07-28) headers that do not match it.', content: {application/json: {schema: {$ref: '#/components/schemas/RPCMessage'}}}}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {description: 'No such incident, an unknown session, or (2026-07-28) an unknown method.', content: {application/json: {schema: {type: object}}}}
                '413': {$ref: '#/components/responses/Error'}
            get:
              operationId: mcpStream
              summary: No server-to-client stream is offered.
              parameters:
                - $ref: '#/components/parameters/Id'
              responses:
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '405': {description: 'Not offered.'}
            delete:
              operationId: mcpEndSession
              summary: Ends a session of the session era (Mcp-Session-Id).
              parameters:
                - $ref: '#/components/parameters/Id'
              responses:
                '200': {description: 'Ended.'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '405': {description: 'No such session.'}
          /v1/effects/{id}/{step}/{n}/ack:
            post:
              operationId: acknowledgeEffect
              summary: 'An executor says an effect it was given was carried out, or failed (executor). The effect id {incident}/{step}/{n} written as it is: {id} is the incident.'
              parameters:
                - {$ref: '#/components/parameters/Id'}
                - {name: step, in: path, required: true, schema: {type: string, pattern: '^([0-9]+|deadline)$'}}
                - {name: n, in: path, required: true, schema: {type: string, pattern: '^[0-9]+$'}}
              requestBody: &acknowledgement
                required: true
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Acknowledgement'}
              responses: &acknowledged
                '200': {description: 'The effect, settled.', content: {application/json: {schema: {$ref: '#/components/schemas/Effect'}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /v1/effects/{id}/ack:
            post:
              operationId: acknowledgeEffectById
              summary: 'The same, with the effect id percent-encoded as one path segment (INC-1%2F3%2F0).'
              parameters:
                - {name: id, in: path, required: true, schema: {type: string, minLength: 1}}
              requestBody: *acknowledgement
              responses: *acknowledged
          /v1/audit:
            get:
              operationId: getAudit
              summary: Audit log entries after a seq, as JSON Lines in chain order (reader, admin).
              parameters:
                - {name: after, in: query, schema: {type: integer, minimum: -1}}
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10000}}
              responses:
                '200': {description: 'JSON Lines.', content: {application/jsonl: {schema: {type: string}}}}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '500': {$ref: '#/components/responses/Error'}
          /healthz:
            get:
              operationId: health
              security: []
              responses:
                '200': {description: 'Alive.', content: {application/json: {schema: {$ref: '#/components/schemas/Status'}}}}
          /readyz:
            get:
              operationId: ready
              security: []
              responses:
                '200': {description: 'Ready (every stored incident restored).', content: {application/json: {schema: {$ref: '#/components/schemas/Status'}}}}
                '503': {$ref: '#/components/responses/Error'}
          /metrics:
            get:
              operationId: metrics
              security: []
              responses:
                '200': {description: 'Prometheus text format.', content: {text/plain: {schema: {type: string}}}}
          /openapi.yaml:
            get:
              operationId: openapi
              security: []
              responses:
                '200': {description: 'This document.', content: {application/yaml: {schema: {type: string}}}}
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          parameters:
            Id:
              name: id
              in: path
              required: true
              schema: {type: string, minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$'}
          responses:
            Error:
              description: 'Refused: {"error":{"code","message"}}.'
              content:
                application/json:
                  schema:
                    type: object
                    required: [error]
                    additionalProperties: false
                    properties:
                      error:
                        type: object
                        required: [code, message]
                        additionalProperties: false
                        properties:
                          code: {type: string, enum: [bad_request, unauthorized, forbidden, not_found, conflict, payload_too_large, unprocessable, storage, unavailable]}
                          message: {type: string}
          schemas:
            Digest: {type: string, pattern: '^[0-9a-f]{64}$'}
            Status:
              type: object
              required: [status]
              properties:
                status: {type: string}
            Opening:
              type: object
              required: [alert]
              additionalProperties: false
              properties:
                incident: {type: string, minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$'}
                runbook: {type: string}
                context: {type: object}
                alert: {type: object}
            Event:
              oneOf:
                - type: object
                  required: [propose]
                  additionalProperties: false
                  properties:
                    propose:
                      type: object
                      required: [args]
                      additionalProperties: false
                      properties:
                        thought: {type: string}
                        tool: {type: string}
                        remediate: {type: string}
                        args: {type: object}
                - type: object
                  required: [observe]
                  additionalProperties: false
                  properties:
                    observe:
                      type: object
                      additionalProperties: false
                      properties:
                        output: {type: string}
                - type: object
                  required: [result]
                  additionalProperties: false
                  properties:
                    result:
                      type: object
                      required: [status]
                      additionalProperties: false
                      properties:
                        status: {type: string, enum: [succeeded, failed]}
                        detail: {type: string}
            Verdict:
              type: object
              required: [verdict, digest]
              additionalProperties: false
              properties:
                verdict: {type: string, enum: [approve, reject]}
                digest: {type: string}
                comment: {type: string}
            Step:
              type: object
              required: [index, at, event]
              properties:
                index: {type: integer, minimum: 0}
                at: {type: string}
                event: {type: string, enum: [propose, observe, approve, reject, result]}
                ignored: {type: boolean}
                decision: {type: object, required: [id, decision], properties: {id: {type: string}, decision: {type: string, enum: [allow, deny, require_approval]}}}
                accepted: {type: boolean}
                why: {type: string}
            RPCMessage:
              type: object
              required: [jsonrpc]
              properties:
                jsonrpc: {const: '2.0'}
            Acknowledgement:
              oneOf:
                - {type: object, required: [ok], additionalProperties: false, properties: {ok: {const: true}}}
                - {type: object, required: [ok, error], additionalProperties: false, properties: {ok: {const: false}, error: {type: string, minLength: 1, maxLength: 4096}}}
            Effect:
              type: object
              required: [id, type, delivery]
              properties:
                id: {type: string}
                type: {type: string, enum: [run_tool, send_approval_card, activate_role, execute, deactivate_role, page]}
                delivery: {type: string, enum: [agent, pending, delivered, done, failed]}
            Outcome:
              type: object
              required: [outcome, reason]
              additionalProperties: false
              properties:
                outcome: {type: string, enum: [remediated, failed, no_action]}
                reason: {type: string}
            Summary:
              type: object
              required: [incident, runbook, phase, iteration, opened]
              additionalProperties: false
              properties:
                incident: {type: string}
                runbook: {type: string}
                phase: {type: string, enum: [investigating, awaiting_approval, executing, closed]}
                iteration: {type: integer, minimum: 0}
                opened: {type: string}
                outcome: {$ref: '#/components/schemas/Outcome'}
            Incident:
              type: object
              required: [incident, runbook, bundle, phase, iteration, opened, steps, effects]
              additionalProperties: false
              properties:
                incident: {type: string}
                runbook: {type: string}
                bundle: {$ref: '#/components/schemas/Digest'}
                phase: {type: string, enum: [investigating, awaiting_approval, executing, closed]}
                iteration: {type: integer, minimum: 0}
                opened: {type: string}
                pending:
                  type: object
                  required: [tool, kind, args, digest, deadline, needed, approvedBy, card]
                  additionalProperties: false
                  properties:
                    tool: {type: string}
                    kind: {type: string, enum: [tool_call, remediation]}
                    args: {type: object}
                    digest: {$ref: '#/components/schemas/Digest'}
                    deadline: {type: string}
                    needed: {type: integer, minimum: 1}
                    approvedBy: {type: array, items: {type: string}}
                    card: {type: object}
                outcome: {$ref: '#/components/schemas/Outcome'}
                steps: {type: array, items: {$ref: '#/components/schemas/Step'}}
                effects: {type: array, items: {$ref: '#/components/schemas/Effect'}}
            StepAnswer:
              type: object
              required: [step, effects, incident]
              additionalProperties: false
              properties:
                step: {$ref: '#/components/schemas/Step'}
                effects: {type: array, items: {$ref: '#/components/schemas/Effect'}}
                incident: {type: string}
        """#
}

#!/usr/bin/env python3
"""A scripted SRE agent that works one incident through Rein's MCP gateway (examples/mcp/).

    python3 examples/mcp/agent.py [--url http://127.0.0.1:8080] [--incident ID]

No LLM: a fixed script, with the thought a model would have written for each step. It opens an
incident over Rein's REST API with an alert of a deployment in CrashLoopBackOff, connects to the
incident's MCP server with the official `mcp` client, lists the tools, and works the incident:
a few reads, a rollback that Rein denies (the rollout history was not read), the read Rein asked
for, the rollback again (it needs a human's approval: the call holds, answers `pending` past the
hold, and is called again to re-attach), and the result once a human approved.

The token is REIN_AGENT_TOKEN (default: the examples' `example-agent-token`). Someone must
approve the rollback: examples/mcp/demo.py plays that human; by hand, approve as alice with
the `digest` the pending answer shows (POST /v1/incidents/ID/approvals, see docs/SERVE.md).
"""
import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.request

from mcp.client.client import Client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

# The alert that opens the incident: Azure Monitor's common alert schema, as examples/opening.json.
OPENING = {
    "context": {"environment": "dev"},
    "alert": {
        "schemaId": "azureMonitorCommonAlertSchema",
        "data": {
            "essentials": {
                "alertId": "/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/providers/Microsoft.AlertsManagement/alerts/31337",
                "alertRule": "aks-pod-crashloop-checkout",
                "severity": "Sev2",
                "signalType": "Log",
                "monitorCondition": "Fired",
                "monitoringService": "Log Analytics",
                "firedDateTime": "2026-12-06T09:12:00Z",
                "alertTargetIDs": [
                    "/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/resourceGroups/rg-payments-dev/providers/Microsoft.ContainerService/managedClusters/aks-payments-dev"
                ],
            }
        },
    },
}

TARGET = {"namespace": "payments", "deployment": "checkout-api"}
POD = {"namespace": "payments", "pod": "checkout-api-7d9f8b6c5-x2k4q"}


def rest(base_url, method, path, token, body=None):
    """(status, JSON answer) of one REST call to rein-serve."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def text(result):
    """The text blocks of a tools/call result."""
    return "\n".join(block.text for block in result.content if getattr(block, "type", "") == "text")


def excerpt(output, keep=None, most=4):
    """A few lines of a tool's output: those holding one of `keep`, or the first ones."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    chosen = [line for line in lines if any(word in line for word in keep)] if keep else lines[:most]
    more = f"\n           … ({len(lines) - len(chosen)} more lines)" if len(lines) > len(chosen) else ""
    return "\n".join(("  output:  | " if n == 0 else "           | ") + line for n, line in enumerate(chosen)) + more


# What a held call's final `structuredContent.status` means.
OUTCOMES = {
    "succeeded": "approved by a human; ran on the cluster as the remediator: succeeded",
    "failed": "approved, but the change failed (or the role could not be activated)",
    "rejected": "rejected by a human: nothing changed",
    "timed_out": "nobody approved before the deadline: nothing changed",
    "executing": "approved and running; call again for the result",
}


class Agent:
    """The agent's connection to its incident's MCP server, and its transcript."""

    def __init__(self, client, incident, say, on_pending=None):
        self.client = client
        self.incident = incident
        self.say = say
        self.on_pending = on_pending  # called with the incident and the pending answer's structuredContent
        self.number = 0

    async def step(self, thought, tool, args, keep=None):
        """One proposal: the thought, the call, Rein's decision and what came back."""
        self.number += 1
        self.say(f"\nStep {self.number}")
        self.say(f"  thought: {thought}")
        self.say(f"  call:    {tool} {json.dumps(args)}")
        # The thought goes with the call as its `reason` argument: Rein records it and puts it
        # on the approval card. (It could also go in _meta["dev.rein/thought"].)
        call = {**args, "reason": thought}
        progress = []

        async def on_progress(value, total, message):
            # A held call reports the approval's state; drop the deadline (a clock time).
            message = (message or "").split(", deadline")[0]
            if message and message not in progress:
                progress.append(message)
                self.say(f"  Rein:    holding the call: {message}")

        result = await self.client.call_tool(tool, call, progress_callback=on_progress)
        status = (result.structured_content or {}).get("status")
        while status == "pending":
            # Past the hold: nothing changed yet. The same call again re-attaches to the
            # approval (no second proposal, no second card).
            pending = result.structured_content
            self.say(f"  Rein:    pending ({len(pending['approvedBy'])} of {pending['needed']} approvals so far); "
                     "calling again with the same arguments to re-attach")
            if self.on_pending:
                self.on_pending(self.incident, pending)
            progress.clear()
            result = await self.client.call_tool(tool, call, progress_callback=on_progress)
            status = (result.structured_content or {}).get("status")
        # A denial carries Rein's decision in structuredContent (and in _meta["dev.rein/decision"]).
        decision = (result.structured_content or {}).get("decision")
        if decision == "deny":
            self.say("  Rein:    DENIED, nothing ran. The answer, one line per reason:")
            for line in text(result).splitlines():
                self.say(f"           | {line}")
        elif status:
            self.say(f"  Rein:    {OUTCOMES.get(status, status)}")
            self.say(excerpt(text(result), keep))
        elif result.is_error:
            self.say("  Rein:    allowed, but the upstream answered an error")
            self.say(excerpt(text(result), keep))
        else:
            self.say("  Rein:    allowed; ran on the cluster as the observer")
            self.say(excerpt(text(result), keep))
        return result


async def work(agent):
    """The script: investigate, get corrected once, remediate."""
    await agent.step("The alert says checkout-api's pods crash-loop. What state is the deployment in, and what changed last?",
                     "describe_deployment", TARGET, keep=("Replicas:", "change-cause", "Image:"))
    await agent.step("The pods of release 2.14.0 never become available. Why do the containers exit? Read the crashed run's log.",
                     "get_pod_logs", {**POD, "container": "checkout-api"}, keep=("FATAL",))
    await agent.step("Did this start with the rollout? The error lines of the last two hours.",
                     "container_error_logs", {**POD, "lookback": "2h"}, keep=("09:03:58",))
    await agent.step("The crashes began with 2.14.0, which wants a setting the config lacks. Roll back to the release before, revision 41.",
                     "rollback_deployment", {**TARGET, "revision": 41})
    await agent.step("Rein wants the revision taken from the rollout history, not from memory. Read it.",
                     "get_rollout_history", TARGET, keep=("REVISION", "41", "42"))
    return await agent.step("Revision 41 is release 2.13.2, the last one that ran. Roll checkout-api back to it.",
                            "rollback_deployment", {**TARGET, "revision": 41})


async def run(base_url, token, incident=None, say=print, on_pending=None):
    """Opens the incident, works it through the gateway; the last result (the rollback's)."""
    opening = dict(OPENING, **({"incident": incident} if incident else {}))
    status, answer = rest(base_url, "POST", "/v1/incidents", token, opening)
    if status not in (200, 201):
        raise RuntimeError(f"opening the incident: {status} {answer}")
    incident = answer["incident"]
    say(f"[agent] opened incident {incident} over REST: runbook {answer['runbook']}, phase {answer['phase']}")
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with Client(streamable_http_client(f"{base_url}/v1/incidents/{incident}/mcp", http_client=http)) as client:
        say(f"[agent] connected to the incident's MCP server /v1/incidents/{incident}/mcp (protocol {client.protocol_version})")
        tools = (await client.list_tools()).tools
        reads = [tool.name for tool in tools if (tool.annotations and tool.annotations.read_only_hint)]
        writes = [tool.name for tool in tools if tool.name not in reads]
        say(f"[agent] tools/list: the runbook's {len(tools)} tools")
        say(f"          read:  {', '.join(reads)}")
        say(f"          write: {', '.join(writes)}")
        return await work(Agent(client, incident, say, on_pending))


def main():
    parser = argparse.ArgumentParser(description="A scripted agent working one incident through Rein's MCP gateway.")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="rein-serve's base URL")
    parser.add_argument("--incident", help="the incident id (default: the server makes one)")
    args = parser.parse_args()
    token = os.environ.get("REIN_AGENT_TOKEN", "example-agent-token")
    base_url = args.url.rstrip("/")
    told = set()

    def tell_the_human(incident, pending):
        # Run by hand, nobody else approves: say how, once per approval.
        if pending["digest"] not in told:
            told.add(pending["digest"])
            print(f"\n  (to approve as alice: curl -H 'Authorization: Bearer example-alice-token' "
                  f"-d '{{\"verdict\":\"approve\",\"digest\":\"{pending['digest']}\"}}' "
                  f"{base_url}/v1/incidents/{incident}/approvals)\n", flush=True)

    result = asyncio.run(run(base_url, token, args.incident, on_pending=tell_the_human))
    return 0 if (result.structured_content or {}).get("status") == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())

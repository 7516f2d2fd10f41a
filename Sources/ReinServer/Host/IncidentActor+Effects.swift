import ReinAdapters
import ReinSyntax

/// Whether an effect may go out now.
enum DeliveryGate: Sendable, Equatable {
    case ready
    /// Not before this time (an activation's timeout).
    case wait(until: Timestamp)
    /// It never will: it was settled (marked failed) now; look at the outbox again.
    case settled
}

extension IncidentActor {
    /// Whether pending effect `id` may go out now. An `execute` waits for its `activate_role`
    /// to be acknowledged; when the activation failed or timed out, the incident records the
    /// result `failed` ("elevation failed: …") and the `execute` never goes out. An `execute`
    /// or `activate_role` of a remediation no longer executing is settled as failed, unsent.
    /// Any other pending effect is ready.
    func gate(_ id: String, now: Timestamp, activationTimeout: Int64) async -> DeliveryGate {
        await beginTurn()
        defer { endTurn() }
        guard let effect = incident.effect(id), effect.delivery == "pending" else { return .settled }
        switch effect.type {
        case "execute": return await gateExecute(effect, now: now, activationTimeout: activationTimeout)
        case "activate_role":
            guard let running = incident.executingEffect, running.waitsFor == id else {
                await settle(id, from: ["pending"], error: "not sent: the incident closed before its elevation was needed")
                return .settled
            }
            return .ready
        default: return .ready
        }
    }

    private func gateExecute(_ execute: LiveIncident.IdentifiedEffect, now: Timestamp, activationTimeout: Int64) async -> DeliveryGate {
        guard incident.executingEffect?.id == execute.id else {
            await settle(execute.id, from: ["pending"], error: "not sent: the incident closed before its elevation was acknowledged")
            return .settled
        }
        guard let activationID = execute.waitsFor, let activation = incident.effect(activationID) else {
            await failElevation(execute, detail: "elevation failed: no role activation preceded the execution")
            return .settled
        }
        switch activation.delivery {
        case "done": return .ready
        case "failed":
            await failElevation(execute, detail: "elevation failed: \(activation.error ?? "the executor reported a failure")")
            return .settled
        default:
            let timeout = DurationValue(seconds: activationTimeout)
            let deadline = activation.created.adding(milliseconds: activationTimeout.multipliedReportingOverflow(by: 1000).partialValue)
            guard now >= deadline else { return .wait(until: deadline) }
            let why = "`activate_role` was not acknowledged within \(timeout)"
            await settle(activationID, from: ["pending", "delivered"], error: why)
            await failElevation(execute, detail: "elevation failed: \(why)")
            return .settled
        }
    }

    /// The remediation cannot run: the incident records the result `failed` with `detail` (its
    /// elevation is released), then the `execute` is settled unsent. In this order, so that a
    /// crash in between leaves an `execute` of a closed incident, which is settled at the next look.
    private func failElevation(_ execute: LiveIncident.IdentifiedEffect, detail: String) async {
        do {
            _ = try await apply { at throws(HostError) in .result(at: at, succeeded: false, detail: detail) }
        } catch {
            services.logger.error("the failed elevation could not be recorded", metadata: ["effect": "\(execute.id)", "why": "\(error)"])
            return
        }
        await settle(execute.id, from: ["pending"], error: "not sent: \(detail)")
    }

    /// Marks effect `id` failed (unsent, or sent and never acknowledged) with `error`.
    private func settle(_ id: String, from: [String], error: String) async {
        await record(id, to: "failed", from: from, error: error)
    }

    /// Moves effect `id` to `delivery` in the store, then in the incident; whether it moved.
    @discardableResult
    private func record(_ id: String, to delivery: String, from: [String], error: String?) async -> Bool {
        do {
            guard let revision = try await services.store.setDelivery(id, to: delivery, from: from, error: error) else { return false }
            incident.moved(to: revision)
        } catch {
            services.logger.error("an effect's delivery could not be recorded", metadata: ["effect": "\(id)", "why": "\(error)"])
            return false
        }
        if let type = incident.effect(id)?.type { services.metrics.effects(type: type, delivery: delivery).increment() }
        incident.setDelivery(id, to: delivery, error: error)
        changed()
        // The incident's next effect may go out now (with a shared store, this replica claims it).
        services.doorbell.ring(touching: record.id)
        return true
    }

    /// Effect `id` reached its executor (it stays `done` or `failed` if acknowledged meanwhile);
    /// `revision`: the incident's revision the store gave that change.
    func delivered(_ id: String, revision: Int64) {
        incident.moved(to: revision)
        guard incident.effect(id)?.delivery == "pending" else { return }
        incident.setDelivery(id, to: "delivered", error: nil)
        changed()
    }

    /// An executor's acknowledgement of effect `id`: `done`, or `failed` with why. An `execute`
    /// that failed is the remediation's result: the incident records `failed` ("execution
    /// failed: …") and its elevation is released. A repeated acknowledgement is answered as the
    /// first was; a contradicting one is a conflict.
    func acknowledge(_ id: String, _ ack: Acknowledgement) async throws(HostError) -> JSONValue {
        await beginTurn()
        defer { endTurn() }
        guard let effect = incident.effect(id) else { throw .notFound("no effect `\(id)`") }
        let wanted = ack.ok ? "done" : "failed"
        switch effect.delivery {
        case "agent":
            throw .conflict("effect `\(id)` is a `run_tool` the agent carries out: there is nothing to acknowledge")
        case "done", "failed":
            guard effect.delivery == wanted else {
                throw .conflict("effect `\(id)` was already settled as \(effect.delivery)\(effect.error.map { ": \($0)" } ?? "")")
            }
            return incident.effectView(id)
        default:
            if effect.type == "execute", effect.delivery == "pending",
                effect.waitsFor.flatMap(incident.effect)?.delivery != "done"
            {
                throw .conflict("effect `\(id)` waits for its elevation: its `activate_role` has not been acknowledged as done")
            }
            guard await record(id, to: wanted, from: ["pending", "delivered"], error: ack.error) else {
                throw .storage("the acknowledgement could not be stored")
            }
            if effect.delivery == "pending" { services.doorbell.ring(settled: id) }
            if effect.type == "execute", !ack.ok, incident.executingEffect?.id == id {
                let detail = "execution failed: \(ack.error ?? "the executor reported a failure")"
                _ = try await apply { at throws(HostError) in .result(at: at, succeeded: false, detail: detail) }
            }
            return incident.effectView(id)
        }
    }

    /// After a restart: an `execute` acknowledged as failed whose result was not recorded yet
    /// (the server stopped in between) is recorded now.
    /// An execute the MCP gateway was carrying out (`forwarded` tools) when the server stopped
    /// is never sent again: its outcome is unknown, so it counts as failed and the role is released.
    func resumeExecution(forwarded: Set<String>) async {
        await beginTurn()
        defer { endTurn() }
        guard let execute = incident.executingEffect else { return }
        if execute.delivery == "delivered", case .object(let body) = execute.json, case .string(let tool)? = body["tool"], forwarded.contains(tool) {
            let why = "the server stopped while the upstream ran it: its outcome is unknown"
            guard await record(execute.id, to: "failed", from: ["delivered"], error: why) else { return }
            _ = try? await apply { at throws(HostError) in .result(at: at, succeeded: false, detail: "execution failed: \(why)") }
            return
        }
        guard execute.delivery == "failed" else { return }
        let detail = "execution failed: \(execute.error ?? "the executor reported a failure")"
        _ = try? await apply { at throws(HostError) in .result(at: at, succeeded: false, detail: detail) }
    }

    /// Marks a pending effect `delivered` before it is handed over (a write is sent at most
    /// once); false when it is no longer pending.
    func markSending(_ id: String) async -> Bool {
        await record(id, to: "delivered", from: ["pending"], error: nil)
    }
}

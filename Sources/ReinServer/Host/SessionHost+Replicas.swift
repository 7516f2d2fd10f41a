import ReinAdapters
import Synchronization

/// What a host does when replicas share its store (docs/SERVE.md, "Several replicas"): it finds
/// incidents other replicas opened, watches every incident's deadline (one replica fires each:
/// the others' steps conflict), and hears the other replicas' changes (long polls wake).
extension SessionHost {
    /// How often every incident's deadline is looked at.
    static let deadlineSweep: Int64 = 500

    /// Incident `id`'s actor: the one in memory or, when replicas share the store, the incident
    /// loaded from it; nil when there is none.
    static func actor(_ id: String, services: HostServices, state: HostState) async throws(HostError) -> IncidentActor? {
        if let actor = state.actor(id) { return actor }
        guard let shared = services.shared else { return nil }
        let stored: StoredIncident?
        do {
            stored = try await shared.incident(id)
        } catch {
            throw .storage("the incident could not be read: \(error)")
        }
        guard let stored else { return nil }
        return try await adopt(stored, services: services, state: state)
    }

    /// Keeps a stored incident in memory (the actor already there if another task was first),
    /// its timer armed.
    static func adopt(_ stored: StoredIncident, services: HostServices, state: HostState) async throws(HostError) -> IncidentActor {
        let bundle: HostBundle
        do {
            bundle = try await Self.bundle(digest: stored.record.bundle, services: services, state: state)
        } catch {
            throw .storage("the incident's bundle could not be read: \(error)")
        }
        guard var incident = LiveIncident(record: stored.record, bundle: bundle) else {
            throw .storage("incident `\(stored.record.id)` runs runbook `\(stored.record.runbook)`, which its bundle does not declare")
        }
        incident.restore(stored)
        let actor = state.add(stored.record.id, IncidentActor(incident, services: services), position: stored.position)
        await actor.armTimer()
        return actor
    }

    /// A stored bundle, compiled (once).
    static func bundle(digest: String, services: HostServices, state: HostState) async throws -> HostBundle {
        if let known = state.bundle(digest) { return known }
        guard let files = try await services.store.bundle(digest: digest) else {
            throw StoreError.corrupt("bundle \(digest) is not stored")
        }
        guard let compiled = HostBundle.compile(stored: files).bundle else {
            throw StoreError.corrupt("bundle \(digest) no longer compiles")
        }
        state.remember(compiled)
        return compiled
    }

    /// Takes in the incidents other replicas opened since the last look (a listing shows them).
    func discover() async throws(HostError) {
        guard let shared = services.shared else { return }
        while true {
            let found: [StoredIncident]
            do {
                found = try await shared.incidents(after: state.discovered, limit: 500)
            } catch {
                throw .storage("the incidents could not be read: \(error)")
            }
            guard let last = found.last else { return }
            for stored in found where state.actor(stored.record.id) == nil {
                _ = try await Self.adopt(stored, services: services, state: state)
            }
            state.discovered(through: last.position)
        }
    }

    /// Starts what a replica of a shared store runs besides requests: the deadline sweep and
    /// the listener for other replicas' changes.
    func startReplica(_ shared: any SharedStore) -> [Task<Void, Never>] {
        let services = self.services
        let state = self.state
        let sweep = Task {
            while !Task.isCancelled {
                let now = services.clock.now()
                for id in (try? await shared.dueDeadlines(before: now, limit: 100)) ?? [] {
                    guard let actor = try? await Self.actor(id, services: services, state: state) else { continue }
                    await actor.fireDeadline()
                }
                guard (try? await services.clock.sleep(until: now.adding(milliseconds: Self.deadlineSweep))) != nil else { return }
            }
        }
        let changes = shared.changes()
        let listen = Task {
            for await payload in changes {
                switch ChangeNotice(payload: payload) {
                case .anything?:
                    services.doorbell.ring()
                    services.changes.appended()
                    for actor in state.all() { await actor.changedElsewhere() }
                case .incident(let id)?:
                    services.changes.appended()
                    await state.actor(id)?.changedElsewhere()
                case .effects(let id)?:
                    // The replica where the effects moved on claims what comes next itself (and
                    // any replica's scan finds what it left): nothing to claim here.
                    services.changes.appended()
                    await state.actor(id)?.changedElsewhere()
                case .card(let effect)?:
                    services.changes.cardPosted(effect)
                case nil:
                    continue
                }
            }
        }
        return [sweep, listen]
    }
}

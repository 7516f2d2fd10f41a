import ReinAdapters

/// Why one step could not be stored.
struct StoreFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    /// Set when the step was refused because its incident moved on.
    var conflict: StoreConflict? = nil
    var description: String { message }
}

/// One write the group commit takes: an opening, a step, or a change of an effect's delivery.
enum StoreWrite: Sendable {
    /// An incident opened, with its opening audit entries and its hand-off (if any).
    case open(IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?)
    case step(StepCommit)
    /// Effect `id` to `to` (with `error`) when it is in one of `from`.
    case delivery(id: String, to: String, from: [String], error: String?)
    /// A failed attempt of a pending effect: the count, when to try again, why.
    case deferral(id: String, attempts: Int, notBefore: Timestamp, error: String)

    /// The incident whose row the write locks: the step's, or the effect's (its id's first part).
    var incident: String {
        switch self {
        case .open(let record, _, _): record.id
        case .step(let step): step.incident
        case .delivery(let id, _, _, _), .deferral(let id, _, _, _): String(id.prefix { $0 != "/" })
        }
    }

    enum Outcome: Sendable {
        /// How an opening went.
        case opened(OpenResult)
        /// What a step wrote.
        case stored(StoredStep)
        /// The incident's revision after an effect's row changed; nil when it did not.
        case moved(Int64?)
    }
}

/// Writes waiting to be written, and the one writer that takes them all at once: while a
/// transaction is written, the writes that arrive wait and go together in the next.
actor CommitQueue {
    private var waiting: [(write: StoreWrite, answer: CheckedContinuation<Result<StoreWrite.Outcome, StoreFailure>, Never>)] = []
    private var writing = false
    private let writer: @Sendable ([StoreWrite]) async -> [Result<StoreWrite.Outcome, StoreFailure>]

    init(_ writer: @escaping @Sendable ([StoreWrite]) async -> [Result<StoreWrite.Outcome, StoreFailure>]) {
        self.writer = writer
    }

    /// Stores a step (in the next transaction); what it wrote. Throws ``StoreConflict`` when its
    /// incident moved on.
    func step(_ step: StepCommit) async throws -> StoredStep {
        switch await submit(.step(step)) {
        case .success(.stored(let stored)): return stored
        case .success: throw StoreFailure(message: "the step was not written")
        case .failure(let failure):
            if let conflict = failure.conflict { throw conflict }
            throw failure
        }
    }

    /// Opens an incident (in the next transaction), unless one with its id exists.
    func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?) async throws -> OpenResult {
        guard case .opened(let result) = try await submit(.open(record, audit: audit, handoff: handoff)).get() else {
            throw StoreFailure(message: "the incident was not written")
        }
        return result
    }

    /// Makes a change of an effect (in the next transaction): its incident's revision after it,
    /// nil when its row did not change.
    func change(_ write: StoreWrite) async throws -> Int64? {
        guard case .moved(let revision) = try await submit(write).get() else { return nil }
        return revision
    }

    /// Waits until `write` is durable (or failed).
    func submit(_ write: StoreWrite) async -> Result<StoreWrite.Outcome, StoreFailure> {
        await withCheckedContinuation { answer in
            waiting.append((write, answer))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let results = await writer(batch.map(\.write))
            for (index, item) in batch.enumerated() {
                item.answer.resume(returning: index < results.count ? results[index] : .failure(StoreFailure(message: "not written")))
            }
        }
        writing = false
    }
}

import ReinAdapters

/// How both stores write values as text and read them back: canonical JSON for objects, bundle
/// files as a JSON array, and a stored incident's columns into a ``StoredIncident``.
enum StoreCoding {
    static func text(_ value: JSONValue) -> String {
        String(decoding: CanonicalJSON.encodeKeepingNumbers(value) ?? JSONWriter.encode(value), as: UTF8.self)
    }

    static func filesJSON(_ files: [StoredBundleFile]) -> String {
        text(
            .array(
                files.map {
                    .object(JSONObject(entries: [("path", .string($0.path)), ("sha256", .string($0.sha256)), ("text", .string($0.text))]))
                }))
    }

    static func files(_ text: String) -> [StoredBundleFile] {
        guard case .success(.array(let items)) = JSONReader.parse(text, maxBytes: Int.max) else { return [] }
        return items.compactMap { item in
            guard case .object(let file) = item, case .string(let path)? = file["path"], case .string(let sha)? = file["sha256"],
                case .string(let text)? = file["text"]
            else { return nil }
            return StoredBundleFile(path: path, sha256: sha, text: text)
        }
    }

    /// An event as stored (its recording JSON).
    static func event(_ event: SessionEvent) -> String {
        RecordingEncoder.event(event).map(text) ?? "null"
    }
}

/// A stored incident's columns as read (database rows are not Sendable), decoded into a
/// ``StoredIncident`` outside the database's turn.
struct StoredIncidentRow: Sendable {
    var id, runbook, bundle, opened, owner: String
    var context: String?
    var alert: String
    var request: [UInt8]
    var firedDeadline: String?
    var version: Int64
    var revision: Int64
    var position: Int64
    var events: [String] = []
    var deliveries: [String: DeliveryState] = [:]

    func incident() throws -> StoredIncident {
        func object(_ text: String) throws -> JSONObject {
            guard case .success(.object(let object)) = JSONReader.parse(text, maxBytes: Int.max) else {
                throw StoreError.corrupt("incident `\(id)` has a stored value that is not a JSON object")
            }
            return object
        }
        guard let openedAt = Timestamp(rfc3339: opened) else { throw StoreError.corrupt("incident `\(id)` has a bad opening time") }
        let record = IncidentRecord(
            id: id, runbook: runbook, bundle: bundle, opened: openedAt, owner: owner, context: try context.map(object),
            alert: try object(alert), request: request)
        let decoded = try events.map { text -> SessionEvent in
            guard case .success(let event) = LiveRequests.storedEvent(Array(text.utf8)) else {
                throw StoreError.corrupt("incident `\(id)` has a stored event that cannot be read")
            }
            return event
        }
        return StoredIncident(
            record: record, events: decoded, firedDeadline: firedDeadline.flatMap(Timestamp.init(rfc3339:)), deliveries: deliveries,
            version: version, revision: revision, position: position)
    }
}

/// What storing a step wrote: the audit lines it appended and the incident's new revision.
public struct StoredStep: Sendable {
    public var lines: [AuditLine]
    public var revision: Int64

    public init(lines: [AuditLine], revision: Int64) {
        self.lines = lines
        self.revision = revision
    }
}

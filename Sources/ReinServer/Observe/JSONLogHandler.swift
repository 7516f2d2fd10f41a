import Logging
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Log lines as JSON objects, one a line on stderr (`--log-format json`): `at`, `level`,
/// `message`, `logger`, then the metadata, every value a string.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let clock: any HostClock

    public init(label: String, clock: any HostClock = SystemClock()) {
        self.label = label
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let given = event.metadata { merged.merge(given) { $1 } }
        var entries: [(key: String, value: JSONValue)] = [
            ("at", .string(clock.now().rfc3339)), ("level", .string(event.level.rawValue)),
            ("message", .string(event.message.description)), ("logger", .string(label)),
        ]
        for key in merged.keys.sorted() where !["at", "level", "message", "logger"].contains(key) {
            entries.append((key, .string(merged[key].map { "\($0)" } ?? "")))
        }
        if let error = event.error { entries.append(("error", .string("\(error)"))) }
        var bytes = JSONWriter.encode(.object(JSONObject(entries: entries)))
        bytes.append(0x0A)
        _ = OutputWriter.writeAll(bytes, to: STDERR_FILENO)
    }
}

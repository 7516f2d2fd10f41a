/// Collects the `--explain` trace of one decision. When tracing is off nothing is built: the
/// check and result texts are autoclosures that never run.
struct TraceRecorder {
    private(set) var entries: [TraceEntry]?

    init(enabled: Bool) {
        entries = enabled ? [] : nil
    }

    var isEnabled: Bool { entries != nil }

    mutating func record(_ check: @autoclosure () -> String, at location: String?, _ result: @autoclosure () -> String) {
        guard entries != nil else { return }
        entries?.append(TraceEntry(check: check(), at: location, result: result()))
    }
}

import ReinSyntax

/// Collects the checker's diagnostics with at most `maximumErrorsPerFile` diagnostics (errors
/// and warnings alike) per file
/// (counted by the file of the primary span), so that a file with thousands of mistakes
/// gives a readable report and bounded work.
///
/// The errors kept are the first ones in output order (position, then code), whatever the
/// order the passes find them in; past the cap, one `rein.check.too-many-errors` error stands
/// at the first dropped error and nothing of that file after it is reported, so the marker is
/// the file's last diagnostic. Messages are built lazily: a diagnostic that falls past the cap
/// is never formatted (one that is later displaced by an earlier one was formatted once).
final class DiagnosticCollector {
    /// Checker errors reported per file at most; the marker comes on top.
    static let maximumErrorsPerFile = 100

    /// Remaining "did you mean" look-ups (each costs a scan over its candidates).
    var suggestionBudget = 64

    /// Errors reported so far, kept or not: a pass compares counts to learn whether
    /// something it typed was already reported (see `typeComparison`).
    private(set) var errorsReported = 0

    /// The place of a diagnostic in output order (`sortedForOutput`) within its file.
    private struct Key: Comparable {
        var start: Int
        var code: String
        var sequence: Int

        static func < (left: Key, right: Key) -> Bool {
            if left.start != right.start { return left.start < right.start }
            if left.code != right.code { return left.code < right.code }
            return left.sequence < right.sequence
        }
    }

    private struct Entry {
        var key: Key
        var diagnostic: Diagnostic
    }

    private struct FileState {
        var kept: [Entry] = []
        var keptErrors = 0
        /// The last kept error in output order, once the file is full.
        var lastKeptError: Key?
        /// The first error in output order that was dropped.
        var firstDropped: (key: Key, span: SourceSpan)?
    }

    private var states: [Int: FileState] = [:]
    private var sequence = 0

    func report(
        _ severity: Severity, _ code: CheckCode, at span: SourceSpan, message: () -> String,
        notes: () -> [DiagnosticNote], help: () -> String?
    ) {
        sequence += 1
        if severity == .error { errorsReported += 1 }
        let key = Key(start: span.start, code: code.rawValue, sequence: sequence)
        let entry = {
            Entry(
                key: key,
                diagnostic: Diagnostic(severity, code: code.rawValue, message: message(), at: span, notes: notes(), help: help()))
        }
        Self.add(key, span: span, entry, to: &states[span.file, default: FileState()])
    }

    private static func add(_ key: Key, span: SourceSpan, _ entry: () -> Entry, to state: inout FileState) {
        // Warnings count toward the cap too: a file of 300,000 warnings is no report either.
        if state.keptErrors < maximumErrorsPerFile {
            state.kept.append(entry())
            state.keptErrors += 1
            if state.keptErrors == maximumErrorsPerFile { state.lastKeptError = lastError(in: state.kept) }
            return
        }
        guard let last = state.lastKeptError, key < last else {
            noteDropped(key, span, in: &state)
            return
        }
        // Earlier in the file than the last kept error: it takes that one's place.
        if let index = state.kept.firstIndex(where: { $0.key == last }) {
            noteDropped(last, state.kept[index].diagnostic.span, in: &state)
            state.kept.remove(at: index)
        }
        state.kept.append(entry())
        state.lastKeptError = lastError(in: state.kept)
    }

    /// Every diagnostic kept, with one `too-many-errors` marker per file that overflowed.
    func finish() -> [Diagnostic] {
        var result: [Diagnostic] = []
        for file in states.keys.sorted() {
            guard let state = states[file] else { continue }
            guard let dropped = state.firstDropped else {
                result.append(contentsOf: state.kept.map(\.diagnostic))
                continue
            }
            // Output order is position, then code: nothing may sort after the marker.
            let marker = Key(start: dropped.key.start, code: CheckCode.tooManyErrors.rawValue, sequence: Int.max)
            result.append(contentsOf: state.kept.filter { $0.key < marker }.map(\.diagnostic))
            result.append(
                Diagnostic(
                    .error, code: CheckCode.tooManyErrors.rawValue,
                    message: "too many errors in this file; the rest were not reported", at: dropped.span,
                    help: "fix the errors above and run the check again"))
        }
        return result
    }

    private static func lastError(in entries: [Entry]) -> Key? {
        entries.lazy.map(\.key).max()
    }

    private static func noteDropped(_ key: Key, _ span: SourceSpan, in state: inout FileState) {
        if state.firstDropped.map({ key < $0.key }) ?? true { state.firstDropped = (key, span) }
    }
}

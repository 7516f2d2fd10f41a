import ReinEngine
import ReinSyntax

/// The outcome of `rein test` for each incident, and its renderings: text (one line per
/// incident, then `N passed, N failed`), JSON, and JUnit XML for CI test reports.
public struct IncidentTestReport: Sendable {
    public enum Status: String, Sendable {
        case passed, failed, skipped
        /// The file has errors, or the incident cannot be replayed.
        case error
    }

    public struct Case: Sendable {
        public var path: String
        public var status: Status
        public var mismatches: [IncidentTest.Mismatch]
        public var error: String?

        public init(path: String, status: Status, mismatches: [IncidentTest.Mismatch] = [], error: String? = nil) {
            self.path = path
            self.status = status
            self.mismatches = mismatches
            self.error = error
        }
    }

    public var cases: [Case] = []

    public init() {}

    public var passed: Int { cases.count { $0.status == .passed } }
    /// Failed tests and errors (both fail the run).
    public var failed: Int { cases.count { $0.status == .failed || $0.status == .error } }
    public var skipped: Int { cases.count { $0.status == .skipped } }

    /// `N passed, N failed` (and how many had no `expect:`).
    public var summary: String {
        "\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) without expect" : "")
    }

    public func text() -> String {
        var out = ""
        for item in cases {
            switch item.status {
            case .passed: out += "ok    \(item.path)\n"
            case .skipped: out += "skip  \(item.path) (no expect:)\n"
            case .failed:
                out += "FAIL  \(item.path)\n"
                for mismatch in item.mismatches {
                    out += "      \(mismatch.key): expected \(mismatch.expected), got \(mismatch.actual)\n"
                }
            case .error: out += "FAIL  \(item.path)\n      \(item.error ?? "cannot be replayed")\n"
            }
        }
        return out + summary + "\n"
    }

    public func json() -> String {
        let items = cases.map { item -> String in
            var out = "{\"file\":\(JSONString.quote(item.path)),\"status\":\"\(item.status.rawValue)\""
            if !item.mismatches.isEmpty {
                out += ",\"mismatches\":[" + item.mismatches.map { mismatch in
                    "{\"key\":\(JSONString.quote(mismatch.key)),\"expected\":\(JSONString.quote(mismatch.expected)),"
                        + "\"actual\":\(JSONString.quote(mismatch.actual))}"
                }.joined(separator: ",") + "]"
            }
            if let error = item.error { out += ",\"error\":\(JSONString.quote(error))" }
            return out + "}"
        }
        return "{\"results\":[\(items.joined(separator: ","))],\"passed\":\(passed),\"failed\":\(failed),\"skipped\":\(skipped)}\n"
    }

    /// JUnit XML in the dialect Jenkins' xUnit plugin validates against: one `testcase` per
    /// incident, named by the incident file's path (a `testcase` has no `file` attribute there),
    /// in the class `rein.incidents`; a failure carries the expected/actual diff, an incident
    /// that cannot be read or replayed is an `error`, one without `expect:` `skipped`. No `time`
    /// is given: the replay reads no clock.
    public func junit() -> String {
        let failures = cases.count { $0.status == .failed }
        let errors = cases.count { $0.status == .error }
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += "<testsuites name=\"rein test\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        out += "  <testsuite name=\"recorded incidents\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n"
        for item in cases {
            let head = "    <testcase classname=\"rein.incidents\" name=\(Self.attribute(item.path))"
            switch item.status {
            case .passed: out += head + "/>\n"
            case .skipped: out += head + ">\n      <skipped message=\"no expect: block\"/>\n    </testcase>\n"
            case .failed:
                let diff = item.mismatches.map { "\($0.key): expected \($0.expected), got \($0.actual)" }.joined(separator: "\n")
                let message = item.mismatches.count == 1 ? "1 expectation not met" : "\(item.mismatches.count) expectations not met"
                out += head + ">\n      <failure type=\"expectation\" message=\(Self.attribute(message))>\(Self.text(diff))</failure>\n    </testcase>\n"
            case .error:
                out += head + ">\n      <error type=\"incident\" message=\(Self.attribute(item.error ?? "cannot be replayed"))/>\n    </testcase>\n"
            }
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }

    /// A quoted XML attribute value.
    static func attribute(_ value: String) -> String {
        "\"" + escape(value, quotes: true) + "\""
    }

    static func text(_ value: String) -> String {
        escape(value, quotes: false)
    }

    /// `&`, `<`, `>` (and quotes in attributes) as entities; control characters XML 1.0 cannot
    /// hold dropped, newlines in attributes as `&#10;`.
    private static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "\n" where quotes: out += "&#10;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

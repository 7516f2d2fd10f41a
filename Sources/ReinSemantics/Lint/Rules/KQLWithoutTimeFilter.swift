import ReinSyntax

/// A KQL template that reads a table without `ago(`.
struct KQLWithoutTimeFilter: LintRule {
    let id = "kql-without-time-filter"
    let defaultLevel = Severity.warning
    let summary = "a KQL template that reads a table with no time filter (no ago( outside strings and comments)"
    let rationale = """
        Log Analytics tables only grow. A query without a time filter scans the table's whole \
        retention: slow, costly, and its answer is dominated by old rows that say nothing \
        about the incident. Filter on time with `ago(…)`, best with a bounded duration arg: \
        `| where TimeGenerated > ago({lookback})`. Queries that read no table (`print`, \
        `datatable`, `range`) are exempt.
        """
    let examples = LintExamples(
        triggering: [
            """
            query pod_restarts {
              description "Restart counts of the pods of a namespace"
              arg namespace: namespace
              kql \"""
                KubePodInventory
                | where Namespace == {namespace}
                | summarize max(PodRestartCount) by Name
                \"""
            }
            """,
            """
            query pod_restarts {
              description "Restart counts of the pods of a namespace"
              arg namespace: namespace
              kql \"""
                KubePodInventory
                // not `ago(1h)`: a comment is no filter
                | where Namespace == {namespace} and Name != "ago(1h)"
                \"""
            }
            """,
        ],
        passing: [
            """
            query pod_restarts {
              description "Restart counts of the pods of a namespace"
              arg namespace: namespace
              arg lookback: duration in 5m..24h = 1h
              kql \"""
                KubePodInventory
                | where TimeGenerated > ago({lookback})
                | where Namespace == {namespace}
                | summarize max(PodRestartCount) by Name
                \"""
            }
            """,
        ])

    /// Sources that read no table.
    static let tableless: Set<String> = ["print", "datatable", "range"]

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.model.tools.compactMap { tool in
            guard let kql = tool.kql else { return nil }
            let code = Self.code(of: kql)
            let first = Self.firstWord(code)
            guard !Self.tableless.contains(first ?? ""), !Self.callsAgo(code) else { return nil }
            let reads = first.flatMap { $0 == "let" ? nil : " reads `\($0)`" } ?? ""
            return LintFinding(
                at: kql.span, "query `\(tool.name)`\(reads) with no time filter",
                help: "filter on time: `| where TimeGenerated > ago({lookback})` with a bounded duration arg")
        }
    }

    /// The template's bytes with string contents and comments blanked: only KQL code is left.
    static func code(of template: KQLTemplate) -> [UInt8] {
        var bytes: [UInt8] = []
        for segment in template.segments {
            switch segment {
            case .text(let text): bytes += Array(text.utf8)
            case .placeholder(let name): bytes += Array("{\(name)}".utf8)
            }
        }
        for range in KQLScanner.scan(bytes).nonCode { bytes.replaceSubrange(range, with: repeatElement(0x20, count: range.count)) }
        return bytes
    }

    /// The first identifier of the code: the table (or `let`, `print`, …).
    static func firstWord(_ code: [UInt8]) -> String? {
        guard let start = code.firstIndex(where: isIdentifierByte) else { return nil }
        let end = code[start...].firstIndex { !isIdentifierByte($0) } ?? code.endIndex
        return String(decoding: code[start..<end], as: UTF8.self)
    }

    /// True when the code calls `ago` (`ago(`, `ago (`).
    static func callsAgo(_ code: [UInt8]) -> Bool {
        let word = Array("ago".utf8)
        var index = 0
        while index + word.count <= code.count {
            defer { index += 1 }
            guard code[index..<(index + word.count)].elementsEqual(word) else { continue }
            if index > 0, isIdentifierByte(code[index - 1]) { continue }
            let next = code[(index + word.count)...].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            if next == UInt8(ascii: "(") { return true }
        }
        return false
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}

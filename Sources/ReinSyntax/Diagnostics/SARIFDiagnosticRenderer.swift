/// Renders diagnostics as SARIF 2.1.0 for code scanning, with what GitHub requires and
/// recommends beyond the schema.
///
/// One run. Its tool driver lists a rule for each code reported, sorted by id: a title
/// (`shortDescription`), what the code finds (`fullDescription`), help as text and markdown
/// (why it matters, what to do, examples), a `helpUri` into the documentation, the default
/// level, and the `precision` and `problem.severity` properties. One result per diagnostic, in
/// order: `ruleId`, `ruleIndex`, `level`, the message (with notes that have no location, and the
/// help), the location as a 1-based region in a file relative to the source root (see
/// ``SARIFArtifactLocation``), notes that have one as `relatedLocations`, and
/// `partialFingerprints` (see the fingerprint scheme in docs/DESIGN.md). Output is
/// deterministic: keys in a fixed order, nothing from the clock or the machine but the paths
/// given.
public struct SARIFDiagnosticRenderer: Sendable {
    /// Where the documentation of this version is unless said otherwise: `helpUri`s are this
    /// and a path such as `docs/LINT.md#unused-tool`.
    public static let defaultDocumentationBase = "https://github.com/contoso/rein/blob/main/"

    public let files: [SourceFile]
    public let toolVersion: String
    /// Where each file is, by file index: under the source root, or outside it.
    public let locations: [SARIFArtifactLocation]
    /// An absolute URI ending in `/` that documentation paths are resolved against.
    public let documentationBase: String
    /// The description of a code's rule (default: ``SARIFRuleDescription/catalogued(_:)``).
    public let describe: @Sendable (String) -> SARIFRuleDescription?

    public init(
        files: [SourceFile], toolVersion: String, locations: [SARIFArtifactLocation],
        documentationBase: String = defaultDocumentationBase,
        describe: @escaping @Sendable (String) -> SARIFRuleDescription? = SARIFRuleDescription.catalogued
    ) {
        self.files = files
        self.toolVersion = toolVersion
        self.locations = locations
        self.documentationBase = documentationBase
        self.describe = describe
    }

    /// `uri` as a documentation base: an absolute URI (a scheme, `:`, then printable ASCII
    /// that a URI may hold), with a `/` added at the end when missing; nil for anything else.
    public static func documentationBase(_ uri: String) -> String? {
        let bytes = Array(uri.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon + 1 < bytes.count else { return nil }
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let schemeIsValid = isLetter(bytes[0])
            && bytes[..<colon].allSatisfy { isLetter($0) || isDigit($0) || Array("+-.".utf8).contains($0) }
        let excluded = Array("\"<>\\^`{|}".utf8)
        guard schemeIsValid, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !excluded.contains($0) }) else { return nil }
        return uri.hasSuffix("/") ? uri : uri + "/"
    }

    /// GitHub shows at most this many characters of a rule's short and full descriptions;
    /// longer ones are cut (counted in UTF-8 bytes, the strictest reading).
    static let maximumDescription = 1024

    public func render(_ diagnostics: [Diagnostic]) -> String {
        var firstLevels: [String: Severity] = [:]
        for diagnostic in diagnostics where firstLevels[diagnostic.code] == nil {
            firstLevels[diagnostic.code] = diagnostic.severity
        }
        let codes = firstLevels.keys.sorted()
        let index = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($0.element, $0.offset) })
        let rules = codes.map { code in
            rule(code, description: describe(code) ?? .undocumented(code), firstLevel: firstLevels[code] ?? .error)
        }
        var fingerprints = SARIFFingerprints()
        let results = diagnostics.map { result($0, ruleIndex: index[$0.code] ?? 0, fingerprints: &fingerprints) }
        return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
            + "\"tool\":{\"driver\":{\"name\":\"rein\",\"version\":\(JSONString.quote(toolVersion)),"
            + "\"rules\":[\(rules.joined(separator: ","))]}},"
            + "\"columnKind\":\"unicodeCodePoints\","
            + "\"results\":[\(results.joined(separator: ","))]}]}\n"
    }

    private func rule(_ code: String, description: SARIFRuleDescription, firstLevel: Severity) -> String {
        let level = description.defaultLevel ?? firstLevel
        let helpURI = documentationBase + description.documentation
        let text = ([description.summary] + description.paragraphs + ["Documentation: \(helpURI)"]).joined(separator: "\n\n")
        let markdown = ([Self.markdownEscaped(description.summary)] + description.paragraphs + description.markdownOnly
            + ["[Documentation](\(helpURI))"]).joined(separator: "\n\n")
        return "{\"id\":\(JSONString.quote(code)),"
            + "\"shortDescription\":{\"text\":\(JSONString.quote(Self.limited(description.title)))},"
            + "\"fullDescription\":{\"text\":\(JSONString.quote(Self.limited(description.summary)))},"
            + "\"helpUri\":\(JSONString.quote(helpURI)),"
            + "\"help\":{\"text\":\(JSONString.quote(text)),\"markdown\":\(JSONString.quote(markdown))},"
            + "\"defaultConfiguration\":{\"level\":\"\(Self.level(level))\"},"
            + "\"properties\":{\"precision\":\"\(description.precision.rawValue)\",\"problem.severity\":\"\(Self.problemSeverity(level))\"}}"
    }

    private func result(_ diagnostic: Diagnostic, ruleIndex: Int, fingerprints: inout SARIFFingerprints) -> String {
        var message = diagnostic.message
        for note in diagnostic.notes where note.span.flatMap(physicalLocation) == nil {
            message += "\nnote: \(note.message)"
        }
        if let help = diagnostic.help { message += "\nhelp: \(help)" }
        let related = diagnostic.notes.compactMap { note in note.span.flatMap(physicalLocation).map { (note.message, $0) } }
            .enumerated().map { offset, item in
                "{\"id\":\(offset + 1),\"physicalLocation\":\(item.1),\"message\":{\"text\":\(JSONString.quote(item.0))}}"
            }
        let fingerprint = fingerprints.next(
            ruleID: diagnostic.code, uri: locations.indices.contains(diagnostic.span.file) ? locations[diagnostic.span.file].uri : "",
            message: diagnostic.message, lineText: lineText(at: diagnostic.span))
        var out = "{\"ruleId\":\(JSONString.quote(diagnostic.code)),\"ruleIndex\":\(ruleIndex),"
            + "\"level\":\"\(Self.level(diagnostic.severity))\",\"message\":{\"text\":\(JSONString.quote(message))},"
            + "\"locations\":[\(physicalLocation(diagnostic.span).map { "{\"physicalLocation\":\($0)}" } ?? "")]"
        if !related.isEmpty { out += ",\"relatedLocations\":[\(related.joined(separator: ","))]" }
        return out + ",\"partialFingerprints\":{\"\(SARIFFingerprints.key)\":\(JSONString.quote(fingerprint))}}"
    }

    /// A `physicalLocation` object, or nil when the span names no file of the report.
    private func physicalLocation(_ span: SourceSpan) -> String? {
        guard files.indices.contains(span.file), locations.indices.contains(span.file) else { return nil }
        let file = files[span.file]
        let start = file.position(of: span.start)
        let end = file.position(of: Swift.max(span.start, span.end))
        return "{\"artifactLocation\":\(locations[span.file].json),\"region\":{\"startLine\":\(start.line),"
            + "\"startColumn\":\(start.column),\"endLine\":\(end.line),\"endColumn\":\(end.column)}}"
    }

    private func lineText(at span: SourceSpan) -> String {
        guard files.indices.contains(span.file) else { return "" }
        let file = files[span.file]
        return file.lineText(file.line(of: span.start))
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// GitHub's `problem.severity`: `error`, `warning` or `recommendation`.
    static func problemSeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "recommendation"
        }
    }

    /// Text cut to ``maximumDescription`` UTF-8 bytes (on a scalar boundary, ending in `…`).
    static func limited(_ text: String) -> String {
        guard text.utf8.count > maximumDescription else { return text }
        var out = String.UnicodeScalarView()
        var bytes = 0
        let ellipsis = "…"
        for scalar in text.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size + ellipsis.utf8.count > maximumDescription { break }
            out.append(scalar)
            bytes += size
        }
        return String(out) + ellipsis
    }

    /// Plain text for markdown: ASCII punctuation that markdown could read as syntax is
    /// backslash-escaped.
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>#|~".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

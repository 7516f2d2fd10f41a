import Foundation
import ReinAdapters

/// A fenced code block of a markdown file.
struct MarkdownBlock: Sendable {
    /// The fence's info string (`json`, `sh`, … or empty).
    var info: String
    /// The lines between the fences, each ending in `\n` (empty for an empty block).
    var content: String
    /// The 1-based line of the opening fence.
    var fenceLine: Int
    /// The 0-based indices of the content lines among the file's lines.
    var contentLines: Range<Int>
    /// `NAME` of an `<!-- example: NAME -->` marker on the line above the fence.
    var example: String?
    /// `FILE` of an `<!-- example: NAME (FILE) -->` marker: the block shows that file's contents.
    var exampleFile: String?
}

/// Reading and rewriting the fenced code blocks of a markdown file.
enum Markdown {
    /// The fenced blocks of `text`, in order (a fence may be indented, as in a list item).
    static func blocks(in text: String) -> [MarkdownBlock] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [MarkdownBlock] = []
        var index = 0
        while index < lines.count {
            let opening = lines[index].trimmingCharacters(in: .whitespaces)
            guard opening.hasPrefix("```") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
            let marker = index > 0 ? exampleMarker(lines[index - 1]) : nil
            blocks.append(
                MarkdownBlock(
                    info: String(opening.dropFirst(3)).trimmingCharacters(in: .whitespaces),
                    content: lines[start..<min(end, lines.count)].map { $0 + "\n" }.joined(),
                    fenceLine: index + 1, contentLines: start..<min(end, lines.count),
                    example: marker?.name, exampleFile: marker?.file))
            index = end + 1
        }
        return blocks
    }

    /// The marked example blocks of `text`, by name.
    static func examples(in text: String) -> [String: MarkdownBlock] {
        var found: [String: MarkdownBlock] = [:]
        for block in blocks(in: text) {
            if let name = block.example { found[name] = block }
        }
        return found
    }

    /// `text` with the content of each marked example named in `contents` replaced.
    static func replacingExamples(_ contents: [String: String], in text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // From the last block up, so earlier line indices stay valid.
        for block in blocks(in: text).reversed() {
            guard let name = block.example, let content = contents[name] else { continue }
            let replacement = content.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            lines.replaceSubrange(block.contentLines, with: replacement)
        }
        return lines.joined(separator: "\n")
    }

    /// `(name, file)` of a line `<!-- example: NAME -->` or `<!-- example: NAME (FILE) -->`.
    private static func exampleMarker(_ line: String) -> (name: String, file: String?)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("<!-- example: "), trimmed.hasSuffix(" -->") else { return nil }
        let body = trimmed.dropFirst("<!-- example: ".count).dropLast(" -->".count)
        let parts = body.split(separator: " ", maxSplits: 1)
        guard let name = parts.first else { return nil }
        let file = parts.count > 1 ? String(parts[1].dropFirst().dropLast()) : nil
        return (String(name), file)
    }
}

/// JSON laid out for reading: `"key": value, …` with a space after each colon and comma; a value
/// that fits on its line stays on it, a longer object or array puts one member per line,
/// indented by two. Only white space differs from what Rein prints.
enum DocJSON {
    static let width = 100

    static func layout(_ value: JSONValue, indent: Int = 0, column: Int = 0) -> String {
        let inline = self.inline(value)
        let pad = String(repeating: " ", count: indent + 2)
        let close = "\n" + String(repeating: " ", count: indent)
        switch value {
        case .object(let object) where column + inline.count + 1 > width && !object.entries.isEmpty:
            let members = object.entries.map { entry -> String in
                let key = JSONWriter.string(.string(entry.key)) + ": "
                return pad + key + layout(entry.value, indent: indent + 2, column: indent + 2 + key.count)
            }
            return "{\n" + members.joined(separator: ",\n") + close + "}"
        case .array(let items) where column + inline.count + 1 > width && !items.isEmpty:
            let members = items.map { pad + layout($0, indent: indent + 2, column: indent + 2) }
            return "[\n" + members.joined(separator: ",\n") + close + "]"
        default:
            return inline
        }
    }

    /// The value on one line.
    static func inline(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            "{" + object.entries.map { JSONWriter.string(.string($0.key)) + ": " + inline($0.value) }.joined(separator: ", ") + "}"
        case .array(let items): "[" + items.map(inline).joined(separator: ", ") + "]"
        default: JSONWriter.string(value)
        }
    }

    /// One JSON value parsed from `text` (Rein's strict reader: members keep their order).
    static func parse(_ text: String) throws -> JSONValue {
        try JSONReader.parse(text).get()
    }
}

extension JSONValue {
    /// The member `key` of an object, or nil.
    subscript(member key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The elements of an array (empty for anything else).
    var elements: [JSONValue] {
        guard case .array(let items) = self else { return [] }
        return items
    }

    /// The text of a string (nil for anything else).
    var text: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }
}

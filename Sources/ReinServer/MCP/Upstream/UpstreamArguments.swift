import Foundation
import ReinAdapters

/// The arguments an upstream tool gets, built from a call's validated args by the
/// configuration's mappings (`mcp.tools.TOOL.args`): an arg by name, a constant, the query's
/// rendered KQL, a command template with each arg shell-quoted, or a JSON text.
enum UpstreamArguments {
    /// The upstream's arguments, or why they cannot be built.
    static func build(_ bindings: [MCPConfig.ArgBinding], args: JSONObject, kql: String?) -> Result<JSONObject, UpstreamError> {
        var entries: [(key: String, value: JSONValue)] = []
        for binding in bindings {
            switch value(binding.mapping, args: args, kql: kql) {
            case .success(let value?): entries.append((binding.name, value))
            case .success(nil): continue
            case .failure(let error): return .failure(error)
            }
        }
        return .success(JSONObject(entries: entries))
    }

    private static func value(_ mapping: MCPConfig.ArgMapping, args: JSONObject, kql: String?) -> Result<JSONValue?, UpstreamError> {
        switch mapping {
        case .arg(let name): return .success(args[name])
        case .constant(let value): return .success(value)
        case .kql:
            guard let kql else { return .failure(UpstreamError(message: "the call has no KQL to pass")) }
            return .success(.string(kql))
        case .template(let template): return fill(template, args: args).map { .string($0) }
        case .json(let members): return build(members, args: args, kql: kql).map { .string(JSONWriter.string(.object($0))) }
        }
    }

    /// `template` with each `{arg}` replaced by the arg's value, shell-quoted.
    static func fill(_ template: String, args: JSONObject) -> Result<String, UpstreamError> {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = args[name] else { return .failure(UpstreamError(message: "the template names `{\(name)}`, which the call does not have")) }
            out += quoted(text(value))
            rest = rest[rest.index(after: close)...]
        }
        return .success(out + rest)
    }

    /// A value as a command word: strings as they are, numbers and booleans as JSON writes them.
    private static func text(_ value: JSONValue) -> String {
        if case .string(let string) = value { return string }
        return JSONWriter.string(value)
    }

    /// `word` for a POSIX shell: as it is when made only of safe characters, else in single
    /// quotes (a quote inside written `'\''`).
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "._/:=@%+-,".unicodeScalars.contains(scalar))
        }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

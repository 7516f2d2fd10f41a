import Crypto
import Foundation
import ReinAdapters
import Testing

/// The examples of docs/FORMATS.md are real: the input examples go through the built `rein` with
/// the example bundle, and every output example must be exactly what it prints
/// (`REIN_UPDATE_GOLDEN=1` rewrites them). The digest, the bundle digest, the PIM request ids and
/// the audit chain are also recomputed here, independently of Rein's own code.
@Suite("docs/FORMATS.md examples")
struct FormatsDocTests {
    static let document = repositoryRoot.appendingPathComponent("docs/FORMATS.md")

    /// Examples the reader writes (inputs) and examples `rein` prints (outputs); every marked
    /// block of the page is one of them.
    static let inputs: Set = ["proposal", "proposals", "incident", "kql-bundle", "kql-args", "bundle-digest", "audit-incident"]
    static let outputs: Set = [
        "decisions", "explained", "transcript", "replay", "kql", "card", "digest-input", "digest", "pim-activate",
        "pim-deactivate", "audit",
    ]

    static func examples() throws -> [String: MarkdownBlock] {
        Markdown.examples(in: try String(contentsOf: document, encoding: .utf8))
    }

    /// The content of the input example `name`.
    static func input(_ name: String) throws -> String {
        try #require(try examples()[name], "docs/FORMATS.md has no example `\(name)`").content
    }

    @Test func everyExampleIsChecked() throws {
        let names = Set(try Self.examples().keys)
        #expect(names == Self.inputs.union(Self.outputs), "unchecked: \(names.subtracting(Self.inputs.union(Self.outputs)))")
    }

    /// An example that shows a file of the repository shows it exactly.
    @Test func examplesShowTheirFiles() throws {
        let shown = try Self.examples().values.filter { $0.exampleFile != nil }
        #expect(shown.count >= 2)
        for block in shown {
            let file = try #require(block.exampleFile)
            let contents = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            #expect(block.content == contents, "docs/FORMATS.md:\(block.fenceLine) differs from \(file)")
        }
    }

    @Test func outputExamplesAreWhatReinPrints() throws {
        let actual = try DocOutputs.compute()
        #expect(Set(actual.keys) == Self.outputs)
        if updateGoldenFiles {
            let text = try String(contentsOf: Self.document, encoding: .utf8)
            try Markdown.replacingExamples(actual, in: text).write(to: Self.document, atomically: true, encoding: .utf8)
            return
        }
        let examples = try Self.examples()
        for name in Self.outputs.sorted() {
            let block = try #require(examples[name], "docs/FORMATS.md has no example `\(name)`")
            #expect(block.content == actual[name], "docs/FORMATS.md:\(block.fenceLine) (`\(name)`) is not what rein prints:\n\(actual[name] ?? "")")
        }
    }

    /// The digest is the SHA-256 of the canonical JSON shown, and the card carries it.
    @Test func digestIsRecomputed() throws {
        let canonical = try Self.input("digest-input").dropLast()
        let digest = sha256Hex(Array(canonical.utf8))
        #expect(try Self.input("digest") == digest + "\n")
        let card = try DocJSON.parse(try Self.input("card"))
        for action in card[member: "actions"]?.elements ?? [] {
            #expect(action[member: "data"]?[member: "digest"]?.text == digest)
        }
        let fields = try DocJSON.parse(String(canonical))
        #expect(fields[member: "incident"]?.text == "INC-20260512-0247")
        #expect(fields[member: "tool"]?.text == "scale_deployment")
    }

    /// The shell recipe gives the bundle digest the digest example holds, and so does Rein.
    @Test func bundleDigestRecipe() throws {
        let recipe = try Self.input("bundle-digest")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", recipe]
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        #expect(printed == Hashing.bundleDigest(bundle.sources) + "\n")
        let fields = try DocJSON.parse(String(try Self.input("digest-input").dropLast()))
        #expect(fields[member: "bundle"]?.text == Hashing.bundleDigest(bundle.sources))
    }

    /// Each PIM request id is the UUIDv5 of `rein:DIGEST:REQUEST_TYPE`.
    @Test(arguments: ["pim-activate": "SelfActivate", "pim-deactivate": "SelfDeactivate"].sorted { $0.key < $1.key })
    func pimRequestID(example: String, requestType: String) throws {
        let request = try DocJSON.parse(try Self.input(example))
        let digest = try Self.input("digest").dropLast()
        let path = try #require(request[member: "path"]?.text)
        #expect(path.contains("/roleAssignmentScheduleRequests/\(nameBasedUUID("rein:\(digest):\(requestType)"))?api-version=2020-10-01"))
        #expect(request[member: "body"]?[member: "properties"]?[member: "requestType"]?.text == requestType)
    }

    /// Every audit entry's hash is the SHA-256 of the entry without it, and each links to the one before.
    @Test func auditChainIsRecomputed() throws {
        let lines = try Self.input("audit").split(separator: "\n").map(String.init)
        #expect(lines.count >= 4)
        var previous = String(repeating: "0", count: 64)
        for (seq, line) in lines.enumerated() {
            let marker = #","hash":""#
            let cut = try #require(line.range(of: marker, options: .backwards), "entry \(seq) has no hash")
            let hash = String(line[cut.upperBound...].dropLast(2))
            // The hash covers the entry without `hash` in canonical form (keys sorted, no spaces).
            var entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            entry["hash"] = nil
            let canonical = try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(sha256Hex(Array(canonical)) == hash, "entry \(seq)")
            #expect(line.hasPrefix(#"{"seq":\#(seq),"at":"#), "entry \(seq) is not in the format's key order")
            #expect(line.contains(#""prev":"\#(previous)""#), "entry \(seq) does not link to the one before")
            #expect(line.contains(#""seq":\#(seq),"#))
            previous = hash
        }
        guard case .success = AuditVerifier.verify(lines.joined(separator: "\n") + "\n") else {
            Issue.record("rein audit verify refuses the example")
            return
        }
    }

    /// The incident example meets its own `expect:` block.
    @Test func incidentPassesItsTest() throws {
        let folder = try CLITests().temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("incident.yaml")
        try Self.input("incident").write(to: file, atomically: true, encoding: .utf8)
        let run = try CLITests().rein(["test", file.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("1 passed, 0 failed\n"))
    }
}

/// The output examples of docs/FORMATS.md as `rein` prints them for its input examples.
enum DocOutputs {
    static func compute() throws -> [String: String] {
        let cli = CLITests()
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ example: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try FormatsDocTests.input(example).write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        func rein(_ arguments: [String]) throws -> String {
            let run = try cli.rein(arguments)
            #expect(run.stderr.isEmpty || run.status == 0, "rein \(arguments.joined(separator: " ")): \(run.stderr)")
            return run.stdout
        }
        var out: [String: String] = [:]
        out["decisions"] =
            try rein(["eval", "--proposal", "examples/proposal.json"]) + rein(["eval", "--batch", "examples/proposals.jsonl"])
        out["explained"] = DocJSON.layout(try DocJSON.parse(try rein(["eval", "--explain", "--proposal", "examples/proposal.json"]))) + "\n"

        let incident = try file("incident.yaml", "incident")
        out["transcript"] = try rein(["replay", incident])
        let replay = try DocJSON.parse(try rein(["replay", "--json", incident]))
        let shown = try shownParts(of: replay)
        // The placeholders are written bare: `{…§6…}`, not a string.
        out["replay"] =
            DocJSON.layout(shown.elided).replacingOccurrences(of: "\"{…", with: "{…").replacingOccurrences(of: "…}\"", with: "…}") + "\n"
        out["card"] = DocJSON.layout(shown.card) + "\n"
        out["pim-activate"] = DocJSON.layout(shown.activate) + "\n"
        out["pim-deactivate"] = DocJSON.layout(shown.deactivate) + "\n"
        let canonical = try digestInput(of: replay)
        out["digest-input"] = canonical + "\n"
        out["digest"] = sha256Hex(Array(canonical.utf8)) + "\n"

        let bundle = try file("kql.rein", "kql-bundle")
        let args = try FormatsDocTests.input("kql-args").trimmingCharacters(in: .newlines)
        out["kql"] = try rein(["render", "kql", "logs_containing", "--bundle", bundle, "--args", args])

        let log = folder.appendingPathComponent("audit.jsonl")
        _ = try rein(["replay", "--audit", log.path, try file("audit-incident.yaml", "audit-incident")])
        out["audit"] = try String(contentsOf: log, encoding: .utf8)
        return out
    }

    /// The replay with its card and PIM requests taken out (the page shows them on their own).
    static func shownParts(of replay: JSONValue) throws -> (elided: JSONValue, card: JSONValue, activate: JSONValue, deactivate: JSONValue) {
        guard case .object(let object) = replay else { throw DocError("the replay is not an object") }
        var card: JSONValue?, activate: JSONValue?, deactivate: JSONValue?
        let effects = (replay[member: "effects"]?.elements ?? []).map { effect -> JSONValue in
            guard case .object(let members) = effect else { return effect }
            let (key, placeholder): (String, String)
            switch effect[member: "type"]?.text {
            case "send_approval_card": (key, placeholder) = ("card", "§6")
            case "activate_role": (key, placeholder) = ("request", "§7 activate")
            case "deactivate_role": (key, placeholder) = ("request", "§7 deactivate")
            default: return effect
            }
            let value = members[key]
            switch placeholder {
            case "§6": card = value
            case "§7 activate": activate = value
            default: deactivate = value
            }
            return .object(JSONObject(entries: members.entries.map { ($0.key, $0.key == key ? .string("{…\(placeholder)…}") : $0.value) }))
        }
        guard let card, let activate, let deactivate else { throw DocError("the replay has no card or no PIM requests") }
        let elided = JSONObject(entries: object.entries.map { ($0.key, $0.key == "effects" ? .array(effects) : $0.value) })
        return (.object(elided), card, activate, deactivate)
    }

    /// The canonical JSON the pending action's digest hashes, built from the replay and the bundle.
    static func digestInput(of replay: JSONValue) throws -> String {
        let execute = (replay[member: "effects"]?.elements ?? []).first { $0[member: "type"]?.text == "execute" }
        let pending = (replay[member: "steps"]?.elements ?? []).first {
            $0[member: "decision"]?[member: "decision"]?.text == "require_approval"
        }
        guard let execute, let args = execute[member: "args"], let tool = execute[member: "tool"],
            let incident = replay[member: "incident"],
            let id = pending?[member: "decision"]?[member: "id"]?.text, let iteration = id.split(separator: "#").last.flatMap({ Int64($0) })
        else { throw DocError("the replay executes nothing after an approval") }
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let body = JSONValue.object(
            JSONObject(entries: [
                ("args", args), ("bundle", .string(Hashing.bundleDigest(bundle.sources))), ("incident", incident),
                ("iteration", .integer(iteration)), ("tool", tool),
            ]))
        return String(decoding: try #require(CanonicalJSON.encode(body)), as: UTF8.self)
    }
}

struct DocError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SHA-256 as 64 lowercase hex digits (swift-crypto, not Rein's hashing).
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// The RFC 9562 version-5 UUID of `name` in the URL namespace.
func nameBasedUUID(_ name: String) -> String {
    let namespace: [UInt8] = [0x6B, 0xA7, 0xB8, 0x11, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8]
    var bytes = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x50
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { String(format: "%02x", $0) }.joined()
    return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
        String(hex.dropFirst(range.lowerBound).prefix(range.count))
    }.joined(separator: "-")
}

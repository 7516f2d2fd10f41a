import ReinAdapters
import Testing

/// The input schema of each arg type, and what an MCP client is told about a tool.
@Suite("MCP tool catalog")
struct ToolCatalogTests {
    /// Tools with an arg of each type, and a runbook that investigates with them, added to the
    /// example bundle (its identities, forbidden namespaces and write tools).
    static let extra = """
        tool read_things {
          effect read
          description "Read things"
          arg namespace: namespace
          arg limit: int in 1..50 = 10
          arg since: duration in 1m..1d = 1h
          arg verbose: bool = false
          arg level: "info" | "warn"
          arg filter: string len 2..40 matching #"^[a-z]+$"#
          arg note: string = "x"
        }
        tool annotate {
          effect read
          arg reason: string len 1..10
        }
        runbook schema_test {
          trigger alert.rule like "schema-test-*"
          investigate read_things, annotate
        }
        """

    static func tools(_ runbook: String = "schema_test") throws -> [JSONValue] {
        var bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        bundle.files.append(Parser.parse(SourceFile(path: "schema-test.rein", text: extra), fileIndex: bundle.files.count))
        let compiled = bundle.compile()
        let policy = try #require(compiled.policy, "\(compiled.diagnostics)")
        return try #require(ToolCatalog.tools(policy, runbook: runbook))
    }

    static func property(_ tool: JSONValue, _ name: String) -> JSONValue? {
        tool.at("inputSchema")?.at("properties")?.at(name)
    }

    @Test func eachArgTypeHasItsSchema() throws {
        let tools = try Self.tools()
        #expect(tools.compactMap { $0.at("name")?.text } == ["read_things", "annotate"])
        let read = tools[0]
        #expect(read.at("description") == .string("Read things"))
        let namespace = Self.property(read, "namespace")
        #expect(namespace?.at("maxLength") == .integer(63) && namespace?.at("not")?.at("enum")?.arrayItems.contains(.string("kube-system")) == true)
        let limit = Self.property(read, "limit")
        #expect(limit?.at("type") == .string("integer") && limit?.at("minimum") == .integer(1) && limit?.at("maximum") == .integer(50))
        #expect(limit?.at("default") == .integer(10))
        let since = Self.property(read, "since")
        #expect(since?.at("type") == .string("string") && since?.at("default") == .string("1h"))
        #expect(since?.at("description")?.text?.hasSuffix("from 1m to 1d") == true)
        #expect(Self.property(read, "verbose")?.at("type") == .string("boolean"))
        #expect(Self.property(read, "level")?.at("enum") == .array([.string("info"), .string("warn")]))
        let filter = Self.property(read, "filter")
        #expect(filter?.at("minLength") == .integer(2) && filter?.at("maxLength") == .integer(40))
        #expect(filter?.at("pattern") == .string(#"^(?:^[a-z]+(?![\s\S]))(?![\s\S])"#))
        #expect(Self.property(read, "note")?.at("maxLength") == .integer(1024))
        #expect(read.at("inputSchema")?.at("required") == .array([.string("namespace"), .string("level"), .string("filter")]))
        #expect(read.at("inputSchema")?.at("additionalProperties") == .bool(false))
        #expect(Self.property(read, "reason")?.at("maxLength") == .integer(2000))
        #expect(read.at("annotations") == .object(JSONObject(entries: [("readOnlyHint", .bool(true)), ("openWorldHint", .bool(false))])))
    }

    @Test func anArgNamedReasonIsTheToolsOwn() throws {
        let annotate = try Self.tools()[1]
        #expect(Self.property(annotate, "reason")?.at("maxLength") == .integer(10))
        #expect(annotate.at("inputSchema")?.at("properties")?.keys == ["reason"])
    }

    @Test func aWriteToolIsDestructiveAndSaysItWaitsForApproval() throws {
        let restart = try #require(try Self.tools("aks_crashloop_backoff").first { $0.at("name")?.text == "restart_deployment" })
        #expect(restart.at("annotations")?.at("readOnlyHint") == .bool(false) && restart.at("annotations")?.at("destructiveHint") == .bool(true))
        #expect(restart.at("description")?.text?.contains("waits for a human's approval") == true)
        #expect(Self.property(restart, "deployment")?.at("maxLength") == .integer(253))
    }
}

extension JSONValue {
    fileprivate func at(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    fileprivate var arrayItems: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    fileprivate var keys: [String] {
        if case .object(let object) = self { return object.entries.map(\.key) }
        return []
    }
}

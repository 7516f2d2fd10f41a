import ArgumentParser
import ReinAdapters

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print one artifact for inspection: an approval card, a PIM request, a query's KQL, or a runbook's tools as an MCP client sees them.",
        subcommands: [RenderCardCommand.self, RenderPIMCommand.self, RenderKQLCommand.self, RenderToolsCommand.self]
    )
}

/// What `render card` and `render pim` share: a proposal, decided in a fresh session of its
/// runbook for an incident and alert.
struct ProposalRenderOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A proposal (docs/FORMATS.md §1) that needs approval; - reads stdin.", valueName: "proposal"))
    var proposal: String

    @Option(help: ArgumentHelp("The alert (common alert schema JSON) the session runs for: its target gives the elevation scope.", valueName: "file"))
    var alert: String?

    @Option(help: ArgumentHelp("The incident id (default: INC-0).", valueName: "id"))
    var incident = "INC-0"

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Flag(help: "Indent the JSON for reading (one member per line).")
    var pretty = false

    /// The pending action the proposal creates, with what rendering it needs.
    func pending() throws -> (
        pending: PendingApproval, interpreter: Interpreter, alert: JSONObject, policy: CompiledPolicy, at: Timestamp
    ) {
        let (policy, sources) = try loadCompiledBundle(bundlePaths)
        let alertObject = try alert.map { path -> JSONObject in
            guard case .success(.object(let object)) = JSONReader.parse(try readText(path)) else {
                throw CLIError("`\(path)` is not a JSON object (an alert in the common alert schema)")
            }
            return object
        } ?? JSONObject(entries: [])
        let parsed: Proposal
        switch ProposalDecoder.decode(line: Array(try readText(proposal).utf8), lineNumber: 1) {
        case .success(let decoded): parsed = decoded
        case .failure(let malformed): throw CLIError("the proposal is malformed: \(malformed.message)")
        }
        let at = try time(of: parsed, alert: alertObject)
        guard let runbook = parsed.runbook ?? policy.runbookTriggered(by: alertObject, context: parsed.context, at: at) else {
            throw CLIError("the proposal names no runbook and no runbook's trigger matches the alert")
        }
        guard
            let interpreter = Interpreter(
                policy: policy, incident: incident, runbook: runbook, alert: alertObject, context: parsed.context,
                bundleDigest: Hashing.bundleDigest(sources), sha256: Hashing.sha256Hex)
        else { throw CLIError("runbook `\(runbook)` is not declared") }
        var state = IncidentState()
        state.iteration = parsed.session.iteration
        state.denials = parsed.session.denials
        state.toolsRun = parsed.session.tools
        let action = ProposedAction(
            thought: parsed.thought, kind: parsed.kind ?? policy.defaultKind(ofTool: parsed.tool) ?? .remediation, tool: parsed.tool,
            args: parsed.args)
        let assessment = interpreter.assess(action, at: at, in: state)
        guard let pending = assessment.pending else {
            throw CLIError("the proposal does not need approval: it is \(DecisionEncoder.jsonLine(assessment.decision))")
        }
        return (pending, interpreter, alertObject, policy, at)
    }

    /// When the proposal is made: its `at`, else the alert's `firedDateTime`; with neither, the
    /// Unix epoch, and a warning, since the expiry (and a PIM start) would then read as 1970.
    private func time(of proposal: Proposal, alert: JSONObject) throws -> Timestamp {
        if let at = proposal.at { return at }
        if case .object(let data)? = alert["data"], case .object(let essentials)? = data["essentials"],
            case .string(let fired)? = essentials["firedDateTime"]
        {
            guard let time = Timestamp(rfc3339: fired) else {
                throw CLIError("the alert's `data.essentials.firedDateTime` is not an RFC 3339 time: `\(fired)`")
            }
            return time
        }
        writeError(
            "rein: warning: the proposal has no `at` and no alert gives `firedDateTime`: times count from 1970-01-01T00:00:00Z")
        return Timestamp(seconds: 0)
    }
}

struct RenderCardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "The Teams Adaptive Card (docs/FORMATS.md §6) a proposal that needs approval sends.",
        discussion: """
            Example:
              rein render card examples/proposal.json --alert examples/alert.json --incident INC-20260512-0247
            """
    )

    @OptionGroup var options: ProposalRenderOptions

    func run() throws {
        let (pending, interpreter, _, _, _) = try options.pending()
        let card = ApprovalCard.card(pending, incident: interpreter.incident, runbook: interpreter.runbook.name)
        print(JSONWriter.string(card, pretty: options.pretty))
    }
}

struct RenderPIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pim",
        abstract: "The PIM activation and deactivation requests (docs/FORMATS.md §7) a remediation needs once approved.",
        discussion: """
            The activation starts at the proposal's `at` (in a session, the time of the approval \
            that completes the count). Needs --alert: its target gives the scope.

            Example:
              rein render pim examples/proposal.json --alert examples/alert.json --incident INC-20260512-0247
            """
    )

    @OptionGroup var options: ProposalRenderOptions

    func run() throws {
        let (pending, interpreter, alert, policy, at) = try options.pending()
        guard let plan = pending.elevation else { throw CLIError("`\(pending.tool)` is not a remediation: no elevation") }
        guard let target = ReplayEncoder.alertTarget(alert), let elevation = policy.elevationTarget(for: plan, alertTarget: target) else {
            throw CLIError("no elevation scope: give --alert whose alertTargetIDs[0] holds the `\(plan.scope)` scope")
        }
        for (type, start) in [(PIMRequest.RequestType.activate, Optional(at)), (.deactivate, nil)] {
            let request = PIMRequest.request(
                type, plan: plan, target: elevation, incident: interpreter.incident, digest: pending.digest, start: start,
                sha1: ReplayEncoder.sha1)
            print(JSONWriter.string(request, pretty: options.pretty))
        }
    }
}

struct RenderKQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kql",
        abstract: "A query's KQL with its args written in as literals (docs/FORMATS.md §5).",
        discussion: """
            The args are checked as a proposal's would be (types, bounds, forbidden namespaces) \
            and defaults filled.

            Example:
              rein render kql pod_memory_trend --args '{"namespace":"payments","pod":"ledger-0"}'
            """
    )

    @Argument(help: ArgumentHelp("The query's name.", valueName: "query"))
    var query: String

    @Option(help: ArgumentHelp("The args, as a JSON object.", valueName: "json"))
    var args = "{}"

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    func run() throws {
        let policy = try loadPolicy(bundlePaths)
        guard policy.queries.contains(where: { $0.name.isExactly(query) }) else {
            if policy.declaresTool(query) {
                throw CLIError("`\(query)` is a tool, not a query: only queries have KQL")
            }
            throw CLIError("`\(query)` is not a query of the bundle")
        }
        guard case .success(.object(let object)) = JSONReader.parse(args) else { throw CLIError("--args must be a JSON object") }
        switch policy.validatedArgs(tool: query, args: object) {
        case .success(let validated):
            guard let kql = policy.renderedKQL(tool: query, args: validated) else { throw CLIError("`\(query)` cannot be rendered") }
            print(kql)
        case .failure(let problems):
            for reason in problems.reasons { writeError("rein: \(reason.code.rawValue): \(reason.message)") }
            throw ExitCode(1)
        }
    }
}

struct RenderToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "A runbook's tools as an MCP client lists them: descriptions, input schemas, annotations.",
        discussion: """
            Prints `{"tools":[…]}`: exactly the runbook's investigate and remediate tools and \
            queries, each with an inputSchema (JSON Schema 2020-12) generated from its args, \
            and readOnlyHint / destructiveHint annotations. The schema advises the model; Rein \
            still checks every call.

            Example:
              rein render tools aks_crashloop_backoff --pretty
            """
    )

    @Argument(help: ArgumentHelp("The runbook's name.", valueName: "runbook"))
    var runbook: String

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    func run() throws {
        let policy = try loadPolicy(bundlePaths)
        guard let tools = ToolCatalog.tools(policy, runbook: runbook) else {
            throw CLIError("`\(runbook)` is not a runbook of the bundle")
        }
        print(JSONWriter.string(.object(JSONObject(entries: [("tools", .array(tools))])), pretty: pretty))
    }
}

/// A file's text, or stdin's for `-`.
func readText(_ path: String) throws -> String {
    if path == "-" {
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        return text
    }
    do throws(IncidentLoader.LoadError) {
        return String(decoding: try IncidentLoader.load(path).bytes, as: UTF8.self)
    } catch {
        throw CLIError(error.description)
    }
}

import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ReinAdapters
import ReinServer
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rein serve` (installed as `rein-serve`): the live session host.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rein-serve",
        abstract: "The live session host: agents ask it before every step, approvers answer through it.",
        discussion: """
            Serves the HTTP API of docs/SERVE.md over the bundle (default: policies/ and \
            runbooks/). Every incident is kept in an embedded SQLite database under --data, or \
            in the PostgreSQL database of --database, which any number of replicas share; an \
            answer is sent only once what it acknowledges is on disk. A bundle with errors \
            refuses to start (exit 2). SIGTERM or SIGINT: stop accepting, finish what is in \
            flight, exit 0.

            In production: `rein-serve --config /etc/rein/rein-serve.yaml --data /var/lib/rein`, \
            or for each replica `rein-serve --config /etc/rein/rein-serve.yaml --database \
            postgres://rein@db.internal/rein` (the password from PGPASSWORD). \
            With --check it reads the configuration and the bundle, says what it would serve, \
            and exits (0 when both are valid, 2 otherwise) without opening the database.

            Examples:
              rein-serve --check --config examples/rein-serve.yaml
              rein-serve --check --config examples/rein-serve.yaml --bundle policies --bundle runbooks --listen 127.0.0.1:9090
              rein-serve --check --bundle policies --bundle runbooks      # exits 2: remediate lists and no executor
            """
    )

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Option(help: ArgumentHelp("The configuration file (default: rein-serve.yaml when it exists).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Where to listen (default 127.0.0.1:8080).", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("The folder of the database (default .rein).", valueName: "dir"))
    var data: String?

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database that several replicas share, instead of --data (postgres://USER@HOST[:PORT]/DB; the password from PGPASSWORD).",
            valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("Also append the audit log to this file, which `rein audit verify` accepts at any moment.", valueName: "file"))
    var audit: String?

    @Option(help: ArgumentHelp("Log lines as `text` (default) or `json` (one object a line on stderr).", valueName: "format"))
    var logFormat: String?

    @Flag(help: "Check the configuration and the bundle, then exit without serving.")
    var check = false

    func run() async throws {
        // A stdio upstream that dies must not take the server with it.
        signal(SIGPIPE, SIG_IGN)
        var settings = try loadConfig()
        if let listen {
            guard let (host, port) = ServeConfig.parseListen(listen) else { fail("--listen: expected HOST:PORT, not `\(listen)`") }
            (settings.listenHost, settings.listenPort) = (host, port)
        }
        if let data {
            settings.data = data
            settings.database = nil
        }
        if let database {
            if case .failure(let error) = PostgresLocation.parse(database, environment: [:]) { fail("--database: \(error)") }
            settings.database = database
        }
        if let audit { settings.audit = audit }
        if let logFormat {
            guard let format = ServeConfig.LogFormat(rawValue: logFormat) else { fail("--log-format: expected `text` or `json`, not `\(logFormat)`") }
            settings.logFormat = format
        }
        if settings.logFormat == .json {
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        }
        let bundle = try loadBundle()
        if let refusal = Self.noExecutor(bundle, settings: settings) { fail(refusal) }
        if let teams = settings.teams {
            // Checked before --check returns; the executors check it again when they are made.
            let missing = TeamsCards.missingChannels(in: bundle.policy, config: teams)
            for problem in missing { writeError("\(settings.path ?? "rein-serve.yaml"):\(teams.line): \(problem)") }
            if !missing.isEmpty { fail("the configuration's `teams.channels` does not fit the bundle") }
        }
        if let mcp = settings.mcp {
            let problems = mcp.problems(against: bundle.policy, path: settings.path ?? "rein-serve.yaml")
            for problem in problems { writeError(problem) }
            if !problems.isEmpty { fail("the configuration's `mcp` section does not fit the bundle") }
        }
        let environment = ProcessInfo.processInfo.environment
        if check {
            print(
                "rein-serve: would serve bundle \(bundle.digest) (\(bundle.files.count) files) on \(settings.listenHost):\(settings.listenPort), "
                    + (settings.database.map { "database \(Self.redacted($0))" } ?? "data in \(settings.data)") + ", \(settings.tokens.entries.count) tokens"
                    + (settings.audit.map { ", audit file \($0)" } ?? "")
                    + (settings.auditBlob.map { ", audit blobs \($0.accountURL)/\($0.container)/\($0.blobName(1))…" } ?? "")
                    + (settings.webhook.map { ", effects to \($0.url)" } ?? ""))
            if let webhook = settings.webhook, (environment[webhook.secretEnv] ?? "").isEmpty {
                writeError("rein-serve: note: `\(webhook.secretEnv)` is not set here; the server will not start without the webhook's secret")
            }
            return
        }
        var executors: EffectExecutors?
        do {
            executors = try settings.executors(environment: environment)
        } catch {
            fail(error.messages.joined(separator: "; "))
        }
        if executors == nil, settings.teams != nil || settings.pim != nil || settings.paging != nil {
            executors = EffectExecutors(webhook: nil, activationTimeout: settings.activationTimeout)
        }
        var upstreams: [String: any MCPUpstream] = [:]
        if let mcp = settings.mcp {
            let path = settings.path ?? "rein-serve.yaml"
            do {
                upstreams = try mcp.connectUpstreams(environment: environment, path: path)
            } catch {
                for message in error.messages { writeError(message) }
                fail("the configuration's `mcp.upstreams` cannot be used")
            }
            let problems = await mcp.upstreamProblems(upstreams, path: path)
            if !problems.isEmpty {
                for problem in problems { writeError(problem) }
                for upstream in upstreams.values { await upstream.shutdown() }
                fail("the configuration's `mcp.tools` does not fit the upstreams")
            }
        }
        // The Entra ID identities: every secret and certificate must be there before serving.
        var entraTokens: EntraTokens?
        if let entra = settings.entra {
            do {
                entraTokens = try await EntraTokens.make(entra, environment: environment, clock: SystemClock(), path: settings.path ?? "rein-serve.yaml")
            } catch {
                for message in error.messages { writeError(message) }
                fail("the configuration's `entra.identities` cannot be used")
            }
        }
        // PIM for elevations, Teams for cards, paging for pages, over the webhook for their types.
        var azure = AzureExecutors()
        switch AzureExecutors.make(
            settings, policy: bundle.policy, tokens: entraTokens, environment: environment, clock: SystemClock(), logger: Logger(label: "rein"))
        {
        case .success(let made): azure = made
        case .failure(let error):
            for message in error.messages { writeError(message) }
            fail("the configuration's Azure sections cannot be used")
        }
        if var made = executors {
            azure.install(into: &made)
            executors = made
        }
        // Approved remediations of mapped write tools run on their write upstream.
        let forwarder = settings.mcp.map { MCPExecuteExecutor(settings: $0, upstreams: upstreams) }
        if let forwarder, executors != nil {
            executors?.mcp = forwarder
            executors?.forwardedTools = forwarder.tools(in: bundle.policy)
        }
        let store = try await openStore(settings, environment: environment)
        var auditFile: AuditFileSink?
        if let path = settings.audit {
            do {
                auditFile = try await AuditFileSink.open(path, store: store)
            } catch let error as AuditFileError {
                fail(error.description)
            }
        }
        // The immutable copy: append blobs in Azure Storage, following the store's chain (with
        // replicas, from the one that leads).
        let auditBlob = AuditBlobFollower()
        if let blob = settings.auditBlob, let entraTokens {
            do {
                try await auditBlob.start(blob, tokens: entraTokens, store: store, logger: Logger(label: "rein"))
            } catch {
                fail("the audit blob cannot be used: \(error)")
            }
        }
        let paths = bundlePaths.isEmpty ? BundleLoader.defaultPaths() : bundlePaths
        let host = SessionHost(
            bundle: bundle, store: store, clock: SystemClock(), auditFile: auditFile, logger: Logger(label: "rein"), executors: executors
        ) { [settings] in
            let loaded = try HostBundle.load(paths)
            if let reloaded = loaded.bundle, let refusal = Self.noExecutor(reloaded, settings: settings) {
                throw HostError.unprocessable(refusal)
            }
            return loaded
        }
        forwarder?.attach(host)
        host.onAuditAppended { auditBlob.notify() }
        try await azure.attach(host)
        try await host.start()
        await azure.resume()
        let logger = Logger(label: "rein")
        let (listenHost, listenPort) = (settings.listenHost, settings.listenPort)
        // Alerts in: the secure webhook's keys come from the tenant's OpenID metadata.
        let keysClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let alertVerifier = settings.alerts?.secureWebhook.map {
            AlertIntake.verifier($0, authority: settings.entra?.authority ?? EntraConfig.defaultAuthority, keys: keysClient)
        }
        var handoff: HandoffDispatcher?
        if let agents = settings.agents {
            guard let secret = environment[agents.secretEnv], !secret.isEmpty else {
                fail("the agents' webhook secret is not set: `\(agents.secretEnv)` (agents.webhook.secret_env) is empty or unset")
            }
            handoff = HandoffDispatcher(
                url: agents.url, secret: Array(secret.utf8), publicURL: agents.publicURL ?? "http://\(listenHost):\(listenPort)", store: store,
                clock: SystemClock(), logger: logger)
            await handoff?.start()
        }
        let alerts = AlertIntake(
            host: host, tokens: settings.tokens, config: settings.alerts, verifier: alertVerifier, clock: SystemClock(), logger: logger,
            handoff: handoff)
        let teamsInbox = azure.inbox(keys: keysClient, host: host, clock: SystemClock(), logger: logger)
        let app = Application(
            router: APIRoutes(
                host: host, tokens: settings.tokens, mcp: settings.mcp ?? MCPConfig(), upstreams: upstreams, alerts: alerts, teams: teamsInbox
            ).router(),
            configuration: .init(address: .hostname(listenHost, port: listenPort), serverName: "rein"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listenPort
                logger.info("listening", metadata: ["address": "\(listenHost):\(port)", "bundle": "\(bundle.digest)"])
            },
            logger: logger)
        let reloader = BundleReloader(host: host, logger: logger)
        // Services stop in the reverse order: first the notice (requests get 503 from then on),
        // then the reloader, then the HTTP server, which finishes the requests under way.
        let group = ServiceGroup(
            configuration: .init(
                services: [app, reloader, ShutdownNotice(host: host, logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        await host.stop()
        await auditBlob.stop()
        for upstream in upstreams.values { await upstream.shutdown() }
        await entraTokens?.shutdown()
        try? await keysClient.shutdown()
        await handoff?.stop()
        await (store as? PostgresStore)?.close()
    }

    /// Why the server cannot run `bundle` with the executors `settings` configures: its
    /// `remediate` lists need every effect carried out (cards, elevations, executions, pages),
    /// by `executors.webhook` or a native executor. Nil when it can.
    static func noExecutor(_ bundle: HostBundle, settings: ServeConfig) -> String? {
        let runbooks = bundle.remediatingRunbooks
        guard !runbooks.isEmpty, settings.webhook == nil else { return nil }
        let named = "runbook\(runbooks.count == 1 ? "" : "s") \(runbooks.map { "`\($0)`" }.joined(separator: ", ")) "
            + "\(runbooks.count == 1 ? "has a" : "have") `remediate` list"
        let natives = settings.teams != nil || settings.pim != nil || settings.paging != nil
        guard natives else {
            return named + " but no executor is configured: nothing could be elevated, executed or paged; configure `executors.webhook` in rein-serve.yaml"
        }
        var missing: [String] = ["executions (`executors.webhook`)"]
        if settings.teams == nil { missing.append("approval cards (`teams` or `executors.webhook`)") }
        if settings.pim == nil { missing.append("elevations (`pim` or `executors.webhook`)") }
        if settings.paging == nil { missing.append("pages (`paging` or `executors.webhook`)") }
        return named + " but nothing would carry out its " + missing.joined(separator: ", ") + "; configure them in rein-serve.yaml"
    }

    private func loadConfig() throws -> ServeConfig {
        let path = config ?? (BundleLoader.exists("rein-serve.yaml") ? "rein-serve.yaml" : nil)
        guard let path else { return ServeConfig() }
        let file: SourceFile
        do {
            file = try IncidentLoader.load(path)
        } catch {
            fail(error.description)
        }
        switch ServeConfig.read(file) {
        case .success(let config): return config
        case .failure(let error):
            for message in error.messages { writeError(message) }
            fail("the configuration `\(path)` has errors")
        }
    }

    private func loadBundle() throws -> HostBundle {
        let paths = bundlePaths.isEmpty ? BundleLoader.defaultPaths() : bundlePaths
        guard !paths.isEmpty else { fail("no bundle: give --bundle PATH, or run where policies/ or runbooks/ exists") }
        let loaded: HostBundle.Loaded
        do {
            loaded = try HostBundle.load(paths)
        } catch let error as BundleLoader.LoadError {
            fail(error.description)
        }
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        guard let bundle = loaded.bundle, errors.isEmpty else {
            writeError(TextDiagnosticRenderer(files: loaded.sources).render(errors), terminator: "")
            fail("the bundle has errors; run `rein check` for details")
        }
        let warnings = loaded.diagnostics.count { $0.severity == .warning }
        if warnings > 0 { writeError("rein-serve: note: the bundle has \(warnings) lint warning\(warnings == 1 ? "" : "s"); run rein check") }
        return bundle
    }
}

/// Reloads the bundle on SIGHUP (as `POST /v1/bundles/reload` does).
struct BundleReloader: Service {
    let host: SessionHost
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                do {
                    let result = try await host.reload(by: nil)
                    logger.info("bundle reloaded", metadata: ["result": "\(JSONWriter.string(result))"])
                } catch {
                    logger.error("bundle reload refused", metadata: ["why": "\(error)"])
                }
            }
        }
    }
}

/// Tells the host when the graceful shutdown starts, so that new requests are answered 503.
struct ShutdownNotice: Service {
    let host: SessionHost
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: new requests are answered 503, those under way finish")
        await host.beginShutdown()
    }
}

/// Writes text (by default one line) to standard error.
func writeError(_ text: String, terminator: String = "\n") {
    let bytes = Array((text + terminator).utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Stops with `rein-serve: error: …` and exit status 2.
func fail(_ message: String) -> Never {
    writeError("rein-serve: error: \(message)")
    exit(2)
}

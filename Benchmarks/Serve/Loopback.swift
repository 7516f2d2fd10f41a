import Hummingbird
import Logging
import ServiceLifecycle

/// Serves `router` on a free loopback port in this process; the port, and the service group
/// that stops it.
func serveOnLoopback(_ router: Router<BasicRequestContext>, name: String) async throws -> (port: Int, group: ServiceGroup) {
    var logger = Logger(label: name)
    logger.logLevel = .warning
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? -1)
            continuation.finish()
        },
        logger: logger)
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    Task { try await group.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else { throw BenchError.notReady }
    return (port, group)
}

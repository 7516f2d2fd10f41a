// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Rein",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ReinSyntax", targets: ["ReinSyntax"]),
        .library(name: "ReinSemantics", targets: ["ReinSemantics"]),
        .library(name: "ReinEngine", targets: ["ReinEngine"]),
        .library(name: "ReinAdapters", targets: ["ReinAdapters"]),
        .executable(name: "rein", targets: ["rein"]),
        // The live session host: its own product, so that building `rein` compiles none of it.
        .executable(name: "rein-serve", targets: ["rein-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        // The server stack (the `rein-serve` product only).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // JWTs: client assertions signed for Entra ID, and the tokens Teams and Azure send.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        // The shared store of several replicas (`--database postgres://…`).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Source files, lexer, parser, AST, diagnostics and their renderers. Standard library only.
        .target(name: "ReinSyntax"),
        // Name resolution and type checking of a whole bundle. Standard library only.
        .target(name: "ReinSemantics", dependencies: ["ReinSyntax"]),
        // The pure core that decides: values, strict input, evaluator (no I/O, no clock).
        .target(name: "ReinEngine", dependencies: ["ReinSemantics"]),
        // Edges: reading files and folders into a bundle, streaming lines in and out, recorded
        // incidents (YAML, JSON), hashing (SHA-256 for digests and the audit chain).
        .target(
            name: "ReinAdapters",
            dependencies: [
                "ReinEngine",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The thin command-line front: one file per subcommand.
        .executableTarget(
            name: "rein",
            dependencies: [
                "ReinAdapters",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The live session host (`rein serve`): sessions kept by the pure interpreter, stored in
        // SQLite, served over HTTP. Its own targets and product: `rein` never links it.
        .target(
            name: "ReinServer",
            dependencies: [
                "ReinAdapters",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "rein-serve",
            dependencies: [
                "ReinServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Front-end benchmark: generates a large bundle, measures parse and check.
        .executableTarget(name: "rein-bench", dependencies: ["ReinAdapters"], path: "Benchmarks/FrontEnd"),
        // The live host under load: concurrent agents over HTTP, p50 / p99, start-up, memory.
        .executableTarget(
            name: "rein-bench-serve",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/Serve"
        ),
        // Decision latency in process: p50 / p99 of decode and decide over a proposals file.
        .executableTarget(name: "rein-bench-decide", dependencies: ["ReinAdapters"], path: "Benchmarks/Decide"),
        // Helpers shared by the test targets (a seeded generator).
        .target(name: "ReinTestSupport", path: "Tests/ReinTestSupport"),
        .testTarget(name: "ReinSyntaxTests", dependencies: ["ReinSyntax"]),
        .testTarget(name: "ReinSemanticsTests", dependencies: ["ReinSemantics", "ReinAdapters", "ReinTestSupport"]),
        .testTarget(name: "ReinEngineTests", dependencies: ["ReinEngine", "ReinTestSupport"]),
        // The fuzz harness: what each fuzz target does with one input, and the invariants it
        // asserts (README.md, "Reliability"). Also run, without libFuzzer, over the regression files.
        .target(name: "ReinFuzz", dependencies: ["ReinAdapters"], path: "Fuzz/Harness"),
        .testTarget(name: "ReinFuzzTests", dependencies: ["ReinFuzz", "ReinAdapters"]),
        .testTarget(
            name: "ReinServerTests",
            dependencies: [
                "ReinServer", "ReinAdapters", "ReinTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .testTarget(
            name: "ReinCorpusTests",
            dependencies: ["ReinAdapters", "ReinTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: []
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer entry points (`Scripts/fuzz.sh`), declared only when `REIN_FUZZ` is set: they
// link only with `--sanitize=fuzzer`, so the ordinary build never sees them.
if Context.environment["REIN_FUZZ"] != nil {
    for name in ["parse", "proposal", "incident"] {
        package.targets.append(
            .executableTarget(name: "rein-fuzz-\(name)", dependencies: ["ReinFuzz"], path: "Fuzz/Targets/\(name)"))
    }
}

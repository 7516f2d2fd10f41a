import AsyncHTTPClient
import Foundation

/// `rein-bench-serve --database postgres://…`: the load of ``LoadGenerator/drive`` against the
/// embedded SQLite store (one server) and against 1 and 3 replicas on one PostgreSQL database
/// (a fresh schema each), every request to the next replica in turn, in one run. For each
/// PostgreSQL run it also reads what the database spent: the CPU time of the server's
/// processes and the WAL it wrote, per step stored, from which the README estimates what one
/// primary carries.
enum ReplicaLoad {
    static func run(_ client: HTTPClient, binaries: URL, folder: URL, database: String, options: LoadGenerator.Options) async throws {
        let receiver = EffectReceiver()
        let hookPort = try await receiver.start()
        print("rein-bench-serve: \(options.agents) agents for \(options.seconds) s against SQLite, then replicas \(options.replicas) on PostgreSQL")
        for count in [0] + options.replicas {
            let store: [String]?
            var schema: String?
            if count == 0 {
                try LoadGenerator.config(in: folder, webhook: "http://127.0.0.1:\(hookPort)/hook")
                store = nil
            } else {
                let name = "bench_\(count)_\(UInt32.random(in: 0...UInt32.max))"
                schema = name
                let url = database + (database.contains("?") ? "&" : "?") + "schema=\(name)"
                try LoadGenerator.config(in: folder, webhook: "http://127.0.0.1:\(hookPort)/hook", extra: "database: \"\(url)\"")
                store = []
            }
            var servers: [Server] = []
            for _ in 0..<max(1, count) {
                servers.append(try await Server.start(binaries: binaries, folder: folder, client: client, store: store))
            }
            let before = Probe(database: database)
            let load = try await LoadGenerator.drive(client, ports: servers.map(\.port), agents: options.agents, seconds: options.seconds)
            let after = Probe(database: database)
            for server in servers { server.stop() }
            let what = count == 0 ? "SQLite, 1 server" : "PostgreSQL, \(count) replica\(count == 1 ? "" : "s")"
            print(
                String(
                    format: "%@: %.0f proposals/s (%d in %.1f s), round trip p50 %.2f ms, p99 %.2f ms, max %.2f ms", what,
                    Double(load.proposals) / load.elapsed, load.proposals, load.elapsed, Double(load.histogram.valueAtPercentile(50)) / 1000,
                    Double(load.histogram.valueAtPercentile(99)) / 1000, Double(load.histogram.max) / 1000))
            guard let schema, let steps = Probe.count("SELECT count(*) FROM \(schema).event", database: database), steps > 0 else { continue }
            let cpu = after.cpuSeconds - before.cpuSeconds
            let wal = after.walBytes - before.walBytes
            print(
                String(
                    format: "  PostgreSQL spent %.3f ms of CPU and wrote %.1f KiB of WAL per stored step (%d steps; %.1f s CPU, %.1f MiB WAL)",
                    cpu * 1000 / Double(steps), Double(wal) / 1024 / Double(steps), steps, cpu, Double(wal) / 1_048_576))
        }
        print("effects delivered to the webhook (signature checked): \(receiver.received), refused: \(receiver.refused)")
        await receiver.stop()
    }

    /// What the PostgreSQL server has spent so far: its processes' CPU time and its WAL position.
    struct Probe {
        var cpuSeconds: Double
        var walBytes: Int64

        init(database: String) {
            cpuSeconds = Self.postgresCPUSeconds()
            walBytes = Self.walPosition(database: database) ?? 0
        }

        /// User and system time of every process named `postgres` (the server, its backends).
        static func postgresCPUSeconds() -> Double {
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            var total = 0.0
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                    stat[stat.index(after: open)..<close] == "postgres"
                else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                // After the name: state is field 3, utime 14 and stime 15 (1-based, from pid).
                guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
                total += (user + system) / ticks
            }
            return total
        }

        static func walPosition(database: String) -> Int64? {
            guard let text = query("SELECT pg_current_wal_lsn()", database: database) else { return nil }
            let parts = text.split(separator: "/")
            guard parts.count == 2, let high = Int64(parts[0], radix: 16), let low = Int64(parts[1], radix: 16) else { return nil }
            return high << 32 | low
        }

        static func count(_ sql: String, database: String) -> Int? {
            query(sql, database: database).flatMap { Int($0) }
        }

        /// One value by `psql`.
        static func query(_ sql: String, database: String) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", database, "-Atc", sql]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

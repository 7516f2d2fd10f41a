import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `rein-serve` executable, which `rein serve` and `rein mcp-stdio` run: it links the
/// server stack (HTTP, SQLite) that `rein` itself leaves out.
enum ServeExecutable {
    /// Replaces this process with `rein-serve arguments…`; throws only when it cannot.
    static func exec(_ arguments: [String], for command: String) throws -> Never {
        guard let executable = locate() else {
            throw CLIError("`\(command)` needs the rein-serve executable: build it with `swift build --product rein-serve`, or put it on PATH")
        }
        var pointers = ([executable] + arguments).map { strdup($0) }
        pointers.append(nil)
        execv(executable, pointers)
        throw CLIError("cannot run `\(executable)`: \(String(cString: strerror(errno)))")
    }

    /// `rein-serve` beside this executable, else on PATH.
    static func locate() -> String? {
        var candidates: [String] = []
        if let own = ownPath() {
            candidates.append(String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/rein-serve")
        }
        if let path = getenv("PATH") {
            candidates += String(cString: path).split(separator: ":").map { "\($0)/rein-serve" }
        }
        return candidates.first { access($0, X_OK) == 0 }
    }

    private static func ownPath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

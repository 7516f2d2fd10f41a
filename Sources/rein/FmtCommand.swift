import ArgumentParser
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rein fmt [PATH…] [--check]` (docs/CLI.md): rewrites files in the canonical layout of
/// docs/LAYOUT.md, or with `--check` lists those that are not in it.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite .rein files in the one canonical layout.",
        discussion: """
            Every PATH is a .rein file or a folder searched recursively, as for `rein check`; \
            without any, policies/ and runbooks/ in the current folder, whichever exist. Only \
            the layout changes: indentation, spacing, blank lines, the alignment of arg types \
            and trailing comments. Every token, every comment and their order are kept, and \
            formatting twice changes nothing (docs/LAYOUT.md).

            A file is rewritten (atomically) only when its layout changes; each one rewritten \
            is listed on stdout. With --check nothing is written: the files that would change \
            are listed and the exit status is 1 if there are any. A file with syntax errors \
            is never rewritten: its diagnostics go to stderr, the other files are still \
            formatted, and the exit status is 2 (as for every command given a bundle that does \
            not parse). Exit status 2 also when the command could not run (missing path, \
            unreadable file, bad flag).

            Examples:
              rein fmt                      # policies/ and runbooks/
              rein fmt runbooks/aks_node_memory_pressure.rein
              rein fmt --check              # in CI: exit 1 if a file is not canonical
              rein fmt --check policies runbooks Benchmarks/Anchors/workload.rein
            """
    )

    @Argument(help: "Files or folders to format (default: policies/ and runbooks/).")
    var paths: [String] = []

    @Flag(help: "Write nothing: list the files that would change, and exit 1 if any would.")
    var check = false

    func run() throws {
        let files = try discoverFiles(paths).map { ($0, try readFile($0)) }
        var wouldChange = false
        var unformatted = false
        for (file, contents) in files {
            switch try outcome(file, contents) {
            case .unchanged:
                break
            case .changed(let formatted):
                if !check { try writeAtomically(formatted, to: file) }
                print(file.displayPath)
                wouldChange = wouldChange || check
            case .notFormatted:
                unformatted = true
            }
        }
        if unformatted { throw ExitCode(2) }
        if wouldChange { throw ExitCode(1) }
    }

    private enum Outcome {
        case unchanged
        case changed([UInt8])
        /// Why is already on stderr.
        case notFormatted
    }

    /// Formats one file's contents (nil: over the size limit), reporting on stderr why a file
    /// is not formatted.
    private func outcome(_ file: BundleLoader.FoundFile, _ contents: [UInt8]?) throws -> Outcome {
        guard let contents else {
            // Loading it as a bundle reports the size exactly as `rein check` does (unread).
            let bundle = try loadBundle([file.absolutePath])
            writeError(TextDiagnosticRenderer(files: bundle.sources).render(bundle.syntaxDiagnostics), terminator: "")
            writeError("rein: error: \(file.displayPath) was not formatted: it is too large")
            return .notFormatted
        }
        switch SourceFormatter.format(contents) {
        case .formatted(let formatted):
            return formatted == contents ? .unchanged : .changed(formatted)
        case .syntaxErrors(let diagnostics):
            let source = SourceFile(path: file.displayPath, bytes: contents)
            writeError(TextDiagnosticRenderer(files: [source]).render(diagnostics), terminator: "")
            writeError("rein: error: \(file.displayPath) was not formatted: fix its syntax errors first")
            return .notFormatted
        case .unverified(let reason):
            writeError("rein: error: \(file.displayPath) was not formatted: the formatter could not keep its meaning (\(reason)); please report this")
            return .notFormatted
        }
    }
}

/// The `.rein` files under `paths` (default: policies/ and runbooks/), found as `rein check`
/// finds a bundle's files.
private func discoverFiles(_ paths: [String]) throws -> [BundleLoader.FoundFile] {
    let requested = paths.isEmpty ? BundleLoader.defaultPaths() : paths
    guard !requested.isEmpty else {
        throw CLIError("nothing to format: give a path, or run where policies/ or runbooks/ exists")
    }
    let found: [BundleLoader.FoundFile]
    do {
        found = try BundleLoader.discover(requested)
    } catch let error as BundleLoader.LoadError {
        throw CLIError(error.description)
    }
    guard !found.isEmpty else { throw CLIError(BundleLoader.LoadError.noFiles(requested).description) }
    return found
}

/// A file's bytes, or nil when it is larger than a bundle file may be.
private func readFile(_ file: BundleLoader.FoundFile) throws -> [UInt8]? {
    let descriptor = open(file.absolutePath, O_RDONLY)
    guard descriptor >= 0 else { throw CLIError("cannot read \(file.displayPath): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    do throws(LineReader.ReadError) {
        return try LineReader.readAll(descriptor: descriptor, maxBytes: BundleLoader.maximumFileSize)
    } catch {
        throw CLIError("cannot read \(file.displayPath): \(error.description)")
    }
}

/// Replaces the file's contents in one step: a temporary file in the same folder (with the
/// file's permissions) is written, flushed to disk and renamed over it. A symbolic link is
/// kept: the file it points to is replaced.
private func writeAtomically(_ bytes: [UInt8], to file: BundleLoader.FoundFile) throws {
    let target = resolvedPath(file.absolutePath)
    let folder = target.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let name = target.split(separator: "/").last.map(String.init) ?? "file"
    var template = Array("\(folder)/.\(name).fmt-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress.map { mkstemp($0) } ?? -1
    }
    let failure = { (what: String) in CLIError("cannot write \(file.displayPath): \(what): \(String(cString: strerror(errno)))") }
    guard descriptor >= 0 else { throw failure("cannot create a temporary file") }
    let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var info = stat()
    let mode = stat(target, &info) == 0 ? info.st_mode & 0o7777 : 0o644
    let written = OutputWriter.writeAll(bytes, to: descriptor) && fchmod(descriptor, mode) == 0 && fsync(descriptor) == 0
    let closed = close(descriptor) == 0
    guard written, closed, rename(temporary, target) == 0 else {
        let error = failure("the new contents could not be saved")
        unlink(temporary)
        throw error
    }
}

/// The path with symbolic links resolved (the path itself when that fails).
private func resolvedPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

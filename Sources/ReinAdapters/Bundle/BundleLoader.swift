#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads `.rein` files and folders into a bundle: discovery, size limit, parsing.
///
/// Bundle order (Grammar/README.md §2): every path is resolved against the working folder and
/// normalised lexically, folders are searched recursively for `*.rein` (folders whose name
/// starts with `.`, and symbolic links to folders, are skipped), the same file named twice
/// counts once, and all files are sorted bytewise by their path relative to the working
/// folder — the path every diagnostic shows (docs/CLI.md: paths in output are relative).
public enum BundleLoader {
    /// Files larger than this are refused with one diagnostic, unread.
    public static let maximumFileSize = 8 * 1024 * 1024

    /// Why a bundle could not be loaded at all (the command cannot run: exit 2).
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case notFound(String)
        case unreadable(String, String)
        case noFiles([String])

        public var description: String {
            switch self {
            case .notFound(let path): "no such file or folder: \(path)"
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .noFiles(let paths): "no .rein files found in \(paths.joined(separator: ", "))"
            }
        }
    }

    /// The default bundle: `policies/` and `runbooks/` under the current folder, whichever exist.
    public static func defaultPaths(fileManager: FileManager = .default) -> [String] {
        ["policies", "runbooks"].filter { fileManager.fileExists(atPath: $0) }
    }

    /// One file of a bundle: where to read it and how to show it.
    public struct FoundFile: Sendable, Hashable {
        /// Absolute, lexically normalised.
        public var absolutePath: String
        /// Relative to the base folder (the working folder by default).
        public var displayPath: String
    }

    /// Every `.rein` file under `paths`, deduplicated and sorted bytewise by display path.
    /// Relative paths are resolved against `base` (default: the working folder), and display
    /// paths are relative to it.
    public static func discover(
        _ paths: [String], relativeTo base: String? = nil, fileManager: FileManager = .default
    ) throws -> [FoundFile] {
        let root = normalise(base ?? fileManager.currentDirectoryPath)
        var found: [String: FoundFile] = [:]
        func add(_ absolute: String) {
            found[absolute] = FoundFile(absolutePath: absolute, displayPath: relative(absolute, to: root))
        }
        for path in paths {
            let absolute = normalise(path.hasPrefix("/") ? path : root + "/" + path)
            guard let status = fileStatus(absolute) else { throw LoadError.notFound(path) }
            guard status.isFolder else {
                add(absolute)
                continue
            }
            for file in try walk(absolute, fileManager: fileManager) {
                add(normalise(absolute + "/" + file))
            }
        }
        return found.values.sorted { Array($0.displayPath.utf8).lexicographicallyPrecedes(Array($1.displayPath.utf8)) }
    }

    /// `path` relative to the folder `root` (both absolute and normalised): `runbooks/identities.rein`,
    /// or with a leading `../` outside it.
    public static func relative(_ path: String, to root: String) -> String {
        let target = path.split(separator: "/")
        let folder = root.split(separator: "/")
        var common = 0
        while common < target.count, common < folder.count, target[common] == folder[common] { common += 1 }
        let parts = Array(repeating: "..", count: folder.count - common) + target[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    private static func walk(_ folder: String, fileManager: FileManager) throws -> [String] {
        let entries: [String]
        do {
            entries = try fileManager.contentsOfDirectory(atPath: folder)
        } catch {
            throw LoadError.unreadable(folder, "the folder cannot be listed")
        }
        var files: [String] = []
        for entry in entries where !entry.hasPrefix(".") {
            let path = folder + "/" + entry
            guard let status = fileStatus(path) else { continue }
            if status.isFolder {
                // Do not follow symbolic links to folders: they could loop.
                if isSymbolicLink(path) { continue }
                files += try walk(path, fileManager: fileManager).map { entry + "/" + $0 }
            } else if entry.hasSuffix(".rein") {
                files.append(entry)
            }
        }
        return files
    }

    /// What is at `path`, following symbolic links; nil when there is nothing there (or it
    /// cannot be examined).
    /// True when something is at `path` (following symbolic links).
    public static func exists(_ path: String) -> Bool { fileStatus(path) != nil }

    static func fileStatus(_ path: String) -> (isFolder: Bool, size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return ((info.st_mode & S_IFMT) == S_IFDIR, Int(info.st_size))
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Lexical normalisation: no `.` components, no doubled or trailing `/`.
    public static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Discovers, reads and parses the bundle under `paths` (see `discover` for `base`).
    public static func load(
        _ paths: [String], relativeTo base: String? = nil, fileManager: FileManager = .default
    ) throws -> LoadedBundle {
        let discovered = try discover(paths, relativeTo: base, fileManager: fileManager)
        guard !discovered.isEmpty else { throw LoadError.noFiles(paths) }
        var files: [SourceFileSyntax] = []
        var fileErrors: [Diagnostic] = []
        for (index, found) in discovered.enumerated() {
            let path = found.displayPath
            let size = fileStatus(found.absolutePath)?.size ?? 0
            if size > maximumFileSize {
                let source = SourceFile(path: path, bytes: [])
                fileErrors.append(
                    .error(
                        "rein.io.file-too-large",
                        "file is \(size) bytes (\(megabytes(size)) MiB), over the \(maximumFileSize / 1_048_576) MiB limit of \(maximumFileSize) bytes",
                        at: SourceSpan(file: index, start: 0, end: 0),
                        help: "split the declarations over several files"))
                files.append(SourceFileSyntax(file: source, fileIndex: index, declarations: [], comments: [], diagnostics: []))
                continue
            }
            guard let data = fileManager.contents(atPath: found.absolutePath) else {
                throw LoadError.unreadable(path, "it is not a readable regular file")
            }
            files.append(Parser.parse(SourceFile(path: path, bytes: [UInt8](data)), fileIndex: index))
        }
        return LoadedBundle(files: files, loadDiagnostics: fileErrors)
    }

    private static func megabytes(_ size: Int) -> String {
        let tenths = size / 1_048_576 * 10 + size % 1_048_576 * 10 / 1_048_576
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// A parsed bundle and the diagnostics of reading it.
public struct LoadedBundle: Sendable {
    /// Parsed files in bundle order; `files[i].fileIndex == i`.
    public var files: [SourceFileSyntax]
    /// File-level problems found while reading (a file over the size limit).
    public var loadDiagnostics: [Diagnostic]

    public init(files: [SourceFileSyntax], loadDiagnostics: [Diagnostic]) {
        self.files = files
        self.loadDiagnostics = loadDiagnostics
    }

    /// The source files, for renderers.
    public var sources: [SourceFile] { files.map(\.file) }

    /// Load and parse diagnostics, in output order.
    public var syntaxDiagnostics: [Diagnostic] {
        (loadDiagnostics + files.flatMap(\.diagnostics)).sortedForOutput()
    }

    /// Codes that mean a whole file (or the rest of one) went unread.
    static let fileLevelCodes: Set<String> = ["rein.io.file-too-large", "rein.lex.invalid-utf8", "rein.parse.too-many-errors"]

    /// True when some file could not be read as a whole (too large, not UTF-8, too many
    /// errors): checking the rest would report every reference into it as unknown.
    public var hasFileLevelErrors: Bool {
        syntaxDiagnostics.contains { Self.fileLevelCodes.contains($0.code) }
    }
}

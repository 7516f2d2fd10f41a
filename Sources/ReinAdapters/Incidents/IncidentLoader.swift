#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Finds and reads recorded incident files: each path is a file, or a folder searched
/// recursively for `*.yaml`, `*.yml` and `*.json` (hidden entries skipped). Files come out
/// sorted bytewise by path, so every listing and replay is in the same order.
public enum IncidentLoader {
    /// A file larger than this is refused (recorded incidents are small).
    public static let maximumFileSize = 4 << 20

    public static let extensions = [".yaml", ".yml", ".json"]

    public enum LoadError: Error, CustomStringConvertible {
        case notFound(String)
        case unreadable(String)
        case tooLarge(String, Int, Int)

        public var description: String {
            switch self {
            case .notFound(let path): "`\(path)` does not exist"
            case .unreadable(let path): "`\(path)` cannot be read"
            case .tooLarge(let path, let size, let limit): "`\(path)` is \(size) bytes, over the \(limit) byte limit"
            }
        }
    }

    public static func discover(_ paths: [String], fileManager: FileManager = .default) throws(LoadError) -> [String] {
        var found = Set<String>()
        for path in paths {
            guard let status = BundleLoader.fileStatus(path) else { throw .notFound(path) }
            guard status.isFolder else {
                found.insert(path)
                continue
            }
            guard let entries = fileManager.enumerator(atPath: path) else { throw .unreadable(path) }
            while let entry = entries.nextObject() as? String {
                guard !entry.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                    extensions.contains(where: { entry.hasSuffix($0) })
                else { continue }
                let full = path.hasSuffix("/") ? path + entry : path + "/" + entry
                if BundleLoader.fileStatus(full)?.isFolder == false { found.insert(full) }
            }
        }
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The file's bytes, as a source file for diagnostics.
    public static func load(
        _ path: String, maxBytes: Int = maximumFileSize, fileManager: FileManager = .default
    ) throws(LoadError) -> SourceFile {
        let size = BundleLoader.fileStatus(path)?.size ?? 0
        guard size <= maxBytes else { throw .tooLarge(path, size, maxBytes) }
        guard let data = fileManager.contents(atPath: path) else { throw .unreadable(path) }
        return SourceFile(path: path, bytes: Array(data))
    }
}

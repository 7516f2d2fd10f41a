#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder SARIF paths are relative to (`%SRCROOT%`): the repository root, so code scanning
/// finds every file whatever folder `rein check` ran in.
public enum SourceRoot {
    /// The current folder, absolute; nil when it cannot be read (it was removed).
    public static func workingFolder() -> String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return BundleLoader.normalise(String(cString: path))
    }

    /// The nearest folder at or above `folder` (absolute) that holds `.git` (a folder, or the
    /// file of a worktree or submodule); `folder` itself when there is none.
    public static func find(from folder: String) -> String {
        let start = BundleLoader.normalise(folder)
        var candidate = start
        while true {
            if BundleLoader.exists(candidate == "/" ? "/.git" : candidate + "/.git") { return candidate }
            guard candidate != "/", let slash = candidate.lastIndex(of: "/") else { return start }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    /// `folder` (relative to `base`, absolute) as an absolute path with symbolic links resolved,
    /// as the working folder is, so both name files the same way; nil when it is no folder.
    public static func resolve(_ folder: String, base: String) -> String? {
        let absolute = BundleLoader.normalise(folder.hasPrefix("/") ? folder : base + "/" + folder)
        guard BundleLoader.fileStatus(absolute)?.isFolder == true, let real = realpath(absolute, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// Where each file is for SARIF: its path as shown (relative to `base`, the working folder)
    /// made relative to `root`, or its absolute path when it is outside `root`.
    public static func locations(of files: [SourceFile], base: String, root: String) -> [SARIFArtifactLocation] {
        let root = BundleLoader.normalise(root)
        return files.map { file in
            let absolute = BundleLoader.normalise(file.path.hasPrefix("/") ? file.path : base + "/" + file.path)
            let relative = BundleLoader.relative(absolute, to: root)
            return relative == ".." || relative.hasPrefix("../") ? .outsideRoot(absolute) : .underRoot(relative)
        }
    }
}

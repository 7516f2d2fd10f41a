import Foundation

/// What the libFuzzer entry points (`Fuzz/Targets/*`) share.
public enum FuzzEntry {
    /// libFuzzer's input as bytes (it may pass a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The example bundle of the repository at `REIN_ROOT`, or in the current folder
    /// (`Scripts/fuzz.sh` runs from the repository's root); exits with status 2 when it cannot
    /// be loaded, before any input is tried.
    public static func exampleBundle() -> ExampleBundle {
        let root = ProcessInfo.processInfo.environment["REIN_ROOT"] ?? FileManager.default.currentDirectoryPath
        do {
            return try ExampleBundle(root: root)
        } catch {
            FileHandle.standardError.write(Data("rein fuzz: \(error)\n".utf8))
            exit(2)
        }
    }
}

/// A short list of names as one byte pool, searched by exact bytes: step 4 finds a declared arg
/// by the proposal's key without building strings or touching (and reference counting) the
/// objects that declare them. Lists are short (a tool's args), so a scan beats hashing.
struct NameList: Sendable {
    private let bytes: [UInt8]
    /// `ends[i]`: where name `i` ends in `bytes` (it starts where name `i - 1` ends).
    private let ends: [Int]
    /// `firsts[i]`: the first index of a name spelled like name `i` (itself, unless repeated).
    private let firsts: [Int]

    init(_ names: [String]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var firsts: [Int] = []
        var seen: [[UInt8]: Int] = [:]
        for (index, name) in names.enumerated() {
            let utf8 = Array(name.utf8)
            bytes += utf8
            ends.append(bytes.count)
            firsts.append(seen[utf8] ?? index)
            if seen[utf8] == nil { seen[utf8] = index }
        }
        self.bytes = bytes
        self.ends = ends
        self.firsts = firsts
    }

    var count: Int { ends.count }

    /// The index that stands for name `index` in lookups: the first one spelled the same.
    func canonicalIndex(_ index: Int) -> Int { firsts[index] }

    /// The index of the first name spelled exactly `name`, or nil.
    func index(of name: Span<UInt8>) -> Int? {
        let length = name.count
        var start = 0
        for (index, end) in ends.enumerated() {
            defer { start = end }
            guard end - start == length else { continue }
            var position = start
            var same = true
            for offset in name.indices {
                if bytes[position] != name[offset] {
                    same = false
                    break
                }
                position += 1
            }
            if same { return index }
        }
        return nil
    }
}

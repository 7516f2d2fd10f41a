/// An exact lookup from a byte string (a name's UTF-8) to its position in a list, without
/// building a `String` or an `Array` per lookup: open addressing over an FNV-1a hash.
struct ByteTable: Sendable {
    private let keys: [[UInt8]]
    /// Per slot: an index into `keys`, or -1.
    private let slots: [Int32]
    private let mask: Int

    /// Every name maps to its index in `names`; a repeated name keeps its first index.
    init(_ names: [[UInt8]]) {
        var capacity = 8
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (index, name) in names.enumerated() {
            var slot = Self.hash(name[...]) & mask
            while slots[slot] >= 0 {
                if names[Int(slots[slot])] == name { break }
                slot = (slot + 1) & mask
            }
            if slots[slot] < 0 { slots[slot] = Int32(index) }
        }
        self.keys = names
        self.slots = slots
        self.mask = mask
    }

    /// The index of the name spelled exactly `bytes`, or nil.
    func index(of bytes: ArraySlice<UInt8>) -> Int? {
        var slot = Self.hash(bytes) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if Self.equal(keys[Int(entry)], bytes) { return Int(entry) }
            slot = (slot + 1) & mask
        }
    }

    /// Byte equality of a stored key and a slice of input, length first.
    @inline(__always)
    static func equal(_ key: [UInt8], _ bytes: ArraySlice<UInt8>) -> Bool {
        guard key.count == bytes.count else { return false }
        var index = bytes.startIndex
        for byte in key {
            if byte != bytes[index] { return false }
            index += 1
        }
        return true
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}

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
            var slot = Self.hash(name.span) & mask
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
    func index(of bytes: Span<UInt8>) -> Int? {
        var slot = Self.hash(bytes) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if bytes.spells(keys[Int(entry)]) { return Int(entry) }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ bytes: Span<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in bytes.indices {
            hash ^= UInt64(bytes[index])
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}

extension Span where Element == UInt8 {
    /// True when these bytes are exactly `other` (length first).
    func spells<Bytes: Collection<UInt8>>(_ other: Bytes) -> Bool {
        guard other.count == count else { return false }
        var index = 0
        for byte in other {
            if self[index] != byte { return false }
            index += 1
        }
        return true
    }

    /// True when these bytes are exactly `text`'s UTF-8.
    func spells(_ text: String) -> Bool {
        spells(text.utf8)
    }
}

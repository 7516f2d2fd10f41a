/// The members of a proposal's `args` or `context` object as step 4 of Grammar/README.md §13 reads
/// them: keys in source order, duplicates kept, a value materialised only when it is checked.
/// A decoded ``JSONObject`` is one; a parsed line's ``TapeMembers`` is another, read in place.
protocol ArgMembers {
    var count: Int { get }
    /// The index in `names` of the first declaration spelled exactly like member `member`'s
    /// key, or nil for an undeclared key.
    func slot(of member: Int, in names: NameList) -> Int?
    func key(at member: Int) -> String
    func value(at member: Int) -> JSONValue
}

extension JSONObject: ArgMembers {
    var count: Int { entries.count }

    func slot(of member: Int, in names: NameList) -> Int? {
        names.index(of: entries[member].key.utf8.span)
    }

    func key(at member: Int) -> String { entries[member].key }

    func value(at member: Int) -> JSONValue { entries[member].value }
}

/// An object of a parsed line, read from its tape: keys are compared as bytes, and only the
/// values that are checked become ``JSONValue``s.
struct TapeMembers: ArgMembers {
    let tape: JSONTape
    /// Each member's key node.
    private let keys: [Int]

    /// The members of the object at node `object` (which must be an object node).
    init(_ tape: JSONTape, object: Int) {
        self.tape = tape
        var keys: [Int] = []
        let nodes = tape.nodes
        keys.reserveCapacity(Int(nodes[object].count))
        var key = object + 1
        for _ in 0..<Int(nodes[object].count) {
            keys.append(key)
            key = Int(nodes[key + 1].next)
        }
        self.keys = keys
    }

    var count: Int { keys.count }

    func slot(of member: Int, in names: NameList) -> Int? {
        let key = keys[member]
        // A key with escapes is compared by its decoded value, like any other.
        if tape.nodes[key].flag { return names.index(of: tape.string(at: key).utf8.span) }
        return names.index(of: tape.rawBytes(of: key).span)
    }

    func key(at member: Int) -> String { tape.string(at: keys[member]) }

    func value(at member: Int) -> JSONValue { tape.value(at: keys[member] + 1) }
}

/// One strictly parsed JSON document as a flat array of nodes over the input bytes, in document
/// order: a container's node is followed by its members (an object's as key, value, key,
/// value…), and every node knows where its subtree ends. Nothing is copied: strings and numbers
/// are byte ranges of the input, decoded only when asked. The storage can be reused from one
/// document to the next (`parse` keeps its capacity), so reading a stream of lines allocates
/// nothing per line once warm.
///
/// The grammar and every rejection are ``JSONReader``'s (this is its parser).
public struct JSONTape: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, bool, string, integer, number, array, object
    }

    /// One value. Offsets are byte offsets into ``bytes``.
    public struct Node: Sendable {
        public var kind: Kind
        /// `bool`: the value; `string`: the literal has at least one escape (`\`).
        public var flag: Bool
        /// `string`: the content between the quotes; `number` and `integer`: the literal;
        /// containers: the opening bracket.
        public var start: Int32
        public var end: Int32
        /// Containers: the number of members (an object's key/value pairs).
        public var count: Int32
        /// The index of the first node after this one's subtree.
        public var next: Int32
        /// `integer`: the value.
        public var integer: Int64
    }

    /// The document's bytes.
    public private(set) var bytes: [UInt8] = []
    /// The nodes; the document's value is node 0.
    public private(set) var nodes: [Node] = []

    public init() {}

    /// Parses `bytes` as one JSON document, replacing what the tape held; nil on success.
    public mutating func parse(_ bytes: [UInt8], maxDepth: Int = JSONReader.defaultMaxDepth) -> JSONError? {
        parse(bytes, in: bytes.startIndex..<bytes.endIndex, maxDepth: maxDepth)
    }

    /// Parses `bytes[range]` as one JSON document (a line of a larger block, without copying
    /// it), replacing what the tape held; nil on success. Error offsets count from the start of
    /// `range`. `bytes` must be shorter than `Int32.max` (callers cap blocks far below that).
    public mutating func parse(
        _ bytes: [UInt8], in range: Range<Int>, maxDepth: Int = JSONReader.defaultMaxDepth
    ) -> JSONError? {
        self.bytes = bytes
        nodes.removeAll(keepingCapacity: true)
        guard bytes.count < Int(Int32.max) else { return JSONError("input too large", at: 0) }
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return JSONError("range out of bounds", at: 0) }
        var builder = JSONTapeBuilder(bytes: bytes, range: range, maxDepth: maxDepth, nodes: nodes)
        nodes = []
        do throws(JSONError) {
            try builder.parseDocument()
            nodes = builder.nodes
            return nil
        } catch {
            nodes = builder.nodes
            nodes.removeAll(keepingCapacity: true)
            return error
        }
    }

    // MARK: Reading

    /// The bytes of a string node's content as written (escapes not decoded).
    public func rawBytes(of index: Int) -> ArraySlice<UInt8> {
        let node = nodes[index]
        return bytes[Int(node.start)..<Int(node.end)]
    }

    /// A string node's value, escapes decoded.
    public func string(at index: Int) -> String {
        let node = nodes[index]
        let raw = bytes[Int(node.start)..<Int(node.end)]
        guard node.flag else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8]? = []
        out?.reserveCapacity(raw.count)
        var position = raw.startIndex
        while position < raw.endIndex {
            if raw[position] == 0x5C {
                // Escapes were validated by the parser; a failure here cannot happen, and would
                // only end the string early.
                position = (try? JSONTapeBuilder.decodeEscape(in: bytes, at: position, end: raw.endIndex, into: &out)) ?? raw.endIndex
            } else {
                out?.append(raw[position])
                position += 1
            }
        }
        return String(decoding: out ?? [], as: UTF8.self)
    }

    /// The subtree at `index` as a ``JSONValue`` (objects record their duplicate keys).
    public func value(at index: Int) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .null: return .null
        case .bool: return .bool(node.flag)
        case .string: return .string(string(at: index))
        case .integer: return .integer(node.integer)
        case .number: return .number(String(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self))
        case .array:
            var items: [JSONValue] = []
            items.reserveCapacity(Int(node.count))
            var child = index + 1
            for _ in 0..<node.count {
                items.append(value(at: child))
                child = Int(nodes[child].next)
            }
            return .array(items)
        case .object:
            var entries: [(key: String, value: JSONValue)] = []
            entries.reserveCapacity(Int(node.count))
            var key = index + 1
            for _ in 0..<node.count {
                let member = key + 1
                entries.append((string(at: key), value(at: member)))
                key = Int(nodes[member].next)
            }
            return .object(JSONObject(entries: entries))
        }
    }
}

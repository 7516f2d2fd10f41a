/// A deterministic automaton for ASCII values, built from a program by subset construction
/// when the pattern is compiled, so that matching the common value (a name, a slug, a pool
/// name) costs one table lookup per byte instead of a Pike VM step over every live thread.
///
/// It is the same automaton, not a second engine: each DFA state is the set of program
/// threads the Pike VM would hold at that point (closures taken exactly as `addThread` takes
/// them), so both always agree. A value with any non-ASCII scalar is left to the Pike VM, and
/// so is a pattern whose DFA would exceed ``maxStates`` (construction stops, no DFA).
struct LinearRegexDFA: Sendable {
    /// The most states built before giving up (the table is `maxStates × 128` entries).
    static let maxStates = 256

    /// `transitions[state * 128 + byte]`: the next state, or -1 for no match possible.
    private let transitions: [Int16]
    /// Per state: the value may end here.
    private let acceptsAtEnd: [Bool]

    /// The largest program turned into a DFA (construction costs up to
    /// `maxStates × 128 × program size` steps).
    static let maxProgramSize = 512

    /// Builds the automaton, or nil when the program or the automaton would be too large.
    init?(_ program: LinearRegexProgram) {
        let instructions = program.instructions
        guard instructions.count <= Self.maxProgramSize else { return nil }
        let matchIndex = instructions.count - 1

        func closure(_ seeds: [Int], atStart: Bool, atEnd: Bool) -> [Int] {
            var member = [Bool](repeating: false, count: instructions.count)
            var stack = seeds.reversed() as [Int]
            var out: [Int] = []
            while let pc = stack.popLast() {
                guard !member[pc] else { continue }
                member[pc] = true
                out.append(pc)
                switch instructions[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .start: if atStart { stack.append(pc + 1) }
                case .end: if atEnd { stack.append(pc + 1) }
                default: break
                }
            }
            return out.sorted()
        }

        func consumes(_ instruction: LinearRegexInstruction, _ byte: UInt8) -> Bool {
            let scalar = Unicode.Scalar(byte)
            switch instruction {
            case .scalar(let expected): return scalar == expected
            case .any: return byte != 0x0A
            case .characterClass(let index): return program.classes[index].contains(scalar)
            default: return false
            }
        }

        // State 0 is the start (where `^` holds); every other state is keyed by its thread set.
        var states: [(threads: [Int], atStart: Bool)] = [(closure([0], atStart: true, atEnd: false), true)]
        var index: [[Int]: Int] = [:]
        var transitions: [Int16] = []
        var accepts: [Bool] = []
        var next = 0
        while next < states.count {
            let (threads, atStart) = states[next]
            accepts.append(closure(threads, atStart: atStart, atEnd: true).contains(matchIndex))
            for byte in UInt8(0)..<128 {
                let moved = threads.filter { consumes(instructions[$0], byte) }.map { $0 + 1 }
                guard !moved.isEmpty else {
                    transitions.append(-1)
                    continue
                }
                let target = closure(moved, atStart: false, atEnd: false)
                if let known = index[target] {
                    transitions.append(Int16(known))
                } else {
                    guard states.count < Self.maxStates else { return nil }
                    index[target] = states.count
                    transitions.append(Int16(states.count))
                    states.append((target, false))
                }
            }
            next += 1
        }
        self.transitions = transitions
        acceptsAtEnd = accepts
    }

    /// True or false for an all-ASCII value; nil when `utf8` has a non-ASCII byte.
    func wholeMatch(_ utf8: Span<UInt8>) -> Bool? {
        var state = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x80 else { return nil }
            let target = transitions[state &* 128 &+ Int(byte)]
            // Dead: the VM holds no thread after this prefix either, whatever follows.
            if target < 0 { return false }
            state = Int(target)
        }
        return acceptsAtEnd[state]
    }
}

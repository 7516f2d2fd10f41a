/// The Pike VM: a breadth-first simulation of the NFA. All live threads advance together, one
/// unit of the input at a time; a thread is just an instruction index, and two threads at the
/// same index are one (a yes/no match needs no captures or priorities). Each step visits each
/// instruction at most once, so a match costs O(len(input) × program size) time, with memory
/// of two thread lists and a stack, each bounded by the program size. Nothing recurses, and
/// the input is read once, front to back.
extension LinearRegexProgram {
    /// True when the program accepts the whole of `scalars`.
    func wholeMatch(scalars: String.UnicodeScalarView) -> Bool {
        run(scalars) { instruction, scalar in
            switch instruction {
            case .scalar(let expected): scalar == expected
            case .any: scalar != "\n"
            case .characterClass(let index): classes[index].contains(scalar)
            default: false
            }
        }
    }

    /// True when the program (compiled in `.characters` mode) accepts the whole of `text`,
    /// read character by character.
    func wholeMatch(characters text: String) -> Bool {
        run(text) { instruction, character in
            switch instruction {
            case .character(let expected): character == expected
            case .scalar(let expected): character == Character(expected)
            case .any: character != "\n" && character != "\r\n"
            case .characterClass(let index): classes[index].matches(character)
            default: false
            }
        }
    }

    private func run<Units: Collection>(
        _ units: Units, accepts: (LinearRegexInstruction, Units.Element) -> Bool
    ) -> Bool {
        var current = ThreadList(capacity: instructions.count)
        var next = ThreadList(capacity: instructions.count)
        var stack: [Int] = []
        stack.reserveCapacity(2 * instructions.count + 1)
        var index = units.startIndex
        addThread(0, to: &current, atStart: true, atEnd: index == units.endIndex, stack: &stack)
        while index != units.endIndex {
            if current.isEmpty { return false }
            let unit = units[index]
            units.formIndex(after: &index)
            let atEnd = index == units.endIndex
            next.removeAll()
            for position in 0..<current.count {
                let pc = current.member(at: position)
                if accepts(instructions[pc], unit) {
                    addThread(pc + 1, to: &next, atStart: false, atEnd: atEnd, stack: &stack)
                }
            }
            swap(&current, &next)
        }
        return current.contains(instructions.count - 1)
    }

    /// Adds the thread at `pc` and every thread reachable from it without consuming input
    /// (following jumps, splits and the anchors that hold here), with an explicit stack.
    private func addThread(_ pc: Int, to list: inout ThreadList, atStart: Bool, atEnd: Bool, stack: inout [Int]) {
        stack.append(pc)
        while let pc = stack.popLast() {
            guard !list.contains(pc) else { continue }
            list.insert(pc)
            switch instructions[pc] {
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .start:
                if atStart { stack.append(pc + 1) }
            case .end:
                if atEnd { stack.append(pc + 1) }
            default:
                break
            }
        }
    }
}

/// A set of instruction indexes with O(1) insert, membership and clear (Briggs & Torczon's
/// sparse set), iterated in insertion order.
private struct ThreadList {
    private var dense: [Int]
    private var sparse: [Int]
    private(set) var count = 0

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    func member(at position: Int) -> Int { dense[position] }

    func contains(_ pc: Int) -> Bool {
        let slot = sparse[pc]
        return slot < count && dense[slot] == pc
    }

    mutating func insert(_ pc: Int) {
        sparse[pc] = count
        dense[count] = pc
        count += 1
    }

    mutating func removeAll() { count = 0 }
}

extension LinearRegexClass {
    /// For `.characters` mode: a single-scalar character is tested as its scalar; a character
    /// of several scalars is a member only when it is canonically equivalent to a scalar listed
    /// in the class (ranges and `\d` `\w` `\s` hold no such characters).
    func matches(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first { return contains(scalar) }
        return listed.contains(character) != negated
    }
}

/// One instruction of a Thompson NFA program (Russ Cox, "Regular Expression Matching: the
/// Virtual Machine Approach"). Consuming instructions test one unit of the input; the others
/// move a thread without consuming.
enum LinearRegexInstruction: Sendable {
    /// Consumes this scalar.
    case scalar(Unicode.Scalar)
    /// Consumes a character canonically equivalent to this one (`.characters` mode only).
    case character(Character)
    /// Consumes any scalar except `\n` (in `.characters` mode: any character except a line end).
    case any
    /// Consumes a member of `classes[index]`.
    case characterClass(Int)
    /// Continues at both targets.
    case split(Int, Int)
    case jump(Int)
    /// Continues only at the start of the input.
    case start
    /// Continues only at the end of the input.
    case end
    /// Accepts (the last instruction of every program).
    case match
}

/// A compiled `LinearRegex`: instructions from index 0, the only `.match` last. Counted
/// repetition is expanded copy by copy, so the size is capped (`LinearRegex.maxProgramSize`).
struct LinearRegexProgram: Sendable {
    enum Mode {
        /// Units are Unicode scalars (every decision).
        case scalars
        /// Units are characters compared by canonical equivalence; runs of literal scalars
        /// become characters (`LinearRegex.matchesAsCharacters`, for a help only).
        case characters
    }

    private(set) var instructions: [LinearRegexInstruction] = []
    private(set) var classes: [LinearRegexClass] = []

    init(compiling node: LinearRegexNode, mode: Mode) throws(LinearRegex.SyntaxError) {
        var compiler = Compiler(mode: mode)
        try compiler.compile(node)
        _ = try compiler.emit(.match)
        instructions = compiler.instructions
        classes = compiler.classes
    }

    private struct Compiler {
        let mode: Mode
        var instructions: [LinearRegexInstruction] = []
        var classes: [LinearRegexClass] = []
        /// The repetitions being expanded, outermost first: the first is blamed when the
        /// program grows too large, or else the last one expanded at the outermost level.
        var repetitions: [LinearRegexRepetition] = []
        var lastOutermost: LinearRegexRepetition?

        init(mode: Mode) {
            self.mode = mode
        }

        mutating func emit(_ instruction: LinearRegexInstruction) throws(LinearRegex.SyntaxError) -> Int {
            guard instructions.count < LinearRegex.maxProgramSize else {
                let limit = LinearRegex.maxProgramSize
                guard let outermost = repetitions.first ?? lastOutermost else {
                    throw LinearRegex.SyntaxError(message: "the pattern is too large: over \(limit) instructions", offset: 0)
                }
                throw LinearRegex.SyntaxError(
                    message: "the pattern is too large once `\(outermost.text)` is expanded: over \(limit) instructions, as a counted repetition is compiled copy by copy",
                    offset: outermost.offset)
            }
            instructions.append(instruction)
            return instructions.count - 1
        }

        mutating func compile(_ node: LinearRegexNode) throws(LinearRegex.SyntaxError) {
            switch node {
            case .empty:
                break
            case .scalar(let scalar):
                _ = try emit(mode == .scalars ? .scalar(scalar) : .character(Character(scalar)))
            case .any:
                _ = try emit(.any)
            case .characterClass(let set):
                classes.append(set)
                _ = try emit(.characterClass(classes.count - 1))
            case .start:
                _ = try emit(.start)
            case .end:
                _ = try emit(.end)
            case .concatenation(let items):
                try compileConcatenation(items)
            case .alternation(let branches):
                var exits: [Int] = []
                for branch in branches.dropLast() {
                    let split = try emit(.split(0, 0))
                    try compile(branch)
                    exits.append(try emit(.jump(0)))
                    instructions[split] = .split(split + 1, instructions.count)
                }
                if let last = branches.last { try compile(last) }
                for exit in exits { instructions[exit] = .jump(instructions.count) }
            case .repetition(let body, let repetition):
                repetitions.append(repetition)
                try compileRepetition(body, min: repetition.min, max: repetition.max)
                repetitions.removeLast()
                if repetitions.isEmpty { lastOutermost = repetition }
            }
        }

        /// In `.characters` mode, a run of literal scalars is regrouped into characters, so
        /// that a pattern `e` + U+0301 is one character, equivalent to `é` (U+00E9).
        private mutating func compileConcatenation(_ items: [LinearRegexNode]) throws(LinearRegex.SyntaxError) {
            guard mode == .characters else {
                for item in items { try compile(item) }
                return
            }
            var run = String.UnicodeScalarView()
            func flush(_ compiler: inout Compiler) throws(LinearRegex.SyntaxError) {
                for character in String(run) { _ = try compiler.emit(.character(character)) }
                run.removeAll()
            }
            for item in items {
                if case .scalar(let scalar) = item {
                    run.append(scalar)
                } else {
                    try flush(&self)
                    try compile(item)
                }
            }
            try flush(&self)
        }

        /// `x{min,max}`: `min` copies, then `max - min` optional copies (`x?x?` accepts what
        /// `(x(x)?)?` does); `x{min,}`: `min - 1` copies and a `+` loop, or a `*` loop.
        private mutating func compileRepetition(_ body: LinearRegexNode, min: Int, max: Int?) throws(LinearRegex.SyntaxError) {
            guard let max else {
                if min == 0 {
                    let loop = try emit(.split(0, 0))
                    try compile(body)
                    _ = try emit(.jump(loop))
                    instructions[loop] = .split(loop + 1, instructions.count)
                } else {
                    for _ in 0..<(min - 1) { try compile(body) }
                    let top = instructions.count
                    try compile(body)
                    _ = try emit(.split(top, instructions.count + 1))
                }
                return
            }
            for _ in 0..<min { try compile(body) }
            for _ in 0..<(max - min) {
                let split = try emit(.split(0, 0))
                try compile(body)
                instructions[split] = .split(split + 1, instructions.count)
            }
        }
    }
}

/// The kinds of token the lexer produces.
public enum TokenKind: UInt8, Sendable, Hashable {
    case identifier
    case integer
    case duration
    case string
    case newline
    case endOfFile
    case leftBrace, rightBrace, leftParen, rightParen, leftBracket, rightBracket
    case comma, colon, equals, dotDot, dot
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case pipe, star, minus

    /// How the token is shown in messages: `}` or "a string".
    public var displayName: String {
        switch self {
        case .identifier: "a name"
        case .integer: "an integer"
        case .duration: "a duration"
        case .string: "a string"
        case .newline: "end of line"
        case .endOfFile: "end of file"
        case .leftBrace: "`{`"
        case .rightBrace: "`}`"
        case .leftParen: "`(`"
        case .rightParen: "`)`"
        case .leftBracket: "`[`"
        case .rightBracket: "`]`"
        case .comma: "`,`"
        case .colon: "`:`"
        case .equals: "`=`"
        case .dotDot: "`..`"
        case .dot: "`.`"
        case .equalEqual: "`==`"
        case .bangEqual: "`!=`"
        case .less: "`<`"
        case .lessEqual: "`<=`"
        case .greater: "`>`"
        case .greaterEqual: "`>=`"
        case .pipe: "`|`"
        case .star: "`*`"
        case .minus: "`-`"
        }
    }
}

/// A decoded token payload.
public enum TokenValue: Sendable, Hashable {
    case none
    /// An identifier's text.
    case text(String)
    /// An integer's magnitude (the sign is a separate `-` token).
    case integer(UInt64)
    case duration(DurationValue)
    case string(String, StringLiteral.Form)
    /// A number, duration or string whose error the lexer already reported.
    case malformed
}

/// One token: kind, byte range in its file, and decoded value.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var start: Int
    public var end: Int
    public var value: TokenValue

    public init(kind: TokenKind, start: Int, end: Int, value: TokenValue = .none) {
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
    }

    /// The identifier text, or nil for other tokens.
    public var identifier: String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

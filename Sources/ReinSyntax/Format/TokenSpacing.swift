/// Whether two tokens on one line are separated by a space.
///
/// One space everywhere, except: none after `(` `[` and before `)` `]`; none before `,` and
/// `:`; none around `.` and `..`; none after `-` (it is only ever written right before its
/// number). So `args.x in [1, 2]`, `in -10..10`, `arg replicas: int`, `not (a or b)`.
enum TokenSpacing {
    static func needsSpace(between left: Token, and right: Token) -> Bool {
        switch left.kind {
        case .leftParen, .leftBracket, .dot, .dotDot, .minus:
            return false
        default:
            break
        }
        switch right.kind {
        case .rightParen, .rightBracket, .comma, .colon, .dot, .dotDot:
            return false
        default:
            return true
        }
    }
}

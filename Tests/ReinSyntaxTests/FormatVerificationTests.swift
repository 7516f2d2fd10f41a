import Testing

@testable import ReinSyntax

/// The formatter's own check of its output: what it accepts and what it catches.
@Suite("Format verification")
struct FormatVerificationTests {
    func problem(from input: String, to output: String) -> String? {
        let file = SourceFile(path: "x", text: input)
        let syntax = Parser.parse(file, fileIndex: 0)
        let tokens = Lexer.tokenize(file, fileIndex: 0).tokens
        return FormatVerification.problem(input: syntax, inputTokens: tokens, output: Array(output.utf8))
    }

    @Test func aChangeOfLayoutOnlyIsAccepted() {
        #expect(problem(from: "# doc\nidentity o { role \"Reader\" } # c\n", to: "# doc\nidentity o {\n  role \"Reader\"\n}  # c\n") == nil)
    }

    @Test func outputThatDoesNotParseIsCaught() {
        #expect(problem(from: "policy p { }\n", to: "policy p {\n")?.hasPrefix("the output does not parse") == true)
    }

    @Test func aChangedTokenIsCaught() {
        #expect(problem(from: "identity o { role \"Reader\" }\n", to: "identity o { role \"Monitoring Reader\" }\n") == "a token changed at 1:19")
        #expect(problem(from: "policy p { max_iterations 5 }\n", to: "policy p { }\n") == "the output has 4 tokens, the input 6")
    }

    @Test func aChangedCommentIsCaught() {
        #expect(problem(from: "policy p { } # a\n", to: "policy p { } # b\n") == "a comment changed")
        #expect(problem(from: "policy p { } # a\n", to: "policy p { }\n") == "a comment changed")
    }

    @Test func aDetachedDocCommentIsCaught() {
        #expect(problem(from: "# doc\npolicy p { }\n", to: "# doc\n\npolicy p { }\n") == "the doc comment of `p` changed")
    }
}

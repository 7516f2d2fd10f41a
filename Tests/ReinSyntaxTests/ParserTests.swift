import Testing
import ReinSyntax

@Suite("Parser")
struct ParserTests {
    @Test func parsesAToolWithArgsAndElevation() {
        let result = parse("""
            # Scale a deployment.
            tool scale_deployment {
              effect write
              arg namespace: namespace
              arg replicas: int in 1..10 = 3
              elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
            }
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(ASTDump.dump(result) == """
            (tool scale_deployment (doc "Scale a deployment.")
              (effect write)
              (arg namespace namespace)
              (arg replicas int in 1..10 = 3)
              (elevate remediator "Azure Kubernetes Service Cluster Admin Role" 15m))

            """)
    }

    @Test func oneLineBlockWithOneStatement() {
        let result = parse("identity o { role \"Reader\" }\n")
        #expect(result.diagnostics.isEmpty)
        #expect(ASTDump.dump(result) == "(identity o\n  (role \"Reader\"))\n")
    }

    @Test func oneLineBlockWithTwoStatementsIsAnError() {
        let result = parse("identity o { role \"Reader\" role \"Monitoring Reader\" }\n")
        #expect(summary(result) == ["rein.parse.expected-newline@1:28"])
    }

    @Test(arguments: [
        ("trigger a == 1 and b == 2 or c == 3", "(or (and (== a 1) (== b 2)) (== c 3))"),
        ("trigger not a in [1, 2]", "(not (in a [1 2]))"),
        ("trigger a not in 1..5", "(not in a 1..5)"),
        ("trigger x like \"aks-*\"\n  and y <= 2", "(and (like x \"aks-*\") (<= y 2))"),
        ("trigger (a or b) and c", "(and (paren (or a b)) c)"),
        ("trigger d in 5m..1h30m", "(in d 5m..1h30m)"),
        ("trigger n in -10..-1", "(in n -10..-1)"),
        ("trigger tool.effect == write", "(== tool.effect write)"),
        ("trigger a ==\n  1", "(== a 1)"),
        ("trigger a in [\n 1,\n 2\n]", "(in a [1 2])"),
    ])
    func expressions(source: String, expected: String) {
        let result = parse("runbook r {\n  \(source)\n}\n")
        #expect(result.diagnostics.isEmpty, "\(summary(result))")
        guard let statement = result.declarations.first?.statements.first,
              case .trigger(let expr) = statement.kind else {
            Issue.record("no trigger parsed")
            return
        }
        #expect(ASTDump.dump(expr) == expected)
    }

    @Test(arguments: [
        ("tool t {\n  efect read\n}\n", ["rein.parse.unknown-statement@2:3"]),
        ("tool t {\n  kql \"x\"\n}\n", ["rein.parse.statement-not-allowed@2:3"]),
        ("tool t {\n  effect maybe\n}\n", ["rein.parse.invalid-effect@2:10"]),
        ("tool t {\n  effect read\n", ["rein.parse.expected-brace@2:14"]),
        ("tool t\n  effect read\n}\n", ["rein.parse.expected-brace@1:7"]),
        ("tool {\n}\n", ["rein.parse.expected-name@1:6"]),
        ("banana x {}\n", ["rein.parse.expected-declaration@1:1"]),
        ("tool t {\n  arg a: strng\n}\n", ["rein.parse.unknown-type@2:10"]),
        ("tool t {\n  arg a: int in 1..\n}\n", ["rein.parse.expected-number@2:20"]),
        ("tool t {\n  arg a: string matching \"x\" len 1..2\n}\n", ["rein.parse.constraint-order@2:30"]),
        ("tool t {\n  arg a: int in 1..5m\n}\n", ["rein.parse.mixed-range@2:17"]),
        ("runbook r {\n  trigger a == b == c\n}\n", ["rein.parse.chained-comparison@2:18"]),
        ("runbook r {\n  trigger a in b in c\n}\n", ["rein.parse.chained-comparison@2:18"]),
        ("runbook r {\n  trigger a ==\n}\n", ["rein.parse.expected-expression@2:15"]),
        ("runbook r {\n  approval {\n    on_timeout approve\n  }\n}\n", ["rein.parse.invalid-on-timeout@3:16"]),
        ("runbook r {\n  approval {\n    on_timeout page P4\n  }\n}\n", ["rein.parse.invalid-on-timeout@3:21"]),
        ("runbook r {\n  approval {\n    timeout 15\n  }\n}\n", ["rein.parse.expected-duration@3:13"]),
        ("runbook r {\n  approval {\n    timeout 5min\n  }\n}\n", ["rein.lex.unknown-duration-unit@3:13"]),
        ("runbook r {\n  max_iterations 99999999999999999999\n}\n", ["rein.lex.integer-out-of-range@2:18"]),
        ("runbook r {\n  max_iterations 9223372036854775808\n}\n", ["rein.lex.integer-out-of-range@2:18"]),
        ("runbook r {\n  title \"a\\qb\"\n}\n", ["rein.lex.invalid-escape@2:11"]),
        ("runbook r {\n  title \"abc\n}\n", ["rein.lex.unterminated-string@2:9"]),
        ("identity i {\n  eligible \"Contributor\" at tenant\n}\n", ["rein.parse.unknown-scope@2:29"]),
        ("runbook r {\n  trigger a ! b\n}\n", ["rein.lex.unexpected-character@2:13"]),
        ("runbook r {\n  title \"x\" é\n}\n", ["rein.lex.unexpected-character@2:13"]),
        ("runbook r {\n  trigger 30m1h > 1s\n}\n", ["rein.lex.invalid-duration@2:11"]),
        ("runbook r {\n  trigger and\n}\n", ["rein.parse.expected-expression@2:11"]),
        ("tool t {\n  effect read\n}\nquery q {\n  kql \"\"\"\n", ["rein.lex.unterminated-string@5:7"]),
        ("tool t {\n  arg n: int in 1.5..6\n}\n", ["rein.lex.invalid-number@2:17"]),
        ("query q {\n  kql \"\"\"x\n", ["rein.lex.multiline-string-start@2:7"]),
        ("query q {\n  effect write\n}\n", ["rein.parse.invalid-effect@2:10"]),
        ("runbook r {\n  deny * when x\n    because\n    \"why\"\n}\n", ["rein.parse.expected-string@3:12"]),
        ("runbook r {\n  trigger a ==\n  b c\n}\n", ["rein.parse.expected-newline@3:5"]),
        ("runbook r {\n  trigger a\n    like \"x\"\n}\n", ["rein.parse.continuation-line@3:5"]),
        ("runbook r {\n  title \"a\\qb\"\n  description \"d\"\n}\n", ["rein.lex.invalid-escape@2:11"]),
    ])
    func oneMistakeOneError(source: String, expected: [String]) {
        #expect(summary(parse(source)) == expected)
    }

    @Test func recoveryFindsTheNextRealError() {
        let result = parse("""
            tool a {
              efect read
              arg x: int in 1..10
              arg y: strng
            }
            tool b {
              effect read
            }
            banana
            runbook r {
              max_iterations 5m
            }
            """)
        #expect(summary(result) == [
            "rein.parse.unknown-statement@2:3", "rein.parse.unknown-type@4:10",
            "rein.parse.expected-declaration@9:1", "rein.parse.expected-integer@11:18",
        ])
        #expect(result.declarations.map(\.name.name) == ["a", "b", "r"])
        #expect(result.declarations.map(\.hasErrors) == [true, false, true])
    }

    @Test func missingClosingBraceRecoversAtTheNextDeclaration() {
        let result = parse("tool a {\n  effect read\ntool b {\n  effect read\n}\n")
        #expect(summary(result) == ["rein.parse.expected-brace@3:1"])
        #expect(result.declarations.map(\.name.name) == ["a", "b"])
    }

    @Test func twoDeclarationsOnOneLineAreBothKept() {
        let result = parse("tool a { effect read } tool b { effect read }\n")
        #expect(summary(result) == ["rein.parse.expected-newline@1:24"])
        #expect(result.declarations.map(\.name.name) == ["a", "b"])
    }

    @Test func trailingJunkInvalidatesTheCondition() {
        let result = parse("runbook r {\n  deny * when context.x = 1\n}\n")
        #expect(summary(result) == ["rein.parse.expected-newline@2:25"])
        guard case .deny(let rule) = result.declarations.first?.statements.first?.kind else {
            Issue.record("the rule should be kept")
            return
        }
        #expect(rule.condition.kind == .invalid)
    }

    @Test(arguments: ["arg x int", "arg x: integer", "arg x: int in 1..", "arg x: int = "])
    func brokenArgKeepsItsName(line: String) {
        let result = parse("tool t {\n  effect read\n  \(line)\n}\n")
        #expect(result.diagnostics.count == 1)
        guard case .arg(let arg) = result.declarations.first?.statements.last?.kind else {
            Issue.record("the arg should be kept: \(summary(result))")
            return
        }
        #expect(arg.name.name == "x")
        #expect(arg.type.kind == .invalid)
    }

    @Test func aStringWithALexicalErrorIsNotUsed() {
        let result = parse("runbook r {\n  title \"a\\qb\"\n  description \"d\"\n}\n")
        #expect(result.declarations.first?.statements.count == 1)
        #expect(result.declarations.first?.hasErrors == true)
    }

    @Test func queryMayStateItsReadEffect() {
        #expect(parse("query q {\n  effect read\n}\n").diagnostics.isEmpty)
    }

    @Test func nestingLimit() {
        let ok = String(repeating: "(", count: 64) + "a" + String(repeating: ")", count: 64)
        #expect(parse("runbook r {\n  trigger \(ok)\n}\n").diagnostics.isEmpty)
        let deep = String(repeating: "(", count: 65) + "a" + String(repeating: ")", count: 65)
        #expect(summary(parse("runbook r {\n  trigger \(deep)\n}\n")) == ["rein.parse.nesting-too-deep@2:75"])
        let huge = "runbook r {\n  trigger " + String(repeating: "(", count: 100_000) + "\n}\n"
        #expect(summary(parse(huge)).map { String($0.split(separator: "@")[0]) } == ["rein.parse.nesting-too-deep"])
        let nots = "runbook r {\n  trigger " + String(repeating: "not ", count: 100_000) + "a\n}\n"
        #expect(summary(parse(nots)).map { String($0.split(separator: "@")[0]) } == ["rein.parse.nesting-too-deep"])
    }

    @Test func longLogicalChainsAreFlat() {
        let chain = (0..<50_000).map { "a\($0) == 1" }.joined(separator: " or ")
        let result = parse("runbook r {\n  trigger \(chain)\n}\n")
        #expect(result.diagnostics.isEmpty)
        guard case .trigger(let expr) = result.declarations.first?.statements.first?.kind,
              case .logical(.or, let operands) = expr.kind else {
            Issue.record("expected one flat `or`")
            return
        }
        #expect(operands.count == 50_000)
    }

    @Test func docCommentIsTheBlockDirectlyAbove() {
        let result = parse("# not doc\n\n# line one\n#line two\ntool t {\n  effect read # trailing\n}\n")
        #expect(result.declarations.first?.doc == "line one\nline two")
        #expect(result.comments.count == 4)
    }

    @Test func invalidUTF8GivesOneError() {
        let file = SourceFile(path: "bad.rein", bytes: Array("tool t {\n".utf8) + [0xFF, 0xFE] + Array("\n}\n".utf8))
        let result = Parser.parse(file, fileIndex: 0)
        #expect(summary(result) == ["rein.lex.invalid-utf8@2:1"])
    }

    @Test func byteOrderMarkCRLFAndTabsAreAccepted() {
        let text = "\u{FEFF}tool t {\r\n\teffect read\r\n\targ n: int in 1..5 = 2\r\n}\r\n"
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        #expect(ASTDump.dump(result) == "(tool t\n  (effect read)\n  (arg n int in 1..5 = 2))\n")
        #expect(result.file.position(of: result.declarations[0].statements[1].span.start) == SourcePosition(line: 3, column: 2))
    }

    @Test func integerExtremes() {
        let result = parse("tool t {\n  arg n: int in -9223372036854775808..9_223_372_036_854_775_807\n}\n")
        #expect(result.diagnostics.isEmpty)
        #expect(ASTDump.dump(result).contains("in -9223372036854775808..9223372036854775807"))
    }
}

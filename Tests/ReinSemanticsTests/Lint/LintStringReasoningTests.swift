import ReinSemantics
import ReinSyntax
import Testing

/// Deny conditions over string args: a literal that no checked value can equal — outside the
/// arg's `len`, not matching its pattern, not a valid name or namespace, a forbidden namespace,
/// over the 1024-scalar cap — makes `==`/`in` never hold and `!=`/`not in` always hold.
@Suite("Lint string reasoning")
struct LintStringReasoningTests {
    static let patch = """
        tool patch {
          effect write
          description "Patch a deployment"
          arg namespace: namespace
          arg deployment: name
          arg prefix: string len 1..64
          arg pool: string len 1..12 matching #"^[a-z][a-z0-9]*$"#
          arg note: string matching #"^[a-z ]*$"# = "none"
          elevate remediator role "Contributor" for 15m
        }

        """

    static let tooLong = String(repeating: "a", count: 1025)

    @Test(arguments: [
        // `len 1..64`
        ("args.prefix == \"\"", "never"),
        ("args.prefix == \"\(String(repeating: "x", count: 65))\"", "never"),
        ("args.prefix == \"x\"", "either"),
        ("args.prefix != \"\"", "always"),
        ("args.prefix in [\"\", \"x\"]", "either"),
        // `matching`, after `len`
        ("args.pool == \"Pool1\"", "never"),
        ("args.pool in [\"Pool1\", \"pool_2\"]", "never"),
        ("args.pool not in [\"Pool1\", \"pool_2\"]", "always"),
        ("args.pool == \"pool1\"", "either"),
        ("args.pool == \"poolnumberone\"", "never"),
        // the name and namespace rules
        ("args.namespace == \"Payments-DB\"", "never"),
        ("\"Payments-DB\" == args.namespace", "never"),
        ("args.namespace != \"Payments-DB\"", "always"),
        ("args.namespace == \"payments-db\"", "either"),
        ("args.namespace == \"a.b\"", "never"),
        ("args.deployment == \"a.b\"", "either"),
        ("args.deployment == \"Ledger\"", "never"),
        ("args.deployment == \"ledger\" and args.namespace == \"-x\"", "never"),
        ("args.deployment == \"ledger\" or args.namespace == \"-x\"", "either"),
        // a namespace a policy forbids
        ("args.namespace == \"kube-system\"", "never"),
        ("args.namespace not in [\"kube-system\"]", "always"),
        // exactly: `é` (one scalar) is not `e` + U+0301
        ("args.namespace == \"caf\\u{e9}\"", "never"),
        // a string without `len` holds at most 1024 scalars
        ("args.note == \"\(tooLong)\"", "never"),
        ("args.note == \"\"", "either"),
        // two args: the checks of each, nothing more
        ("args.prefix == args.pool", "either"),
        ("args.namespace == args.deployment", "either"),
    ])
    func denyReasoning(condition: String, expected: String) {
        let run = LintRun(Self.patch + "policy limits {\n  forbid namespace \"kube-system\"\n  deny patch when \(condition) because \"no\"\n}\n")
        #expect(run.errors.isEmpty, "\(run.errors)")
        let never = run.codes.contains("rein.lint.deny-never-matches")
        let always = run.codes.contains("rein.lint.deny-always-matches")
        #expect((never ? "never" : always ? "always" : "either") == expected, "\(run.findings)")
    }

    /// A context key is checked like an arg before any rule runs.
    @Test func contextKeysAreCheckedLikeArgs() {
        let source = Self.patch + """
            policy limits {
              context team: string len 2..8
              deny patch when context.team == "x" because "no"
            }
            """
        #expect(LintRun(source).codes.contains("rein.lint.deny-never-matches"))
    }

    /// The help says which literal can never be the arg's value, and why, as written.
    @Test(arguments: [
        ("args.prefix == \"\"", "`prefix` is never `\"\"` (it has 0 characters, outside `len 1..64`); "),
        (
            "args.namespace == \"Payments-DB\"",
            "`namespace` is never `\"Payments-DB\"` (it is not a valid namespace: it has an uppercase letter `P`; only lowercase letters are allowed); "
        ),
        ("args.namespace == \"kube-system\"", "`namespace` is never `\"kube-system\"` (a policy forbids that namespace); "),
        (
            "args.pool in [\"Pool1\", \"pool_2\"]",
            "`pool` is never `\"Pool1\"` (it does not match `^[a-z][a-z0-9]*$`), nor any other item of the list; "
        ),
        ("args.namespace == #\"Payments-DB\"#", "`namespace` is never `#\"Payments-DB\"#` (it is not a valid namespace: "),
        ("args.prefix == \"\" and args.deployment == \"x\"", "`prefix` is never `\"\"` (it has 0 characters, outside `len 1..64`); `deployment` is `name`; "),
    ])
    func helpNamesTheLiteralAndWhy(condition: String, helpStart: String) throws {
        let run = LintRun(Self.patch + "policy limits {\n  forbid namespace \"kube-system\"\n  deny patch when \(condition) because \"no\"\n}\n")
        let finding = try #require(run.diagnostics.first { $0.code == "rein.lint.deny-never-matches" })
        let help = try #require(finding.help)
        #expect(help.hasPrefix(helpStart), "\(help)")
        #expect(help.hasSuffix("fix the bound or the condition, or remove the rule"))
    }

    @Test func theBoundsOfAStringShowItsLength() throws {
        let run = LintRun(Self.patch + "policy limits {\n  deny patch when args.prefix == \"a\" and args.pool == \"Bad\" because \"no\"\n}\n")
        let finding = try #require(run.diagnostics.first { $0.code == "rein.lint.deny-never-matches" })
        #expect(finding.help?.contains("`prefix` is `string len 1..64`") == true, "\(finding.help ?? "")")
    }
}

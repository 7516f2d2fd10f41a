import ReinAdapters
import Testing

/// How `rein diff` classes a change (the golden runs are in `Tests/Corpus/diff`).
@Suite("Replay diff")
struct ReplayDiffTests {
    static func bundle(allow: String, rule: String = "") -> String {
        """
        identity observer {
          role "Monitoring Reader"
        }
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Contributor" at resource_group
        }
        tool scale {
          effect write
          arg replicas: int in 1..10
          elevate remediator role "Contributor" for 15m
        }
        runbook memory {
          trigger alert.rule like "aks-*"
          remediate scale
          approval {
            channel "sre-oncall"
            approvers 1
            allow "\(allow)"
            timeout 15m
            on_timeout page P1
          }
          \(rule)
        }
        """
    }

    static func incident(_ events: String) -> IncidentFile {
        let text = """
            incident: INC-1
            alert: {data: {essentials: {alertRule: aks-memory, alertTargetIDs: [/subscriptions/s/resourceGroups/g]}}}
            events:

            """
        return IncidentReader.read(SourceFile(path: "i.yaml", text: text + events))
    }

    func diff(_ file: IncidentFile, base: String, head: String) throws -> ReplayDiff.IncidentDiff {
        let incident = try #require(file.incident)
        let policies = try [base, head].map { text in
            try #require(CompiledPolicy.compile([SourceFile(path: "b.rein", text: text)]).policy)
        }
        let replays = try ReplayDiff.replay(incident, base: policies[0], baseDigest: String(repeating: "b", count: 64), head: policies[1]).get()
        return ReplayDiff.compare(file, base: replays.base, head: replays.head)
    }

    /// `line event kind [after index]` of each change.
    func classes(_ diff: ReplayDiff.IncidentDiff) -> [String] {
        diff.changes.map { change in
            "\(change.line.map(String.init) ?? "-") \(change.event) \(change.kind)" + (change.knockOnOf.map { " after \($0.index)" } ?? "")
        }
    }

    static let rejected = incident("""
          - at: 2026-05-09T02:00:00Z
            propose: {remediate: scale, args: {replicas: 3}}
          - at: 2026-05-09T02:01:00Z
            reject: {by: alice@contoso.com}
          - at: 2026-05-09T02:02:00Z
            approve: {by: bob@example.com}
          - at: 2026-05-09T02:03:00Z
            result: {status: succeeded}

        """)

    /// A rejection that no longer counts loses a human's veto: newly allowed. An approval that
    /// came after the base session had ended was given for nothing and counts for nothing; the
    /// result meets no execution. Both follow from the lost veto.
    @Test func aLostVetoIsNewlyAllowed() throws {
        let diff = try diff(Self.rejected, base: Self.bundle(allow: "*@contoso.com"), head: Self.bundle(allow: "*@example.com"))
        #expect(classes(diff) == [
            "6 reject newly_allowed", "8 approve knock_on after 1", "10 result knock_on after 1", "- outcome changed",
        ])
        #expect(diff.changes[1].head == "ignored: given for no action: nothing was pending at this point under the base bundle")
        #expect(diff.changes[2].base == "ignored: the session had ended" && diff.changes[2].head == "ignored: nothing was executing")
        let text = ReplayDiff.text([diff], total: 1)
        #expect(text.hasSuffix("1 of 1 incident change: 0 newly denied, 1 newly allowed, 2 knock-on\n"))
        #expect(text.contains("  line 6 (2026-05-09T02:01:00Z) reject: accepted → ignored: `alice@contoso.com` is not allowed"))
    }

    static let corrected = incident("""
          - at: 2026-05-09T02:00:00Z
            propose: {remediate: scale, args: {replicas: 5}}
          - at: 2026-05-09T02:01:00Z
            propose: {remediate: scale, args: {replicas: 2}}
          - at: 2026-05-09T02:02:00Z
            approve: {by: bob@contoso.com}

        """)

    /// A proposal the base never evaluated (denied `approval_pending`) that the head lets through
    /// is a knock-on, and still counted as newly allowed: Rein cannot tell it from a loosening.
    @Test func aKnockOnThatLetsMoreThroughStillCountsAsNewlyAllowed() throws {
        let tightened = Self.bundle(allow: "*@contoso.com", rule: #"deny scale when args.replicas > 3 because "too many""#)
        let diff = try diff(Self.corrected, base: Self.bundle(allow: "*@contoso.com"), head: tightened)
        #expect(classes(diff) == [
            "6 propose newly_allowed after 0", "4 propose newly_denied", "8 approve knock_on after 0", "- executed changed",
            "- outcome changed",
        ])
        #expect(ReplayDiff.summary([diff], total: 1) == "1 of 1 incident change: 1 newly denied, 1 newly allowed, 1 knock-on")
    }

    @Test func theSameBundleChangesNothing() throws {
        let bundle = Self.bundle(allow: "*@contoso.com")
        #expect(try diff(Self.rejected, base: bundle, head: bundle).changes.isEmpty)
        #expect(try diff(Self.corrected, base: bundle, head: bundle).changes.isEmpty)
    }
}

import Crypto
import ReinAdapters
import Testing

@Suite("Azure artifacts and the audit chain")
struct ArtifactTests {
    static func sha1(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) }

    /// RFC 9562 version-5 UUIDs in the URL namespace (values as Python's `uuid.uuid5` gives them).
    @Test(arguments: [
        ("http://python.org/", "4c565f0d-3f5a-5890-b41b-20cf47701c5e"),
        ("rein:abc:SelfActivate", "30d53644-0f01-5111-87c0-7fb08ce7f4bd"),
        ("", "1b4db7eb-4057-5ddf-91e0-36dec72071f5"),
    ])
    func uuidV5(_ name: String, _ expected: String) {
        #expect(PIMRequest.uuidV5(name: name, sha1: Self.sha1) == expected)
    }

    static let target =
        "/subscriptions/3f2c9a1e/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod"

    @Test func scopesComeFromTheAlertTarget() {
        #expect(PIMRequest.scope("subscription", target: Self.target) == "/subscriptions/3f2c9a1e")
        #expect(PIMRequest.scope("resource_group", target: Self.target) == "/subscriptions/3f2c9a1e/resourceGroups/rg-prod")
        #expect(PIMRequest.scope("resource", target: Self.target) == Self.target)
        #expect(PIMRequest.scope("resource", target: "/subscriptions/3f2c9a1e/resourceGroups/rg-prod") == nil)
        #expect(PIMRequest.scope("subscription", target: "subscriptions/x") == nil)
        #expect(PIMRequest.scope("resource_group", target: "/subscriptions/x") == nil)
    }

    @Test func sha256IsTheStandardOne() {
        #expect(Hashing.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Each entry links to the one before, and its hash covers its canonical form.
    @Test func theAuditChainLinksEntries() throws {
        var chain = AuditChain()
        chain.append(at: Timestamp(seconds: 0), incident: "INC-1", type: "alert", data: JSONObject(["b": .integer(1), "a": .null]))
        chain.append(at: Timestamp(seconds: 60), incident: "INC-1", type: "outcome", data: JSONObject([:]))
        #expect(chain.lines.count == 2)
        // Written in the format's key order; hashed over the canonical (sorted) form.
        #expect(chain.lines[0].hasPrefix(#"{"seq":0,"at":"1970-01-01T00:00:00Z","incident":"INC-1","type":"alert","data":{"a":null,"b":1},"prev":"0000"#))
        let fields = chain.lines[0].split(separator: "\"").map(String.init)
        let first = try #require(fields.last { $0.count == 64 })
        let canonical = #"{"at":"1970-01-01T00:00:00Z","data":{"a":null,"b":1},"incident":"INC-1","prev":"\#(AuditChain.genesis)","seq":0,"type":"alert"}"#
        #expect(first == Hashing.sha256Hex(Array(canonical.utf8)))
        #expect(chain.lines[0].hasSuffix(#","hash":"\#(first)"}"#))
        #expect(chain.lines[1].contains(#""prev":"\#(first)""#))
        #expect(chain.head.count == 64 && chain.head != first)
        #expect(chain.nextSeq == 2)
    }
}

@Suite("Approval card")
struct ApprovalCardTests {
    static func pending(thought: String) -> PendingApproval {
        PendingApproval(
            tool: "scale_deployment", kind: .remediation,
            args: JSONObject(["namespace": .string("payments"), "replicas": .integer(3)]), thought: thought, iteration: 2,
            digest: String(repeating: "d", count: 64), deadline: Timestamp(seconds: 1_778_295_720),
            approval: ApprovalRequirement(approvers: 2, timeout: DurationValue(seconds: 900), channel: "sre-oncall"),
            elevation: ElevationPlan(identity: "remediator", role: "Contributor", scope: "resource_group", duration: DurationValue(seconds: 900)),
            identity: nil, approvedBy: [])
    }

    @Test func aCardCarriesTheActionAndItsButtons() {
        let card = JSONWriter.string(ApprovalCard.card(Self.pending(thought: "Scale down."), incident: "INC-1", runbook: "memory"))
        for part in [
            #""type":"AdaptiveCard""#, #""version":"1.5""#, #""verb":"approve""#, #""verb":"reject""#,
            #""digest":"dddd"#, #""expiresAt":"2026-05-09T03:02:00Z""#, "{{DATE(2026-05-09T03:02:00Z)}}",
            #""title":"replicas","value":"3""#, "Scale down.", "for PT15M",
        ] {
            #expect(card.contains(part), "the card lacks \(part)")
        }
    }

    /// A thought that would take the card over Teams' 40 KB limit is cut, and the cut marked.
    @Test func aLongThoughtIsCutUnderTheLimit() {
        let thought = String(repeating: "é reasoning… ", count: 8_000)
        let card = JSONWriter.encode(ApprovalCard.card(Self.pending(thought: thought), incident: "INC-1", runbook: "memory"))
        #expect(card.count < ApprovalCard.maxBytes)
        #expect(card.count > ApprovalCard.maxBytes - 64)
        let text = String(decoding: card, as: UTF8.self)
        #expect(text.contains(" more characters]"))
        #expect(text.contains(#""verb":"reject""#))
    }
}

import ReinAdapters
import Testing

/// The audit log's chain catches every way of tampering with it, at the right `seq`.
@Suite("Audit log tampering")
struct AuditTamperTests {
    static func chain() -> [String] {
        var chain = AuditChain()
        for seq in 0..<5 {
            chain.append(
                at: Timestamp(seconds: Int64(seq) * 60), incident: "INC-1", type: seq == 0 ? "alert" : "decision",
                data: JSONObject(["step": .integer(Int64(seq)), "note": .string("entry \(seq)")]))
        }
        return chain.lines
    }

    func verify(_ lines: [String]) -> Result<AuditChain, AuditVerifier.Break> {
        AuditVerifier.verify(lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
    }

    func brokenSeq(_ lines: [String]) -> Int64? {
        if case .failure(let broken) = verify(lines) { return broken.seq }
        return nil
    }

    @Test func anIntactChainVerifies() throws {
        let chain = try verify(Self.chain()).get()
        #expect(chain.nextSeq == 5)
        #expect(try verify([]).get().nextSeq == 0)
    }

    @Test func anEditedEntryIsCaught() {
        var lines = Self.chain()
        lines[2] = lines[2].replacingOccurrences(of: "entry 2", with: "entry 9")
        #expect(brokenSeq(lines) == 2)
    }

    @Test func aDeletedEntryIsCaught() {
        var lines = Self.chain()
        lines.remove(at: 2)
        #expect(brokenSeq(lines) == 2)
    }

    @Test func reorderedEntriesAreCaught() {
        var lines = Self.chain()
        lines.swapAt(1, 2)
        #expect(brokenSeq(lines) == 1)
    }

    @Test func aTruncatedEntryIsCaught() {
        var lines = Self.chain()
        lines[4] = String(lines[4].prefix(lines[4].count / 2))
        #expect(brokenSeq(lines) == 4)
    }

    /// Editing an entry and recomputing its own hash still breaks the next entry's link.
    @Test func aRehashedEntryBreaksTheNextLink() throws {
        let original = Self.chain()
        // Rebuild entry 2 with other data (a valid entry, properly hashed, on the same prev).
        var forged = AuditChain()
        for seq in 0..<2 {
            forged.append(
                at: Timestamp(seconds: Int64(seq) * 60), incident: "INC-1", type: seq == 0 ? "alert" : "decision",
                data: JSONObject(["step": .integer(Int64(seq)), "note": .string("entry \(seq)")]))
        }
        forged.append(at: Timestamp(seconds: 120), incident: "INC-1", type: "decision", data: JSONObject(["note": .string("allowed")]))
        var lines = original
        lines[2] = forged.lines[2]
        #expect(brokenSeq(lines) == 3)
        if case .failure(let broken) = verify(lines) { #expect(broken.why.contains("`prev`")) }
    }

    @Test func extraOrMissingKeysAreCaught() {
        var lines = Self.chain()
        lines[1] = lines[1].replacingOccurrences(of: #""incident":"INC-1","#, with: "")
        #expect(brokenSeq(lines) == 1)
    }
}

/// The fixed parts of the decisions the fast path confirms, rendered once per bundle into one
/// byte pool (by ``DecisionEncoder``, so they are its bytes): the allow ending, each scope's
/// approval, each write tool's elevation. Copying a range out touches no reference count.
struct DecisionTemplates: Sendable {
    private let bytes: [UInt8]
    /// `,"decision":"allow","identity":"…"}`; nil without a standing identity.
    let allow: Range<Int>?
    /// Per scope index (runbooks in order, then policy-only mode):
    /// `,"decision":"require_approval","approval":{…}` when no rule asks for more approvers.
    let approval: [Range<Int>]
    /// Per tool: `,"elevation":{…}}`; nil when the tool has no elevation plan.
    let elevation: [Range<Int>?]

    init(standingIdentity: String?, approvals: [ApprovalRequirement], elevations: [ElevationPlan?]) {
        var bytes: [UInt8] = []
        func render(_ body: (inout [UInt8]) -> Void) -> Range<Int> {
            let start = bytes.count
            body(&bytes)
            return start..<bytes.count
        }
        allow = standingIdentity.map { identity in
            render {
                DecisionEncoder.appendWord(Verdict.allow(identity: identity).word, to: &$0)
                DecisionEncoder.appendIdentity(identity, to: &$0)
                $0.append(0x7D)
            }
        }
        approval = approvals.map { approval in
            render {
                DecisionEncoder.appendWord(Verdict.requireApproval(approval, elevation: nil, identity: nil).word, to: &$0)
                DecisionEncoder.appendApproval(approval, to: &$0)
            }
        }
        elevation = elevations.map { plan in
            plan.map { plan in
                render {
                    DecisionEncoder.appendElevation(plan, to: &$0)
                    $0.append(0x7D)
                }
            }
        }
        self.bytes = bytes
    }

    /// Appends the template at `range` (one of this value's ranges).
    func append(_ range: Range<Int>, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { pool in
            guard range.lowerBound >= 0, range.upperBound <= pool.count else { return }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: pool[range]))
        }
    }
}

/// What the fast path needs of each scope (runbooks in order, then policy-only mode), as plain
/// values: the iteration limit and which tools the scope lists.
struct ScopeFacts: Sendable {
    let maxIterations: Int64
    /// nil in policy-only mode (every tool is in scope); else ranges of ``ScopeLists/pool``.
    let investigate: Range<Int>?
    let remediate: Range<Int>?
}

/// The tool lists of every runbook as sorted tool indices in one pool.
struct ScopeLists: Sendable {
    private(set) var pool: [Int] = []

    /// Adds a list (tool indices, any order) and returns its range.
    mutating func add(_ tools: [Int]) -> Range<Int> {
        let start = pool.count
        pool += Set(tools).sorted()
        return start..<pool.count
    }

    /// True when the list at `range` holds `tool` (nil: policy-only mode, every tool).
    func contains(_ tool: Int, in range: Range<Int>?) -> Bool {
        guard let range else { return true }
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = low + (high - low) / 2
            if pool[middle] < tool { low = middle + 1 } else { high = middle }
        }
        return low < range.upperBound && pool[low] == tool
    }
}

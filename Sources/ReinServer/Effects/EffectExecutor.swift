import ReinAdapters

/// Carries out the effects an executor takes (`send_approval_card`, `activate_role`, `execute`,
/// `deactivate_role`, `page`): the built-in ``WebhookExecutor`` today; native executors (Teams,
/// Azure PIM, paging) plug in through the same protocol.
public protocol EffectExecutor: Sendable {
    /// Hands `delivery` over; returns once the executor has taken it, throws why not. The host
    /// tries again later (the delivery is at-least-once: the receiver de-duplicates by its id).
    func deliver(_ delivery: EffectDelivery) async throws
    /// Releases what the executor holds (connections) at shutdown.
    func shutdown() async
}

/// One effect to hand to an executor.
public struct EffectDelivery: Sendable {
    /// `{incident}/{step}/{n}`: the idempotency key.
    public var id: String
    public var incident: String
    public var type: String
    /// The effect as the incident shows it, with its `id` (without its `delivery`).
    public var effect: JSONValue
}

/// Which executor takes which effect, and the rules they run under.
public struct EffectExecutors: Sendable {
    /// Takes every effect no native executor takes.
    public var webhook: (any EffectExecutor)?
    /// Carries out the `execute` of a remediation the MCP gateway forwards to an upstream
    /// (``MCPExecuteExecutor``), for the tools in ``forwardedTools``.
    public var mcp: (any EffectExecutor)?
    /// The write tools the MCP gateway's configuration maps to an upstream.
    public var forwardedTools: Set<String> = []
    /// Native executors by effect type (PIM for `activate_role` and `deactivate_role`): they
    /// take those effects instead of the webhook.
    public var native: [String: any EffectExecutor] = [:]
    /// How long an `activate_role` may go unacknowledged before the elevation counts as failed.
    public var activationTimeout: Int64
    /// When a failed delivery is tried again.
    public var retry: RetrySchedule

    public init(webhook: (any EffectExecutor)?, activationTimeout: Int64 = 120, retry: RetrySchedule = RetrySchedule()) {
        self.webhook = webhook
        self.activationTimeout = activationTimeout
        self.retry = retry
    }

    /// The executor for `effect`; nil when none is configured (it waits).
    func executor(for effect: OutboxEffect) -> (any EffectExecutor)? {
        if let native = native[effect.type] { return native }
        guard effect.type == "execute", let mcp, !forwardedTools.isEmpty,
            case .success(.object(let body)) = JSONReader.parse(effect.body, maxBytes: Int.max), case .string(let tool)? = body["tool"],
            forwardedTools.contains(tool)
        else { return webhook }
        return mcp
    }

    func shutdown() async {
        await webhook?.shutdown()
        await mcp?.shutdown()
        for executor in native.values { await executor.shutdown() }
    }
}

/// Capped exponential back-off with jitter: the n-th retry waits between half and all of
/// `min(cap, initial × 2^(n-1))`, so many effects failing together do not retry in step.
public struct RetrySchedule: Sendable, Hashable {
    /// The first wait, in milliseconds.
    public var initial: Int64
    /// The longest wait, in milliseconds.
    public var cap: Int64

    public init(initial: Int64 = 500, cap: Int64 = 60_000) {
        self.initial = max(1, initial)
        self.cap = max(self.initial, cap)
    }

    /// The wait in milliseconds after `attempts` failed attempts (1 or more); `random` in [0, 1).
    public func delay(afterAttempts attempts: Int, random: Double) -> Int64 {
        var base = initial
        var doubling = 1
        while doubling < attempts, base < cap {
            base = base > cap / 2 ? cap : base * 2
            doubling += 1
        }
        base = min(base, cap)
        let jitter = Int64((Double(base / 2) * min(max(random, 0), 1)).rounded(.down))
        return base - base / 2 + jitter
    }
}

import Foundation
import ReinAdapters

// In-process decision latency: `swift run -c release rein-bench-decide --bundle PATH --proposals FILE`.
// Decodes every proposal line first (timed on its own), then times `CompiledPolicy.decide` on
// each decoded proposal, one call at a time, and prints p50 / p99 / mean for both. Several
// passes over the file; the first is a warm-up and is not counted.

var bundlePaths: [String] = []
var proposalsPath: String?
var passes = 4
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--bundle": bundlePaths.append(arguments.popFirst() ?? "")
    case "--proposals": proposalsPath = arguments.popFirst()
    case "--passes": passes = max(2, Int(arguments.popFirst() ?? "") ?? passes)
    case "--help", "-h":
        print("usage: rein-bench-decide --bundle PATH... --proposals FILE.jsonl [--passes N]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("rein-bench-decide: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
guard let proposalsPath, !bundlePaths.isEmpty else {
    FileHandle.standardError.write(Data("rein-bench-decide: give --bundle PATH and --proposals FILE\n".utf8))
    exit(2)
}

let compilation = try BundleLoader.load(bundlePaths).compile()
guard let policy = compilation.policy else {
    FileHandle.standardError.write(Data("rein-bench-decide: the bundle has errors (run rein check)\n".utf8))
    exit(2)
}
guard let data = FileManager.default.contents(atPath: proposalsPath) else {
    FileHandle.standardError.write(Data("rein-bench-decide: cannot read \(proposalsPath)\n".utf8))
    exit(2)
}
var lines = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
if lines.last?.isEmpty == true { lines.removeLast() }

@inline(never)
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func percentile(_ sorted: [UInt64], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))
    return Double(sorted[index]) / 1000
}

// The clock's own cost, subtracted from every sample.
var overheads: [UInt64] = []
for _ in 0..<10_000 {
    let start = now()
    overheads.append(now() - start)
}
let clockCost = overheads.sorted()[overheads.count / 2]

var decodeTimes: [UInt64] = []
var decideTimes: [UInt64] = []
var verdicts: [String: Int] = [:]
for pass in 0..<passes {
    var proposals: [Proposal] = []
    proposals.reserveCapacity(lines.count)
    for (index, line) in lines.enumerated() {
        let start = now()
        let result = ProposalDecoder.decode(line: line, lineNumber: index + 1)
        let elapsed = now() - start
        if pass > 0 { decodeTimes.append(elapsed > clockCost ? elapsed - clockCost : 0) }
        if case .success(let proposal) = result { proposals.append(proposal) }
    }
    for proposal in proposals {
        let start = now()
        let decision = policy.decide(proposal)
        let elapsed = now() - start
        if pass > 0 {
            decideTimes.append(elapsed > clockCost ? elapsed - clockCost : 0)
        } else {
            verdicts[decision.verdict.word, default: 0] += 1
        }
    }
}
decodeTimes.sort()
decideTimes.sort()
func mean(_ values: [UInt64]) -> Double { values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count) / 1000 }
print("proposals \(lines.count), passes \(passes - 1) timed, clock cost \(clockCost) ns subtracted")
print("verdicts: " + verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
print("| step | samples | p50 µs | p99 µs | mean µs |")
print("|---|---|---|---|---|")
for (name, values) in [("decode (JSON + shape)", decodeTimes), ("decide", decideTimes)] {
    print(
        "| \(name) | \(values.count) | \(String(format: "%.2f", percentile(values, 0.5))) | "
            + "\(String(format: "%.2f", percentile(values, 0.99))) | \(String(format: "%.2f", mean(values))) |")
}

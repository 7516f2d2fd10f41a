import Foundation
import ReinAdapters

// The front-end benchmark: `swift run -c release rein-bench [--runs N] [--write DIR]`.
// Generates a bundle of 1,000 tools, 200 queries and 200 runbooks (≥ 1 MB), then reports
// parse throughput, check and lint times (medians of N runs) and peak memory.

var runs = 15
var writeFolder: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--runs": runs = max(1, Int(arguments.popFirst() ?? "") ?? runs)
    case "--write": writeFolder = arguments.popFirst()
    case "--help", "-h":
        print("usage: rein-bench [--runs N] [--write DIR]\n  --write DIR  also write the generated bundle under DIR (for `rein check DIR`)")
        exit(0)
    default:
        FileHandle.standardError.write(Data("rein-bench: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

let generated = BundleGenerator().generate()
let sources = generated.enumerated().map { index, file in SourceFile(path: file.path, bytes: Array(file.text.utf8)) }
let totalBytes = sources.reduce(0) { $0 + $1.bytes.count }

if let writeFolder {
    for file in generated {
        let url = URL(fileURLWithPath: writeFolder).appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try file.text.write(to: url, atomically: true, encoding: .utf8)
    }
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func parseAll() -> [SourceFileSyntax] {
    sources.enumerated().map { index, source in Parser.parse(source, fileIndex: index) }
}

// Sanity: the generated bundle is valid, so the numbers measure the normal path.
let sample = LoadedBundle(files: parseAll(), loadDiagnostics: []).check()
if !sample.diagnostics.isEmpty {
    let rendered = TextDiagnosticRenderer(files: sources).render(Array(sample.diagnostics.prefix(5)))
    FileHandle.standardError.write(Data("rein-bench: the generated bundle has \(sample.diagnostics.count) diagnostics:\n\(rendered)".utf8))
    exit(1)
}

var parseTimes: [Double] = []
var checkTimes: [Double] = []
var lintTimes: [Double] = []
var totalTimes: [Double] = []
for _ in 0..<runs {
    var parsed: [SourceFileSyntax] = []
    parseTimes.append(seconds { parsed = parseAll() })
    let bundle = LoadedBundle(files: parsed, loadDiagnostics: [])
    var result: CheckResult?
    checkTimes.append(seconds { result = Checker.check(bundle.files) })
    if let model = result?.model { lintTimes.append(seconds { _ = Linter.lint(bundle.files, model: model) }) }
    totalTimes.append(seconds { _ = LoadedBundle(files: parseAll(), loadDiagnostics: []).check() })
}

func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kilobytes / 1024
    }
    return -1
}

let megabytes = Double(totalBytes) / 1_048_576
let parseMedian = median(parseTimes)
print("bundle: \(sources.count) files, \(totalBytes) bytes (\(String(format: "%.2f", megabytes)) MiB); 1000 tools, 200 queries, 200 runbooks")
print("runs: \(runs) (medians)")
print(String(format: "parse:            %7.1f ms  %6.1f MB/s   (target ≥ 30 MB/s)", parseMedian * 1000, megabytes / parseMedian))
print(String(format: "check (semantic): %7.1f ms", median(checkTimes) * 1000))
print(String(format: "lint (all rules): %7.1f ms", median(lintTimes) * 1000))
print(String(format: "parse + check + lint: %5.1f ms             (target ≤ 100 ms)", median(totalTimes) * 1000))
print(String(format: "peak memory:      %7.1f MB               (target ≤ 100 MB)", peakResidentMegabytes()))

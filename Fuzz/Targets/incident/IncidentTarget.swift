import ReinFuzz

let bundle = FuzzEntry.exampleBundle()

/// libFuzzer's entry point: one input as a recorded incident, YAML and JSON (see ``IncidentFuzz``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    IncidentFuzz.run(FuzzEntry.bytes(data, size), bundle: bundle).abortIfAny()
    return 0
}

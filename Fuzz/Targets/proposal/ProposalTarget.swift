import ReinFuzz

let bundle = FuzzEntry.exampleBundle()

/// libFuzzer's entry point: one input as a proposal line (see ``ProposalFuzz``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ProposalFuzz.run(FuzzEntry.bytes(data, size), bundle: bundle).abortIfAny()
    return 0
}

import ReinFuzz

/// libFuzzer's entry point: one input as a `.rein` file (see ``ParseFuzz``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ParseFuzz.run(FuzzEntry.bytes(data, size)).abortIfAny()
    return 0
}

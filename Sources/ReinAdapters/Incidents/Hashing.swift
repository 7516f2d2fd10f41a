import Crypto
import ReinEngine

/// SHA-256 (swift-crypto) for what Rein hashes: approval digests, the bundle digest and the
/// audit chain (docs/FORMATS.md §6, §8).
public enum Hashing {
    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    @Sendable
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The bundle digest (docs/FORMATS.md §6): SHA-256 of each file's SHA-256 hex followed by `\n`,
    /// in bundle order. It hashes the files' bytes, so any edit — even a comment — is a policy
    /// change that invalidates pending approvals.
    public static func bundleDigest(_ files: [SourceFile]) -> String {
        var text: [UInt8] = []
        for file in files {
            text += sha256Hex(file.bytes).utf8
            text.append(0x0A)
        }
        return sha256Hex(text)
    }

    /// `digest` (any bytes) as lowercase hex digits, two a byte.
    public static func hex<Digest: Sequence<UInt8>>(_ digest: Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The checksum of cache files: a 64-bit hash that reads eight bytes at a time in four
/// independent lanes, so checking a gigabyte-sized cached model costs a fraction of a second.
///
/// Each lane keeps `h = rotl(h ^ w, 29) · P` over every fourth little-endian 64-bit word `w`
/// (P = 0x9E3779B97F4A7C15, odd, so each step is a bijection of `h`: changing any one word always
/// changes the result). Trailing bytes (fewer than 32) are folded into lane 0 one byte at a time.
/// The lanes, the length and a final SplitMix64-style mix give the value. Not for security: it
/// detects truncation, damage and edits, not an adversary.
public enum CacheChecksum {
    static let prime: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always) static func step(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = h ^ w
        return ((x << 29) | (x >> 35)) &* prime
    }

    /// The checksum of `bytes`. Complexity: O(n), about one multiply per 8 bytes per lane.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var a: UInt64 = 0x243F_6A88_85A3_08D3, b: UInt64 = 0x1319_8A2E_0370_7344
        var c: UInt64 = 0xA409_3822_299F_31D0, d: UInt64 = 0x082E_FA98_EC4E_6C89
        let n = bytes.count
        var p = 0
        if let base = bytes.baseAddress {
            while p + 32 <= n {
                a = step(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self)))
                b = step(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self)))
                c = step(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self)))
                d = step(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self)))
                p += 32
            }
            while p < n {
                a = step(a, UInt64(base.load(fromByteOffset: p, as: UInt8.self)) | 0x100)
                p += 1
            }
        }
        var h = UInt64(n) &* prime
        for lane in [a, b, c, d] { h = step(h, lane) }
        h ^= h >> 30; h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27; h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash($0) }
    }
}

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
        var h = Hasher()
        h.add(bytes)
        return h.value
    }

    /// The same checksum over bytes that arrive in parts (a file written piece by piece): any
    /// split of the bytes gives the value `hash` gives for all of them at once.
    public struct Hasher: Sendable {
        var a: UInt64 = 0x243F_6A88_85A3_08D3, b: UInt64 = 0x1319_8A2E_0370_7344
        var c: UInt64 = 0xA409_3822_299F_31D0, d: UInt64 = 0x082E_FA98_EC4E_6C89
        /// Bytes seen so far.
        public private(set) var count = 0
        /// The start of an incomplete 32-byte block (`count % 32` bytes of it).
        var pending = [UInt8](repeating: 0, count: 32)

        public init() {}

        public mutating func add(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            let n = bytes.count
            var p = 0
            var have = count % 32
            count += n
            if have > 0 {
                let take = min(32 - have, n)
                for k in 0..<take { pending[have + k] = base.load(fromByteOffset: k, as: UInt8.self) }
                have += take
                p = take
                guard have == 32 else { return }
                let done = pending.withUnsafeBytes { Self.blocks($0.baseAddress!, 32, (a, b, c, d)) }
                (a, b, c, d) = done.lanes
            }
            let done = Self.blocks(base + p, n - p, (a, b, c, d))
            (a, b, c, d) = done.lanes
            p += done.used
            for k in 0..<(n - p) { pending[k] = base.load(fromByteOffset: p + k, as: UInt8.self) }
        }

        /// Runs the four lanes over the whole 32-byte blocks of `count` bytes at `base` (lanes in
        /// locals, so they stay in registers); returns the lanes and the bytes used.
        @inline(__always)
        static func blocks(_ base: UnsafeRawPointer, _ count: Int, _ lanes: (UInt64, UInt64, UInt64, UInt64))
            -> (lanes: (UInt64, UInt64, UInt64, UInt64), used: Int) {
            var (a, b, c, d) = lanes
            var p = 0
            while p + 32 <= count {
                a = CacheChecksum.step(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self)))
                b = CacheChecksum.step(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self)))
                c = CacheChecksum.step(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self)))
                d = CacheChecksum.step(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self)))
                p += 32
            }
            return ((a, b, c, d), p)
        }

        /// The checksum of everything added (adding more afterwards is allowed).
        public var value: UInt64 {
            var a = a
            for k in 0..<(count % 32) { a = CacheChecksum.step(a, UInt64(pending[k]) | 0x100) }
            var h = UInt64(count) &* CacheChecksum.prime
            for lane in [a, b, c, d] { h = CacheChecksum.step(h, lane) }
            h ^= h >> 30; h = h &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 27; h = h &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 31)
        }
    }

    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash($0) }
    }
}

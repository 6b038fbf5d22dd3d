/// Arithmetic-only helpers for the sample generator, so that the same seed gives the same
/// bytes on every platform (no libm calls whose last bit may differ between systems).
enum SampleMath {
    /// eˣ by range reduction and a Taylor polynomial: x = k·ln2 + r, |r| ≤ ln2/2,
    /// eʳ = Σₙ₌₀¹⁶ rⁿ/n!, eˣ = 2ᵏ·eʳ. Relative error below 1e-15 for |x| < 700.
    ///
    /// - Complexity: O(1), pure IEEE-754 arithmetic (bit-identical everywhere).
    static func exp(_ x: Double) -> Double {
        if x > 700 { return .greatestFiniteMagnitude }
        if x < -700 { return 0 }
        let ln2 = 0.693_147_180_559_945_3
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0, sum = 1.0
        for n in 1...16 {
            term *= r / Double(n)
            sum += term
        }
        return sum * Double(sign: .plus, exponent: Int(k), significand: 1.0)
    }

    /// An approximately standard normal sample: the Irwin–Hall sum of 12 uniforms minus 6
    /// (mean 0, variance 1, bounded by ±6). Pure arithmetic, hence reproducible.
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        var s = 0.0
        for _ in 0..<12 { s += rng.nextDouble() }
        return s - 6
    }

    /// A uniform Double in [lo, hi).
    static func uniform(_ rng: inout SplitMix64, _ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * rng.nextDouble()
    }

    /// `x` with exactly `digits` decimals, rounded half away from zero; never prints `-0.000`.
    static func fixed(_ x: Double, _ digits: Int = 3) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = Int((x * scale).rounded())
        let a = abs(v)
        let p = Int(scale)
        var frac = String(a % p)
        while frac.count < digits { frac = "0" + frac }
        return (v < 0 ? "-" : "") + String(a / p) + (digits > 0 ? "." + frac : "")
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `YYYY-MM-DD` of a Unix time in seconds (UTC), the inverse of `days(year:month:day:)`.
    static func isoDate(_ seconds: Int64) -> String {
        let z0 = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) + 719_468
        let era = (z0 >= 0 ? z0 : z0 - 146_096) / 146_097
        let doe = z0 - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }
}

/// Weighted sampling without replacement over integer weights, by a Fenwick (binary indexed) tree.
///
/// Draw: pick r uniform in [0, total), descend the tree to the item whose cumulative weight
/// passes r, then remove it (subtract its weight). Integers make removal exact.
/// - Complexity: O(n) to build, O(log n) per draw.
struct FenwickSampler {
    private var tree: [UInt64]
    private var weights: [UInt64]
    private(set) var total: UInt64 = 0
    private let size: Int
    private var topBit: Int

    init(weights: [UInt64]) {
        size = weights.count
        self.weights = weights
        tree = [UInt64](repeating: 0, count: size + 1)
        for (i, w) in weights.enumerated() {
            tree[i + 1] &+= w
            let parent = (i + 1) + ((i + 1) & -(i + 1))
            if parent <= size { tree[parent] &+= tree[i + 1] }
            total &+= w
        }
        topBit = 1
        while topBit * 2 <= size { topBit *= 2 }
    }

    /// Draws one index with probability proportional to its weight and removes it; nil when empty.
    mutating func draw(_ rng: inout SplitMix64) -> Int? {
        guard total > 0 else { return nil }
        var r = rng.next().multipliedFullWidth(by: total).high  // uniform in [0, total)
        var pos = 0
        var step = topBit
        while step > 0 {
            let next = pos + step
            if next <= size && tree[next] <= r {
                pos = next
                r -= tree[next]
            }
            step >>= 1
        }
        let index = pos  // 0-based item index
        remove(index)
        return index
    }

    private mutating func remove(_ index: Int) {
        let w = weights[index]
        weights[index] = 0
        total -= w
        var i = index + 1
        while i <= size {
            tree[i] -= w
            i += i & -i
        }
    }
}

import Foundation

/// The hybrid's plain arithmetic, kept apart from its state: the held-out split its blend is fitted
/// on, the z-scores that put components on one scale, and the small linear solve of the rating blend.
extension HybridRecommender {
    /// Holds out `fraction` of each user's ratings (users with ≥ 5 ratings), seeded; the rows of
    /// `newUsers` are removed whole (they play new users, see `pickNewUsers`).
    static func split(_ m: RatingMatrix, fraction: Float, seed: UInt64,
                      removing newUsers: Set<Int32> = []) -> (RatingMatrix, [RatingTriple]) {
        var rng = SplitMix64.derived(seed: seed, stream: 0x4B1D)
        var hold = [Bool](repeating: false, count: m.count)
        var held: [RatingTriple] = []
        for u in 0..<m.userCount {
            let s = m.rowStart[u], e = m.rowStart[u + 1]
            let n = e - s
            if newUsers.contains(Int32(u)) {
                for p in s..<e { hold[p] = true }
                continue
            }
            guard n >= 5 else { continue }
            var idx = Array(s..<e)
            idx.shuffle(using: &rng)
            for p in idx.prefix(max(1, Int((Float(n) * fraction).rounded()))) {
                hold[p] = true
                held.append(RatingTriple(user: Int32(u), item: m.rowItems[p], rating: m.rowRatings[p]))
            }
        }
        return (m.filter { !hold[$0] }, held)
    }

    /// z-scores of a score vector (0 everywhere when it is constant).
    static func standardise(_ s: [Float]) -> [Float] {
        guard !s.isEmpty else { return s }
        var mean: Double = 0
        for x in s { mean += Double(x) }
        mean /= Double(s.count)
        var v: Double = 0
        for x in s { v += (Double(x) - mean) * (Double(x) - mean) }
        let sd = (v / Double(s.count)).squareRoot()
        guard sd > 1e-12 else { return [Float](repeating: 0, count: s.count) }
        let m = Float(mean), inv = Float(1 / sd)
        return s.map { ($0 - m) * inv }
    }

    /// Gaussian elimination with partial pivoting on a small dense system.
    static func solve(_ a0: [Double], _ b0: [Double], _ d: Int) -> [Double]? {
        var a = a0, b = b0
        for col in 0..<d {
            var piv = col
            for r in col..<d where abs(a[r * d + col]) > abs(a[piv * d + col]) { piv = r }
            guard abs(a[piv * d + col]) > 1e-12 else { return nil }
            if piv != col {
                for j in 0..<d { a.swapAt(col * d + j, piv * d + j) }
                b.swapAt(col, piv)
            }
            for r in (col + 1)..<max(col + 1, d) {
                let f = a[r * d + col] / a[col * d + col]
                for j in col..<d { a[r * d + j] -= f * a[col * d + j] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: d)
        for r in stride(from: d - 1, through: 0, by: -1) {
            var s = b[r]
            for j in (r + 1)..<max(r + 1, d) { s -= a[r * d + j] * x[j] }
            x[r] = s / a[r * d + r]
        }
        return x
    }
}

import Foundation

// The hybrid's weights as a function of the profile's size, fitted on simulated new users.
//
// A blend fitted on users with many ratings is the wrong blend for a profile of 1, 2 or 3 ratings: with
// so little to go on, components that fold a profile in (item-knn, ease, bpr) and the demographic cell
// weigh differently than they do for a warm user. So, besides the warm weights, the hybrid fits one weight
// vector per profile size N in `sizeLevels` (those below `cold_threshold`):
//
// 1. up to 250 users with at least 15 ratings (a quarter of those eligible at most) are drawn (seeded) and removed whole from the slice the
//    components are fitted on, so they are really new to the components;
// 2. each is shown N of their ratings (a seeded random choice) with their demographics, and the rest of
//    their ratings are the items to find;
// 3. the weights at level N (the demographic model among the components when the data has demographics)
//    are chosen by the same coordinate search as the warm weights, for NDCG@10, starting from the best of
//    the warm weights and each component alone, so at each level the blend is never below its best
//    component on these users.
//
// A profile of n ratings that is not a dataset user uses the level with the largest N ≤ n while
// n < cold_threshold, and the warm weights from then on.

/// Standardised component scores of a set of users, with what each must not be shown and what it should find.
struct BlendSlice {
    /// z[user][component] = the component's standardised scores.
    var z: [[[Float]]] = []
    var exclude: [Set<Int32>] = []
    var relevant: [Set<Int32>] = []

    var isEmpty: Bool { z.isEmpty }

    /// Mean NDCG@10 of the blend Σ_c w_c z_c over the users.
    func ndcg(_ w: [Float]) -> Double {
        var total = 0.0
        for k in z.indices {
            let n = z[k].first?.count ?? 0
            var s = [Float](repeating: 0, count: n)
            for ci in w.indices where w[ci] != 0 && ci < z[k].count {
                let zc = z[k][ci], wc = w[ci]
                for i in 0..<min(n, zc.count) { s[i] += wc * zc[i] }
            }
            let ex = exclude[k], rel = relevant[k]
            let top = topK(s, k: 10) { !ex.contains($0) }
            var dcg = 0.0
            for (r, item) in top.enumerated() where rel.contains(item.item) { dcg += 1 / log2(Double(r) + 2) }
            var idcg = 0.0
            for r in 0..<min(10, rel.count) { idcg += 1 / log2(Double(r) + 2) }
            if idcg > 0 { total += dcg / idcg }
        }
        return total / Double(max(1, z.count))
    }

    /// Coordinate search over the free weights (`given[c] < 0`; the others stay at their given value),
    /// starting from the best of `starts` and each free component alone.
    /// A move must gain `minGain` NDCG to be taken: with a hundred or so users, smaller gains are mostly
    /// noise, and the search should not chase them.
    func search(given: [Double], starts: [[Float]], minGain: Double = 1e-9) -> (weights: [Float], ndcg: Double) {
        let c = given.count
        var candidates = starts.filter { $0.count == c && $0.contains { $0 != 0 } }
        for ci in 0..<c where given[ci] < 0 {
            candidates.append(given.enumerated().map { k, g in k == ci ? Float(1) : (g < 0 ? 0 : Float(g)) })
        }
        var w = candidates.first ?? given.map { $0 < 0 ? Float(1) : Float($0) }
        var best = ndcg(w)
        for t in candidates.dropFirst() {
            let v = ndcg(t)
            if v > best + 1e-9 { best = v; w = t }
        }
        let grid: [Float] = [0, 0.1, 0.25, 0.5, 1, 2, 4]
        for _ in 0..<2 {
            for ci in 0..<c where given[ci] < 0 {
                for g in grid where g != w[ci] {
                    var t = w
                    t[ci] = g
                    if t.allSatisfy({ $0 == 0 }) { continue }
                    let v = ndcg(t)
                    if v > best + minGain { best = v; w = t }
                }
            }
        }
        return (w, best)
    }
}

extension HybridRecommender {
    /// Profile sizes with weights of their own (those below `cold_threshold` are used).
    static let sizeLevels = [0, 1, 2, 3, 5, 10, 20, 50]

    /// The sizes fitted under `threshold`.
    static func levels(below threshold: Int) -> [Int] { sizeLevels.filter { $0 < threshold } }

    /// Up to `count` users with at least `minRatings` ratings, drawn with a seeded generator, in order.
    static func pickNewUsers(_ m: RatingMatrix, count: Int, minRatings: Int, seed: UInt64) -> [Int32] {
        var eligible = (0..<m.userCount).filter { m.rowCount(Int32($0)) >= minRatings }.map(Int32.init)
        // Leave most users warm: at most a quarter of the eligible ones play new users.
        let n = min(count, eligible.count / 4)
        guard n > 0 else { return [] }
        var rng = SplitMix64.derived(seed: seed, stream: 0x6E3F)
        eligible.shuffle(using: &rng)
        return Array(eligible.prefix(n)).sorted()
    }

    /// The slice of `users` shown `n` of their ratings: components' z-scores (with `demographic`
    /// appended when given), their kept ratings excluded, the rest to find.
    static func newUserSlice(_ users: [Int32], keep n: Int, data: Dataset, components: [any Recommender],
                             demographic: DemographicRecommender?, seed: UInt64) -> BlendSlice {
        var slice = BlendSlice()
        let m = data.ratings
        for u in users {
            let row = m.row(u)
            var order = Array(row.items.indices)
            var rng = SplitMix64.derived(seed: seed, stream: 0x6A7F &+ UInt64(u))
            order.shuffle(using: &rng)
            let kept = order.prefix(n).map { (row.items[$0], row.ratings[$0]) }
            let attributes = Int(u) < data.userAttributes.count ? data.userAttributes[Int(u)] : UserAttributes()
            let p = Profile(kept, attributes: attributes)
            var z = components.map { standardise($0.scores(p)) }
            if let demographic { z.append(standardise(demographic.scores(p))) }
            slice.z.append(z)
            slice.exclude.append(Set(kept.map(\.0)))
            slice.relevant.append(Set(order.dropFirst(n).map { row.items[$0] }))
        }
        return slice
    }

    /// How many simulated new users fit in memory for a catalog of `items` and `components` components
    /// (their z-scores are held for one level at a time): 250, fewer for very large catalogs.
    static func newUserCount(items: Int, components: Int) -> Int {
        let floatsBudget = 60_000_000
        return max(20, min(250, floatsBudget / max(1, items * max(1, components))))
    }

    /// The weights for each level (components, then the demographic model), fitted on `newUsers`.
    func fitSizeWeights(_ trial: [any Recommender], demographic: DemographicRecommender?, newUsers: [Int32],
                        data: Dataset, given: [Double], seed: UInt64) -> [(level: Int, weights: [Float])] {
        let levels = Self.levels(below: parameters.int("cold_threshold"))
        guard !levels.isEmpty, !newUsers.isEmpty else { return [] }
        // The demographic model's weight is always free (it is not a parameter).
        let free = given + (demographic == nil ? [] : [-1])
        let warm = weights + (demographic == nil ? [] : [0])
        var out: [(level: Int, weights: [Float])] = []
        var scores: [Float] = []
        for n in levels {
            let slice = Self.newUserSlice(newUsers, keep: n, data: data, components: trial, demographic: demographic,
                                          seed: seed)
            let (w, v) = slice.search(given: free, starts: [warm], minGain: 0.001)
            out.append((n, w))
            scores.append(Float(v))
        }
        notes.append(.sizeWeightsFitted(users: newUsers.count, levels: levels, ndcg: scores))
        return out
    }
}

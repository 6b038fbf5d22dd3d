import Foundation

/// The metric formulas, as small pure functions the runner and the tests share.
///
/// Notation: `L` is a user's recommendation list (best first), `L_k` its first k
/// entries, `R` the user's relevant test items, `rel(i)` is 1 when the i-th
/// entry of `L` is in `R`, else 0. Per-user values are averaged over the users
/// that have at least one relevant item. docs/metrics.md has every formula.
public enum Metrics {

    // MARK: Rating prediction

    /// Root mean squared error: √(Σ (r̂ − r)² / n). NaN when `n` is 0.
    public static func rmse(squaredErrorSum: Double, count: Int) -> Double {
        count == 0 ? .nan : (squaredErrorSum / Double(count)).squareRoot()
    }

    /// Mean absolute error: Σ |r̂ − r| / n. NaN when `n` is 0.
    public static func mae(absoluteErrorSum: Double, count: Int) -> Double {
        count == 0 ? .nan : absoluteErrorSum / Double(count)
    }

    /// Concordant and discordant pairs of one user's test ratings (Koren's FCP).
    ///
    /// Over the pairs (a, b) with r_a > r_b: concordant when r̂_a > r̂_b, discordant otherwise
    /// (a tie in the prediction counts as discordant, as in Surprise). Pairs with equal true
    /// ratings are ignored. Complexity: O(n²) in the user's test ratings.
    public static func fcpPairs(truth: [Float], predicted: [Float]) -> (concordant: Int, discordant: Int) {
        var c = 0, d = 0
        let n = truth.count
        for a in 0..<n {
            for b in 0..<n where truth[a] > truth[b] {
                if predicted[a] > predicted[b] { c += 1 } else { d += 1 }
            }
        }
        return (c, d)
    }

    /// Fraction of concordant pairs: Σ_u c_u / (Σ_u c_u + Σ_u d_u). NaN without any pair.
    public static func fcp(concordant: Int, discordant: Int) -> Double {
        concordant + discordant == 0 ? .nan : Double(concordant) / Double(concordant + discordant)
    }

    // MARK: Top-N, one user

    /// Hits in the first k entries: Σ_{i ≤ k} rel(i).
    public static func hits(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Int {
        var h = 0
        for item in ranked.prefix(k) where relevant.contains(item) { h += 1 }
        return h
    }

    /// precision@k = |L_k ∩ R| / |L_k|; |L_k| = min(k, |L|), so a list shorter than k (few
    /// candidates) is not punished for the slots it could not fill. 0 for an empty list.
    public static func precision(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Double {
        let n = min(k, ranked.count)
        return n == 0 ? 0 : Double(hits(at: k, ranked: ranked, relevant: relevant)) / Double(n)
    }

    /// recall@k = |L_k ∩ R| / |R|. 0 when R is empty.
    public static func recall(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Double {
        relevant.isEmpty ? 0 : Double(hits(at: k, ranked: ranked, relevant: relevant)) / Double(relevant.count)
    }

    /// NDCG@k with binary gains: DCG = Σ_{i ≤ k} rel(i) / log₂(i + 1), divided by the ideal
    /// IDCG = Σ_{i ≤ min(k, |R|)} 1 / log₂(i + 1). 0 when R is empty.
    public static func ndcg(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Double {
        guard !relevant.isEmpty, k > 0 else { return 0 }
        var dcg = 0.0
        for (i, item) in ranked.prefix(k).enumerated() where relevant.contains(item) {
            dcg += 1 / log2(Double(i + 2))
        }
        var idcg = 0.0
        for i in 0..<min(k, relevant.count) { idcg += 1 / log2(Double(i + 2)) }
        return dcg / idcg
    }

    /// AP@k = (1 / min(k, |R|)) Σ_{i ≤ k} rel(i) · precision@i. 0 when R is empty.
    public static func averagePrecision(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Double {
        guard !relevant.isEmpty, k > 0 else { return 0 }
        var h = 0, sum = 0.0
        for (i, item) in ranked.prefix(k).enumerated() where relevant.contains(item) {
            h += 1
            sum += Double(h) / Double(i + 1)
        }
        return sum / Double(min(k, relevant.count))
    }

    /// hitrate@k = 1 when L_k ∩ R ≠ ∅, else 0.
    public static func hitRate(at k: Int, ranked: [Int32], relevant: Set<Int32>) -> Double {
        hits(at: k, ranked: ranked, relevant: relevant) > 0 ? 1 : 0
    }

    /// taste-agreement@k of one user whose true tastes are known: the share of L_k in a liked
    /// genre minus the share in a disliked genre,
    /// (#{i ∈ L_k : G_i ∩ Liked ≠ ∅} − #{i ∈ L_k : G_i ∩ Disliked ≠ ∅}) / |L_k|, with G_i the
    /// item's genres. From −1 (every entry disliked) to 1 (every entry liked, none disliked); an
    /// item with both a liked and a disliked genre counts in both shares. 0 for an empty list.
    /// - Parameters:
    ///   - itemGenres: each catalog item's genres as a mask (``UserTastes/itemMasks(_:)``).
    ///   - liked, disliked: the user's genre masks over the same bits.
    public static func tasteAgreement(at k: Int, ranked: [Int32], itemGenres: [UInt64], liked: UInt64,
                                      disliked: UInt64) -> Double {
        let top = ranked.prefix(k)
        guard !top.isEmpty else { return 0 }
        var score = 0
        for i in top {
            let g = itemGenres[Int(i)]
            if g & liked != 0 { score += 1 }
            if g & disliked != 0 { score -= 1 }
        }
        return Double(score) / Double(top.count)
    }

    /// The full-ranking facts of one user that MRR and AUC need.
    public struct RankFacts: Sendable, Equatable {
        /// 1-based rank of the best relevant candidate (ties broken by lower item index,
        /// as in `topK`), or nil when no relevant item is a candidate.
        public var firstRelevantRank: Int?
        /// AUC over candidates: the probability that a relevant candidate outscores a
        /// non-relevant one, ties counting one half. Nil when either set is empty.
        public var auc: Double?
    }

    /// Ranks every candidate by `scores` and reports the first relevant rank and the AUC.
    ///
    /// AUC = 1 − Σ_{c ∉ R} (#{r ∈ R : s_r < s_c} + ½ #{r ∈ R : s_r = s_c}) / (|R_C| · |C \ R|),
    /// where C is the candidate set and R_C = R ∩ C. NaN scores count as −∞.
    /// Complexity: O(|C| log |R|).
    /// - Parameters:
    ///   - scores: one score per catalog item.
    ///   - excluded: items that cannot be recommended (the user's training items).
    ///   - relevant: the relevant items (excluded ones are ignored).
    public static func rankFacts<S: Sequence>(scores: [Float], excluded: S, relevant: Set<Int32>) -> RankFacts
        where S.Element == Int32 {
        let n = scores.count
        // 0 = candidate, 1 = excluded, 2 = relevant candidate.
        var state = [UInt8](repeating: 0, count: n)
        for i in excluded where Int(i) < n { state[Int(i)] = 1 }
        var rel: [Int32] = []
        for r in relevant where Int(r) < n && state[Int(r)] == 0 {
            state[Int(r)] = 2
            rel.append(r)
        }
        guard !rel.isEmpty else { return RankFacts(firstRelevantRank: nil, auc: nil) }
        rel.sort()
        return scores.withUnsafeBufferPointer { sp in
            @inline(__always) func s(_ i: Int) -> Float {
                let v = sp[i]
                return v.isNaN ? -.infinity : v
            }
            // Best relevant: highest score, lowest index.
            var best = Int(rel[0])
            for r in rel where s(Int(r)) > s(best) { best = Int(r) }
            let bestScore = s(best)
            let relScores = rel.map { s(Int($0)) }.sorted()
            let lowest = relScores[0], highest = relScores[relScores.count - 1]
            var better = 0, candidates = 0
            var below = 0.0  // Σ over non-relevant candidates of relevant items they beat (ties ½).
            relScores.withUnsafeBufferPointer { rs in
                for c in 0..<n where state[c] != 1 {
                    candidates += 1
                    let sc = s(c)
                    if sc > bestScore || (sc == bestScore && c < best) { better += 1 }
                    if state[c] == 2 || sc < lowest { continue }
                    if sc > highest { below += Double(rs.count); continue }
                    // lower = #relevant with score < sc; upper = #relevant with score ≤ sc.
                    let lower = partitionPoint(rs) { $0 < sc }
                    let upper = partitionPoint(rs) { $0 <= sc }
                    below += Double(lower) + 0.5 * Double(upper - lower)
                }
            }
            let negatives = candidates - rel.count
            let auc: Double? = negatives == 0 ? nil : 1 - below / (Double(rel.count) * Double(negatives))
            return RankFacts(firstRelevantRank: better + 1, auc: auc)
        }
    }

    /// The first index where `isBefore` turns false in a partitioned array.
    @inline(__always)
    static func partitionPoint(_ a: UnsafeBufferPointer<Float>, _ isBefore: (Float) -> Bool) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBefore(a[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Beyond accuracy, over all users' lists

    /// Catalog coverage: |∪_u L_u| / |I|.
    public static func coverage(lists: [[Int32]], itemCount: Int) -> Double {
        guard itemCount > 0 else { return .nan }
        var seen = [Bool](repeating: false, count: itemCount)
        var n = 0
        for l in lists { for i in l where !seen[Int(i)] { seen[Int(i)] = true; n += 1 } }
        return Double(n) / Double(itemCount)
    }

    /// Gini index of how often each catalog item is recommended, with counts sorted ascending
    /// c_(1) ≤ … ≤ c_(n) over all n catalog items: G = Σ_j (2j − n − 1) c_(j) / (n Σ_j c_(j)).
    /// 0 when every item is recommended equally often, → 1 when one item takes every slot.
    public static func gini(counts: [Int]) -> Double {
        let n = counts.count
        let total = counts.reduce(0, +)
        guard n > 0, total > 0 else { return .nan }
        let sorted = counts.sorted()
        var num = 0.0
        for (j, c) in sorted.enumerated() { num += Double(2 * (j + 1) - n - 1) * Double(c) }
        return num / (Double(n) * Double(total))
    }

    /// How often each item appears in the lists.
    public static func recommendationCounts(lists: [[Int32]], itemCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: itemCount)
        for l in lists { for i in l { counts[Int(i)] += 1 } }
        return counts
    }

    /// Overlap of two lists: the Jaccard similarity |A ∩ B| / |A ∪ B| of their item sets (1 when both are empty).
    /// Personalization is one minus its mean over pairs of users; Compare shows it for pairs of algorithms.
    public static func overlap(_ a: [Int32], _ b: [Int32]) -> Double {
        sortedOverlap(Array(Set(a)).sorted(), Array(Set(b)).sorted())
    }

    /// `overlap` of two sorted lists without repeats, by one merge: O(|a| + |b|).
    static func sortedOverlap(_ x: [Int32], _ y: [Int32]) -> Double {
        var i = 0, j = 0, common = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { common += 1; i += 1; j += 1 } else if x[i] < y[j] { i += 1 } else { j += 1 }
        }
        let union = x.count + y.count - common
        return union == 0 ? 1 : Double(common) / Double(union)
    }

    /// Personalization: 1 − the mean Jaccard similarity |L_u ∩ L_v| / |L_u ∪ L_v| over all
    /// pairs of users. 1 when no two users share an item, 0 when all lists are equal.
    /// NaN with fewer than two lists. Complexity: O(n² · |L|) — the runner samples users
    /// beyond `personalizationSampleLimit`.
    public static func personalization(lists: [[Int32]]) -> Double {
        guard lists.count >= 2 else { return .nan }
        let sorted = lists.map { Array(Set($0)).sorted() }
        var sum = 0.0, pairs = 0
        for a in 0..<sorted.count {
            for b in (a + 1)..<sorted.count {
                sum += sortedOverlap(sorted[a], sorted[b])
                pairs += 1
            }
        }
        return 1 - sum / Double(pairs)
    }

    /// Lists beyond this many users are sampled (seeded) for personalization.
    public static let personalizationSampleLimit = 2000
}

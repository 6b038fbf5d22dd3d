import Foundation

/// The one definition of each per-item beyond-accuracy measure: diversity, novelty and popularity.
///
/// `eval`, the eval lab and the explorer's Compare screen all measure lists with this type, so a
/// list has the same diversity and novelty wherever it is shown (docs/metrics.md):
///
/// - distance d(i, j) = 1 − |F_i ∩ F_j| / √(|F_i| · |F_j|): one minus the cosine of the binary
///   feature vectors, F_i = item i's genres and keywords (case-folded). Undefined when an item
///   has no feature.
/// - diversity(L) = the mean of d over the pairs of L where both items have features; nil when
///   no such pair exists.
/// - self-information(i) = −log₂ p(i), p(i) = max(1, |U_i|) / |U|: |U_i| users rated i, |U| users
///   rated anything. An item nobody rated counts as rated once, so its novelty is finite and high.
/// - novelty(L) = the mean self-information over the entries of L; popularity(L) = the mean |U_i|.
///
/// Coverage, Gini and personalization need every user's list and live in ``Metrics``.
/// Built once per dataset (O(items · features + items)); each measure is O(|L|²·features) or O(|L|).
public struct ListMeasures: Sendable {
    /// Per item: the ids of its features (genres and keywords), sorted and distinct.
    public let itemFeatures: [[Int32]]
    /// Per item: how many users rated it, |U_i|.
    public let itemRatingCounts: [Int]
    /// Users with at least one rating, |U|.
    public let activeUsers: Int

    public init(itemFeatures: [[Int32]], itemRatingCounts: [Int], activeUsers: Int) {
        self.itemFeatures = itemFeatures.map { Array(Set($0)).sorted() }
        self.itemRatingCounts = itemRatingCounts
        self.activeUsers = activeUsers
    }

    /// The measures of a dataset: its catalog's genres and keywords, and its ratings' counts.
    public init(dataset: Dataset) {
        let m = dataset.ratings
        var vocabulary: [String: Int32] = [:]
        let features = dataset.catalog.items.map { item -> [Int32] in
            (item.genres.map { "g:" + $0.lowercased() } + item.keywords.map { "k:" + $0.lowercased() }).map { name in
                if let id = vocabulary[name] { return id }
                let id = Int32(vocabulary.count)
                vocabulary[name] = id
                return id
            }
        }
        let counts = (0..<dataset.itemCount).map { $0 < m.itemCount ? m.columnCount(Int32($0)) : 0 }
        let active = (0..<m.userCount).reduce(0) { $0 + (m.rowCount(Int32($1)) > 0 ? 1 : 0) }
        self.init(itemFeatures: features, itemRatingCounts: counts, activeUsers: active)
    }

    /// d(a, b) = 1 − |F_a ∩ F_b| / √(|F_a| · |F_b|); nil when either item has no feature.
    public func distance(_ a: Int32, _ b: Int32) -> Double? {
        let fa = itemFeatures[Int(a)], fb = itemFeatures[Int(b)]
        guard !fa.isEmpty, !fb.isEmpty else { return nil }
        var i = 0, j = 0, common = 0
        while i < fa.count && j < fb.count {
            if fa[i] == fb[j] { common += 1; i += 1; j += 1 } else if fa[i] < fb[j] { i += 1 } else { j += 1 }
        }
        return 1 - Double(common) / (Double(fa.count) * Double(fb.count)).squareRoot()
    }

    /// Intra-list diversity: the mean distance over the pairs of `list` that have features; nil when none.
    public func diversity(_ list: [Int32]) -> Double? {
        var sum = 0.0, pairs = 0
        for a in 0..<list.count {
            for b in (a + 1)..<list.count {
                guard let d = distance(list[a], list[b]) else { continue }
                sum += d
                pairs += 1
            }
        }
        return pairs == 0 ? nil : sum / Double(pairs)
    }

    /// Self-information −log₂(max(1, |U_i|) / |U|) of one item, in bits (NaN without users).
    public func selfInformation(_ i: Int32) -> Double {
        guard activeUsers > 0 else { return .nan }
        let p = Double(max(1, itemRatingCounts[Int(i)])) / Double(activeUsers)
        return -log2(min(1, p))
    }

    /// Mean self-information over every entry of `lists`; NaN when they are all empty.
    public func novelty(_ lists: [[Int32]]) -> Double {
        mean(lists) { selfInformation($0) }
    }

    /// Mean |U_i| over every entry of `lists`; NaN when they are all empty.
    public func popularity(_ lists: [[Int32]]) -> Double {
        mean(lists) { Double(itemRatingCounts[Int($0)]) }
    }

    /// Mean of the per-list diversities (lists without a pair with features left out); NaN when none.
    public func diversity(lists: [[Int32]]) -> Double {
        let per = lists.compactMap(diversity)
        return per.isEmpty ? .nan : per.reduce(0, +) / Double(per.count)
    }

    private func mean(_ lists: [[Int32]], _ f: (Int32) -> Double) -> Double {
        var sum = 0.0, n = 0
        for l in lists { for i in l { sum += f(i); n += 1 } }
        return n == 0 ? .nan : sum / Double(n)
    }
}

/// Beyond-accuracy facts of one list, as the Compare screen shows them (``ListMeasures``'
/// definitions; NaN where undefined).
public struct ListMetrics: Sendable, Equatable {
    /// Intra-list diversity, 0…1 (cosine distance over genres and keywords).
    public var diversity: Double
    /// Mean self-information of the list's items, in bits.
    public var novelty: Double
    /// Mean number of ratings of the list's items.
    public var meanPopularity: Double

    public init(diversity: Double, novelty: Double, meanPopularity: Double) {
        self.diversity = diversity
        self.novelty = novelty
        self.meanPopularity = meanPopularity
    }

    /// The measures of `items` (an empty list gives NaN everywhere).
    public static func of(_ items: [Int32], measures: ListMeasures) -> ListMetrics {
        ListMetrics(diversity: measures.diversity(items) ?? .nan, novelty: measures.novelty([items]),
                    meanPopularity: measures.popularity([items]))
    }
}

import RecsysEngine

/// Per-item facts the explorer needs on every frame, computed once per dataset:
/// rating counts, means, folded titles for search, genre sets, and the fixed sort orders.
///
/// A final class so that `AppState` copies share it; it is immutable after `init`.
/// Complexity: O(nnz + n log n) to build (n items, nnz ratings).
public final class CatalogStats: Sendable {
    /// `counts[i]`: how many dataset users rated item i.
    public let counts: [Int]
    /// `means[i]`: item i's mean rating (0 when unrated).
    public let means: [Float]
    /// Damped mean (Σr + m·μ)/(n + m), m = 5: what "sort by mean" uses so 1 rating of 5★ does not top the list.
    public let dampedMeans: [Float]
    /// Title (without year) folded for case- and accent-insensitive search.
    public let foldedTitles: [String]
    /// Each item's genres as a bitset over `genreNames` (for fast filtering and diversity).
    public let genreMasks: [UInt64]
    /// Genre names, sorted (the catalog's genres).
    public let genreNames: [String]
    /// `genreCounts[k]`: how many items have genre `genreNames[k]`.
    public let genreCounts: [Int]
    /// Number of users in the dataset.
    public let userCount: Int
    /// Item indices sorted by count (desc), ties by index.
    public let byPopularity: [Int32]
    public let byMean: [Int32]
    public let byTitle: [Int32]
    public let byYear: [Int32]

    public init(dataset: Dataset) {
        let m = dataset.ratings
        let n = dataset.catalog.count
        var counts = [Int](repeating: 0, count: n)
        var means = [Float](repeating: 0, count: n)
        var damped = [Float](repeating: 0, count: n)
        let mu = m.globalMean
        for i in 0..<min(n, m.itemCount) {
            let col = m.column(Int32(i))
            let c = col.ratings.count
            let s = col.ratings.reduce(0, +)
            counts[i] = c
            means[i] = c > 0 ? s / Float(c) : 0
            damped[i] = (s + 5 * mu) / (Float(c) + 5)
        }
        self.counts = counts
        self.means = means
        self.dampedMeans = damped
        userCount = dataset.userCount
        let items = dataset.catalog.items
        foldedTitles = items.map { SearchText.fold($0.displayTitle) }
        let names = dataset.catalog.genres
        genreNames = names
        var index: [String: Int] = [:]
        for (k, g) in names.enumerated() where k < 64 { index[g] = k }
        genreMasks = items.map { item in
            item.genres.reduce(UInt64(0)) { acc, g in index[g].map { acc | (1 << UInt64($0)) } ?? acc }
        }
        genreCounts = names.map { g in items.reduce(0) { $0 + ($1.genres.contains(g) ? 1 : 0) } }
        let all = (0..<n).map(Int32.init)
        byPopularity = all.sorted { counts[Int($0)] != counts[Int($1)] ? counts[Int($0)] > counts[Int($1)] : $0 < $1 }
        byMean = all.sorted { damped[Int($0)] != damped[Int($1)] ? damped[Int($0)] > damped[Int($1)] : $0 < $1 }
        let folded = foldedTitles
        byTitle = all.sorted { folded[Int($0)] != folded[Int($1)] ? folded[Int($0)] < folded[Int($1)] : $0 < $1 }
        byYear = all.sorted { a, b in
            let ya = items[Int(a)].year ?? Int.min, yb = items[Int(b)].year ?? Int.min
            return ya != yb ? ya > yb : a < b
        }
    }

    /// The bit of a genre name in `genreMasks`, nil when unknown.
    public func genreBit(_ name: String) -> UInt64? {
        guard let k = genreNames.firstIndex(of: name), k < 64 else { return nil }
        return 1 << UInt64(k)
    }

    /// Novelty of an item: its self-information −log₂(count / users), 0 when nobody rated it.
    ///
    /// A movie everyone rated has novelty 0; one rated by 1 in 1024 users has novelty 10.
    public func selfInformation(_ i: Int32) -> Double {
        let c = counts[Int(i)]
        guard c > 0, userCount > 0 else { return 0 }
        return -log2(Double(c) / Double(userCount))
    }

    /// Genre distance 1 − |G_a ∩ G_b| / |G_a ∪ G_b| (Jaccard distance of genre sets; 1 when both have none).
    public func genreDistance(_ a: Int32, _ b: Int32) -> Double {
        let ga = genreMasks[Int(a)], gb = genreMasks[Int(b)]
        let union = (ga | gb).nonzeroBitCount
        guard union > 0 else { return 1 }
        return 1 - Double((ga & gb).nonzeroBitCount) / Double(union)
    }

    /// A handful of movies to rate first on an empty profile: popular (people know them),
    /// informative (ratings disagree: high variance) and diverse (greedily, each pick
    /// shares as few genres as possible with the picks before it).
    ///
    /// Score of a candidate: log(1 + count) · std(ratings) · (1 − max genre overlap with picks / 2).
    /// Candidates are the 200 most-rated items. Deterministic. Complexity: O(200 · count).
    public static func quickStart(dataset: Dataset, stats: CatalogStats, count: Int = 10) -> [Int32] {
        let pool = stats.byPopularity.prefix(200).filter { stats.counts[Int($0)] > 0 }
        var spread: [Int32: Double] = [:]
        for i in pool {
            let col = dataset.ratings.column(i).ratings
            let mean = Double(stats.means[Int(i)])
            let v = col.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(1, col.count))
            spread[i] = (v.squareRoot() + 0.1) * log(1 + Double(stats.counts[Int(i)]))
        }
        var picks: [Int32] = []
        var remaining = Array(pool)
        while picks.count < count, !remaining.isEmpty {
            var best = 0
            var bestScore = -Double.infinity
            for (k, i) in remaining.enumerated() {
                let overlap = picks.map { 1 - stats.genreDistance($0, i) }.max() ?? 0
                let s = spread[i]! * (1 - overlap / 2)
                if s > bestScore { bestScore = s; best = k }
            }
            picks.append(remaining.remove(at: best))
        }
        return picks
    }
}

import Foundation

/// Text folding for search: case- and accent-insensitive ("Amélie" matches "amelie").
public enum SearchText {
    /// Lowercases and strips combining marks after canonical decomposition; maps ß→ss, æ→ae, ø→o, œ→oe.
    public static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.decomposedStringWithCanonicalMapping.unicodeScalars {
            let cat = scalar.properties.generalCategory
            if cat == .nonspacingMark || cat == .enclosingMark || cat == .spacingMark { continue }
            for l in scalar.properties.lowercaseMapping.unicodeScalars {
                switch l {
                case "ß": out.append(contentsOf: "ss".unicodeScalars)
                case "æ": out.append(contentsOf: "ae".unicodeScalars)
                case "œ": out.append(contentsOf: "oe".unicodeScalars)
                case "ø": out.append("o")
                case "ł": out.append("l")
                default: out.append(l)
                }
            }
        }
        return String(out)
    }
}

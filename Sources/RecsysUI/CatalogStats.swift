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
    /// Titles without the trailing "(1995)", as lists show them.
    public let displayTitles: [String]
    /// Title (without year) folded for case- and accent-insensitive search.
    public let foldedTitles: [String]
    /// What search matches: the folded title with its year, "alien (1979)", so "alien 1979" and "alien (19" find it.
    public let searchKeys: [String]
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
        displayTitles = items.map(CatalogStats.displayTitle)
        foldedTitles = displayTitles.map(SearchText.fold)
        searchKeys = zip(foldedTitles, items).map { t, item in item.year.map { "\(t) (\($0))" } ?? t }
        let names = dataset.catalog.genres
        genreNames = names
        var index: [String: Int] = [:]
        for (k, g) in names.enumerated() where k < 64 { index[g] = k }
        genreMasks = items.map { item in
            item.genres.reduce(UInt64(0)) { acc, g in index[g].map { acc | (1 << UInt64($0)) } ?? acc }
        }
        var genreCounts = [Int](repeating: 0, count: names.count)
        for mask in genreMasks {
            var m = mask
            while m != 0 {
                genreCounts[m.trailingZeroBitCount] += 1
                m &= m - 1
            }
        }
        self.genreCounts = genreCounts
        let all = (0..<n).map(Int32.init)
        byPopularity = all.sorted { counts[Int($0)] != counts[Int($1)] ? counts[Int($0)] > counts[Int($1)] : $0 < $1 }
        byMean = all.sorted { damped[Int($0)] != damped[Int($1)] ? damped[Int($0)] > damped[Int($1)] : $0 < $1 }
        let folded = foldedTitles
        // Byte order of the folded titles (fast, and the same everywhere); ties by index.
        let bytes = folded.map { Array($0.utf8) }
        byTitle = all.sorted { a, b in
            let x = bytes[Int(a)], y = bytes[Int(b)]
            return x != y ? x.lexicographicallyPrecedes(y) : a < b
        }
        let years = items.map { $0.year ?? Int.min }
        byYear = all.sorted { a, b in
            let ya = years[Int(a)], yb = years[Int(b)]
            return ya != yb ? ya > yb : a < b
        }
    }

    /// `item.displayTitle`, with a fast path for the common "Title (1995)" form (byte checks, no Substring work).
    static func displayTitle(_ item: Item) -> String {
        let u = Array(item.title.utf8)
        let n = u.count
        if n >= 8, u[n - 1] == UInt8(ascii: ")"), u[n - 6] == UInt8(ascii: "("), u[n - 7] == UInt8(ascii: " "),
           u[(n - 5)..<(n - 1)].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           u[0] != UInt8(ascii: " "), u[n - 8] != UInt8(ascii: " ") {
            return String(decoding: u[0..<(n - 7)], as: UTF8.self)
        }
        return item.displayTitle
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
    /// Lowercases and removes accents: "Amélie" → "amelie", "Straße" → "strasse", "Łódź" → "lodz".
    ///
    /// ASCII is lowercased byte by byte; Latin-1 and Latin Extended-A letters map through a table;
    /// combining marks are dropped; other Latin letters (Vietnamese, …) go through Unicode canonical
    /// decomposition; every other script is only lowercased. Complexity: O(length).
    public static func fold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 32)! : scalar)
            } else if v >= 0xC0 && v <= 0x17F {
                out.append(contentsOf: latin[Int(v - 0xC0)].unicodeScalars)
            } else if (v >= 0x180 && v <= 0x24F) || (v >= 0x1E00 && v <= 0x1EFF) {
                for d in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                where !isMark(d) {
                    out.append(contentsOf: d.properties.lowercaseMapping.unicodeScalars)
                }
            } else if isMark(scalar) {
                continue
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    static func isMark(_ s: Unicode.Scalar) -> Bool {
        let c = s.properties.generalCategory
        return c == .nonspacingMark || c == .enclosingMark || c == .spacingMark
    }

    /// Folded forms of U+00C0…U+017F (Latin-1 Supplement letters and Latin Extended-A).
    static let latin: [String] = {
        let latin1 = "a a a a a a ae c e e e e i i i i d n o o o o o × o u u u u y th ss "
            + "a a a a a a ae c e e e e i i i i d n o o o o o ÷ o u u u u y th y"
        var out = latin1.split(separator: " ").map(String.init)
        let extA: [(String, Int)] = [("a", 6), ("c", 8), ("d", 4), ("e", 10), ("g", 8), ("h", 4), ("i", 10), ("ij", 2),
                                     ("j", 2), ("k", 3), ("l", 10), ("n", 9), ("o", 6), ("oe", 2), ("r", 6), ("s", 8),
                                     ("t", 6), ("u", 12), ("w", 2), ("y", 3), ("z", 6), ("s", 1)]
        for (letter, n) in extA { out += Array(repeating: letter, count: n) }
        precondition(out.count == 0x17F - 0xC0 + 1)
        return out
    }()
}

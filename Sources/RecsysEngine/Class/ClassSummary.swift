import Foundation

/// What `recsys-tui class summary` reports for one learner.
public struct LearnerSummary: Sendable, Equatable {
    public struct Hits: Sendable, Equatable {
        /// Later 4★+ ratings found in the algorithm's top 10.
        public var hits: Int
        /// hits / later 4★+ ratings (recall@10).
        public var recall: Double

        public init(hits: Int, recall: Double) {
            self.hits = hits
            self.recall = recall
        }
    }
    public var name: String
    /// Ratings of items the dataset has.
    public var ratings: Int
    /// The classmate whose ratings are most alike (cosine of the rating vectors), with that cosine.
    public var nearest: String?
    public var nearestSimilarity: Double?
    /// The genre of most of their 4★+ ratings (of all their ratings if none is 4★+).
    public var favouriteGenre: String?
    /// Ratings in the first part of their history (what the models saw).
    public var earlier: Int
    /// 4★+ ratings in the later part (what the top 10 is checked against).
    public var laterLiked: Int
    /// Per algorithm; empty when `laterLiked` is 0.
    public var algorithms: [String: Hits]

    public init(name: String, ratings: Int, nearest: String?, nearestSimilarity: Double?, favouriteGenre: String?,
                earlier: Int, laterLiked: Int, algorithms: [String: Hits]) {
        self.name = name
        self.ratings = ratings
        self.nearest = nearest
        self.nearestSimilarity = nearestSimilarity
        self.favouriteGenre = favouriteGenre
        self.earlier = earlier
        self.laterLiked = laterLiked
        self.algorithms = algorithms
    }

    /// The algorithm whose top 10 found most of the later 4★+ ratings (ties: the first name
    /// alphabetically), or nil when none was scored.
    public var best: (name: String, hits: Int)? {
        algorithms.max { a, b in a.value.hits != b.value.hits ? a.value.hits < b.value.hits : a.key > b.key }
            .map { ($0.key, $0.value.hits) }
    }

    /// The class table's "best top 10" cell: "item-knn 2/3", "none of 3 found" or "– (no later 4★+ rating)".
    public var bestText: String {
        guard laterLiked > 0 else { return "– (no later 4★+ rating)" }
        guard let best else { return "–" }
        return best.hits == 0 ? "none of \(laterLiked) found" : "\(best.name) \(best.hits)/\(laterLiked)"
    }
}

/// The class summary: each learner's facts, and how well each algorithm's top 10 from the
/// first part of their history found what they rated 4★ or more afterwards.
///
/// **"Afterwards".** Each learner's ratings are ordered by their timestamp (the event log's
/// time of the rating; the item id breaks ties). The first `earlierShare` of them (rounded
/// down, at least one) are "earlier"; the rest are "later". The models are fitted once on the
/// dataset plus every learner's earlier ratings. Each learner's earlier ratings are folded in,
/// their top 10 (earlier ratings excluded) is compared with their later ratings of 4★ or more
/// (`likedAtLeast`): hits and recall@10 = hits / later 4★+ ratings. A learner with fewer than
/// two ratings, or no later 4★+ rating, has no score.
public enum ClassSummary {
    public static let earlierShare = 0.7
    public static let likedAtLeast: Float = 4

    /// Splits a learner's ratings by time into earlier and later parts (see the type's summary).
    public static func split(_ ratings: [StoredRating]) -> (earlier: [StoredRating], later: [StoredRating]) {
        let sorted = ratings.sorted { ($0.timestamp, $0.item) < ($1.timestamp, $1.item) }
        guard sorted.count >= 2 else { return (sorted, []) }
        let k = max(1, Int((Double(sorted.count) * earlierShare).rounded(.down)))
        return (Array(sorted[..<k]), Array(sorted[k...]))
    }

    /// Builds the summary.
    ///
    /// - Parameter fit: fits one algorithm on a dataset (the caller's choice of parameters and seed).
    /// - Complexity: one fit per algorithm, one `recommend` per learner and algorithm, O(learners² · ratings) for the neighbours.
    public static func build(base: Dataset, members: [ClassMember], algorithms: [String],
                             fit: (String, Dataset) throws -> any Recommender) throws -> [LearnerSummary] {
        let full = base.withClass(members)
        let roster = full.roster
        let earlierSet = base.withClass(members.map { m in
            ClassMember(name: m.name, ratings: split(m.ratings.filter { base.catalog.index(of: $0.item) != nil }).earlier,
                        attributes: m.attributes)
        })
        var models: [(String, any Recommender)] = []
        for a in algorithms { models.append((a, try fit(a, earlierSet))) }
        // Cosine of the learners' rating vectors (items of the dataset only).
        let rows: [[Int32: Float]] = roster.users.map { u in
            let r = full.ratings.row(u)
            return Dictionary(uniqueKeysWithValues: zip(r.items, r.ratings))
        }
        func cosine(_ a: [Int32: Float], _ b: [Int32: Float]) -> Double {
            var dot = 0.0
            for (i, x) in a { if let y = b[i] { dot += Double(x * y) } }
            let na = a.values.reduce(0.0) { $0 + Double($1 * $1) }, nb = b.values.reduce(0.0) { $0 + Double($1 * $1) }
            return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
        }
        var out: [LearnerSummary] = []
        for (k, name) in roster.names.enumerated() {
            guard let m = members.first(where: { $0.name == name }) else { continue }
            var best: (String, Double)?
            for (j, other) in roster.names.enumerated() where j != k {
                let c = cosine(rows[k], rows[j])
                if best == nil || c > best!.1 { best = (other, c) }
            }
            let known = m.ratings.filter { base.catalog.index(of: $0.item) != nil }
            let (earlier, later) = split(known)
            let liked = Set(later.filter { $0.value >= likedAtLeast }.compactMap { base.catalog.index(of: $0.item) })
            var hits: [String: LearnerSummary.Hits] = [:]
            if !liked.isEmpty {
                let profile = Profile(earlier.compactMap { r in base.catalog.index(of: r.item).map { ($0, r.value) } },
                                      attributes: m.attributes)
                for (a, model) in models {
                    let top = model.recommend(profile, count: 10).map(\.item)
                    let h = top.filter { liked.contains($0) }.count
                    hits[a] = .init(hits: h, recall: Double(h) / Double(liked.count))
                }
            }
            out.append(LearnerSummary(name: name, ratings: rows[k].count, nearest: best?.0, nearestSimilarity: best?.1,
                                      favouriteGenre: favouriteGenre(known, catalog: base.catalog),
                                      earlier: earlier.count, laterLiked: liked.count, algorithms: hits))
        }
        return out
    }

    /// The genre most of the 4★+ ratings carry (all ratings if none is 4★+); ties go to the name first in order.
    public static func favouriteGenre(_ ratings: [StoredRating], catalog: Catalog) -> String? {
        let liked = ratings.filter { $0.value >= likedAtLeast }
        var counts: [String: Int] = [:]
        for r in liked.isEmpty ? ratings : liked {
            guard let i = catalog.index(of: r.item) else { continue }
            for g in catalog.items[Int(i)].genres { counts[g, default: 0] += 1 }
        }
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }
}

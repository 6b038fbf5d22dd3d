import RecsysEngine

/// After a learner named a dataset user's favourite genre: which algorithm's top 10 for that user
/// recovers it best (share of the top 10 in the genre, and taste-agreement@10 when the data knows
/// the user's true tastes). Engine work, so it is an effect.
public struct TasteRecoveryJob: Sendable {
    public var user: Int32
    public var genre: String
    public var dataset: Dataset
    public var models: [NamedModel]
    public var stats: CatalogStats

    public init(user: Int32, genre: String, dataset: Dataset, models: [NamedModel], stats: CatalogStats) {
        self.user = user
        self.genre = genre
        self.dataset = dataset
        self.models = models
        self.stats = stats
    }

    /// Each model's share of its top 10 in the genre (best first) and its taste-agreement@10 when known.
    public func run() -> TasteRecovery {
        let profile = Profile.training(user, in: dataset.ratings)
        let bit = stats.genreBit(genre) ?? 0
        let tastes = dataset.tastes.flatMap { t in t.known.indices.contains(Int(user)) && t.known[Int(user)] ? t : nil }
        let masks = tastes.map { $0.itemMasks(dataset.catalog) }
        var rows: [TasteRecovery.Row] = []
        for m in models {
            let top = m.model.recommend(profile, count: 10).map(\.item)
            let hits = top.filter { stats.genreMasks[Int($0)] & bit != 0 }.count
            var agreement: Double? = nil
            if let t = tastes, let masks {
                agreement = Metrics.tasteAgreement(at: 10, ranked: top, itemGenres: masks, liked: t.liked[Int(user)],
                                                   disliked: t.disliked[Int(user)])
            }
            rows.append(.init(algorithm: m.name, hits: hits, listed: top.count, agreement: agreement))
        }
        rows.sort { ($0.agreement ?? 0, $0.hits, $1.algorithm) > ($1.agreement ?? 0, $1.hits, $0.algorithm) }
        return TasteRecovery(user: user, genre: genre, rows: rows)
    }
}

/// The answer of a `TasteRecoveryJob`.
public struct TasteRecovery: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var algorithm: String
        /// Films of the top list in the genre, and the list's length.
        public var hits: Int
        public var listed: Int
        /// taste-agreement@10 when the user's true tastes are known.
        public var agreement: Double?
    }
    public var user: Int32
    public var genre: String
    /// Best first.
    public var rows: [Row]

    /// One line for the lesson panel: "svd recovers it best: 7/10 Comedy (agreement 0.60) · item-knn 5/10 · …".
    public var summary: String {
        guard let best = rows.first else { return "no fitted model to compare" }
        func one(_ r: Row) -> String {
            "\(r.algorithm) \(r.hits)/\(r.listed)" + (r.agreement.map { " (agreement \(fixed($0, 2)))" } ?? "")
        }
        return "\(best.algorithm) recovers it best: " + ([one(best)] + rows.dropFirst().prefix(3).map(one)).joined(separator: " · ")
            + " \(genre) in the top 10"
    }
}

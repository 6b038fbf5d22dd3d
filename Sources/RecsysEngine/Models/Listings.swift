import Foundation

/// One row of a recommendation or similar-items listing, as `recommend`, `similar` and
/// `serve` write it: rank (1-based), raw item id, title, score and the one-line reason.
///
/// Its JSON object (`{"rank", "item", "title", "score", "reason"}`) is a contract shared
/// by the CLI's `--format json` and the HTTP API: extend it, never change a key.
public struct ListedItem: Sendable, Equatable {
    public var rank: Int
    public var item: String
    public var title: String
    public var score: Float
    public var reason: String

    public init(rank: Int, item: String, title: String, score: Float, reason: String) {
        self.rank = rank
        self.item = item
        self.title = title
        self.score = score
        self.reason = reason
    }

    /// The JSON object, keys in contract order; `extra` (already-encoded `"key": value` pairs) is appended.
    public func json(extra: [String] = []) -> String {
        var s = "{\"rank\": \(rank), \"item\": \(JSONText.quoted(item)), \"title\": \(JSONText.quoted(title)), "
            + "\"score\": \(JSONText.number(score)), \"reason\": \(JSONText.quoted(reason))"
        for e in extra { s += ", " + e }
        return s + "}"
    }
}

/// The listings `recommend`, `similar` and `serve` print: the same rows, reasons and notes everywhere.
public enum Listings {
    /// The top `count` items for `profile` with each one's explanation (its summary is the row's reason)
    /// and the model-level notes of the first one (without the "terms" notes).
    ///
    /// Complexity: one `scores` call plus one batched `explain(_:items:)` over the listed items.
    public static func recommendations(_ model: any Recommender, profile: Profile, catalog: Catalog, count: Int)
        -> (items: [ListedItem], explanations: [Explanation], notes: [String]) {
        let recs = model.recommend(profile, count: count)
        let explanations = model.explain(profile, items: recs.map(\.item))
        let rows = recs.enumerated().map { (k, r) in
            ListedItem(rank: k + 1, item: catalog[r.item].rawID, title: catalog[r.item].title, score: r.score,
                       reason: explanations[k].summary)
        }
        let notes = explanations.first?.notes.filter { !$0.hasPrefix("terms") } ?? []
        return (rows, explanations, notes)
    }

    /// The `count` items most similar to `item`, each with `similarityReason`.
    public static func similar(_ model: any Recommender, to item: Int32, catalog: Catalog, count: Int) -> [ListedItem] {
        model.similarItems(to: item, count: count).enumerated().map { (k, s) in
            ListedItem(rank: k + 1, item: catalog[s.item].rawID, title: catalog[s.item].title, score: s.score,
                       reason: similarityReason(catalog[item], catalog[s.item], score: s.score, algorithm: model.name))
        }
    }
}

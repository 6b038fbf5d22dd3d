import RecsysEngine

/// The listings `recommend`, `similar` and `serve` print: the same rows, reasons and notes
/// everywhere. Reasons and notes come from the one renderer (`ExplanationText`), so the CLI,
/// the HTTP API and the explorer say the same words about the same explanation.
public enum Listings {
    /// The top `count` items for `profile`, each with its explanation (rendered as the row's
    /// reason), and the model-level notes of the first one.
    ///
    /// Complexity: one `scores` call plus one batched `explain(_:items:)` over the listed items.
    public static func recommendations(_ model: any Recommender, profile: Profile, dataset: Dataset, count: Int)
        -> (items: [ListedItem], explanations: [Explanation], notes: [String]) {
        let catalog = dataset.catalog
        let text = ExplanationText(dataset: dataset)
        let recs = model.recommend(profile, count: count)
        let explanations = model.explain(profile, items: recs.map(\.item))
        let rows = recs.enumerated().map { (k, r) in
            ListedItem(rank: k + 1, item: catalog[r.item].rawID, title: catalog[r.item].title, score: r.score,
                       reason: text.reason(explanations[k]))
        }
        let notes = (explanations.first?.notes ?? [])
            .filter { $0 != .reSolvedFactors && $0 != .linearPartOnly }
            .map { text.note($0, algorithm: model.name) }
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

import RecsysEngine

/// The one writer of `FitLimit` values: what a model limited while fitting, for the status line,
/// the models panel and the Explain screen ("20,000 most-rated of 62,423 films").
public enum FitLimitText {
    public static func text(_ limit: FitLimit) -> String {
        switch limit.kind {
        case .itemCap: return "\(groupedCount(limit.kept)) most-rated of \(groupedCount(limit.total)) films"
        case .neighbourCap:
            return "\(groupedCount(limit.kept)) neighbours kept of \(groupedCount(limit.total))"
                + (limit.cause == .parameter("k") ? "" : " (memory budget)")
        case .coRatingSample:
            return "similarities from \(groupedCount(limit.kept)) of \(groupedCount(limit.total)) ratings (heavy users sampled)"
        case .epochs: return limit.kept == 1 ? "1 epoch" : "\(limit.kept) epochs"
        case .candidates:
            return "re-scores \(limit.stage ?? "retrieval")'s top \(groupedCount(limit.kept)) of \(groupedCount(limit.total)) films"
        }
    }

    /// The limits a fitted model reports (none when it reports none).
    public static func limits(_ model: any Recommender) -> [FitLimit] {
        model.fitLimits
    }

    /// Every limit of `model` in one phrase ("" when none).
    public static func summary(_ model: any Recommender) -> String {
        limits(model).map(text).joined(separator: " · ")
    }
}

import RecsysEngine

/// The one writer of `FitLimit` values: what a model limited while fitting, for the status line,
/// the models panel and the Explain screen ("20,000 most-rated of 62,423 films").
public enum FitLimitText {
    public static func text(_ limit: FitLimit) -> String {
        switch limit {
        case .mostRatedItems(let kept, let total): return "\(groupedCount(kept)) most-rated of \(groupedCount(total)) films"
        case .epochs(let n): return n == 1 ? "1 epoch" : "\(n) epochs"
        case .candidates(let n, let total, let retrieval):
            return "re-scores \(retrieval)'s top \(groupedCount(n)) of \(groupedCount(total)) films"
        }
    }

    /// The limits a fitted model reports (none when it reports none).
    public static func limits(_ model: any Recommender) -> [FitLimit] {
        (model as? any ReportsFitLimits)?.fitLimits ?? []
    }

    /// Every limit of `model` in one phrase ("" when none).
    public static func summary(_ model: any Recommender) -> String {
        limits(model).map(text).joined(separator: " · ")
    }
}

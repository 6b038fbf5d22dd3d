import RecsysEngine

/// The one writer of `FitLimit` values: what a model limited while fitting, for the status line,
/// the models panel and the Explain screen ("20,000 most-rated of 62,423 films").
public enum FitLimitText {
    public static func text(_ limit: FitLimit) -> String {
        phrase(limit) + (limit.kind == .neighbourCap && limit.cause != .parameter("k") ? " (memory budget)" : "")
    }

    /// What was done, without its cause: "20,000 most-rated of 62,423 films", "15 iterations".
    public static func phrase(_ limit: FitLimit) -> String {
        switch limit.kind {
        case .itemCap: return "\(groupedCount(limit.kept)) most-rated of \(groupedCount(limit.total)) films"
        case .neighbourCap: return "\(groupedCount(limit.kept)) neighbours kept of \(groupedCount(limit.total))"
        case .coRatingSample:
            return "similarities from \(groupedCount(limit.kept)) of \(groupedCount(limit.total)) ratings (heavy users sampled)"
        case .epochs:
            // ALS and BPR count iterations, the SGD models epochs: use the parameter's own word.
            let word = limit.cause == .parameter("iterations") ? "iteration" : "epoch"
            return limit.kept == 1 ? "1 \(word)" : "\(groupedCount(limit.kept)) \(word)s"
        case .candidates:
            return "re-scores \(limit.stage ?? "retrieval")'s top \(groupedCount(limit.kept)) of \(groupedCount(limit.total)) films"
        }
    }

    /// Why: "memory budget 4.0 GiB" or the parameter that set it ("max_items").
    public static func cause(_ limit: FitLimit) -> String {
        switch limit.cause {
        case .memoryBudget(let bytes): return "memory budget \(MemoryBudget.describe(bytes))"
        case .parameter(let key): return key
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

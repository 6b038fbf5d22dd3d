/// A limit a model applied while fitting, so the learner can see what was done on large data
/// ("ease: 20,000 most-rated of 62,423 films"). Values only: `RecsysUI.FitLimitText` writes them.
public enum FitLimit: Sendable, Equatable {
    /// Only the `kept` most-rated of `total` films were modelled (EASE's `max_items`).
    case mostRatedItems(kept: Int, total: Int)
    /// Passes over the training ratings.
    case epochs(Int)
    /// A second stage re-scores only the first `count` of `total` films of a retrieval stage.
    case candidates(count: Int, total: Int, retrieval: String)
}

/// A fitted model that can say which limits it applied (nil-free: an empty list means none).
public protocol ReportsFitLimits {
    var fitLimits: [FitLimit] { get }
}

extension EASERecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] {
        restriction.map { [.mostRatedItems(kept: $0.kept, total: $0.total)] } ?? []
    }
}

extension SVDRecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

extension SVDppRecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

extension ALSRecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("iterations"))] }
}

extension BPRRecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("iterations"))] }
}

extension TwoTowerRecommender: ReportsFitLimits {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

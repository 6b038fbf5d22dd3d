// Which limits each model reports (`Recommender.fitLimits`; the type is `FitLimit` in
// MemoryBudget.swift): caps set by the memory budget or a parameter, and the epochs and candidate
// stages that say what was done on large data. `RecsysUI.FitLimitText` writes them.

extension SVDRecommender {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

extension SVDppRecommender {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

extension ALSRecommender {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("iterations"), key: "iterations")] }
}

extension BPRRecommender {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("iterations"), key: "iterations")] }
}

extension TwoTowerRecommender {
    public var fitLimits: [FitLimit] { [.epochs(parameters.int("epochs"))] }
}

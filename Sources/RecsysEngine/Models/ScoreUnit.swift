/// What a model's top-N `scores` mean, so a list can show them with a unit a learner can read.
///
/// - `stars`: the scores are predicted ratings on the dataset's scale (baseline, SVD, SVD++,
///   the kNN models with `mode=rating`, popularity by mean). A list shows them as "4.3★",
///   clamped to the scale.
/// - `relative`: the scores only order items (summed similarities, dot products, weighted
///   z-scores …). A list shows `relative(_:top:)`: 100 for its top item, the others in
///   proportion; the raw score and its meaning are in Explain.
public enum ScoreUnit: String, Sendable, Equatable {
    case stars
    case relative

    /// How a pane title names the unit.
    public var title: String {
        switch self {
        case .stars: return "predicted ★"
        case .relative: return "relative score, top = 100"
        }
    }

    /// The relative score of a raw score s when the list's top item scores s₁:
    /// round(100 · s / s₁), at least 0. Nil when s₁ ≤ 0 or a score is not finite (the ratio
    /// would mean nothing: the list then shows no number).
    public static func relative(_ s: Float, top: Float) -> Int? {
        guard s.isFinite, top.isFinite, top > 0 else { return nil }
        return max(0, Int((100 * Double(s) / Double(top)).rounded()))
    }
}

extension Recommender {
    /// Most models' scores only rank; those whose scores are predicted ratings say `.stars`.
    public var scoreUnit: ScoreUnit { .relative }
}

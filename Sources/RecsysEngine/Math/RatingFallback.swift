/// Rating predictions for models that only rank (ALS, BPR, EASE): damped biases.
///
/// r̂(u, i) = μ + b_u + b_i, with
/// b_i = Σ_{u∈U_i} (r_ui − μ) / (|U_i| + m) and
/// b_u = Σ_{i∈I_u} (r_ui − μ − b_i) / (|I_u| + m),
/// a single pass of Surprise's baseline estimate with damping m (25 by default).
/// Such models mark their predictions `isImpossible`: the value is a fallback, not the model's.
///
/// Complexity: O(ratings) to build, O(|profile| + |items|) per call.
public struct RatingFallback: Sendable {
    public private(set) var globalMean: Float = 0
    public private(set) var itemBias: [Float] = []
    public private(set) var scale: RatingScale = .wholeStars
    /// Popularity for cold starts: rating count, ties broken by the damped mean (below one count step).
    public private(set) var popularity: [Float] = []
    public let damping: Float

    public init(damping: Float = 25) { self.damping = damping }

    public init(_ m: RatingMatrix, scale: RatingScale, damping: Float = 25) {
        self.damping = damping
        self.scale = scale
        globalMean = m.count == 0 ? (scale.min + scale.max) / 2 : m.globalMean
        itemBias = (0..<m.itemCount).map { i in
            let col = m.column(Int32(i))
            var s: Float = 0
            for r in col.ratings { s += r - globalMean }
            return s / (Float(col.ratings.count) + damping)
        }
        popularity = (0..<m.itemCount).map { i in
            let n = Float(m.columnCount(Int32(i)))
            return n + (globalMean + itemBias[i] - scale.min) / (scale.max - scale.min + 1)
        }
    }

    /// The explanation every ranking model gives for an empty profile: the popularity score.
    public func coldStart(algorithm: String, item: Int32) -> Explanation {
        let i = Int(item)
        let known = i >= 0 && i < popularity.count
        let score = known ? popularity[i] : 0
        return Explanation(
            algorithm: algorithm, item: item, score: score, meaning: .popularity,
            formula: "score(i) = |U_i| + damped mean share",
            terms: [.init(kind: .popularity, value: score, item: item, count: known ? Int(score) : 0)],
            notes: [.coldStart])
    }

    /// The profile's damped bias against the item biases.
    public func userBias(_ profile: Profile) -> Float {
        var s: Float = 0
        for (i, r) in zip(profile.items, profile.ratings) {
            s += r - globalMean - (Int(i) < itemBias.count ? itemBias[Int(i)] : 0)
        }
        return s / (Float(profile.count) + damping)
    }

    /// Fallback predictions, clamped to the scale and flagged `isImpossible`.
    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let bu = userBias(profile)
        return items.map { i in
            let bi = Int(i) >= 0 && Int(i) < itemBias.count ? itemBias[Int(i)] : 0
            return Prediction(scale.clamp(globalMean + bu + bi), isImpossible: true)
        }
    }
}

import Foundation

/// Non-personalized popularity: by number of ratings, or by damped mean rating.
///
/// - `count`: score(i) = |U_i|, the number of users who rated i.
/// - `mean`: a Bayesian damped mean, score(i) = (Σ_u r_ui + m·μ) / (|U_i| + m),
///   which pulls items with few ratings towards the global mean μ.
///
/// Every profile gets the same ranking (minus what it rated): the baseline every
/// personalized model must beat, and the answer for a cold start.
public final class PopularityRecommender: Recommender, @unchecked Sendable {
    public static let name = "popularity"
    public static let summary = "most rated (or best damped mean) items: the same list for everyone"
    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("by", .choice(["count", "mean"]), default: "count", "rank by rating count or by damped mean"),
        ParameterSpec("damping", .real(0...10_000), default: "10", "m: pseudo-ratings at the global mean (for by=mean)"),
    ]

    public let parameters: Parameters
    var itemScores: [Float] = []
    var counts: [Int] = []
    var means: [Float] = []
    var globalMean: Float = 0
    var scale = RatingScale.wholeStars

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        let damping = parameters.float("damping")
        globalMean = m.globalMean
        scale = data.scale
        counts = (0..<m.itemCount).map { m.columnCount(Int32($0)) }
        means = (0..<m.itemCount).map { i in
            let col = m.column(Int32(i))
            let sum = col.ratings.reduce(0, +)
            return (sum + damping * globalMean) / (Float(col.ratings.count) + damping)
        }
        if parameters.string("by") == "count" {
            // Ties in count are broken by the damped mean (scaled below one count step).
            itemScores = (0..<m.itemCount).map { Float(counts[$0]) + means[$0] / (scale.max + 1) }
        } else {
            itemScores = means
        }
        context.progress(FitProgress(fraction: 1, message: "counted"))
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        items.map { i in
            guard Int(i) < means.count else { return Prediction(globalMean, isImpossible: true) }
            return Prediction(scale.clamp(means[Int(i)]), isImpossible: counts[Int(i)] == 0)
        }
    }

    public func scores(_ profile: Profile) -> [Float] { itemScores }

    /// By mean the scores are damped mean ratings; by count they only rank.
    public var scoreUnit: ScoreUnit { parameters.string("by") == "count" ? .relative : .stars }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        topK(itemScores, k: count) { $0 != item }
    }

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let i = Int(item)
        guard i >= 0, i < counts.count else { return .unknown(Self.name, item: item) }
        return Explanation(
            algorithm: Self.name, item: item, score: itemScores[i], meaning: .popularity,
            formula: parameters.string("by") == "count" ? "score(i) = |U_i| + r̄_i / (max + 1)" : "score(i) = r̄_i (damped mean)",
            terms: [.init(kind: .popularity, value: itemScores[i], item: item, rating: means[i], count: counts[i])])
    }
}

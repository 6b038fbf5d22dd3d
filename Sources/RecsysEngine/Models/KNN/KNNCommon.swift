import Foundation

/// How a kNN model turns its neighbours' ratings into a predicted rating.
///
/// With neighbours N (top-k by similarity s among those who rated / were rated, s > 0):
/// - `basic`:         r̂ = Σ s·r / Σ s
/// - `mean-centered`: r̂ = μ_x + Σ s·(r − μ_n) / Σ s
/// - `z-score`:       r̂ = μ_x + σ_x · Σ s·(r − μ_n)/σ_n / Σ s
/// - `baseline`:      r̂ = b_ui + Σ s·(r − b_n) / Σ s   (KNNBaseline, Koren 2010)
public enum KNNPrediction: String, CaseIterable, Sendable {
    case basic
    case meanCentered = "mean-centered"
    case zScore = "z-score"
    case baseline
}

/// Which path `scores()` (top-N) takes in a kNN model.
///
/// - `topn`: summed similarity of the profile's interactions (implicit-style, ranking quality);
/// - `rating`: the predicted rating of every item (rating-prediction path).
///
/// `predict()` always uses the rating-prediction path.
public enum KNNMode: String, CaseIterable, Sendable {
    case topn, rating
}

/// Per-row rating statistics: mean and standard deviation (population, floored at a small value).
struct RowStats: Sendable {
    var mean: [Float] = []
    var std: [Float] = []

    init() {}

    init(start: [Int], values: [Float], fallbackMean: Float) {
        let rows = start.count - 1
        mean = [Float](repeating: fallbackMean, count: rows)
        std = [Float](repeating: 1, count: rows)
        for a in 0..<rows {
            let n = start[a + 1] - start[a]
            guard n > 0 else { continue }
            var s: Double = 0, ss: Double = 0
            for p in start[a]..<start[a + 1] { s += Double(values[p]); ss += Double(values[p]) * Double(values[p]) }
            let m = s / Double(n)
            mean[a] = Float(m)
            let v = max(0, ss / Double(n) - m * m)
            std[a] = Float(max(v.squareRoot(), 1e-3))
        }
    }

    /// (mean, std) of a list of ratings, with the same floor.
    static func of(_ ratings: [Float], fallbackMean: Float) -> (Float, Float) {
        guard !ratings.isEmpty else { return (fallbackMean, 1) }
        var s: Double = 0, ss: Double = 0
        for r in ratings { s += Double(r); ss += Double(r) * Double(r) }
        let m = s / Double(ratings.count)
        return (Float(m), Float(max(max(0, ss / Double(ratings.count) - m * m).squareRoot(), 1e-3)))
    }
}

/// The parameters the two kNN models share.
enum KNNParameters {
    ///
    /// The top-N path in `mode=topn` sums similarities over `topn_k` neighbours weighted by `weighting`;
    /// the prediction parameters (k, similarity, …) change top-N only in `mode=rating`.
    static func common(defaultSimilarity: String, defaultPrediction: String, defaultK: String,
                       defaultMode: String, defaultWeighting: String, defaultDamping: String) -> [ParameterSpec] {
        let predictionSpecs: Set<String> = ["k", "min_k", "similarity", "shrinkage", "min_support", "prediction", "damping",
                                            "bsl_reg_u", "bsl_reg_i", "bsl_epochs"]
        let topNSpecs: Set<String> = ["mode", "weighting", "topn_k", "bm25_k1", "bm25_b"]
        return [
            ParameterSpec("k", .integer(1...10_000), default: defaultK, "neighbours used per prediction"),
            ParameterSpec("min_k", .integer(1...10_000), default: "1",
                          "fewer usable neighbours than this: fall back (baseline / mean)"),
            ParameterSpec("similarity", .choice(KNNSimilarity.allCases.map(\.rawValue)), default: defaultSimilarity,
                          "similarity measure for rating prediction"),
            ParameterSpec("shrinkage", .real(0...100_000), default: "100",
                          "pearson-baseline shrinkage: s·(n−1)/(n−1+shrinkage)"),
            ParameterSpec("min_support", .integer(1...100_000), default: "1",
                          "co-ratings needed for a non-zero similarity"),
            ParameterSpec("prediction", .choice(KNNPrediction.allCases.map(\.rawValue)), default: defaultPrediction,
                          "how neighbours' ratings become a prediction"),
            ParameterSpec("damping", .real(0...1000), default: defaultDamping,
                          "β added to Σ|s| in the denominator: few or weak neighbours move the estimate less"),
            ParameterSpec("keep", .integer(1...1_000_000), default: "1000",
                          "neighbours kept per row after fitting (memory bound; best first)"),
            ParameterSpec("mode", .choice(KNNMode.allCases.map(\.rawValue)), default: defaultMode,
                          "top-N path: summed similarity (topn) or predicted rating (rating)"),
            ParameterSpec("weighting", .choice(KNNWeighting.allCases.map(\.rawValue)), default: defaultWeighting,
                          "top-N interaction weighting: none (cosine), tfidf or bm25"),
            ParameterSpec("topn_k", .integer(1...100_000), default: "100", "neighbours kept per row for top-N"),
            ParameterSpec("bm25_k1", .real(0...1000), default: "1.2", "BM25 K1 (saturation)"),
            ParameterSpec("bm25_b", .real(0...1), default: "0.75", "BM25 B (length normalization)"),
            ParameterSpec("bsl_reg_u", .real(0...10_000), default: "15", "baseline λ_u (pearson-baseline, baseline prediction)"),
            ParameterSpec("bsl_reg_i", .real(0...10_000), default: "10", "baseline λ_i"),
            ParameterSpec("bsl_epochs", .integer(1...1000), default: "10", "baseline ALS epochs"),
            FeedbackRule.parameterSpec,
        ].map { spec in
            var s = spec
            s.affects = predictionSpecs.contains(s.key) ? .prediction : topNSpecs.contains(s.key) ? .topN : .both
            return s
        }
    }
}

/// A profile's ratings spread into a dense per-item array (NaN where not rated).
func denseRatings(_ profile: Profile, itemCount: Int) -> [Float] {
    var d = [Float](repeating: .nan, count: itemCount)
    for (i, r) in zip(profile.items, profile.ratings) where i >= 0 && Int(i) < itemCount { d[Int(i)] = r }
    return d
}

/// What both kNN models read from their parameters, and the neighbourhood arithmetic they share.
///
/// The same formulas run on the two sides of the matrix: item-kNN's neighbours n are the rated
/// items j most similar to i, user-kNN's the users v most similar to u who rated i; x is the row
/// predicted for (the item i, or the user u). What differs stays in the model files: where the
/// neighbours come from and whose statistics μ_x, σ_x the prediction adds back.
struct KNNSettings: Sendable {
    let similarity: KNNSimilarity
    let prediction: KNNPrediction
    let mode: KNNMode
    let weighting: KNNWeighting
    let k: Int
    let minK: Int
    let damping: Float

    /// From resolved parameters (`Parameters.resolved` has checked every choice).
    init(_ p: Parameters) {
        similarity = KNNSimilarity(rawValue: p.string("similarity"))!
        prediction = KNNPrediction(rawValue: p.string("prediction"))!
        mode = KNNMode(rawValue: p.string("mode"))!
        weighting = KNNWeighting(rawValue: p.string("weighting"))!
        k = p.int("k")
        minK = p.int("min_k")
        damping = p.float("damping")
    }

    /// `mode=rating` scores are predicted ratings; `mode=topn` scores are summed similarities.
    var scoreUnit: ScoreUnit { mode == .rating ? .stars : .relative }

    /// The similarity pass for these parameters, keeping `keep` rating and `topNKeep` top-N neighbours.
    func job(_ p: Parameters, keep: Int, topNKeep: Int) -> KNNSimilarityJob {
        KNNSimilarityJob(kind: similarity, shrinkage: p.float("shrinkage"), minSupport: p.int("min_support"),
                         keep: keep, topNKeep: topNKeep)
    }

    /// The baseline b_ui = μ + b_u + b_i (the `bsl_*` parameters): pearson-baseline similarity and
    /// `prediction=baseline` centre on it, and every fallback estimate is it.
    static func fitBaseline(_ data: Dataset, parameters p: Parameters, context: FitContext,
                            name: String) throws -> BiasModel {
        try BiasModel.fit(data.ratings, scale: data.scale, epochs: p.int("bsl_epochs"), regU: p.float("bsl_reg_u"),
                          regI: p.float("bsl_reg_i"), context: context, name: name, progressShare: 0.1)
    }

    /// One neighbour's term of the numerator: s·r, s·(r − μ_n), s·(r − μ_n)/σ_n or s·(r − b_n).
    /// The statistics are autoclosures: a prediction loop reads only the one its formula uses.
    @inline(__always)
    func numerator(_ s: Float, _ r: Float, mean: @autoclosure () -> Float, std: @autoclosure () -> Float,
                   baseline: @autoclosure () -> Float) -> Float {
        switch prediction {
        case .basic: return s * r
        case .meanCentered: return s * (r - mean())
        case .zScore: return s * (r - mean()) / std()
        case .baseline: return s * (r - baseline())
        }
    }

    /// Σ s → the denominator (β + Σ s; Σ s alone for `basic`) and whether the neighbours are enough
    /// to use: at least `min_k` of them and Σ s > 0.
    func denominator(_ sum: Float, used: Int) -> (den: Float, enough: Bool) {
        (prediction == .basic ? sum : sum + damping, used >= minK && sum > 0)
    }

    /// The deviation an explanation shows for one neighbour: r, r − μ_n, (r − μ_n)/σ_n · σ_x or r − b_n.
    func deviation(_ r: Float, mean: @autoclosure () -> Float, std: @autoclosure () -> Float,
                   ownStd: @autoclosure () -> Float, baseline: @autoclosure () -> Float) -> Float {
        switch prediction {
        case .basic: return r
        case .meanCentered: return r - mean()
        case .zScore: return (r - mean()) / std() * ownStd()
        case .baseline: return r - baseline()
        }
    }
}

extension RatingMatrix {
    /// Every rating passed through f(user, item, r), in both views: by user (CSR) and by item (CSC).
    /// The kNN similarities read the values a measure compares (centred for adjusted cosine and
    /// pearson-baseline) from both sides.
    func transformedValues(_ f: (Int, Int, Float) -> Float) -> (byUser: [Float], byItem: [Float]) {
        var byUser = rowRatings
        for u in 0..<userCount {
            for p in rowStart[u]..<rowStart[u + 1] { byUser[p] = f(u, Int(rowItems[p]), byUser[p]) }
        }
        var byItem = colRatings
        for i in 0..<itemCount {
            for p in colStart[i]..<colStart[i + 1] { byItem[p] = f(Int(colUsers[p]), i, byItem[p]) }
        }
        return (byUser, byItem)
    }
}

/// A ranking model: predicts the rating from both towers' embeddings through an MLP head,
/// `r̂ = μ + b_u + b_i + MLP([q; c; q⊙c])`, trained on squared error over every rating (so a low
/// rating already teaches it what you dislike); the query bag is signed by `feedback` as in two-tower.
///
/// Retrieval, then ranking (as TensorFlow Recommenders teaches): on a catalog larger than
/// `candidates`, the fit also trains a two-tower retrieval stage (default two-tower parameters, the
/// same seed and `feedback`), and `scores` runs the MLP only on the `candidates` unrated films that
/// stage ranks highest. The other films score below every candidate, in retrieval order, so a
/// recompute costs O(n·d) for retrieval plus O(candidates · MLP) instead of O(n · MLP).
/// `candidates=0` (or a catalog no larger than it) scores the whole catalog with the MLP.
public final class RankingRecommender: TowerRecommenderBase, Recommender, @unchecked Sendable {
    public static let name = "ranking"
    public static let summary = "neural rating model: towers + MLP head trained on squared error"
    public static let parameterSpecs = TowerParameters.specs(
        retrievalWeight: "0", ratingWeight: "1", epochs: "10", learningRate: "0.1", dim: "32", batch: "256",
        optimizer: "adagrad", reg: "0.02") + [
        ParameterSpec("candidates", .integer(0...1_000_000), default: "500",
                      "films a two-tower stage retrieves for the MLP to re-score (0: the MLP scores every film)",
                      affects: .topN),
    ]

    /// The retrieval stage (nil when the MLP scores the whole catalog).
    public internal(set) var retrieval: TwoTowerRecommender?

    public required init(parameters: Parameters = Parameters()) throws {
        try super.init(parameters: parameters, name: Self.name, specs: Self.parameterSpecs)
    }

    /// How many candidates the retrieval stage hands on.
    public var candidateCount: Int { parameters.int("candidates") }

    /// The parameters of the retrieval stage: two-tower's defaults, reading ratings by the same feedback rule.
    var retrievalParameters: Parameters { Parameters(["feedback": parameters.string("feedback")]) }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let staged = candidateCount > 0 && candidateCount < data.catalog.count
        // Progress: the MLP's training is about 70% of the work, the retrieval stage the rest.
        var first = context
        if staged {
            first.progress = { p in var q = p; q.fraction = 0.7 * p.fraction; context.progress(q) }
        }
        try fitNetwork(data, context: first)
        retrieval = nil
        guard staged else { return }
        let stage = try TwoTowerRecommender(parameters: retrievalParameters)
        var second = context
        second.progress = { p in
            var q = p
            q.fraction = 0.7 + 0.3 * p.fraction
            q.message = "retrieval " + p.message
            context.progress(q)
        }
        try stage.fit(data, context: second)
        retrieval = stage
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        guard let net = network, let q = query(profile) else {
            return items.map { Prediction(Int($0) < itemMeans.count ? itemMeans[Int($0)] : 3, isImpossible: true) }
        }
        let user = profile.trainingUser.map(Int.init)
        return zip(items, net.predictRatings(q: q, user: user, items: items)).map { i, v in
            fallback(profile, item: i) ?? Prediction(scale.clamp(v))
        }
    }

    /// The scores are predicted ratings (popularity only for an empty profile, which the explorer never lists).
    public var scoreUnit: ScoreUnit { .stars }

    /// The retrieval stage's candidates for `profile`: its top `candidateCount` unrated films, best first.
    /// Nil when there is no retrieval stage or the profile is empty.
    public func candidates(_ profile: Profile) -> [ScoredItem]? {
        guard let retrieval, !(profile.isEmpty && profile.trainingUser == nil) else { return nil }
        return topK(retrieval.scores(profile), k: candidateCount) { !profile.contains($0) }
    }

    public func scores(_ profile: Profile) -> [Float] {
        guard network != nil else { return [Float](repeating: 0, count: itemCount) }
        if profile.isEmpty && profile.trainingUser == nil { return popularity }
        guard let retrieval else { return predict(profile, items: (0..<Int32(itemCount)).map { $0 }).map(\.value) }
        let r = retrieval.scores(profile)
        let chosen = topK(r, k: candidateCount) { !profile.contains($0) }
        let predicted = predict(profile, items: chosen.map(\.item))
        // Everything else below the lowest candidate, in retrieval order (scores in [floor − 1, floor]).
        let floor = (predicted.map(\.value).min() ?? 0) - 1
        var lo = Float.infinity, hi = -Float.infinity
        for v in r { lo = min(lo, v); hi = max(hi, v) }
        let span = max(hi - lo, 1e-6)
        var out = r.map { floor - (hi - $0) / span }
        for (c, p) in zip(chosen, predicted) { out[Int(c.item)] = p.value }
        return out
    }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] { similar(to: item, count: count) }

    /// Bias terms and the MLP interaction (what the head adds on top of the biases), and, with a
    /// retrieval stage, where that stage placed the film.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        explain(profile, item: item, retrievalScores: retrievalScores(profile))
    }

    /// The retrieval stage's scores are computed once for the whole list.
    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        let r = retrievalScores(profile)
        return items.map { explain(profile, item: $0, retrievalScores: r) }
    }

    func retrievalScores(_ profile: Profile) -> [Float]? {
        guard let retrieval, !(profile.isEmpty && profile.trainingUser == nil) else { return nil }
        return retrieval.scores(profile)
    }

    func explain(_ profile: Profile, item: Int32, retrievalScores r: [Float]?) -> Explanation {
        guard let net = network, item >= 0, Int(item) < itemCount else { return .unknown(Self.name, item: item) }
        let p = predict(profile, items: [item])[0].value
        var terms: [Explanation.Term] = [
            .init(kind: .bias, value: net.globalMean, name: "μ"),
            .init(kind: .bias, value: net.itemBias.weights[Int(item)], item: item, name: "b_i"),
        ]
        if let u = profile.trainingUser, u >= 0, Int(u) < net.features.userCount {
            terms.append(.init(kind: .bias, value: net.userBias.weights[Int(u)], name: "b_u"))
        }
        let bias = terms.reduce(0) { $0 + $1.value }
        terms.append(.init(kind: .embedding, value: p - bias, name: "MLP"))
        var notes = Feedback(config.feedback, scale: scale).notes
        if let r { notes.insert(retrievalRank(profile, item: item, scores: r), at: 0) }
        return Explanation(algorithm: Self.name, item: item, score: p, meaning: .predictedRating,
                           formula: "r̂ = μ + b_u + b_i + q·c + MLP([q; c; q⊙c])", terms: terms, notes: notes)
    }

    /// The retrieval note for `item`: its rank among the unrated films under the retrieval stage's scores `r`.
    func retrievalRank(_ profile: Profile, item: Int32, scores r: [Float]) -> Explanation.Note {
        let mine = r[Int(item)]
        var better = 0
        for j in 0..<r.count where j != Int(item) && !profile.contains(Int32(j)) {
            if r[j] > mine || (r[j] == mine && j < Int(item)) { better += 1 }
        }
        let rank = profile.contains(item) ? nil : better + 1
        return .retrievalStage(retrieval: TwoTowerRecommender.name, rank: rank, candidates: candidateCount,
                               total: itemCount)
    }
}

extension RankingRecommender {
    public var fitLimits: [FitLimit] {
        [.epochs(parameters.int("epochs"))]
            + (retrieval == nil ? [] : [.candidates(count: candidateCount, total: itemCount, retrieval: TwoTowerRecommender.name)])
    }
}

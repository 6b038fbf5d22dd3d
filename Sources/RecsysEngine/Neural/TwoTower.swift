import Foundation

/// Parameters shared by the tower models, with defaults per model.
enum TowerParameters {
    static func specs(retrievalWeight: String, ratingWeight: String, epochs: String, learningRate: String,
                      dim: String, batch: String, optimizer: String = "adam", reg: String = "0") -> [ParameterSpec] {
        [
            ParameterSpec("dim", .integer(2...512), default: dim, "embedding size of both towers"),
            ParameterSpec("hidden", .integer(0...1024), default: "0", "width of a residual hidden layer per tower (0: none)"),
            ParameterSpec("epochs", .integer(1...500), default: epochs, "passes over the training ratings"),
            ParameterSpec("batch", .integer(2...8192), default: batch, "mini-batch size (in-batch negatives)"),
            ParameterSpec("lr", .real(1e-6...10), default: learningRate, "learning rate"),
            ParameterSpec("optimizer", .choice(OptimizerKind.allCases.map(\.rawValue)), default: optimizer,
                          "adam (lazy on embeddings) or adagrad"),
            ParameterSpec("reg", .real(0...10), default: reg, "L2 weight decay on embedding rows"),
            ParameterSpec("retrieval-weight", .real(0...100), default: retrievalWeight,
                          "weight of the in-batch softmax retrieval loss"),
            ParameterSpec("rating-weight", .real(0...100), default: ratingWeight,
                          "weight of the rating regression loss (both > 0: multitask)"),
            ParameterSpec("logq", .flag, default: "true",
                          "subtract log(item popularity) from in-batch logits (sampling-bias correction)"),
            ParameterSpec("user-dropout", .real(0...1), default: "0.25",
                          "probability of dropping the user-id embedding in training, so features alone can fold in new users"),
            ParameterSpec("temperature", .real(0.01...100), default: "1", "softmax temperature τ"),
            ParameterSpec("head", .integer(1...1024), default: "32", "hidden width of the rating head MLP"),
            ParameterSpec("rating-confidence", .flag, default: "true",
                          "with feedback=binary: weight positives and profile items by rating (1★ barely counts, 5★ fully)"),
            FeedbackRule.parameterSpec,
        ]
    }

    static func config(_ p: Parameters) -> TowerConfig {
        var c = TowerConfig()
        c.dim = p.int("dim")
        c.hidden = p.int("hidden")
        c.epochs = p.int("epochs")
        c.batchSize = p.int("batch")
        c.learningRate = p.float("lr")
        c.optimizer = OptimizerKind(rawValue: p.string("optimizer")) ?? .adam
        c.weightDecay = p.float("reg")
        c.retrievalWeight = p.float("retrieval-weight")
        c.ratingWeight = p.float("rating-weight")
        c.logQ = p.bool("logq")
        c.userDropout = p.float("user-dropout")
        c.temperature = p.float("temperature")
        c.headWidth = p.int("head")
        c.ratingConfidence = p.bool("rating-confidence")
        c.feedback = FeedbackRule(p.string("feedback")) ?? .standard
        return c
    }
}

/// The common body of `two-tower` and `ranking`: a `TowerNetwork` with Recommender plumbing.
public class TowerRecommenderBase: @unchecked Sendable {
    public let parameters: Parameters
    var network: TowerNetwork?
    var catalog = Catalog(items: [])
    var itemCount = 0
    var itemMeans: [Float] = []
    var scale = RatingScale.wholeStars
    var popularity: [Float] = []

    init(parameters: Parameters, name: String, specs: [ParameterSpec]) throws {
        self.parameters = try parameters.resolved(for: name, specs: specs)
        let c = TowerParameters.config(self.parameters)
        if c.retrievalWeight == 0 && c.ratingWeight == 0 {
            throw ParameterError("\(name): retrieval-weight and rating-weight cannot both be 0")
        }
    }

    var config: TowerConfig { TowerParameters.config(parameters) }

    func fitNetwork(_ data: Dataset, context: FitContext) throws {
        let features = TowerFeatures(dataset: data)
        let net = TowerNetwork(features: features, config: config, seed: context.seed)
        try net.train(data.ratings, scale: data.scale, context: context)
        network = net
        catalog = data.catalog
        itemCount = data.catalog.count
        scale = data.scale
        let mu = data.ratings.globalMean
        itemMeans = (0..<data.ratings.itemCount).map { i in
            let col = data.ratings.column(Int32(i))
            return (col.ratings.reduce(0, +) + 5 * mu) / (Float(col.ratings.count) + 5)
        }
        popularity = (0..<data.ratings.itemCount).map { Float(data.ratings.columnCount(Int32($0))) }
    }

    /// The fallback when a rating cannot be predicted: an unknown item or one nobody rated (its damped
    /// mean, or the global mean), or a profile with nothing to go on (the item's damped mean).
    func fallback(_ profile: Profile, item: Int32) -> Prediction? {
        let mu = network?.globalMean ?? 3
        guard item >= 0, Int(item) < itemCount else { return Prediction(scale.clamp(mu), isImpossible: true) }
        if popularity[Int(item)] == 0 { return Prediction(scale.clamp(mu), isImpossible: true) }
        if profile.isEmpty && profile.trainingUser == nil {
            return Prediction(scale.clamp(itemMeans[Int(item)]), isImpossible: true)
        }
        return nil
    }

    /// The query embedding: trained user id when the profile is a training user's, else features only.
    func query(_ profile: Profile) -> [Float]? {
        guard let net = network else { return nil }
        if let u = profile.trainingUser, u >= 0, Int(u) < net.features.userCount {
            return net.queryEmbedding(user: Int(u), items: profile.items, ratingValues: profile.ratings)
        }
        return net.queryEmbedding(user: nil, items: profile.items, ratingValues: profile.ratings,
                                  attributes: profile.attributes)
    }

    /// Loss per epoch (retrieval, rating), for progress charts and reports.
    public var lossHistory: [(retrieval: Double, rating: Double)] { network?.lossHistory ?? [] }

    /// Item embeddings (itemCount × dim), for the embedding map.
    public var itemEmbeddings: (dim: Int, values: [Float]) {
        (network?.config.dim ?? 0, network?.itemEmbeddings ?? [])
    }

    func similar(to item: Int32, count: Int) -> [ScoredItem] {
        guard let net = network, Int(item) < itemCount else { return [] }
        let d = net.config.dim
        let e = net.itemEmbeddings
        func norm(_ i: Int) -> Float {
            var s: Float = 0
            for k in 0..<d { s += e[i * d + k] * e[i * d + k] }
            return max(s.squareRoot(), 1e-12)
        }
        let ni = norm(Int(item))
        var sims = [Float](repeating: 0, count: itemCount)
        for j in 0..<itemCount {
            var dot: Float = 0
            for k in 0..<d { dot += e[Int(item) * d + k] * e[j * d + k] }
            sims[j] = dot / (ni * norm(j))
        }
        return topK(sims, k: count) { $0 != item }
    }

    /// Per-term decomposition of q·c for a linear query tower: each bag row's share `w_r T[r]·c`
    /// (a disliked film's row enters with a negative weight).
    func retrievalTerms(_ profile: Profile, item: Int32) -> [Explanation.Term] {
        guard let net = network else { return [] }
        let d = net.config.dim
        let c = Array(net.itemEmbeddings[(Int(item) * d)..<(Int(item) * d + d)])
        var bag: [(Int, Float)] = []
        var genre = [Float](repeating: 0, count: max(1, net.features.genreCount))
        let user = profile.trainingUser.flatMap { $0 >= 0 && Int($0) < net.features.userCount ? Int($0) : nil }
        net.features.queryBag(user: user, idWeight: user == nil ? 0 : 1, items: ArraySlice(profile.items),
                              ratings: ArraySlice(profile.ratings), weighting: net.bagWeighting,
                              exclude: nil, into: &bag, genreScratch: &genre,
                              demographics: user == nil ? net.features.demoFeatures(profile.attributes) : [])
        let signed = net.config.feedback.isSigned
        let feedback = Feedback(net.config.feedback, scale: net.scale)
        let signals = feedback.signals(profile)
        var terms: [Explanation.Term] = []
        var genreTotal: Float = 0, demoTotal: Float = 0
        let f = net.features
        for (row, w) in bag {
            var dot: Float = 0
            for k in 0..<d { dot += net.queryTower.table.weights[row * d + k] * c[k] }
            let v = w * dot
            if row < f.queryBagOffset {
                terms.append(.init(kind: .embedding, value: v, name: "user"))
            } else if row < f.queryGenreOffset {
                let j = Int32(row - f.queryBagOffset)
                let x = signals.first { $0.item == j } ?? FeedbackSignal(item: j, rating: profile.rating(of: j) ?? 0, weight: 1)
                var term = Explanation.Term.rated(signed ? x : FeedbackSignal(item: j, rating: x.rating, weight: 1),
                                                  value: v, weight: dot)
                term.signal = signed ? x.weight : nil
                terms.append(term)
            } else if row < f.queryDemoOffset {
                genreTotal += v
            } else {
                demoTotal += v
            }
        }
        if genreTotal != 0 { terms.append(.init(kind: .feature, value: genreTotal, name: "genre mix")) }
        if demoTotal != 0 { terms.append(.init(kind: .feature, value: demoTotal, name: "demographics")) }
        return terms
    }
}

/// Two-tower retrieval (TensorFlow Recommenders style), trained with in-batch softmax.
///
/// Query tower: user id embedding + bag of rated items + genre histogram (+ demographics where known);
/// candidate tower: item id embedding + genres + keywords + decade. Score = q·c. A new profile is
/// folded in through the feature part of the query tower (no user id), with no retraining.
/// With `rating-weight > 0` it becomes the multitask model (retrieval + rating losses).
///
/// Likes and dislikes (`feedback`, see `Feedback`): the query bag holds each rated film j with weight
/// w_j/√n, so q_u = Σ_r w_r T[r] and a disliked film (w_j < 0) pulls the query away from it; the
/// in-batch softmax trains on likes only (positives weighted by ω = max(0, w)). Under
/// `feedback=binary` the weights are the rating confidences of `rating-confidence`, as before.
public final class TwoTowerRecommender: TowerRecommenderBase, Recommender, @unchecked Sendable {
    public static let name = "two-tower"
    public static let summary = "two-tower retrieval: user and item towers trained with in-batch softmax"
    public static let parameterSpecs = TowerParameters.specs(
        retrievalWeight: "1", ratingWeight: "0", epochs: "3", learningRate: "0.005", dim: "48", batch: "512")

    public required init(parameters: Parameters = Parameters()) throws {
        try super.init(parameters: parameters, name: Self.name, specs: Self.parameterSpecs)
    }

    public func fit(_ data: Dataset, context: FitContext) throws { try fitNetwork(data, context: context) }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        guard let net = network, let q = query(profile), config.ratingWeight > 0 else {
            return items.map { Prediction(Int($0) < itemMeans.count ? itemMeans[Int($0)] : 3, isImpossible: true) }
        }
        let user = profile.trainingUser.map(Int.init)
        return zip(items, net.predictRatings(q: q, user: user, items: items)).map { i, v in
            fallback(profile, item: i) ?? Prediction(scale.clamp(v))
        }
    }

    public func scores(_ profile: Profile) -> [Float] {
        guard let net = network, let q = query(profile) else { return [Float](repeating: 0, count: itemCount) }
        if profile.isEmpty && profile.trainingUser == nil { return popularity }
        return net.dotScores(q)
    }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] { similar(to: item, count: count) }

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard item >= 0, Int(item) < itemCount else { return .unknown(Self.name, item: item) }
        if profile.isEmpty && profile.trainingUser == nil {
            return Explanation(algorithm: Self.name, item: item, score: popularity[Int(item)], meaning: .popularity,
                               terms: [.init(kind: .popularity, value: popularity[Int(item)], item: item,
                                             count: Int(popularity[Int(item)]))],
                               notes: [.coldStart])
        }
        var notes = Feedback(config.feedback, scale: scale).notes
        if config.hidden > 0 { notes.append(.linearPartOnly) }
        var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                            formula: "score(i) = q_u · c_i,  q_u = Σ_r w_r T[r]",
                            terms: retrievalTerms(profile, item: item), notes: notes)
        e.closeWithRemainder(tolerance: 1e-3)
        return e
    }
}

import Foundation

/// Global mean plus regularized user and item biases, fitted by alternating least squares.
///
/// The baseline estimate of user u's rating of item i is
///
///     b_ui = μ + b_u + b_i
///
/// with μ the global mean. The biases minimize
/// Σ_(u,i) (r_ui − μ − b_u − b_i)² + λ_u Σ_u b_u² + λ_i Σ_i b_i²,
/// solved by alternating closed-form steps (as Surprise's `BaselineOnly` with `method='als'`):
///
///     b_i = Σ_{u ∈ U_i} (r_ui − μ − b_u) / (λ_i + |U_i|)
///     b_u = Σ_{i ∈ I_u} (r_ui − μ − b_i) / (λ_u + |I_u|)
///
/// Fold-in: a profile that was not in training gets its b_u from the second formula
/// against the fixed b_i (one exact least-squares step; the trained b_u of a training
/// user comes from the very same formula, so folding in a training user reproduces it).
///
/// Complexity: fit O(epochs · ratings); fold-in O(|profile|); scores O(items).
public final class BaselineRecommender: Recommender, @unchecked Sendable {
    public static let name = "baseline"
    public static let summary = "global mean + user and item biases (ALS, as Surprise BaselineOnly)"
    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("epochs", .integer(1...1000), default: "10", "ALS sweeps over items then users"),
        ParameterSpec("reg_u", .real(0...10_000), default: "15", "λ_u: shrinks user biases towards 0"),
        ParameterSpec("reg_i", .real(0...10_000), default: "10", "λ_i: shrinks item biases towards 0"),
    ]

    public let parameters: Parameters
    var biases = BiasModel()

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        biases = try BiasModel.fit(data.ratings, scale: data.scale, epochs: parameters.int("epochs"),
                                   regU: parameters.float("reg_u"), regI: parameters.float("reg_i"),
                                   context: context, name: Self.name)
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let bu = biases.userBias(profile)
        return items.map { biases.prediction(userBias: bu, item: $0, profileEmpty: profile.isEmpty) }
    }

    public func scores(_ profile: Profile) -> [Float] {
        let bu = biases.userBias(profile)
        return (0..<biases.itemBias.count).map { biases.globalMean + bu + biases.itemBias[$0] }
    }

    /// The scores are the predicted ratings μ + b_u + b_i.
    public var scoreUnit: ScoreUnit { .stars }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        // Biases carry no notion of similarity: items with the nearest bias, a weak but honest answer.
        guard Int(item) < biases.itemBias.count, item >= 0 else { return [] }
        let b = biases.itemBias[Int(item)]
        let s = biases.itemBias.map { -abs($0 - b) }
        return topK(s, k: count) { $0 != item && biases.itemCount[Int($0)] > 0 }
    }

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let bu = biases.userBias(profile)
        let p = biases.prediction(userBias: bu, item: item, profileEmpty: profile.isEmpty)
        var e = Explanation(algorithm: Self.name, item: item, score: p.value, meaning: .predictedRating,
                            formula: "r̂_ui = μ + b_u + b_i", terms: biases.biasTerms(userBias: bu, item: item),
                            related: biases.userBiasContributions(profile, limit: 3),
                            notes: profile.isEmpty ? [.coldStart] : [])
        e.closeWithRemainder()
        return e
    }
}

/// The bias part shared by baseline, svd, svd++ and the kNN family: μ, b_u, b_i.
struct BiasModel: Sendable {
    var globalMean: Float = 0
    var userBias: [Float] = []
    var itemBias: [Float] = []
    var itemCount: [Int32] = []
    var regU: Float = 15
    var regI: Float = 10
    var scale = RatingScale.wholeStars

    /// Zero biases around the global mean of `m`, with its item counts: the starting point of the SGD models.
    static func zero(for m: RatingMatrix, scale: RatingScale) -> BiasModel {
        var b = BiasModel()
        b.globalMean = m.globalMean
        b.scale = scale
        b.userBias = [Float](repeating: 0, count: m.userCount)
        b.itemBias = [Float](repeating: 0, count: m.itemCount)
        b.itemCount = (0..<m.itemCount).map { Int32(m.columnCount(Int32($0))) }
        return b
    }

    /// Fits biases by ALS (items first, then users, `epochs` times), reporting progress.
    static func fit(_ m: RatingMatrix, scale: RatingScale, epochs: Int, regU: Float, regI: Float,
                    context: FitContext, name: String, progressShare: Double = 1) throws -> BiasModel {
        var b = BiasModel()
        b.globalMean = m.globalMean
        b.regU = regU
        b.regI = regI
        b.scale = scale
        b.userBias = [Float](repeating: 0, count: m.userCount)
        b.itemBias = [Float](repeating: 0, count: m.itemCount)
        b.itemCount = (0..<m.itemCount).map { Int32(m.columnCount(Int32($0))) }
        let mu = b.globalMean
        for epoch in 0..<epochs {
            try context.checkCancelled()
            for i in 0..<m.itemCount {
                var s: Float = 0
                for p in m.colStart[i]..<m.colStart[i + 1] {
                    s += m.colRatings[p] - mu - b.userBias[Int(m.colUsers[p])]
                }
                b.itemBias[i] = s / (regI + Float(m.colStart[i + 1] - m.colStart[i]))
            }
            for u in 0..<m.userCount {
                let row = m.row(Int32(u))
                b.userBias[u] = b.foldInBias(items: row.items, ratings: row.ratings)
            }
            var loss: Double = 0
            for u in 0..<m.userCount {
                for p in m.rowStart[u]..<m.rowStart[u + 1] {
                    let e = Double(m.rowRatings[p] - mu - b.userBias[u] - b.itemBias[Int(m.rowItems[p])])
                    loss += e * e
                }
            }
            let rmse = m.count > 0 ? (loss / Double(m.count)).squareRoot() : 0
            context.progress(FitProgress(fraction: progressShare * Double(epoch + 1) / Double(epochs),
                                         message: "\(name) biases: epoch \(epoch + 1)/\(epochs)",
                                         epoch: epoch + 1, loss: rmse))
        }
        return b
    }

    /// b_u = Σ (r − μ − b_i) / (λ_u + n) against the fixed item biases: the fold-in of a profile.
    func foldInBias<I: Collection, R: Collection>(items: I, ratings: R) -> Float
        where I.Element == Int32, R.Element == Float {
        var s: Float = 0
        var n = 0
        for (i, r) in zip(items, ratings) {
            s += r - globalMean - bias(of: i)
            n += 1
        }
        return n == 0 ? 0 : s / (regU + Float(n))
    }

    @inline(__always) func bias(of item: Int32) -> Float {
        item >= 0 && Int(item) < itemBias.count ? itemBias[Int(item)] : 0
    }

    /// The trained b_u of a training user, or the folded-in one.
    func userBias(_ profile: Profile) -> Float {
        if let u = profile.trainingUser, u >= 0, Int(u) < userBias.count { return userBias[Int(u)] }
        return foldInBias(items: profile.items, ratings: profile.ratings)
    }

    /// Whether the model knows the item (it had training ratings).
    func knows(_ item: Int32) -> Bool {
        item >= 0 && Int(item) < itemCount.count && itemCount[Int(item)] > 0
    }

    /// μ + b_u + b_i clamped to the scale; impossible when the item is unknown or the profile empty.
    func prediction(userBias bu: Float, item: Int32, profileEmpty: Bool, extra: Float = 0) -> Prediction {
        let v = scale.clamp(globalMean + bu + bias(of: item) + extra)
        return Prediction(v.isFinite ? v : scale.clamp(globalMean), isImpossible: profileEmpty || !knows(item))
    }

    /// μ, b_u and b_i as terms (they sum to the baseline estimate b_ui before clamping).
    func biasTerms(userBias bu: Float, item: Int32) -> [Explanation.Term] {
        [
            .init(kind: .bias, value: globalMean, name: "μ"),
            .init(kind: .bias, value: bu, name: "b_u"),
            .init(kind: .bias, value: bias(of: item), item: item, name: "b_i",
                  count: knows(item) ? Int(itemCount[Int(item)]) : 0),
        ]
    }

    /// The rated items that moved b_u most: (r − μ − b_i)/(λ_u + n) each (context, not summed).
    func userBiasContributions(_ profile: Profile, limit: Int) -> [Explanation.Term] {
        let n = Float(profile.count)
        var terms: [Explanation.Term] = []
        for (i, r) in zip(profile.items, profile.ratings) {
            let c = (r - globalMean - bias(of: i)) / (regU + n)
            terms.append(.init(kind: c < 0 ? .dislike : .ratedItem, value: c, item: i, rating: r,
                               signal: c < 0 ? -1 : 1))
        }
        terms.sort { abs($0.value) > abs($1.value) }
        return Array(terms.prefix(limit))
    }
}

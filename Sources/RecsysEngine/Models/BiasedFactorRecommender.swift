/// What svd and svd++ share as recommenders, written once: their common parameters, the start
/// and end of the SGD fit, and every method after fitting (prediction, scores, similar items,
/// explanations), all through `BiasedFactorModel`. Each model's own file keeps what differs: its
/// epoch loop and, for svd++, the implicit term z = |N(u)|^-½ Σ_{j∈N(u)} y_j.
protocol BiasedFactorRecommender: Recommender {
    var model: BiasedFactorModel { get }
    /// The trained p_u of every training user.
    var users: FactorTable { get }
    /// The implicit term z_u of training user `u` (nil when the model has none, as svd).
    func trainedImplicit(_ u: Int) -> [SIMD8<Float>]?
    /// The implicit term z of a profile being folded in (nil when the model has none).
    func foldInImplicit(_ items: [Int32]) -> [SIMD8<Float>]?
    /// Adds the model's own formula and notes to an explanation of the shared model.
    func annotate(_ explanation: inout Explanation, profile: Profile)
}

extension BiasedFactorRecommender {
    /// The trained (b_u, p_u + z_u) of a training user, or the folded-in one.
    func user(_ profile: Profile) -> FactorUser {
        if let u = profile.trainingUser, u >= 0, Int(u) < users.rows {
            let pu = users.row(Int(u)), bias = model.biases.userBias[Int(u)]
            guard let z = trainedImplicit(Int(u)) else {
                return FactorUser(bias: bias, vector: pu, implicit: [SIMD8<Float>](repeating: .zero, count: users.lanes))
            }
            return FactorUser(bias: bias, vector: zip(pu, z).map { $0 + $1 }, implicit: z)
        }
        let z = foldInImplicit(profile.items) ?? [SIMD8<Float>](repeating: .zero, count: model.items.lanes)
        return model.foldIn(items: profile.items, ratings: profile.ratings, implicit: z)
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let u = user(profile)
        return items.map { model.predict(u, item: $0, profileEmpty: profile.isEmpty) }
    }

    public func scores(_ profile: Profile) -> [Float] { model.scores(user(profile)) }

    /// The scores are the predicted ratings μ + b_u + b_i + q_iᵀ(p_u + z_u).
    public var scoreUnit: ScoreUnit { .stars }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        model.similarItems(to: item, count: count)
    }

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        explain(profile, items: [item])[0]
    }

    /// One fold-in for the whole list (O(n·k² + k³) once instead of per item).
    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        let u = user(profile)
        return items.map { item in
            var e = model.explain(u, profile: profile, item: item, algorithm: Self.name)
            annotate(&e, profile: profile)
            return e
        }
    }

    /// The parameters both models take, in this order: factors, epochs, lr, reg, init_mean,
    /// init_std, then the model's own `ordering` ones, then foldin_reg.
    static func factorSpecs(factors: String, lr: String, regHelp: String,
                            ordering: [ParameterSpec]) -> [ParameterSpec] {
        [
            ParameterSpec("factors", .integer(1...1000), default: factors, "k: latent factors"),
            ParameterSpec("epochs", .integer(1...1000), default: "20", "passes over the ratings"),
            ParameterSpec("lr", .real(0.000001...1), default: lr, "γ: SGD learning rate"),
            ParameterSpec("reg", .real(0...10), default: "0.02", regHelp),
            ParameterSpec("init_mean", .real(-1...1), default: "0", "mean of the initial factors"),
            ParameterSpec("init_std", .real(0...1), default: "0.05", "standard deviation of the initial factors"),
        ] + ordering + [
            ParameterSpec("foldin_reg", .real(0...1000), default: "1",
                          "extra ridge λ₀ for folded-in profiles (total λ = reg·n + λ₀)"),
        ]
    }

    /// The numbers of an SGD fit, from the parameters.
    func sgdSettings() -> SGDSettings {
        SGDSettings(k: parameters.int("factors"), epochs: parameters.int("epochs"),
                    lr: parameters.float("lr"), reg: parameters.float("reg"),
                    mean: parameters.float("init_mean"), std: parameters.float("init_std"))
    }

    /// The start of the SGD fit: the model's seeded stream, zero biases and the random p and q
    /// (drawn in that order). A tuple, so the caller's variables own the tables (no copy).
    func sgdStart(_ data: Dataset, _ s: SGDSettings, seed: UInt64,
                  stream: UInt64) -> (SplitMix64, BiasModel, FactorTable, FactorTable) {
        let m = data.ratings
        var rng = SplitMix64.derived(seed: seed, stream: stream)
        var p = FactorTable(rows: m.userCount, factors: s.k), q = FactorTable(rows: m.itemCount, factors: s.k)
        p.randomize(mean: s.mean, std: s.std, rng: &rng)
        q.randomize(mean: s.mean, std: s.std, rng: &rng)
        return (rng, BiasModel.zero(for: m, scale: data.scale), p, q)
    }

    /// Progress after an epoch, with the training RMSE as its loss.
    func reportEpoch(_ epoch: Int, of epochs: Int, sse: Double, ratings: Int, context: FitContext) {
        let rmse = ratings > 0 ? (sse / Double(ratings)).squareRoot() : 0
        context.progress(FitProgress(fraction: Double(epoch + 1) / Double(epochs),
                                     message: "\(Self.name): epoch \(epoch + 1)/\(epochs)", epoch: epoch + 1, loss: rmse))
    }

    /// The end of the SGD fit: items and users without training ratings keep no random noise,
    /// and the fitted model carries the regularizations the fold-in reuses. Returns (model, p).
    func fitted(bias: BiasModel, q: FactorTable, p: FactorTable, ratings m: RatingMatrix,
                reg: Float) -> (BiasedFactorModel, FactorTable) {
        var q = q, p = p
        for i in 0..<m.itemCount where bias.itemCount[i] == 0 { q.zeroRow(i) }
        for u in 0..<m.userCount where m.rowCount(Int32(u)) == 0 { p.zeroRow(u) }
        var fm = BiasedFactorModel()
        fm.biases = bias
        fm.items = q
        fm.reg = reg
        fm.foldInReg = parameters.float("foldin_reg")
        return (fm, p)
    }
}

/// The numbers an SGD fit of svd or svd++ runs with (see `BiasedFactorRecommender.sgdSettings`).
struct SGDSettings {
    let k: Int, epochs: Int
    let lr: Float, reg: Float, mean: Float, std: Float
}

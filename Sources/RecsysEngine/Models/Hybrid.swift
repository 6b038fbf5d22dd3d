import Foundation

/// A weighted blend of other algorithms, with a switching rule for cold profiles.
///
/// Top-N: each component's scores are standardised per profile,
/// z_c(i) = (s_c(i) − mean s_c) / sd s_c, and blended: s(i) = Σ_c w_c z_c(i).
/// Ratings: r̂ = β₀ + Σ_c β_c r̂_c over the components that predict ratings
/// (those whose predictions are not fallbacks), a ridge regression.
///
/// Weights: a weight parameter per algorithm. A negative value (the default
/// for the standard components) means "fit it": the training ratings are split
/// (a seeded `holdout` fraction of each user with ≥ 5 ratings is held out), the
/// components are fitted on the rest, and the weights are chosen by coordinate
/// search to maximise NDCG@10 of the held-out items for up to 300 users; the
/// rating weights β by least squares on the held-out ratings. The components
/// are then refitted on all the data. The search starts from the better of equal weights and each
/// free component alone, so on the slice the blend is never worse than its best component. A weight ≥ 0 is taken as given (0 drops
/// the component); algorithms that are not registered are skipped.
///
/// New profiles get weights of their own size: a profile that is not a dataset user and has n <
/// `cold_threshold` ratings is blended with the weights fitted for new users with N ratings (the largest
/// fitted N ≤ n, N ∈ {0, 1, 2, 3, 5, …}), and when the data has demographics the demographic model is one
/// of the components there, so a new user starts from who they are and the collaborative models take over
/// as their ratings arrive, at the pace the data shows. These weights are fitted, not set: on up to 100
/// users removed whole from the slice (they play new users), each shown N of their ratings; see
/// Hybrid+NewUsers.swift. Explain names the level and its weights.
///
/// Likes and dislikes: the hybrid's `feedback` rule is passed to every component that reads one,
/// so a blend never mixes a model that reads a 1★ as a like with one that reads it as a dislike.
///
/// Complexity: the sum of the components' costs (twice their fits when weights are fitted).
public final class HybridRecommender: Recommender, @unchecked Sendable {
    public static let name = "hybrid"
    public static let summary = "weighted blend of the other algorithms; more content and popularity for new users"

    /// Candidate components and whether they are in the blend by default (weight fitted) or off (weight 0).
    static let candidates: [(name: String, on: Bool)] = [
        ("ease", true), ("als", true), ("item-knn", true), ("svd", true), ("content", true), ("popularity", true),
        ("bpr", true), ("user-knn", true), ("svdpp", true), ("baseline", true),
    ]

    public static let parameterSpecs: [ParameterSpec] = candidates.map { c in
        ParameterSpec("w_" + c.name.replacingOccurrences(of: "-", with: "_"), .real(-1...1000),
                      default: c.on ? "-1" : "0",
                      "weight of \(c.name): negative = fitted on held-out ratings, 0 = left out")
    } + [
        ParameterSpec("holdout", .real(0.05...0.5), default: "0.1", "fraction of each user's ratings held out to fit weights"),
        ParameterSpec("cold_threshold", .integer(0...1000), default: "20",
                      "new profiles with fewer ratings use the weights fitted for new users of their size (0: never)"),
        FeedbackRule.parameterSpec,
    ]

    public let parameters: Parameters
    /// Component names in blend order, their models and their top-N weights.
    public private(set) var componentNames: [String] = []
    var components: [any Recommender] = []

    /// The limits its components applied (EASE's item cap, kNN neighbour caps).
    /// The components' limits that change what they learned from (item caps, neighbour caps, sampled
    /// co-ratings, candidate stages). Their pass counts are their own and stand on their own rows:
    /// listed here, unlabelled, they read as "15 iterations · 20 epochs · 100 iterations".
    public var fitLimits: [FitLimit] { components.flatMap(\.fitLimits).filter { $0.kind != .epochs } }
    public internal(set) var weights: [Float] = []
    /// Rating blend: intercept and one coefficient per component (0 for ranking-only components).
    public internal(set) var ratingIntercept: Float = 0
    public internal(set) var ratingWeights: [Float] = []
    var fallback = RatingFallback()
    var notes: [Explanation.Note] = []
    /// The demographic model for new users (nil when no size level gives it weight).
    var coldModel: DemographicRecommender?
    /// Weights by profile size for new profiles: per fitted level N, one weight per component and, when
    /// the data has demographics, the demographic model's last (see Hybrid+NewUsers.swift).
    public internal(set) var sizeWeights: [(level: Int, weights: [Float])] = []

    public init(parameters: Parameters = Parameters()) throws {
        let resolved = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
        self.parameters = resolved
        for c in Self.candidates {
            let w = resolved.double(Self.key(c.name))
            let registered = Algorithms.type(named: c.name) != nil
            if w != 0 && !registered && parameters[Self.key(c.name)] != nil {
                throw ParameterError("hybrid.\(Self.key(c.name)): algorithm '\(c.name)' is not available")
            }
            if w != 0 && registered { componentNames.append(c.name) }
        }
        if componentNames.isEmpty {
            throw ParameterError("hybrid needs at least one component with a non-zero weight")
        }
    }

    static func key(_ name: String) -> String { "w_" + name.replacingOccurrences(of: "-", with: "_") }

    /// A component with the blend's feedback rule (when it reads feedback at all).
    func makeComponent(_ name: String) throws -> any Recommender {
        var p = Parameters()
        if Algorithms.type(named: name)?.parameterSpecs.contains(where: { $0.key == "feedback" }) == true {
            p["feedback"] = parameters.string("feedback")
        }
        return try Algorithms.make(name, parameters: p)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        fallback = RatingFallback(data.ratings, scale: data.scale)
        let given = componentNames.map { parameters.double(Self.key($0)) }
        weights = given.map { Float(max($0, 0)) }
        ratingWeights = [Float](repeating: 0, count: componentNames.count)
        ratingIntercept = 0
        notes = []
        sizeWeights = []
        coldModel = nil
        let hasDemographics = !Demographics.present(in: data.userAttributes).isEmpty
        let fitsSizes = given.contains { $0 < 0 } || hasDemographics
        let newUsers = fitsSizes && !Self.levels(below: parameters.int("cold_threshold")).isEmpty
            ? Self.pickNewUsers(data.ratings, count: Self.newUserCount(items: data.itemCount, components: given.count + 1),
                                minRatings: min(20, (Self.levels(below: parameters.int("cold_threshold")).last ?? 0) + 5),
                                seed: context.seed)
            : []

        // 1. Fit weights on a held-out slice (top-N weights that are < 0, and always the rating blend),
        //    and the weights by profile size on simulated new users removed from that slice.
        let (sub, heldOut) = Self.split(data.ratings, fraction: parameters.float("holdout"), seed: context.seed,
                                        removing: Set(newUsers))
        if !heldOut.isEmpty {
            var subData = data
            subData.ratings = sub
            var trial: [any Recommender] = []
            for (k, name) in componentNames.enumerated() {
                try context.checkCancelled()
                context.progress(FitProgress(fraction: 0.4 * Double(k) / Double(componentNames.count),
                                             message: "weights: fitting \(name) on the training slice"))
                let m = try makeComponent(name)
                try m.fit(subData, context: FitContext(seed: context.seed, threads: context.threads,
                                                       cancellation: context.cancellation,
                                                       memoryBudget: context.memoryBudget))
                trial.append(m)
            }
            if given.contains(where: { $0 < 0 }) {
                weights = searchWeights(trial, sub: sub, heldOut: heldOut, given: given, seed: context.seed)
            }
            fitRatingBlend(trial, sub: sub, heldOut: heldOut)
            if !newUsers.isEmpty {
                try context.checkCancelled()
                context.progress(FitProgress(fraction: 0.45, message: "weights for new users of 0, 1, 2, … ratings"))
                var demo: DemographicRecommender?
                if hasDemographics {
                    demo = try Self.coldModel(for: data)
                    try demo?.fit(subData, context: FitContext(seed: context.seed, threads: context.threads,
                                                                memoryBudget: context.memoryBudget))
                }
                sizeWeights = fitSizeWeights(trial, demographic: demo, newUsers: newUsers, data: data, given: given,
                                             seed: context.seed)
            }
        } else {
            weights = given.map { $0 < 0 ? 1 : Float($0) }
            notes.append(.equalWeights)
        }
        // 2. The final components on all the data.
        components = []
        for (k, name) in componentNames.enumerated() {
            try context.checkCancelled()
            context.progress(FitProgress(fraction: 0.5 + 0.5 * Double(k) / Double(componentNames.count),
                                         message: "fitting \(name)"))
            let m = try makeComponent(name)
            try m.fit(data, context: FitContext(seed: context.seed, threads: context.threads,
                                                cancellation: context.cancellation,
                                                memoryBudget: context.memoryBudget))
            components.append(m)
        }
        if sizeWeights.contains(where: { $0.weights.count > componentNames.count && $0.weights[componentNames.count] != 0 }) {
            let demo = try Self.coldModel(for: data)
            try demo.fit(data, context: FitContext(seed: context.seed, threads: context.threads, memoryBudget: context.memoryBudget))
            coldModel = demo
        }
        notes.append(.weights(names: componentNames, values: weights))
        context.progress(FitProgress(fraction: 1, message: "blend ready"))
    }

    /// Coordinate search over the free weights for NDCG@10 on held-out items.
    private func searchWeights(_ trial: [any Recommender], sub: RatingMatrix, heldOut: [RatingTriple],
                               given: [Double], seed: UInt64) -> [Float] {
        var byUser: [Int32: [Int32]] = [:]
        for t in heldOut { byUser[t.user, default: []].append(t.item) }
        var users = byUser.keys.sorted()
        var rng = SplitMix64.derived(seed: seed, stream: 0x57E1)
        users.shuffle(using: &rng)
        users = Array(users.prefix(300)).sorted()
        var slice = BlendSlice()
        for u in users {
            let p = Profile.training(u, in: sub)
            slice.z.append(trial.map { Self.standardise($0.scores(p)) })
            slice.exclude.append(Set(sub.row(u).items))
            slice.relevant.append(Set(byUser[u]!))
        }
        // Start from the better of equal weights and each free component alone (others at their given
        // weight or 0), so the search never ends below the best single component on the slice.
        let (w, best) = slice.search(given: given, starts: [given.map { $0 < 0 ? Float(1) : Float($0) }])
        notes.append(.fittedWeights(users: users.count, ndcg: Float(best)))
        return w
    }

    /// Ridge regression of held-out ratings on the components' (non-fallback) predictions.
    private func fitRatingBlend(_ trial: [any Recommender], sub: RatingMatrix, heldOut: [RatingTriple]) {
        var byUser: [Int32: [RatingTriple]] = [:]
        for t in heldOut { byUser[t.user, default: []].append(t) }
        let c = trial.count
        var rows: [[Double]] = []
        var ys: [Double] = []
        var possible = [Int](repeating: 0, count: c)
        for u in byUser.keys.sorted() {
            let ts = byUser[u]!
            let p = Profile.training(u, in: sub)
            let preds = trial.map { $0.predict(p, items: ts.map(\.item)) }
            for (k, t) in ts.enumerated() {
                rows.append((0..<c).map { Double(preds[$0][k].value) })
                for ci in 0..<c where !preds[ci][k].isImpossible { possible[ci] += 1 }
                ys.append(Double(t.rating))
            }
        }
        // Only components that really predict most of the time take part.
        let use = (0..<c).filter { possible[$0] * 2 > rows.count }
        guard !use.isEmpty, rows.count > use.count + 1 else {
            ratingIntercept = 0
            return
        }
        let d = use.count + 1
        var a = [Double](repeating: 0, count: d * d), b = [Double](repeating: 0, count: d)
        for (r, y) in zip(rows, ys) {
            let x = [1.0] + use.map { r[$0] }
            for i in 0..<d {
                b[i] += x[i] * y
                for j in 0..<d { a[i * d + j] += x[i] * x[j] }
            }
        }
        for i in 1..<d { a[i * d + i] += 1e-3 * Double(rows.count) }
        guard let beta = Self.solve(a, b, d) else { return }
        ratingIntercept = Float(beta[0])
        for (k, ci) in use.enumerated() { ratingWeights[ci] = Float(beta[k + 1]) }
    }

    /// The demographic model for new users: its default grouping (age and occupation) restricted to what
    /// the data has, or whatever the data has when it has neither.
    static func coldModel(for data: Dataset) throws -> DemographicRecommender {
        let present = Demographics.present(in: data.userAttributes)
        let preferred = present.filter { ["age", "occupation"].contains($0) }
        return try DemographicRecommender(parameters: Parameters(["group": (preferred.isEmpty ? present : preferred)
            .joined(separator: "+")]))
    }

    /// The fitted level for a new profile of `n` ratings: the largest fitted size N ≤ n, while
    /// n < cold_threshold; nil for larger profiles and when no level was fitted.
    public func sizeLevel(ratingCount n: Int) -> (level: Int, weights: [Float])? {
        guard n < parameters.int("cold_threshold") else { return nil }
        return sizeWeights.last { $0.level <= n }
    }

    /// The component weights in force for a new profile of `n` ratings (the warm weights when no level applies).
    public func effectiveWeights(ratingCount n: Int) -> [Float] {
        sizeLevel(ratingCount: n).map { Array($0.weights.prefix(componentNames.count)) } ?? weights
    }

    /// The demographic model's weight for a new profile of `n` ratings (0 when it takes no part).
    public func demographicWeight(ratingCount n: Int) -> Float {
        guard coldModel != nil, let w = sizeLevel(ratingCount: n)?.weights, w.count > componentNames.count else { return 0 }
        return w[componentNames.count]
    }

    public func scores(_ profile: Profile) -> [Float] {
        guard profile.trainingUser == nil, let level = sizeLevel(ratingCount: profile.count) else {
            return blendScores(profile)
        }
        return levelScores(profile, weights: level.weights)
    }

    /// A new profile's blend with its size level's weights (the demographic model last).
    func levelScores(_ profile: Profile, weights w: [Float]) -> [Float] {
        let n = fallback.popularity.count
        var s = [Float](repeating: 0, count: n)
        for (k, m) in components.enumerated() where w[k] != 0 { add(w[k], Self.standardise(m.scores(profile)), to: &s) }
        if let demo = coldModel, w.count > components.count, w[components.count] != 0 {
            add(w[components.count], Self.standardise(demo.scores(profile)), to: &s)
        }
        // Nothing to tell the films apart (an empty profile and no component that ranks without ratings).
        if let first = s.first, s.allSatisfy({ $0 == first }) { return fallback.popularity }
        return s
    }

    private func add(_ w: Float, _ z: [Float], to s: inout [Float]) {
        for i in 0..<min(s.count, z.count) { s[i] += w * z[i] }
    }

    /// The warm blend of the components (popularity for an empty profile).
    func blendScores(_ profile: Profile) -> [Float] {
        guard !profile.isEmpty, !components.isEmpty else { return fallback.popularity }
        var s = [Float](repeating: 0, count: fallback.popularity.count)
        for (k, m) in components.enumerated() where weights[k] != 0 { add(weights[k], Self.standardise(m.scores(profile)), to: &s) }
        return s
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let used = (0..<components.count).filter { ratingWeights[$0] != 0 }
        guard !used.isEmpty else { return fallback.predict(profile, items: items) }
        var out = [Float](repeating: ratingIntercept, count: items.count)
        var impossible = [Bool](repeating: true, count: items.count)
        for k in used {
            let preds = components[k].predict(profile, items: items)
            for (j, p) in preds.enumerated() {
                out[j] += ratingWeights[k] * p.value
                if !p.isImpossible { impossible[j] = false }
            }
        }
        // Without ratings nothing is personal: the blend is still the best guess, but flagged as a fallback.
        return (0..<items.count).map {
            Prediction(fallback.scale.clamp(out[$0]), isImpossible: impossible[$0] || profile.isEmpty)
        }
    }

    /// Rank-weighted blend of the components' similar-item lists: w_c · (1 − rank / L).
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        let n = fallback.popularity.count
        guard Int(item) >= 0, Int(item) < n else { return [] }
        var s = [Float](repeating: 0, count: n)
        let depth = max(100, count * 5)
        for (k, m) in components.enumerated() where weights[k] > 0 && componentNames[k] != "popularity" {
            let list = m.similarItems(to: item, count: depth)
            for (r, x) in list.enumerated() { s[Int(x.item)] += weights[k] * (1 - Float(r) / Float(depth)) }
        }
        return topK(s, k: count) { $0 != item && s[Int($0)] > 0 }
    }

    /// One term per component: its weight times its standardised score, with the component's own
    /// explanation in `parts` (same order as the terms). A new profile below `cold_threshold` is explained
    /// with its size level's weights, the demographic model among the components.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard Int(item) >= 0, Int(item) < fallback.popularity.count else { return .unknown(Self.name, item: item) }
        let level = profile.trainingUser == nil ? sizeLevel(ratingCount: profile.count) : nil
        guard !components.isEmpty, !profile.isEmpty || level != nil else {
            return fallback.coldStart(algorithm: Self.name, item: item)
        }
        let w = level?.weights ?? weights
        var terms: [Explanation.Term] = []
        var parts: [Explanation] = []
        var models: [(String, any Recommender)] = Array(zip(componentNames, components))
        if let demo = coldModel, w.count > components.count { models.append((DemographicRecommender.name, demo)) }
        for (k, (name, m)) in models.enumerated() where w[k] != 0 {
            let z = Self.standardise(m.scores(profile))[Int(item)]
            terms.append(.init(kind: .component, value: w[k] * z, name: name, weight: w[k]))
            parts.append(m.explain(profile, item: item))
        }
        var n = notes + Feedback(parameters: parameters, scale: fallback.scale).notes
        if let level { n.insert(.sizeWeights(ratings: profile.count, level: level.level), at: 0) }
        if profile.count < parameters.int("cold_threshold") { n.append(.fewRatings(profile.count)) }
        var e = Explanation(algorithm: Self.name, item: item, score: 0,
                            formula: "score(i) = Σ_c w_c(n) z_c(i)", terms: terms, notes: n, parts: parts)
        e.score = scores(profile)[Int(item)]
        let rest = e.score - e.termTotal
        if abs(rest) > 1e-5 * max(1, abs(e.score)) { e.terms.append(.init(kind: .remainder, value: rest)) }
        return e
    }
}

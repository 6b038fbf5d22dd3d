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
/// New users start from who they are: when the data has demographics, a profile of n ratings gets
/// `g(n)·z(blend) + (1 − g(n))·z(demographic)` with `g(n) = n/(n + n₀)`, where the blend is the weighted
/// blend below and n₀ is fitted, not set: on the held-out slice, up to 100 users are truncated to
/// N ∈ {0, 1, 2, 3, 5, 10} of their ratings and n₀ ∈ {0, ½, 1, 2, 4, 8, 16, 32, ∞} is chosen for the best
/// mean NDCG@10 over those levels (n₀ = 0 keeps the blend alone; the components there were fitted with
/// the users' other ratings, so n₀ leans small). Explain shows g(n).
///
/// Cold profiles switch towards content and popularity: with n ratings and
/// t = max(0, 1 − n / cold_threshold), the weights used are
/// (1 − t)·w + t·w_cold, where w_cold splits the total weight between content
/// and popularity. An empty profile gets popularity ("cold start").
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
        ("bpr", false), ("user-knn", true), ("svdpp", true), ("baseline", true),
    ]

    public static let parameterSpecs: [ParameterSpec] = candidates.map { c in
        ParameterSpec("w_" + c.name.replacingOccurrences(of: "-", with: "_"), .real(-1...1000),
                      default: c.on ? "-1" : "0",
                      "weight of \(c.name): negative = fitted on held-out ratings, 0 = left out")
    } + [
        ParameterSpec("holdout", .real(0.05...0.5), default: "0.1", "fraction of each user's ratings held out to fit weights"),
        ParameterSpec("cold_threshold", .integer(0...1000), default: "10",
                      "profiles with fewer ratings lean towards content and popularity"),
        FeedbackRule.parameterSpec,
    ]

    public let parameters: Parameters
    /// Component names in blend order, their models and their top-N weights.
    public private(set) var componentNames: [String] = []
    private var components: [any Recommender] = []

    /// The limits its components applied (EASE's item cap, kNN neighbour caps).
    public var fitLimits: [FitLimit] { components.flatMap(\.fitLimits) }
    public private(set) var weights: [Float] = []
    /// Rating blend: intercept and one coefficient per component (0 for ranking-only components).
    public private(set) var ratingIntercept: Float = 0
    public private(set) var ratingWeights: [Float] = []
    private var fallback = RatingFallback()
    private var notes: [Explanation.Note] = []
    /// The demographic model for new users (nil without demographics) and the fitted n₀ of the gate.
    private var coldModel: DemographicRecommender?
    public private(set) var gateHalfway: Float = 0

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

        // 1. Fit weights on a held-out slice (top-N weights that are < 0, and always the rating blend).
        let (sub, heldOut) = Self.split(data.ratings, fraction: parameters.float("holdout"), seed: context.seed)
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
            gateHalfway = 0
            if !Demographics.present(in: data.userAttributes).isEmpty {
                let demo = try Self.coldModel(for: data)
                try demo.fit(subData, context: FitContext(seed: context.seed, threads: context.threads, memoryBudget: context.memoryBudget))
                gateHalfway = fitGate(trial, demographic: demo, data: subData, heldOut: heldOut, seed: context.seed)
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
        coldModel = nil
        if gateHalfway > 0 {
            let demo = try Self.coldModel(for: data)
            try demo.fit(data, context: FitContext(seed: context.seed, threads: context.threads, memoryBudget: context.memoryBudget))
            coldModel = demo
            notes.append(.demographicGate(halfway: gateHalfway))
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
        let c = trial.count
        // z[user][component] = standardised scores.
        let z: [[[Float]]] = users.map { u in
            let p = Profile.training(u, in: sub)
            return trial.map { Self.standardise($0.scores(p)) }
        }
        let rated: [Set<Int32>] = users.map { Set(sub.row($0).items) }
        let relevant: [Set<Int32>] = users.map { Set(byUser[$0]!) }
        func ndcg(_ w: [Float]) -> Double {
            var total = 0.0
            for (k, _) in users.enumerated() {
                let n = z[k][0].count
                var s = [Float](repeating: 0, count: n)
                for ci in 0..<c where w[ci] != 0 {
                    let zc = z[k][ci], wc = w[ci]
                    for i in 0..<n { s[i] += wc * zc[i] }
                }
                let top = topK(s, k: 10) { !rated[k].contains($0) }
                var dcg = 0.0
                for (r, item) in top.enumerated() where relevant[k].contains(item.item) { dcg += 1 / log2(Double(r) + 2) }
                var idcg = 0.0
                for r in 0..<min(10, relevant[k].count) { idcg += 1 / log2(Double(r) + 2) }
                total += dcg / idcg
            }
            return total / Double(max(1, users.count))
        }
        // Start from the better of equal weights and each free component alone (others at their given
        // weight or 0), so the search never ends below the best single component on the slice.
        var w = given.map { $0 < 0 ? Float(1) : Float($0) }
        var best = ndcg(w)
        for ci in 0..<c where given[ci] < 0 {
            let alone = given.enumerated().map { k, g in k == ci ? Float(1) : (g < 0 ? 0 : Float(g)) }
            let v = ndcg(alone)
            if v > best + 1e-9 { best = v; w = alone }
        }
        let grid: [Float] = [0, 0.1, 0.25, 0.5, 1, 2, 4]
        for _ in 0..<2 {
            for ci in 0..<c where given[ci] < 0 {
                for g in grid where g != w[ci] {
                    var t = w
                    t[ci] = g
                    if t.allSatisfy({ $0 == 0 }) { continue }
                    let v = ndcg(t)
                    if v > best + 1e-9 { best = v; w = t }
                }
            }
        }
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

    /// g(n) = n/(n + n₀): the blend's share for a profile of n ratings (1 without a gate).
    public func gate(ratingCount n: Int) -> Float {
        guard coldModel != nil, gateHalfway > 0 else { return 1 }
        guard gateHalfway.isFinite else { return 0 }
        return Float(n) / (Float(n) + gateHalfway)
    }

    /// Chooses n₀ on the held-out slice (see the type's documentation). Returns 0 when the blend alone wins.
    private func fitGate(_ trial: [any Recommender], demographic: DemographicRecommender, data: Dataset,
                         heldOut: [RatingTriple], seed: UInt64) -> Float {
        let sub = data.ratings
        var byUser: [Int32: [Int32]] = [:]
        for t in heldOut { byUser[t.user, default: []].append(t.item) }
        var users = byUser.keys.sorted()
        var rng = SplitMix64.derived(seed: seed, stream: 0x6A7E)
        users.shuffle(using: &rng)
        users = Array(users.prefix(100)).sorted()
        let levels = [0, 1, 2, 3, 5, 10]
        let candidates: [Float] = [0, 0.5, 1, 2, 4, 8, 16, 32, .infinity]
        var totals = [Double](repeating: 0, count: candidates.count)
        for u in users {
            let row = sub.row(u)
            var order = Array(row.items.indices)
            var r = SplitMix64.derived(seed: seed, stream: 0x6A7F &+ UInt64(u))
            order.shuffle(using: &r)
            let rated = Set(row.items)
            let relevant = Set(byUser[u]!)
            let attributes = Int(u) < data.userAttributes.count ? data.userAttributes[Int(u)] : UserAttributes()
            for n in levels {
                let kept = order.prefix(n).map { (row.items[$0], row.ratings[$0]) }
                let p = Profile(kept, attributes: attributes)
                let zd = Self.standardise(demographic.scores(p))
                var blend = [Float](repeating: 0, count: zd.count)
                if !p.isEmpty {
                    let w = effectiveWeights(ratingCount: n)
                    for (k, m) in trial.enumerated() where w[k] != 0 {
                        let z = Self.standardise(m.scores(p))
                        for i in 0..<min(blend.count, z.count) { blend[i] += w[k] * z[i] }
                    }
                } else {
                    blend = Self.standardise(fallback.popularity)
                }
                let zb = Self.standardise(blend)
                for (c, n0) in candidates.enumerated() {
                    let g: Float = n0 == 0 ? 1 : (n0.isFinite ? Float(n) / (Float(n) + n0) : 0)
                    var s = [Float](repeating: 0, count: zd.count)
                    for i in 0..<s.count { s[i] = g * zb[i] + (1 - g) * zd[i] }
                    let top = topK(s, k: 10) { !rated.contains($0) }
                    var dcg = 0.0
                    for (rank, item) in top.enumerated() where relevant.contains(item.item) { dcg += 1 / log2(Double(rank) + 2) }
                    var idcg = 0.0
                    for rank in 0..<min(10, relevant.count) { idcg += 1 / log2(Double(rank) + 2) }
                    totals[c] += dcg / idcg
                }
            }
        }
        guard let best = totals.indices.max(by: { (totals[$0], -$0) < (totals[$1], -$1) }) else { return 0 }
        let norm = Double(max(1, users.count * levels.count))
        notes.append(.gateFitted(users: users.count, halfway: candidates[best],
                                 ndcg: Float(totals[best] / norm), blendNDCG: Float(totals[0] / norm)))
        return candidates[best]
    }

    /// The weights in force for a profile of `n` ratings (the cold-start switch).
    public func effectiveWeights(ratingCount n: Int) -> [Float] {
        let threshold = parameters.int("cold_threshold")
        guard threshold > 0, n < threshold else { return weights }
        let t = 1 - Float(n) / Float(threshold)
        let coldIdx = componentNames.indices.filter { ["content", "popularity"].contains(componentNames[$0]) }
        guard !coldIdx.isEmpty else { return weights }
        let total = max(weights.reduce(0, +), 1e-6)
        var cold = [Float](repeating: 0, count: weights.count)
        for i in coldIdx { cold[i] = total / Float(coldIdx.count) }
        return zip(weights, cold).map { (1 - t) * $0 + t * $1 }
    }

    public func scores(_ profile: Profile) -> [Float] {
        let g = profile.trainingUser == nil ? gate(ratingCount: profile.count) : 1
        if g < 1, let demo = coldModel {
            // A new user: who they are, handing over to the blend as ratings arrive.
            let zd = Self.standardise(demo.scores(profile))
            let zb = Self.standardise(blendScores(profile))
            return (0..<zd.count).map { g * zb[$0] + (1 - g) * zd[$0] }
        }
        return blendScores(profile)
    }

    /// The weighted blend of the components (popularity for an empty profile).
    func blendScores(_ profile: Profile) -> [Float] {
        guard !profile.isEmpty, !components.isEmpty else { return fallback.popularity }
        let w = effectiveWeights(ratingCount: profile.count)
        var s = [Float](repeating: 0, count: fallback.popularity.count)
        for (k, m) in components.enumerated() where w[k] != 0 {
            let z = Self.standardise(m.scores(profile))
            let wk = w[k]
            for i in 0..<min(s.count, z.count) { s[i] += wk * z[i] }
        }
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
    /// explanation in `parts` (same order as the terms).
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let g = profile.trainingUser == nil ? gate(ratingCount: profile.count) : 1
        if g < 1, let demo = coldModel, Int(item) >= 0, Int(item) < fallback.popularity.count {
            var e = profile.isEmpty ? fallback.coldStart(algorithm: Self.name, item: item) : blendExplanation(profile, item: item)
            let d = demo.explain(profile, item: item)
            let zd = Self.standardise(demo.scores(profile))[Int(item)]
            // The demographic model enters as a component (its explanation in `parts`, same position).
            e.terms.insert(.init(kind: .component, value: (1 - g) * zd, name: DemographicRecommender.name, weight: 1 - g), at: 0)
            e.parts.insert(d, at: 0)
            if profile.isEmpty {
                e.parts = [d]
                e.notes.removeAll { $0 == .coldStart }
            }
            e.score = scores(profile)[Int(item)]
            let rest = e.score - e.termTotal
            if abs(rest) > 1e-5 * max(1, abs(e.score)) { e.terms.append(.init(kind: .remainder, value: rest)) }
            e.notes.insert(.gateBlend(ratings: profile.count, halfway: gateHalfway, weight: g), at: 0)
            return e
        }
        return blendExplanation(profile, item: item)
    }

    /// One term per component of the blend.
    func blendExplanation(_ profile: Profile, item: Int32) -> Explanation {
        guard !profile.isEmpty, !components.isEmpty else { return fallback.coldStart(algorithm: Self.name, item: item) }
        guard Int(item) >= 0, Int(item) < fallback.popularity.count else { return .unknown(Self.name, item: item) }
        let w = effectiveWeights(ratingCount: profile.count)
        var terms: [Explanation.Term] = []
        var parts: [Explanation] = []
        var total: Float = 0
        for (k, m) in components.enumerated() where w[k] != 0 {
            let z = Self.standardise(m.scores(profile))[Int(item)]
            let v = w[k] * z
            total += v
            terms.append(.init(kind: .component, value: v, name: componentNames[k], weight: w[k]))
            parts.append(m.explain(profile, item: item))
        }
        var n = notes + Feedback(parameters: parameters, scale: fallback.scale).notes
        if profile.count < parameters.int("cold_threshold") { n.append(.fewRatings(profile.count)) }
        return Explanation(algorithm: Self.name, item: item, score: total,
                           formula: "score(i) = Σ_c w_c z_c(i)", terms: terms, notes: n, parts: parts)
    }
}

import Foundation

/// Item-based k nearest neighbours: one model, two uses.
///
/// **Rating prediction** (`predict`, and `scores` with `mode=rating`): for user u and item i, take
/// the k items j most similar to i (similarity > 0) among those u rated, and combine their ratings
/// by the chosen `prediction` (see `KNNPrediction`); the default is KNNBaseline with
/// pearson-baseline similarity (shrinkage 100), as Surprise's best neighbourhood model:
///
///     r̂_ui = b_ui + Σ_j s_ij (r_uj − b_uj) / (β + Σ_j s_ij),   b_ui = μ + b_u + b_i
///
/// The damping β (`damping`, default 0.25; 0 gives Surprise's formula) keeps an estimate built on
/// a few weak neighbours close to the baseline: shrunk pearson-baseline similarities are small
/// (often 0.01–0.1), so Σ s is small exactly when the evidence is thin.
///
/// **Top-N** (`scores` with `mode=topn`, the default): as implicit's item-item recommenders, every
/// item keeps its `topn_k` most similar items by a dot product of weighted binary interactions
/// (TF-IDF cosine by default, or BM25 / plain cosine; docs/defaults.md says why): S_topn says which
/// films are *watched together*. The profile enters as a signed query row, w_j from the `feedback`
/// rule (see `Feedback`):
///
///     score(i) = Σ_{j ∈ profile} w_j · S_topn[j][i],   w_j ∈ [−1, 1]
///
/// so a liked film raises its neighbours and a disliked one (w_j < 0) lowers them;
/// `feedback=binary` (w_j = 1) is implicit's formula. The rating path is signed by construction:
/// a neighbour rated below its baseline (r_uj < b_uj) pulls r̂_ui down.
///
/// Rating similarities are kept for the `keep` best neighbours of each item (positive only), so
/// memory is O(items · keep) rather than O(items²). Both neighbour lists are computed in one pass
/// over the co-ratings, in parallel over items.
///
/// Fold-in: nothing to solve. A new profile is scored directly from its ratings (b_u by the
/// baseline's closed form), so folding in a training user reproduces its recommendations.
///
/// A user with more than `max_user_ratings` ratings (default 1,000) contributes a seeded sample of
/// that many to the similarity pass (`CoRatingSample`, reported as a `FitLimit`), so the pass costs
/// Σ_u min(|I_u|, cap)² rather than Σ_u |I_u|² (8.6·10⁹ instead of 2.1·10¹⁰ on the 25M shape).
///
/// Complexity: fit O(Σ_u min(|I_u|, cap)² + items · keep log keep); predict O(keep) per item;
/// top-N scores O(|profile| · topn_k).
public final class ItemKNNRecommender: Recommender, @unchecked Sendable {
    public static let name = "item-knn"
    public static let summary = "item-based k nearest neighbours (KNNBaseline ratings, TF-IDF cosine top-N)"
    public static let parameterSpecs: [ParameterSpec] = KNNParameters.common(
        defaultSimilarity: "pearson-baseline", defaultPrediction: "baseline", defaultK: "40",
        defaultMode: "topn", defaultWeighting: "tfidf", defaultDamping: "0.25") + [
        ParameterSpec("max_user_ratings", .integer(1...100_000_000), default: "1000",
                      "ratings a user contributes to the similarities at most (a heavier user: a seeded sample)"),
    ]

    public let parameters: Parameters
    let knn: KNNSettings

    var biases = BiasModel()
    var stats = RowStats()
    var lists = NeighbourLists()
    var topN = NeighbourLists()
    var titles: [String] = []
    /// Neighbour caps the memory budget imposed on the last fit (rating lists, then top-N lists).
    var limits: [FitLimit] = []

    public var fitLimits: [FitLimit] { limits }

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
        knn = KNNSettings(self.parameters)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        biases = try KNNSettings.fitBaseline(data, parameters: parameters, context: context, name: Self.name)
        stats = RowStats(start: m.colStart, values: m.colRatings, fallbackMean: m.globalMean)
        let userStats = RowStats(start: m.rowStart, values: m.rowRatings, fallbackMean: m.globalMean)
        titles = data.catalog.items.map(\.title)
        // Transformed values in both views: rows = items (CSC), others = users (CSR).
        let b = biases, similarity = knn.similarity
        let values = m.transformedValues { u, i, r in
            switch similarity {
            case .adjustedCosine: return r - userStats.mean[u]
            case .pearsonBaseline: return r - (b.globalMean + b.userBias[u] + b.itemBias[i])
            default: return r
            }
        }
        let w = interactionWeights(rowStart: m.colStart, rowOther: m.colUsers, otherStart: m.rowStart,
                                   otherRow: m.rowItems, weighting: knn.weighting,
                                   k1: parameters.float("bm25_k1"), b: parameters.float("bm25_b"))
        var sides = KNNSides(rowStart: m.colStart, rowOther: m.colUsers, rowValue: values.byItem,
                             otherStart: m.rowStart, otherRow: m.rowItems, otherValue: values.byUser,
                             otherWeight: w.otherWeights, rowWeightNorm: w.norms)
        var rowWeights = w.rowWeights
        limits = []
        // Heavy users contribute a seeded sample of their ratings to the similarity pass.
        if let sampled = CoRatingSample.apply(sides, rowWeights: rowWeights, cap: parameters.int("max_user_ratings"),
                                              seed: context.seed) {
            sides = sampled.sides
            rowWeights = sampled.rowWeights
            limits.append(FitLimit(kind: .coRatingSample, kept: sampled.kept, total: m.count,
                                   cause: .parameter("max_user_ratings")))
        }
        // Both lists per item share the neighbour part of the budget (8 bytes per neighbour).
        let topNK = parameters.int("topn_k"), keepAsked = parameters.int("keep")
        let perRow = neighbourCap(requested: keepAsked + topNK, rows: m.itemCount, budget: context.memoryBudget)
        let topNKeep = min(topNK, max(1, perRow / 2))
        let keep = max(1, min(keepAsked, perRow - topNKeep))
        if keep < keepAsked {
            limits.append(FitLimit(kind: .neighbourCap, kept: keep, total: keepAsked, cause: .memoryBudget(context.memoryBudget)))
        }
        if topNKeep < topNK {
            limits.append(FitLimit(kind: .neighbourCap, kept: topNKeep, total: topNK, cause: .memoryBudget(context.memoryBudget)))
        }
        let job = knn.job(parameters, keep: keep, topNKeep: topNKeep)
        // The accumulator in popularity order: the same lists, fewer cache misses (KNNRenumber.swift).
        sides = sides.renumberedByPopularity(threads: context.threads)
        context.progress(FitProgress(fraction: 0.1, message: "item-knn: similarities"))
        let r = try KNNBuilder.all(sides: sides, rowWeights: rowWeights, job: job, threads: context.threads,
                                   context: context, label: "item-knn: similarities")
        lists = r.rating
        topN = r.topN
        context.progress(FitProgress(fraction: 1, message: "item-knn: \(lists.index.count) neighbours kept"))
    }

    private var itemCount: Int { biases.itemBias.count }

    /// The neighbours of `item` among the rated items (dense ratings), at most k, best first.
    func usedNeighbours(_ item: Int32, dense: [Float]) -> [(item: Int32, sim: Float, rating: Float)] {
        var out: [(Int32, Float, Float)] = []
        let nb = lists.neighbours(Int(item))
        for (j, s) in zip(nb.index, nb.sim) {
            let r = dense[Int(j)]
            if r.isNaN { continue }
            out.append((j, s, r))
            if out.count == knn.k { break }
        }
        return out.map { (item: $0.0, sim: $0.1, rating: $0.2) }
    }

    /// The rating-prediction path for one item: the estimate and whether it was impossible.
    func estimate(_ item: Int32, dense: [Float], userBias bu: Float, profile: Profile) -> Prediction {
        guard biases.knows(item), !profile.isEmpty else {
            return biases.prediction(userBias: bu, item: item, profileEmpty: profile.isEmpty)
        }
        let i = Int(item)
        var num: Float = 0, sum: Float = 0, used = 0
        let lo = lists.start[i], hi = lists.start[i + 1]
        let mu = biases.globalMean
        lists.index.withUnsafeBufferPointer { idx in
        lists.sim.withUnsafeBufferPointer { sim in
        dense.withUnsafeBufferPointer { d in
            var p = lo
            while p < hi && used < knn.k {
                let jj = Int(idx[p])
                let r = d[jj]
                if !r.isNaN {
                    let s = sim[p]
                    num += knn.numerator(s, r, mean: stats.mean[jj], std: stats.std[jj],
                                         baseline: mu + bu + biases.itemBias[jj])
                    sum += s
                    used += 1
                }
                p += 1
            }
        }}}
        let (den, enough) = knn.denominator(sum, used: used)
        let scale = biases.scale
        switch knn.prediction {
        case .basic:
            guard enough else {
                return Prediction(scale.clamp(biases.globalMean + bu + biases.itemBias[i]), isImpossible: true)
            }
            return Prediction(scale.clamp(num / den))
        case .meanCentered:
            return Prediction(scale.clamp(stats.mean[i] + (enough ? num / den : 0)))
        case .zScore:
            return Prediction(scale.clamp(stats.mean[i] + (enough ? stats.std[i] * num / den : 0)))
        case .baseline:
            return Prediction(scale.clamp(biases.globalMean + bu + biases.itemBias[i] + (enough ? num / den : 0)))
        }
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let dense = denseRatings(profile, itemCount: itemCount)
        let bu = biases.userBias(profile)
        return items.map { estimate($0, dense: dense, userBias: bu, profile: profile) }
    }

    public var scoreUnit: ScoreUnit { knn.scoreUnit }

    public func scores(_ profile: Profile) -> [Float] {
        switch knn.mode {
        case .rating:
            return predict(profile, items: (0..<itemCount).map { Int32($0) }).map(\.value)
        case .topn:
            var s = [Float](repeating: 0, count: itemCount)
            let signals = feedback.signals(profile)
            for x in signals where x.weight != 0 && x.item >= 0 && Int(x.item) < topN.rows {
                let nb = topN.neighbours(Int(x.item))
                for (i, sim) in zip(nb.index, nb.sim) { s[Int(i)] += x.weight * sim }
            }
            if !signals.contains(where: \.isLike) {
                let top = Float(maxCount + 1)
                for i in 0..<itemCount { s[i] += 1e-4 * Float(biases.itemCount[i]) / top }
            }
            return s
        }
    }

    /// With no like in the profile nothing pulls a film up: films rank by popularity (a share below
    /// 10⁻⁴), minus what the dislikes hold down.
    func noLikesPopularity(_ i: Int) -> Float {
        1e-4 * Float(biases.itemCount[i]) / Float(maxCount + 1)
    }

    var maxCount: Int32 { biases.itemCount.max() ?? 0 }

    /// The feedback rule in force, on the training scale.
    var feedback: Feedback { Feedback(parameters: parameters, scale: biases.scale) }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        let nb = (knn.mode == .topn ? topN : lists).neighbours(Int(item))
        var out: [ScoredItem] = []
        for (j, s) in zip(nb.index, nb.sim) where j != item {
            out.append(ScoredItem(item: j, score: s))
            if out.count == count { break }
        }
        return out
    }

    /// Top-N: one term w_j·S_ji per rated item j that has the item among its neighbours.
    /// Rating path: the bias terms and one term s_ij (r_uj − b_uj) / (β + Σ s) per neighbour used.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard item >= 0, Int(item) < itemCount else { return .unknown(Self.name, item: item) }
        var notes: [Explanation.Note] = profile.isEmpty ? [.coldStart] : []
        switch knn.mode {
        case .topn:
            var terms: [Explanation.Term] = []
            for x in feedback.signals(profile) where x.weight != 0 && x.item >= 0 && Int(x.item) < topN.rows {
                let nb = topN.neighbours(Int(x.item))
                if let k = nb.index.firstIndex(of: item) {
                    terms.append(.rated(x, value: x.weight * nb.sim[k], weight: nb.sim[k]))
                }
            }
            if !feedback.signals(profile).contains(where: \.isLike) {
                notes.append(.noLikes)
                terms.append(.init(kind: .popularity, value: noLikesPopularity(Int(item)), item: item,
                                   count: Int(biases.itemCount[Int(item)])))
            }
            notes.append(.summedSimilarity(weighting: knn.weighting.rawValue))
            notes += feedback.notes
            var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                                formula: "score(i) = Σ_j w_j · S_ji", terms: terms, notes: notes)
            e.closeWithRemainder()
            return e
        case .rating:
            let dense = denseRatings(profile, itemCount: itemCount)
            let bu = biases.userBias(profile)
            let p = estimate(item, dense: dense, userBias: bu, profile: profile)
            if p.isImpossible { notes.append(.fallbackEstimate) }
            var terms = biases.biasTerms(userBias: bu, item: item)
            let nb = usedNeighbours(item, dense: dense)
            if !p.isImpossible && nb.count >= knn.minK {
                let den = knn.denominator(nb.reduce(Float(0)) { $0 + $1.sim }, used: nb.count).den
                for (j, s, r) in nb {
                    let dev = knn.deviation(r, mean: stats.mean[Int(j)], std: stats.std[Int(j)],
                                            ownStd: stats.std[Int(item)], baseline: biases.globalMean + bu + biases.bias(of: j))
                    let v = den > 0 ? s * dev / den : 0
                    // Rated below what the baseline expects: a dislike relative to the user's habits.
                    let signal: Float = dev < 0 ? -1 : 1
                    terms.append(.rated(FeedbackSignal(item: j, rating: r, weight: signal), value: v, weight: s))
                }
                if knn.prediction != .baseline {
                    terms = terms.filter { $0.kind != .bias }
                    if knn.prediction != .basic {
                        terms.append(.init(kind: .bias, value: stats.mean[Int(item)], item: item, name: "μ_i"))
                    }
                }
            }
            var e = Explanation(algorithm: Self.name, item: item, score: p.value, meaning: .predictedRating,
                                formula: "r̂_ui = b_ui + Σ_j s_ij (r_uj − b_uj) / (β + Σ_j s_ij)",
                                terms: terms, notes: notes)
            e.closeWithRemainder()
            return e
        }
    }
}

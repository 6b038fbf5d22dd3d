import Foundation

/// User-based k nearest neighbours: one model, two uses.
///
/// For a profile u, similarities s_uv to every training user v are computed over co-rated items
/// (precomputed and kept top-`keep` for training users; computed on the fly from the ratings for
/// a folded-in profile, in O(Σ_{i ∈ profile} |U_i|)). For each item i the neighbours are the k
/// most similar users who rated i (s > 0).
///
/// **Rating prediction** (`predict`, and `scores` with `mode=rating`) combines their ratings by
/// `prediction` (see `KNNPrediction`); default KNNBaseline with pearson-baseline similarity:
///
///     r̂_ui = b_ui + Σ_v s_uv (r_vi − b_vi) / (β + Σ_v s_uv)
///
/// **Top-N** (`scores` with `mode=topn`, the default) asks the profile's `topn_k` most similar
/// users N(u) (not the k per item, which lets every popular film collect votes), and sums what each
/// of them thought of the item, liked or disliked, by the `feedback` rule (f_vi ∈ [−1, 1], see
/// `Feedback`), each interaction weighted by `weighting` (none: 1; tfidf: idf of the item; bm25:
/// BM25 weight of the neighbour's interaction):
///
///     score(i) = Σ_{v ∈ N(u), v rated i} s_uv · f_vi · ω_vi
///
/// The similarity s_uv is computed on signed values (pearson-baseline by default: r − b_ui), so
/// your dislikes pick neighbours who dislike the same films, and their dislikes lower a film.
///
/// The rating path visits neighbours best first and stops counting an item after k of them, so all
/// items are scored in one pass over the neighbours' rows: O(Σ_v |I_v|).
///
/// Fold-in: the similarities of a profile that was not in training are computed from its ratings
/// with the same code as in fitting, so folding in a training user reproduces its results.
public final class UserKNNRecommender: Recommender, @unchecked Sendable {
    public static let name = "user-knn"
    public static let summary = "user-based k nearest neighbours (KNNBaseline ratings, summed-similarity top-N)"
    public static let parameterSpecs: [ParameterSpec] = KNNParameters.common(
        defaultSimilarity: "pearson-baseline", defaultPrediction: "baseline", defaultK: "40",
        defaultMode: "topn", defaultWeighting: "none", defaultDamping: "0.25")

    public let parameters: Parameters
    let knn: KNNSettings

    var biases = BiasModel()
    var userStats = RowStats()
    var itemStats = RowStats()
    var matrix = RatingMatrix(userCount: 0, itemCount: 0, triples: [])
    var sides: KNNSides?
    var lists = NeighbourLists()
    var interaction: [Float] = []
    /// The feedback weight f_vi of every training rating (CSR order).
    var signal: [Float] = []
    var userIDs: [String] = []
    /// The neighbour cap the memory budget imposed on the last fit, if any.
    var limits: [FitLimit] = []

    public var fitLimits: [FitLimit] { limits }
    var job = KNNSimilarityJob(kind: .pearsonBaseline, shrinkage: 100, minSupport: 1, keep: 1000, topNKeep: 0)

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
        knn = KNNSettings(self.parameters)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        matrix = m
        userIDs = data.users.ids
        biases = try KNNSettings.fitBaseline(data, parameters: parameters, context: context, name: Self.name)
        userStats = RowStats(start: m.rowStart, values: m.rowRatings, fallbackMean: m.globalMean)
        itemStats = RowStats(start: m.colStart, values: m.colRatings, fallbackMean: m.globalMean)
        let values = m.transformedValues { u, i, r in transform(i, r, userBias: biases.userBias[u]) }
        let w = interactionWeights(rowStart: m.rowStart, rowOther: m.rowItems, otherStart: m.colStart,
                                   otherRow: m.colUsers, weighting: knn.weighting,
                                   k1: parameters.float("bm25_k1"), b: parameters.float("bm25_b"))
        interaction = w.rowWeights
        signal = feedback.rowWeights(m)
        let s = KNNSides(rowStart: m.rowStart, rowOther: m.rowItems, rowValue: values.byUser,
                         otherStart: m.colStart, otherRow: m.colUsers, otherValue: values.byItem)
        let keep = neighbourCap(requested: parameters.int("keep"), rows: m.userCount, budget: context.memoryBudget)
        limits = keep < parameters.int("keep")
            ? [FitLimit(kind: .neighbourCap, kept: keep, total: parameters.int("keep"),
                        cause: .memoryBudget(context.memoryBudget))] : []
        job = knn.job(parameters, keep: keep, topNKeep: 0)
        context.progress(FitProgress(fraction: 0.1, message: "user-knn: similarities"))
        lists = try KNNBuilder.all(sides: s, rowWeights: [], job: job, threads: context.threads, context: context,
                                   label: "user-knn: similarities").rating
        sides = s
        context.progress(FitProgress(fraction: 1, message: "user-knn: \(lists.index.count) neighbours kept"))
    }

    /// The feedback rule in force, on the training scale.
    var feedback: Feedback { Feedback(parameters: parameters, scale: biases.scale) }

    /// How many of the profile's neighbours top-N asks.
    var topNNeighbours: Int { parameters.int("topn_k") }

    /// The value the similarity sees for a rating of item i by a user with bias b_u.
    func transform(_ i: Int, _ r: Float, userBias bu: Float) -> Float {
        switch knn.similarity {
        case .adjustedCosine: return r - (i < itemStats.mean.count ? itemStats.mean[i] : biases.globalMean)
        case .pearsonBaseline: return r - (biases.globalMean + bu + biases.bias(of: Int32(i)))
        default: return r
        }
    }

    /// The profile's neighbours, best first, at most `limit` (and never more than the `keep` a
    /// training user has): precomputed for a training user, else computed now with the same cut, so
    /// a folded-in training user gets its training neighbours.
    func neighbours(_ profile: Profile, limit: Int = .max) -> [(Int32, Float)] {
        if let u = profile.trainingUser, u >= 0, Int(u) < lists.rows {
            let nb = lists.neighbours(Int(u))
            return Array(zip(nb.index, nb.sim).prefix(limit))
        }
        guard let sides, !profile.isEmpty else { return [] }
        let bu = biases.userBias(profile)
        let entries = zip(profile.items, profile.ratings).filter { Int($0.0) < matrix.itemCount && $0.0 >= 0 }
            .map { ($0.0, transform(Int($0.0), $0.1, userBias: bu), Float(0)) }
        var acc = KNNAccumulator(rows: matrix.userCount, job: job)
        var onTheFly = job
        onTheFly.keep = min(job.keep, limit)
        return KNNBuilder.row(entries, length: entries.count, excluding: nil, sides: sides, job: onTheFly,
                              acc: &acc, normA: 1).rating
    }

    /// The neighbours who rated `item`, best first, at most k: the ones the rating path used.
    func usedNeighbours(_ profile: Profile, item: Int32) -> [(user: Int32, sim: Float, rating: Float)] {
        var used: [(user: Int32, sim: Float, rating: Float)] = []
        for (v, s) in neighbours(profile) {
            if let r = matrix.rating(user: v, item: item) { used.append((v, s, r)) }
            if used.count == knn.k { break }
        }
        return used
    }

    /// Top-N: Σ_{v ∈ N(u)} s_uv · f_vi · ω_vi over the profile's `topn_k` nearest neighbours.
    private func topNScores(_ profile: Profile) -> [Float] {
        var out = [Float](repeating: 0, count: matrix.itemCount)
        for (v32, s) in neighbours(profile, limit: topNNeighbours) {
            let v = Int(v32)
            for p in matrix.rowStart[v]..<matrix.rowStart[v + 1] {
                out[Int(matrix.rowItems[p])] += s * signal[p] * interaction[p]
            }
        }
        return out.map { $0.isFinite ? $0 : 0 }
    }

    /// One pass over the neighbours (best first), at most k per item:
    /// numerators, similarity sums and counts for every item.
    private func accumulate(_ profile: Profile) -> (num: [Float], den: [Float], count: [Int32]) {
        let n = matrix.itemCount
        var num = [Float](repeating: 0, count: n), den = num
        var count = [Int32](repeating: 0, count: n)
        let k32 = Int32(knn.k)
        for (v32, s) in neighbours(profile) {
            let v = Int(v32)
            let bv = biases.userBias[v], mv = userStats.mean[v], sv = userStats.std[v]
            for p in matrix.rowStart[v]..<matrix.rowStart[v + 1] {
                let i = Int(matrix.rowItems[p])
                if count[i] >= k32 { continue }
                count[i] += 1
                den[i] += s
                num[i] += knn.numerator(s, matrix.rowRatings[p], mean: mv, std: sv,
                                        baseline: biases.globalMean + bv + biases.itemBias[i])
            }
        }
        return (num, den, count)
    }

    private func estimates(_ profile: Profile) -> [Prediction] {
        let a = accumulate(profile)
        let bu = biases.userBias(profile)
        let (mu, sigma) = RowStats.of(profile.ratings, fallbackMean: biases.globalMean)
        let scale = biases.scale
        return (0..<matrix.itemCount).map { i in
            let item = Int32(i)
            guard biases.knows(item), !profile.isEmpty else {
                return biases.prediction(userBias: bu, item: item, profileEmpty: profile.isEmpty)
            }
            let (den, enough) = knn.denominator(a.den[i], used: Int(a.count[i]))
            let dev = enough ? a.num[i] / den : 0
            switch knn.prediction {
            case .basic:
                guard enough else {
                    return Prediction(scale.clamp(biases.globalMean + bu + biases.itemBias[i]), isImpossible: true)
                }
                return Prediction(scale.clamp(dev))
            case .meanCentered: return Prediction(scale.clamp(mu + dev))
            case .zScore: return Prediction(scale.clamp(mu + sigma * dev))
            case .baseline: return Prediction(scale.clamp(biases.globalMean + bu + biases.itemBias[i] + dev))
            }
        }
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let all = estimates(profile)
        return items.map { i in
            i >= 0 && Int(i) < all.count ? all[Int(i)]
                : Prediction(biases.scale.clamp(biases.globalMean + biases.userBias(profile)), isImpossible: true)
        }
    }

    public var scoreUnit: ScoreUnit { knn.scoreUnit }

    public func scores(_ profile: Profile) -> [Float] {
        switch knn.mode {
        case .rating: return estimates(profile).map(\.value)
        case .topn: return topNScores(profile)
        }
    }

    /// Items most often co-rated with `item` (cosine of binary rating columns), computed on demand.
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        guard item >= 0, Int(item) < matrix.itemCount, matrix.columnCount(item) > 0 else { return [] }
        var co = [Float](repeating: 0, count: matrix.itemCount)
        for u in matrix.column(item).users {
            for j in matrix.row(u).items { co[Int(j)] += 1 }
        }
        let ni = Float(matrix.columnCount(item))
        let s = (0..<matrix.itemCount).map { j -> Float in
            let nj = Float(matrix.columnCount(Int32(j)))
            return nj > 0 ? co[j] / (ni * nj).squareRoot() : 0
        }
        return topK(s, k: count) { $0 != item && s[Int($0)] > 0 }
    }

    /// Top-N: one term s_uv · f_vi · ω_vi per neighbour in N(u) who rated the item. Rating path:
    /// the bias terms and s_uv (r_vi − b_vi) / (β + Σ s) per neighbour used (at most k).
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard item >= 0, Int(item) < matrix.itemCount else { return .unknown(Self.name, item: item) }
        var notes: [Explanation.Note] = []
        if profile.isEmpty { notes.append(.coldStart) }
        if profile.trainingUser == nil && !profile.isEmpty { notes.append(.liveNeighbours) }
        var terms: [Explanation.Term] = []
        switch knn.mode {
        case .topn:
            for (v, s) in neighbours(profile, limit: topNNeighbours) {
                guard let p = matrix.position(user: v, item: item) else { continue }
                terms.append(.init(kind: .neighbour, value: s * signal[p] * interaction[p], user: v,
                                   rating: matrix.rowRatings[p], signal: signal[p], weight: s))
            }
            notes += feedback.notes
            var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                                formula: "score(i) = Σ_{v ∈ N(u)} s_uv · f_vi · ω_vi", terms: terms, notes: notes)
            e.closeWithRemainder()
            return e
        case .rating:
            let bu = biases.userBias(profile)
            let p = predict(profile, items: [item])[0]
            if p.isImpossible { notes.append(.fallbackEstimate) }
            let used = usedNeighbours(profile, item: item)
            if knn.prediction == .baseline { terms += biases.biasTerms(userBias: bu, item: item) }
            if used.count >= knn.minK && !p.isImpossible {
                let den = knn.denominator(used.reduce(Float(0)) { $0 + $1.sim }, used: used.count).den
                for (v, s, r) in used {
                    let dev = knn.deviation(r, mean: userStats.mean[Int(v)], std: userStats.std[Int(v)],
                                            ownStd: RowStats.of(profile.ratings, fallbackMean: biases.globalMean).1,
                                            baseline: biases.globalMean + biases.userBias[Int(v)] + biases.bias(of: item))
                    terms.append(.init(kind: .neighbour, value: den > 0 ? s * dev / den : 0, user: v, rating: r,
                                       signal: dev < 0 ? -1 : 1, weight: s))
                }
                if knn.prediction == .meanCentered || knn.prediction == .zScore {
                    terms.append(.init(kind: .bias, value: RowStats.of(profile.ratings, fallbackMean: biases.globalMean).0,
                                       name: "μ_u"))
                }
            }
            var e = Explanation(algorithm: Self.name, item: item, score: p.value, meaning: .predictedRating,
                                formula: "r̂_ui = b_ui + Σ_v s_uv (r_vi − b_vi) / (β + Σ_v s_uv)", terms: terms,
                                notes: notes)
            e.closeWithRemainder()
            return e
        }
    }
}

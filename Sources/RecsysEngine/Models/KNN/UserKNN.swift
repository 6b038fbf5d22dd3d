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
/// **Top-N** (`scores` with `mode=topn`, the default) sums the neighbours' similarity, each
/// interaction weighted by `weighting` (none: 1; tfidf: idf of the item; bm25: BM25 weight of
/// the neighbour's interaction):  score(i) = Σ_v s_uv · w_vi.
///
/// Both paths visit neighbours best first and stop counting an item after k of them, so all
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
    let similarity: KNNSimilarity
    let predictionKind: KNNPrediction
    let mode: KNNMode
    let weighting: KNNWeighting
    let k: Int
    let minK: Int
    let damping: Float

    var biases = BiasModel()
    var userStats = RowStats()
    var itemStats = RowStats()
    var matrix = RatingMatrix(userCount: 0, itemCount: 0, triples: [])
    var sides: KNNSides?
    var lists = NeighbourLists()
    var interaction: [Float] = []
    var userIDs: [String] = []
    var job = KNNSimilarityJob(kind: .pearsonBaseline, shrinkage: 100, minSupport: 1, keep: 1000, topNKeep: 0)

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
        similarity = KNNSimilarity(rawValue: self.parameters.string("similarity"))!
        predictionKind = KNNPrediction(rawValue: self.parameters.string("prediction"))!
        mode = KNNMode(rawValue: self.parameters.string("mode"))!
        weighting = KNNWeighting(rawValue: self.parameters.string("weighting"))!
        k = self.parameters.int("k")
        minK = self.parameters.int("min_k")
        damping = self.parameters.float("damping")
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        matrix = m
        userIDs = data.users.ids
        biases = try BiasModel.fit(m, scale: data.scale, epochs: parameters.int("bsl_epochs"),
                                   regU: parameters.float("bsl_reg_u"), regI: parameters.float("bsl_reg_i"),
                                   context: context, name: Self.name, progressShare: 0.1)
        userStats = RowStats(start: m.rowStart, values: m.rowRatings, fallbackMean: m.globalMean)
        itemStats = RowStats(start: m.colStart, values: m.colRatings, fallbackMean: m.globalMean)
        var rowValues = m.rowRatings
        for u in 0..<m.userCount {
            for p in m.rowStart[u]..<m.rowStart[u + 1] {
                rowValues[p] = transform(Int(m.rowItems[p]), rowValues[p], userBias: biases.userBias[u])
            }
        }
        var colValues = m.colRatings
        for i in 0..<m.itemCount {
            for p in m.colStart[i]..<m.colStart[i + 1] {
                colValues[p] = transform(i, colValues[p], userBias: biases.userBias[Int(m.colUsers[p])])
            }
        }
        let w = interactionWeights(rowStart: m.rowStart, rowOther: m.rowItems, otherStart: m.colStart,
                                   otherRow: m.colUsers, weighting: weighting,
                                   k1: parameters.float("bm25_k1"), b: parameters.float("bm25_b"))
        interaction = w.rowWeights
        let s = KNNSides(rowStart: m.rowStart, rowOther: m.rowItems, rowValue: rowValues,
                         otherStart: m.colStart, otherRow: m.colUsers, otherValue: colValues)
        job = KNNSimilarityJob(kind: similarity, shrinkage: parameters.float("shrinkage"),
                               minSupport: parameters.int("min_support"), keep: parameters.int("keep"), topNKeep: 0)
        context.progress(FitProgress(fraction: 0.1, message: "user-knn: similarities"))
        lists = try KNNBuilder.all(sides: s, rowWeights: [], job: job, threads: context.threads, context: context).rating
        sides = s
        context.progress(FitProgress(fraction: 1, message: "user-knn: \(lists.index.count) neighbours kept"))
    }

    /// The value the similarity sees for a rating of item i by a user with bias b_u.
    func transform(_ i: Int, _ r: Float, userBias bu: Float) -> Float {
        switch similarity {
        case .adjustedCosine: return r - (i < itemStats.mean.count ? itemStats.mean[i] : biases.globalMean)
        case .pearsonBaseline: return r - (biases.globalMean + bu + biases.bias(of: Int32(i)))
        default: return r
        }
    }

    /// The profile's neighbours, best first: precomputed for a training user, else computed now.
    func neighbours(_ profile: Profile) -> [(Int32, Float)] {
        if let u = profile.trainingUser, u >= 0, Int(u) < lists.rows {
            let nb = lists.neighbours(Int(u))
            return Array(zip(nb.index, nb.sim))
        }
        guard let sides, !profile.isEmpty else { return [] }
        let bu = biases.userBias(profile)
        let entries = zip(profile.items, profile.ratings).filter { Int($0.0) < matrix.itemCount && $0.0 >= 0 }
            .map { ($0.0, transform(Int($0.0), $0.1, userBias: bu), Float(0)) }
        var acc = KNNAccumulator(rows: matrix.userCount)
        var onTheFly = job
        onTheFly.keep = Int.max
        return KNNBuilder.row(entries, length: entries.count, excluding: nil, sides: sides, job: onTheFly,
                              acc: &acc, normA: 1).rating
    }

    /// One pass over the neighbours (best first), at most k per item:
    /// numerators, similarity sums and counts for every item.
    private func accumulate(_ profile: Profile, topN: Bool) -> (num: [Float], den: [Float], count: [Int32]) {
        let n = matrix.itemCount
        var num = [Float](repeating: 0, count: n), den = num
        var count = [Int32](repeating: 0, count: n)
        let k32 = Int32(k)
        for (v32, s) in neighbours(profile) {
            let v = Int(v32)
            let bv = biases.userBias[v], mv = userStats.mean[v], sv = userStats.std[v]
            for p in matrix.rowStart[v]..<matrix.rowStart[v + 1] {
                let i = Int(matrix.rowItems[p])
                if count[i] >= k32 { continue }
                count[i] += 1
                den[i] += s
                let r = matrix.rowRatings[p]
                if topN { num[i] += s * interaction[p]; continue }
                switch predictionKind {
                case .basic: num[i] += s * r
                case .meanCentered: num[i] += s * (r - mv)
                case .zScore: num[i] += s * (r - mv) / sv
                case .baseline: num[i] += s * (r - (biases.globalMean + bv + biases.itemBias[i]))
                }
            }
        }
        return (num, den, count)
    }

    private func estimates(_ profile: Profile) -> [Prediction] {
        let a = accumulate(profile, topN: false)
        let bu = biases.userBias(profile)
        let (mu, sigma) = RowStats.of(profile.ratings, fallbackMean: biases.globalMean)
        let scale = biases.scale
        return (0..<matrix.itemCount).map { i in
            let item = Int32(i)
            guard biases.knows(item), !profile.isEmpty else {
                return biases.prediction(userBias: bu, item: item, profileEmpty: profile.isEmpty)
            }
            let enough = Int(a.count[i]) >= minK && a.den[i] > 0
            let den = a.den[i] + (predictionKind == .basic ? 0 : damping)
            let dev = enough ? a.num[i] / den : 0
            switch predictionKind {
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

    /// `mode=rating` scores are predicted ratings; `mode=topn` scores are summed similarities.
    public var scoreUnit: ScoreUnit { mode == .rating ? .stars : .relative }

    public func scores(_ profile: Profile) -> [Float] {
        switch mode {
        case .rating: return estimates(profile).map(\.value)
        case .topn:
            let a = accumulate(profile, topN: true)
            return a.num.map { $0.isFinite ? $0 : 0 }
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

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let bu = biases.userBias(profile)
        let p = predict(profile, items: [item])[0]
        let score = mode == .topn && Int(item) < matrix.itemCount && item >= 0 ? scores(profile)[Int(item)] : p.value
        var used: [(Int32, Float, Float)] = []
        if item >= 0 && Int(item) < matrix.itemCount {
            for (v, s) in neighbours(profile) {
                if let r = matrix.rating(user: v, item: item) { used.append((v, s, r)) }
                if used.count == k { break }
            }
        }
        let den = used.reduce(Float(0)) { $0 + $1.1 } + (predictionKind == .basic ? 0 : damping)
        var terms: [Explanation.Term] = []
        if predictionKind == .baseline && mode == .rating { terms += biases.biasTerms(userBias: bu, item: item) }
        for (v, s, r) in used {
            let id = Int(v) < userIDs.count ? userIDs[Int(v)] : "\(v)"
            let dev = predictionKind == .baseline
                ? r - (biases.globalMean + biases.userBias[Int(v)] + biases.bias(of: item)) : r
            let value = mode == .topn ? s : (den > 0 ? s * dev / den : 0)
            terms.append(.init(kind: .neighbour, label: "user \(id)", value: value,
                               detail: "similarity \(fmt2(s)), rated it \(formatStars(r))"))
        }
        terms.sort { abs($0.value) > abs($1.value) }
        var notes: [String] = []
        if profile.isEmpty { notes.append("cold start: no ratings, no neighbours") }
        if profile.trainingUser == nil && !profile.isEmpty { notes.append("neighbours computed live from your ratings") }
        let liked = used.filter { $0.2 >= (userStats.mean.isEmpty ? 0 : biases.globalMean) }.count
        let summary = used.isEmpty ? "no similar user rated it"
            : "\(used.count) similar users rated it (\(liked) above average)"
        return Explanation(algorithm: Self.name, item: item, score: score, summary: summary,
                           terms: Array(terms.prefix(12)), notes: notes)
    }
}

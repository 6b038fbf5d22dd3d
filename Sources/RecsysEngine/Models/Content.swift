import Foundation

/// Content-based filtering: items as weighted feature vectors, the profile as
/// a rating-weighted sum of the vectors of what the user rated.
///
/// Features: every genre, keyword or tag, the director and the release decade
/// of an item. Each item vector is weighted and normalised to unit length:
///
/// - `tfidf`: w_if = idf_f = ln(N / df_f) (features are present or absent);
/// - `bm25`:  w_if = idf_f · (k₁ + 1) / (1 + k₁ (1 − b + b · |i| / avg|i|)),
///   with k₁ = 1.2, b = 0.75, which damps items carrying many features.
///
/// The profile is the feedback-weighted sum of the rated items' vectors:
/// p = Σ_{j rated} w_j v_j, with w_j ∈ [−1, 1] from the `feedback` rule (see `Feedback`; by default
/// `centered`: r_j minus the user's damped mean, so one 5★ rating is positive and one 1★ rating
/// negative). A disliked film's features pull the profile away from films that share them.
/// Items are scored by cosine: s_i = pᵀv_i / ‖p‖ (plus a popularity term below 10⁻⁴ that orders
/// items with identical features).
///
/// Rating prediction: r̂_ui = r̃ + Σ_j sim(i,j)(r_j − r̃) / Σ_j sim(i,j) over the
/// rated items j with positive content similarity (cosine of the vectors), with r̃ = (Σ r_j + μ) / (n + 1)
/// the user's mean damped towards the global mean μ.
/// Similar items: cosine of the vectors.
///
/// Scoring depends on the profile alone, so fold-in is exact and a training
/// user gets the same list either way.
///
/// Complexity: fit O(Σ_i |features_i|); scores O(|profile| · f + Σ_i |features_i|).
public final class ContentRecommender: Recommender, @unchecked Sendable {
    public static let name = "content"
    public static let summary = "content-based: TF-IDF/BM25 vectors of genres, keywords, director and decade"
    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("weighting", .choice(["tfidf", "bm25"]), default: "tfidf", "feature weighting"),
        ParameterSpec("neighbours", .integer(1...10_000), default: "40",
                      "rated items used to predict a rating (most similar first)"),
        FeedbackRule.parameterSpec,
    ]

    public let parameters: Parameters
    var catalog = Catalog(items: [])
    var fallback = RatingFallback()
    /// Feature names ("genre:Sci-Fi").
    var featureNames: [String] = []
    /// CSR item → (feature, weight), unit-length rows.
    var itemStart: [Int] = [0]
    var itemFeatures: [Int32] = []
    var itemWeights: [Float] = []
    /// CSC feature → (item, weight), for similar items.
    var featureStart: [Int] = [0]
    var featureItems: [Int32] = []
    var featureWeights: [Float] = []
    var globalMean: Float = 3
    var scale = RatingScale.wholeStars
    var maxPopularity: Float = 0

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    /// The raw features of an item: genres, keywords, director and decade.
    static func features(of item: Item) -> [String] {
        var f: [String] = []
        for g in item.genres where !g.isEmpty && g != "(no genres listed)" && g != "unknown" { f.append("genre:" + g) }
        for kw in item.keywords where !kw.isEmpty { f.append("keyword:" + kw.lowercased()) }
        if let d = item.director, !d.isEmpty { f.append("director:" + d) }
        if let y = item.year { f.append("decade:\(y / 10 * 10)s") }
        return Array(Set(f)).sorted()
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        catalog = data.catalog
        fallback = RatingFallback(data.ratings, scale: data.scale)
        maxPopularity = fallback.popularity.max() ?? 0
        globalMean = data.ratings.count == 0 ? (data.scale.min + data.scale.max) / 2 : data.ratings.globalMean
        scale = data.scale
        let n = catalog.count
        var vocab: [String: Int32] = [:]
        featureNames = []
        var rows: [[Int32]] = []
        rows.reserveCapacity(n)
        for item in catalog.items {
            let ids = Self.features(of: item).map { name -> Int32 in
                if let id = vocab[name] { return id }
                let id = Int32(featureNames.count)
                vocab[name] = id
                featureNames.append(name)
                return id
            }
            rows.append(ids.sorted())
        }
        try context.checkCancelled()
        let f = featureNames.count
        var df = [Int](repeating: 0, count: f)
        for r in rows { for id in r { df[Int(id)] += 1 } }
        let withFeatures = max(1, rows.filter { !$0.isEmpty }.count)
        let idf = df.map { d in Float(log(Double(withFeatures) / Double(max(1, d)))) + 1e-3 }
        let bm25 = parameters.string("weighting") == "bm25"
        let avgLen = Float(rows.reduce(0) { $0 + $1.count }) / Float(withFeatures)
        itemStart = [0]; itemFeatures = []; itemWeights = []
        for r in rows {
            var w = r.map { idf[Int($0)] }
            if bm25 {
                let k1: Float = 1.2, b: Float = 0.75
                let norm = (k1 + 1) / (1 + k1 * (1 - b + b * Float(r.count) / max(avgLen, 1e-6)))
                w = w.map { $0 * norm }
            }
            let len = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            itemFeatures.append(contentsOf: r)
            itemWeights.append(contentsOf: w.map { len > 0 ? $0 / len : 0 })
            itemStart.append(itemFeatures.count)
        }
        // Transposed index for similar items.
        featureStart = [Int](repeating: 0, count: f + 1)
        for id in itemFeatures { featureStart[Int(id) + 1] += 1 }
        for x in 0..<f { featureStart[x + 1] += featureStart[x] }
        var cursor = featureStart
        featureItems = [Int32](repeating: 0, count: itemFeatures.count)
        featureWeights = [Float](repeating: 0, count: itemFeatures.count)
        for i in 0..<n {
            for p in itemStart[i]..<itemStart[i + 1] {
                let id = Int(itemFeatures[p])
                featureItems[cursor[id]] = Int32(i)
                featureWeights[cursor[id]] = itemWeights[p]
                cursor[id] += 1
            }
        }
        context.progress(FitProgress(fraction: 1, message: "\(f) features"))
    }

    /// r̃: the profile's mean rating damped towards the global mean by one pseudo-rating.
    func centre(_ profile: Profile) -> Float {
        (profile.ratings.reduce(0, +) + globalMean) / Float(profile.count + 1)
    }

    /// The feedback rule in force, on the dataset's scale.
    var feedback: Feedback { Feedback(parameters: parameters, scale: scale) }

    /// The profile vector p = Σ w_j v_j over features, and its norm.
    func profileVector(_ profile: Profile) -> (vector: [Float], norm: Float) {
        var p = [Float](repeating: 0, count: featureNames.count)
        for x in feedback.signals(profile) where x.item >= 0 && Int(x.item) < catalog.count && x.weight != 0 {
            let j = Int(x.item)
            for q in itemStart[j]..<itemStart[j + 1] { p[Int(itemFeatures[q])] += x.weight * itemWeights[q] }
        }
        let norm = p.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (p, norm)
    }

    public func scores(_ profile: Profile) -> [Float] {
        guard !profile.isEmpty else { return fallback.popularity }
        let (p, norm) = profileVector(profile)
        guard norm > 1e-9 else { return fallback.popularity }
        let n = catalog.count
        var s = [Float](repeating: 0, count: n)
        let inv = 1 / norm
        for i in 0..<n {
            var acc: Float = 0
            for q in itemStart[i]..<itemStart[i + 1] { acc += p[Int(itemFeatures[q])] * itemWeights[q] }
            s[i] = acc * inv + tieBreak(i)
        }
        return s
    }

    /// Items with identical features tie on cosine; a tiny popularity term (< 10⁻⁴) orders them.
    func tieBreak(_ i: Int) -> Float {
        guard i < fallback.popularity.count else { return 0 }
        return 1e-4 * fallback.popularity[i] / (maxPopularity + 1)
    }

    /// Cosine similarity of two items' vectors (a sorted-merge of their features).
    func similarity(_ a: Int32, _ b: Int32) -> Float {
        var p = itemStart[Int(a)], q = itemStart[Int(b)]
        let pe = itemStart[Int(a) + 1], qe = itemStart[Int(b) + 1]
        var s: Float = 0
        while p < pe && q < qe {
            let fa = itemFeatures[p], fb = itemFeatures[q]
            if fa == fb { s += itemWeights[p] * itemWeights[q]; p += 1; q += 1 } else if fa < fb { p += 1 } else { q += 1 }
        }
        return s
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let c = profile.isEmpty ? globalMean : centre(profile)
        let kMax = parameters.int("neighbours")
        return items.map { i in
            guard i >= 0, Int(i) < catalog.count, !profile.isEmpty else {
                return Prediction(scale.clamp(c), isImpossible: true)
            }
            var sims: [(Float, Float)] = []
            for (j, r) in zip(profile.items, profile.ratings) where j != i && j >= 0 && Int(j) < catalog.count {
                let s = similarity(i, j)
                if s > 0 { sims.append((s, r)) }
            }
            guard !sims.isEmpty else { return Prediction(scale.clamp(c), isImpossible: true) }
            if sims.count > kMax { sims.sort { $0.0 > $1.0 }; sims.removeLast(sims.count - kMax) }
            var num: Float = 0, den: Float = 0
            for (s, r) in sims { num += s * (r - c); den += s }
            return Prediction(scale.clamp(c + num / den))
        }
    }

    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        guard item >= 0, Int(item) < catalog.count else { return [] }
        var s = [Float](repeating: 0, count: catalog.count)
        for q in itemStart[Int(item)]..<itemStart[Int(item) + 1] {
            let f = Int(itemFeatures[q]), w = itemWeights[q]
            for p in featureStart[f]..<featureStart[f + 1] { s[Int(featureItems[p])] += w * featureWeights[p] }
        }
        // Ties (same features) go to the more popular item.
        for i in 0..<s.count where s[i] > 0 { s[i] += tieBreak(i) }
        return topK(s, k: count) { $0 != item && s[Int($0)] > 0 }
    }

    /// One term per feature of the item: its weight times the profile's weight, over ‖p‖
    /// (negative where your dislikes carry the feature more than your likes), and the tie-break.
    public func explain(_ profile: Profile, item: Int32) -> Explanation { explain(profile, item: item, scores: nil) }

    /// The profile's scores (O(Σ_i |features_i|)) are computed once for the whole list.
    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        let all = profile.isEmpty ? nil : scores(profile)
        return items.map { explain(profile, item: $0, scores: all) }
    }

    func explain(_ profile: Profile, item: Int32, scores all: [Float]?) -> Explanation {
        guard !profile.isEmpty else { return fallback.coldStart(algorithm: Self.name, item: item) }
        guard item >= 0, Int(item) < catalog.count else { return .unknown(Self.name, item: item) }
        let (p, norm) = profileVector(profile)
        guard norm > 1e-9 else {
            var e = fallback.coldStart(algorithm: Self.name, item: item)
            e.notes.append(.noSignal)
            return e
        }
        var terms: [Explanation.Term] = []
        for q in itemStart[Int(item)]..<itemStart[Int(item) + 1] {
            let f = Int(itemFeatures[q])
            // How many rated items carry the feature, for the detail line.
            var n = 0
            for j in profile.items where j >= 0 && Int(j) < catalog.count {
                if itemFeatures[itemStart[Int(j)]..<itemStart[Int(j) + 1]].contains(Int32(f)) { n += 1 }
            }
            terms.append(.init(kind: .feature, value: p[f] * itemWeights[q] / norm, name: featureNames[f],
                               weight: p[f], count: n))
        }
        let tie = tieBreak(Int(item))
        if tie > 0 { terms.append(.init(kind: .popularity, value: tie, item: item)) }
        var e = Explanation(algorithm: Self.name, item: item, score: (all ?? scores(profile))[Int(item)],
                            formula: "score(i) = pᵀv_i / ‖p‖,  p = Σ_j w_j v_j", terms: terms, notes: feedback.notes)
        e.closeWithRemainder()
        return e
    }
}

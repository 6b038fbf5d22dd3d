/// Sparse input features of the two towers, laid out as rows of one embedding
/// table per tower, so that a tower's input is a weighted bag of rows:
///
///     query(u)     = m·U[u] + Σ_{j∈R(u)} B[j]/√|R(u)| + Σ_g h_u(g)·QG[g] + Σ_{f∈demo(u)} QD[f]
///     candidate(i) = V[i] + Σ_{g∈G(i)} CG[g]/|G(i)| + Σ_{k∈K(i)} CK[k]/|K(i)| + CY[decade(i)]
///
/// where R(u) is the user's rated items, h_u the genre histogram of R(u) (summing to 1), and `m` is 1
/// for a training user (0 when the id embedding is dropped out in training, and for a folded-in profile:
/// a new user is represented by its features alone).
struct TowerFeatures: Sendable {
    // Query table layout.
    let userCount: Int
    let itemCount: Int
    let genreCount: Int
    let demoCount: Int
    var queryRows: Int { userCount + itemCount + genreCount + demoCount }
    var queryBagOffset: Int { userCount }
    var queryGenreOffset: Int { userCount + itemCount }
    var queryDemoOffset: Int { userCount + itemCount + genreCount }

    // Candidate table layout.
    let keywordCount: Int
    let decadeCount: Int
    var candidateRows: Int { itemCount + genreCount + keywordCount + decadeCount }
    var candidateGenreOffset: Int { itemCount }
    var candidateKeywordOffset: Int { itemCount + genreCount }
    var candidateDecadeOffset: Int { itemCount + genreCount + keywordCount }

    /// Genre ids of each item.
    let itemGenres: [[Int32]]
    /// Keyword ids of each item (the most frequent keywords only).
    let itemKeywords: [[Int32]]
    /// Decade bucket of each item (−1 when unknown).
    let itemDecade: [Int32]
    /// Demographic feature ids of each user (age bucket, gender, occupation), empty when unknown.
    let userDemo: [[Int32]]
    /// Demographic feature key ("age2", "g:F", "o:writer") → id.
    let demoIndex: [String: Int32]
    let firstDecade: Int

    init(dataset: Dataset, maxKeywords: Int = 2000) {
        let catalog = dataset.catalog
        userCount = dataset.userCount
        itemCount = catalog.count
        var genreIndex: [String: Int32] = [:]
        for g in catalog.genres { genreIndex[g] = Int32(genreIndex.count) }
        genreCount = genreIndex.count
        itemGenres = catalog.items.map { $0.genres.compactMap { genreIndex[$0] } }
        // Keep the most frequent keywords (ties by name) so the table stays small on tag-heavy datasets.
        var freq: [String: Int] = [:]
        for item in catalog.items { for k in Set(item.keywords) { freq[k, default: 0] += 1 } }
        let kept = freq.filter { $0.value >= 2 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(maxKeywords)
        var kwIndex: [String: Int32] = [:]
        for (k, _) in kept { kwIndex[k] = Int32(kwIndex.count) }
        keywordCount = kwIndex.count
        itemKeywords = catalog.items.map { Array(Set($0.keywords.compactMap { kwIndex[$0] })).sorted() }
        let years = catalog.items.compactMap(\.year)
        let first = (years.min() ?? 1900) / 10
        let last = (years.max() ?? 1900) / 10
        firstDecade = first
        decadeCount = max(1, last - first + 1)
        itemDecade = catalog.items.map { item in item.year.map { Int32($0 / 10 - first) } ?? -1 }
        // Demographics: age buckets, gender, occupation (MovieLens 100K/1M, a users.csv).
        var demoIndex: [String: Int32] = [:]
        var demos: [[Int32]] = []
        for u in 0..<dataset.userCount {
            guard u < dataset.userAttributes.count else { demos.append([]); continue }
            demos.append(Self.demoKeys(dataset.userAttributes[u]).map { k in
                if let v = demoIndex[k] { return v }
                let v = Int32(demoIndex.count)
                demoIndex[k] = v
                return v
            })
        }
        userDemo = demos
        demoCount = demoIndex.count
        self.demoIndex = demoIndex
    }

    /// Feature keys of a user's demographics: age bucket, gender, occupation as the dataset spells it.
    static func demoKeys(_ a: UserAttributes) -> [String] {
        var keys: [String] = []
        if let age = a.age {
            let bucket = [18, 25, 35, 45, 50, 56].firstIndex { age < $0 } ?? 6
            keys.append("age\(bucket)")
        }
        if let g = a.gender { keys.append("g:" + g) }
        if let o = a.occupation { keys.append("o:" + o) }
        return keys
    }

    /// The demographic feature ids of a folded-in profile (`profile set`): its age bucket, gender and
    /// occupation when the training data has them. An occupation is matched through the shared vocabulary
    /// (a profile's `college/grad student` is ml-100k's `student`).
    func demoFeatures(_ a: UserAttributes) -> [Int32] {
        guard !a.isEmpty, demoCount > 0 else { return [] }
        var out: [Int32] = []
        for k in Self.demoKeys(a) {
            if let v = demoIndex[k] {
                out.append(v)
            } else if k.hasPrefix("o:"), let wanted = Demographics.occupation(fromText: String(k.dropFirst(2))) {
                let match = demoIndex.filter { $0.key.hasPrefix("o:") && Demographics.occupation(fromText: String($0.key.dropFirst(2))) == wanted }
                    .min { $0.value < $1.value }
                if let match { out.append(match.value) }
            }
        }
        return out
    }

    /// The candidate tower's bag for item `i`: (table row, weight) pairs.
    func candidateBag(_ i: Int, into bag: inout [(Int, Float)]) {
        bag.removeAll(keepingCapacity: true)
        bag.append((i, 1))
        let gs = itemGenres[i]
        for g in gs { bag.append((candidateGenreOffset + Int(g), 1 / Float(gs.count))) }
        let ks = itemKeywords[i]
        for k in ks { bag.append((candidateKeywordOffset + Int(k), 1 / Float(ks.count))) }
        let d = itemDecade[i]
        if d >= 0 { bag.append((candidateDecadeOffset + Int(d), 1)) }
    }

    /// The query tower's bag for a user with rated `items` (and their `ratings`), leaving out `exclude`
    /// (the training target), with user id `user` weighted by `idWeight` (0 drops it). Each rated item
    /// enters with weight `c_j/√n`, where c_j comes from `weighting`: 1 (`uniform`), the rating
    /// confidence (`confidence`, today's `feedback=binary`), or the signed feedback weight w_j ∈ [−1, 1]
    /// (`signed`): a disliked film pulls the query away from its row. The genre histogram adds c_j to
    /// each of the film's genres and is normalised by Σ|c_j|.
    func queryBag(user: Int?, idWeight: Float, items: ArraySlice<Int32>, ratings: ArraySlice<Float>,
                  weighting: TowerBagWeighting, exclude: Int32?, into bag: inout [(Int, Float)],
                  genreScratch: inout [Float], demographics: [Int32] = []) {
        bag.removeAll(keepingCapacity: true)
        if let user, idWeight != 0 { bag.append((user, idWeight)) }
        var n = 0
        for j in items where j != exclude { n += 1 }
        if n > 0 {
            let w = 1 / Float(n).squareRoot()
            for g in 0..<genreCount { genreScratch[g] = 0 }
            var genreTotal: Float = 0
            var centre: Float = 0
            if case .signed(let f) = weighting, f.rule == .centered {
                var kept: [Float] = []
                kept.reserveCapacity(n)
                for (j, r) in zip(items, ratings) where j != exclude { kept.append(r) }
                centre = f.centre(kept)
            }
            for (j, r) in zip(items, ratings) where j != exclude {
                let c: Float
                switch weighting {
                case .uniform: c = 1
                case .confidence(let scale): c = TowerFeatures.confidence(r, scale)
                case .signed(let f): c = f.weight(r, centre: centre)
                }
                if c == 0 { continue }
                bag.append((queryBagOffset + Int(j), w * c))
                for g in itemGenres[Int(j)] {
                    genreScratch[Int(g)] += c
                    genreTotal += abs(c)
                }
            }
            if genreTotal > 0 {
                for g in 0..<genreCount where genreScratch[g] != 0 {
                    bag.append((queryGenreOffset + g, genreScratch[g] / genreTotal))
                }
            }
        }
        if let user, user < userDemo.count {
            for f in userDemo[user] { bag.append((queryDemoOffset + Int(f), 1)) }
        } else if user == nil {
            // A folded-in profile that said who it is (`profile set`).
            for f in demographics { bag.append((queryDemoOffset + Int(f), 1)) }
        }
    }

    /// Rating confidence `c(r) = (r − min + step) / (max − min + step)`: 1 for the top of the scale,
    /// small for the bottom, so a 1★ rating barely pulls the query towards that film.
    @inline(__always)
    static func confidence(_ r: Float, _ scale: RatingScale) -> Float {
        let span = scale.max - scale.min + scale.step
        return span > 0 ? min(1, max(0.05, (r - scale.min + scale.step) / span)) : 1
    }
}

/// How the query bag weighs a rated item (see `TowerFeatures.queryBag`).
enum TowerBagWeighting: Sendable {
    case uniform
    case confidence(RatingScale)
    case signed(Feedback)
}

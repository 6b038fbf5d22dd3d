import Foundation

/// Factor rows stored flat as SIMD8 lanes: row r occupies `lanes` consecutive `SIMD8<Float>`.
///
/// A row of `factors` values is padded with zeros to `lanes·8`; the padding stays zero under
/// every update used here (its gradient is a product with zeros), so dot products can run over
/// whole lanes.
struct FactorTable: Sendable {
    var factors: Int = 0
    var lanes: Int = 0
    var values: [SIMD8<Float>] = []

    init() {}

    init(rows: Int, factors: Int) {
        self.factors = factors
        lanes = LinearAlgebra.lanes(factors)
        values = [SIMD8<Float>](repeating: .zero, count: rows * lanes)
    }

    var rows: Int { lanes == 0 ? 0 : values.count / lanes }

    /// Fills every row with N(mean, std) samples (padding stays 0), drawn in row order from `rng`.
    ///
    /// Box–Muller pairs: both the cosine and the sine branch are used, one logarithm per two samples.
    mutating func randomize(mean: Float, std: Float, rng: inout SplitMix64) {
        var spare: Float? = nil
        for r in 0..<rows {
            for f in 0..<factors {
                let g: Float
                if let s = spare {
                    g = s; spare = nil
                } else {
                    let u1 = max(rng.nextDouble(), 1e-300), u2 = rng.nextDouble()
                    let radius = (-2 * Foundation.log(u1)).squareRoot(), angle = 2 * Double.pi * u2
                    g = Float(radius * Foundation.cos(angle))
                    spare = Float(radius * Foundation.sin(angle))
                }
                values[r * lanes + f / 8][f % 8] = mean + std * g
            }
        }
    }

    func row(_ r: Int) -> [SIMD8<Float>] { Array(values[(r * lanes)..<((r + 1) * lanes)]) }

    mutating func zeroRow(_ r: Int) {
        for l in 0..<lanes { values[r * lanes + l] = .zero }
    }

    /// x·row(r) for a vector of the same lane count.
    func dot(_ x: [SIMD8<Float>], row r: Int) -> Float {
        var acc = SIMD8<Float>.zero
        let base = r * lanes
        for l in 0..<lanes { acc += x[l] * values[base + l] }
        return acc.sum()
    }

    /// Factor f of row r.
    func value(_ r: Int, _ f: Int) -> Float { values[r * lanes + f / 8][f % 8] }

    /// Cosine similarity between rows a and b (0 when either is zero).
    func cosine(_ a: Int, _ b: Int) -> Float {
        var ab = SIMD8<Float>.zero, aa = SIMD8<Float>.zero, bb = SIMD8<Float>.zero
        for l in 0..<lanes {
            let x = values[a * lanes + l], y = values[b * lanes + l]
            ab += x * y; aa += x * x; bb += y * y
        }
        let d = (aa.sum() * bb.sum()).squareRoot()
        return d > 0 ? ab.sum() / d : 0
    }
}

/// A user as a biased factor model sees them: the bias b_u and the vector the item factors are
/// multiplied with (p_u for SVD, p_u + |N(u)|^-½ Σ y_j for SVD++).
struct FactorUser: Sendable {
    var bias: Float
    var vector: [SIMD8<Float>]
    /// The implicit part alone (zero for SVD), kept for explanations.
    var implicit: [SIMD8<Float>]
}

/// What SVD and SVD++ share after fitting: biases, item factors, fold-in, scoring and explanations.
struct BiasedFactorModel: Sendable {
    var biases = BiasModel()
    var items = FactorTable()
    /// The SGD regularization, reused (as λ·n) by the fold-in least squares.
    var reg: Float = 0.02
    /// Extra ridge added for folded-in profiles.
    var foldInReg: Float = 1

    /// Solves a folded-in user's bias and factors by regularized least squares against the fixed
    /// item parameters:
    ///
    ///     min_{b_u, p_u} Σ_{i ∈ profile} (r_ui − μ − b_i − q_i·z − b_u − q_i·p_u)² + λ (b_u² + |p_u|²)
    ///
    /// with λ = reg·n + foldInReg (reg·n is the weight SGD's per-rating penalty gives a user with n
    /// ratings) and z the SVD++ implicit vector (zero for SVD). Exact joint solution by Cholesky
    /// of the (k+1)×(k+1) normal equations. Complexity O(n·k² + k³).
    func foldIn(items profileItems: [Int32], ratings: [Float], implicit z: [SIMD8<Float>]) -> FactorUser {
        let k = items.factors, lanes = items.lanes
        var known: [(Int, Float)] = []
        for (i, r) in zip(profileItems, ratings) where biases.knows(i) {
            let base = r - biases.globalMean - biases.bias(of: i) - items.dot(z, row: Int(i))
            known.append((Int(i), base))
        }
        guard !known.isEmpty else {
            return FactorUser(bias: 0, vector: z, implicit: z)
        }
        let dim = k + 1
        let lambda = Double(reg) * Double(known.count) + Double(foldInReg)
        // Augmented rows x = [1, q_i] as SIMD8 lanes; Gram G = Σ x xᵀ (lower triangle) and
        // Σ x·y accumulated in Float SIMD, then solved in Double.
        let xl = LinearAlgebra.lanes(dim)
        var x = [SIMD8<Float>](repeating: .zero, count: xl)
        var gram = [SIMD8<Float>](repeating: .zero, count: dim * xl)
        var rhs = [SIMD8<Float>](repeating: .zero, count: xl)
        for (row, y) in known {
            for l in 0..<xl { x[l] = .zero }
            x[0][0] = 1
            for f in 0..<k { x[(f + 1) / 8][(f + 1) % 8] = items.value(row, f) }
            for l in 0..<xl { rhs[l] += y * x[l] }
            for f in 0..<dim {
                let xf = x[f / 8][f % 8]
                if xf == 0 { continue }
                let base = f * xl
                for l in 0...(f / 8) { gram[base + l] += xf * x[l] }
            }
        }
        var a = [Double](repeating: 0, count: dim * dim)
        var w = [Double](repeating: 0, count: dim)
        for f in 0..<dim {
            for g in 0...f { a[f * dim + g] = Double(gram[f * xl + g / 8][g % 8]) }
            a[f * dim + f] += lambda
            w[f] = Double(rhs[f / 8][f % 8])
        }
        a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                _ = LinearAlgebra.choleskySolve(pa.baseAddress!, pw.baseAddress!, n: dim)
            }
        }
        var v = z
        for f in 0..<k { v[f / 8][f % 8] += Float(w[f + 1]) }
        for l in 0..<lanes where !v[l].sum().isFinite { v[l] = z[l] }
        let bu = Float(w[0])
        return FactorUser(bias: bu.isFinite ? bu : 0, vector: v, implicit: z)
    }

    /// μ + b_u + b_i + q_i·v, clamped; impossible when the item is unknown or the profile empty.
    func predict(_ user: FactorUser, item: Int32, profileEmpty: Bool) -> Prediction {
        let dot = biases.knows(item) ? items.dot(user.vector, row: Int(item)) : 0
        return biases.prediction(userBias: user.bias, item: item, profileEmpty: profileEmpty, extra: dot)
    }

    /// The unclamped estimate for every item (finite), for ranking.
    func scores(_ user: FactorUser) -> [Float] {
        let n = biases.itemBias.count, lanes = items.lanes
        var out = [Float](repeating: 0, count: n)
        user.vector.withUnsafeBufferPointer { v in
            items.values.withUnsafeBufferPointer { q in
                for i in 0..<n {
                    let d = LinearAlgebra.dot(v.baseAddress!, q.baseAddress! + i * lanes, lanes: lanes)
                    let s = biases.globalMean + user.bias + biases.itemBias[i] + d
                    out[i] = s.isFinite ? s : biases.globalMean
                }
            }
        }
        return out
    }

    /// Items whose factor vectors have the highest cosine with `item`'s.
    func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        guard biases.knows(item) else { return [] }
        let s = (0..<biases.itemBias.count).map { j in
            biases.knows(Int32(j)) ? items.cosine(Int(item), j) : -Float.infinity
        }
        return topK(s, k: count) { $0 != item && s[Int($0)] > -Float.infinity }
    }

    /// Bias terms, the largest latent-factor contributions p_uf·q_if, and the rated items whose
    /// factors align most with the item's (cosine of q vectors).
    func explain(_ user: FactorUser, profile: Profile, item: Int32, algorithm: String) -> Explanation {
        let p = predict(user, item: item, profileEmpty: profile.isEmpty)
        var terms = biases.biasTerms(userBias: user.bias, item: item)
        var notes: [String] = []
        if profile.isEmpty { notes.append("cold start: no ratings, biases only") }
        guard biases.knows(item) else {
            notes.append("item has no training ratings: no factors")
            return Explanation(algorithm: algorithm, item: item, score: p.value,
                               summary: biases.summary(userBias: user.bias, item: item), terms: terms, notes: notes)
        }
        // The 3 largest |p_uf·q_if|, earlier factors first on ties (what a stable sort of all k
        // terms by |value| would keep), selected without building k terms.
        var top: [(f: Int, c: Float)] = []
        for f in 0..<items.factors {
            let c = user.vector[f / 8][f % 8] * items.value(Int(item), f)
            let at = top.firstIndex { abs($0.c) < abs(c) } ?? top.count
            if at < 3 {
                top.insert((f, c), at: at)
                if top.count > 3 { top.removeLast() }
            }
        }
        terms += top.map { .init(kind: .factor, label: "factor \($0.f + 1)", value: $0.c,
                                 detail: "your taste × item loading") }
        var aligned: [Explanation.Term] = []
        for (j, r) in zip(profile.items, profile.ratings) where j != item && biases.knows(j) {
            let c = items.cosine(Int(item), Int(j))
            aligned.append(.init(kind: .item, label: "rated item", value: c,
                                 detail: "you rated it \(formatStars(r)), factor alignment \(fmt2(c))", item: j))
        }
        aligned.sort { $0.value > $1.value }
        terms += aligned.prefix(3)
        let dot = items.dot(user.vector, row: Int(item))
        let summary = biases.summary(userBias: user.bias, item: item) + (dot >= 0 ? " + " : " − ")
            + "taste match " + fmt2(abs(dot))
        return Explanation(algorithm: algorithm, item: item, score: p.value, summary: summary,
                           terms: terms, notes: notes)
    }
}

/// An unsafe pointer shared by SGD worker threads (Hogwild: lock-free, races tolerated by design).
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// A read-only pointer shared by worker threads.
struct SharedConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
}

/// A seeded Fisher–Yates permutation of 0..<n.
func seededPermutation(_ n: Int, rng: inout SplitMix64) -> [Int32] {
    var p = (0..<n).map { Int32($0) }
    if n > 1 {
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = rng.nextInt(i + 1)
            p.swapAt(i, j)
        }
    }
    return p
}

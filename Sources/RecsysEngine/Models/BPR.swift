import Foundation

/// BPR-MF: Bayesian personalised ranking with matrix factorisation (Rendle et al. 2009).
///
/// For sampled triples (u, i, j) — i rated by u, j a uniformly drawn item u did
/// not rate — maximises ln σ(x̂_uij) − λ‖Θ‖² with x̂_uij = x̂_ui − x̂_uj and
/// x̂_ui = x_uᵀ y_i + b_i, by stochastic gradient ascent:
///
///     z = 1 − σ(x̂_uij) = 1 / (1 + e^{x̂_uij})
///     x_u += η (z (y_i − y_j) − λ x_u),  y_i += η (z x_u − λ y_i),
///     y_j += η (−z x_u − λ y_j),         b_i += η (z − λ b_i),  b_j += η (−z − λ b_j).
///
/// One epoch draws as many triples as there are ratings. Sampling is seeded
/// and single-threaded, so a seed gives the same model on every run.
///
/// **Likes and dislikes** (`feedback`, see `Feedback`): each rated item gets a level, 2 for a like
/// (w > 0), 0 for a dislike (w < 0), and 1 for an unrated or ignored one (w = 0); BPR learns the
/// order of levels (graded BPR, as Lerche & Jannach 2014). A drawn like i is paired with an item j
/// of lower level (unrated or disliked); a drawn dislike d with an item of higher level, giving the
/// triple (u, k, d): "anything unrated beats what you disliked". `feedback=binary` makes every
/// rating a like, which is Rendle's original sampler.
///
/// Fold-in: a new profile starts at the mean factor of its liked items minus that of its disliked
/// ones and takes
/// `foldin_epochs` passes (at most 6,000 steps) of the same updates on x_u only (items fixed), seeded
/// by the model seed and the profile, so the same profile always gets the same list.
///
/// Parameters: `factors` (64), `learning_rate` η (0.01), `regularization` λ
/// (0.01), `iterations` (100), `foldin_epochs` (40), `feedback`.
///
/// Complexity: O(iterations · ratings · k) to fit; fold-in O(epochs · |profile| · k + n · k).
public final class BPRRecommender: LatentFactorModel, Recommender, @unchecked Sendable {
    public static let name = "bpr"
    public static let summary = "BPR-MF (Rendle 2009): pairwise ranking factors from sampled negatives"
    public static let parameterSpecs: [ParameterSpec] = [
        factorsSpec,
        ParameterSpec("learning_rate", .real(0.000001...10), default: "0.01", "SGD step η"),
        ParameterSpec("regularization", .real(0...100), default: "0.01", "L2 penalty λ per update"),
        ParameterSpec("iterations", .integer(1...10_000), default: "100", "epochs (each samples #ratings triples)"),
        ParameterSpec("foldin_epochs", .integer(1...1000), default: "40",
                      "passes over a new profile when folding it in"),
        FeedbackRule.parameterSpec,
    ]

    var itemBias: [Float] = []
    var seed: UInt64 = 42

    public init(parameters: Parameters = Parameters()) throws {
        super.init(resolved: try parameters.resolved(for: Self.name, specs: Self.parameterSpecs))
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        adopt(data)
        seed = context.seed
        let signal = feedback.rowWeights(m)
        let lr = parameters.float("learning_rate")
        let reg = parameters.float("regularization")
        let iterations = parameters.int("iterations")
        var rng = SplitMix64.derived(seed: context.seed, stream: 0xB9B)
        func initial(_ rows: Int) -> [Float] {
            var f = [Float](repeating: 0, count: rows * ld)
            for r in 0..<rows { for c in 0..<k { f[r * ld + c] = (rng.nextFloat() - 0.5) / Float(k) } }
            return f
        }
        userFactors = initial(userCount)
        itemFactors = initial(itemCount)
        itemBias = [Float](repeating: 0, count: itemCount)
        let nnz = m.count
        // The user of each CSR position, to draw (u, i) uniformly over ratings.
        var owner = [Int32](repeating: 0, count: nnz)
        for u in 0..<userCount { for p in m.rowStart[u]..<m.rowStart[u + 1] { owner[p] = Int32(u) } }
        guard nnz > 0, itemCount > 1 else { computeItemNorms(); return }

        let n8 = ld / 8
        userFactors.withUnsafeMutableBufferPointer { ub in
        itemFactors.withUnsafeMutableBufferPointer { ib in
        itemBias.withUnsafeMutableBufferPointer { bb in
        m.rowItems.withUnsafeBufferPointer { rowItems in
        m.rowStart.withUnsafeBufferPointer { rowStart in
        signal.withUnsafeBufferPointer { w in
            let U = ub.baseAddress!, Y = ib.baseAddress!, B = bb.baseAddress!
            /// The level of item x for user u: 2 like, 1 unrated or ignored, 0 dislike.
            func level(_ u: Int, _ x: Int32) -> Int {
                guard let p = Self.position(rowItems, from: rowStart[u], to: rowStart[u + 1], x) else { return 1 }
                return w[p] > 0 ? 2 : (w[p] < 0 ? 0 : 1)
            }
            for epoch in 0..<iterations {
                if context.cancellation?.isCancelled == true { return }
                for _ in 0..<nnz {
                    let pos = rng.nextInt(nnz)
                    let u = Int(owner[pos])
                    let rated = Int(rowItems[pos])
                    let other = rng.nextInt(itemCount)
                    let (i, j): (Int, Int)
                    if w[pos] > 0 {
                        if level(u, Int32(other)) == 2 { continue }
                        (i, j) = (rated, other)
                    } else if w[pos] < 0 {
                        if level(u, Int32(other)) == 0 { continue }
                        (i, j) = (other, rated)
                    } else {
                        continue
                    }
                    Self.step(x: U + u * ld, yi: Y + i * ld, yj: Y + j * ld, bi: B + i, bj: B + j,
                              lr: lr, reg: reg, n8: n8, updateItems: true)
                }
                context.progress(FitProgress(fraction: Double(epoch + 1) / Double(iterations),
                                             message: "epoch \(epoch + 1)/\(iterations)", epoch: epoch + 1))
            }
        }
        }
        }
        }
        }
        }
        try context.checkCancelled()
        computeItemNorms()
    }

    /// Binary search of a sorted CSR row: the position of x, or nil.
    @inline(__always)
    static func position(_ items: UnsafeBufferPointer<Int32>, from lo0: Int, to hi0: Int, _ x: Int32) -> Int? {
        var lo = lo0, hi = hi0
        while lo < hi {
            let mid = (lo + hi) >> 1
            let v = items[mid]
            if v == x { return mid }
            if v < x { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// One SGD step on the triple (x, y_i, y_j); item parameters move only when `updateItems`.
    @inline(__always)
    static func step(x: UnsafeMutablePointer<Float>, yi: UnsafeMutablePointer<Float>, yj: UnsafeMutablePointer<Float>,
                     bi: UnsafeMutablePointer<Float>, bj: UnsafeMutablePointer<Float>,
                     lr: Float, reg: Float, n8: Int, updateItems: Bool) {
        let rx = UnsafeMutableRawPointer(x), ri = UnsafeMutableRawPointer(yi), rj = UnsafeMutableRawPointer(yj)
        var acc = SIMD8<Float>()
        for q in 0..<n8 {
            let o = q * 32
            acc += rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * (ri.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                    - rj.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
        }
        let xuij = acc.sum() + bi.pointee - bj.pointee
        let z = 1 / (1 + expf(min(xuij, 80)))
        for q in 0..<n8 {
            let o = q * 32
            let xu = rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let vi = ri.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let vj = rj.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            rx.storeBytes(of: xu + lr * (z * (vi - vj) - reg * xu), toByteOffset: o, as: SIMD8<Float>.self)
            if updateItems {
                ri.storeBytes(of: vi + lr * (z * xu - reg * vi), toByteOffset: o, as: SIMD8<Float>.self)
                rj.storeBytes(of: vj + lr * (-z * xu - reg * vj), toByteOffset: o, as: SIMD8<Float>.self)
            }
        }
        if updateItems {
            bi.pointee += lr * (z - reg * bi.pointee)
            bj.pointee += lr * (-z - reg * bj.pointee)
        }
    }

    // MARK: fold-in

    /// Trained factors for a training user; otherwise the mean factor of the liked items minus that
    /// of the disliked ones, refined by seeded SGD on x only with the same graded sampling as `fit`.
    func userVector(_ profile: Profile) -> [Float]? {
        if let x = trainedUserVector(profile) { return x }
        let signals = feedback.signals(profile).filter { $0.item >= 0 && Int($0.item) < itemCount && $0.weight != 0 }
        let likes = signals.filter(\.isLike).count, dislikes = signals.count - likes
        guard !signals.isEmpty, itemCount > likes, itemCount > dislikes else { return nil }
        var level = [UInt8](repeating: 1, count: itemCount)
        for x in signals { level[Int(x.item)] = x.isLike ? 2 : 0 }
        var x = [Float](repeating: 0, count: ld)
        for s in signals {
            let share = (s.isLike ? 1 : -1) / Float(s.isLike ? likes : dislikes)
            for c in 0..<k { x[c] += share * itemFactors[Int(s.item) * ld + c] }
        }
        var h: UInt64 = seed
        for s in signals { h = (h ^ UInt64(UInt32(bitPattern: s.item))) &* 0x100_0000_01B3 }
        var rng = SplitMix64(seed: h)
        let lr = parameters.float("learning_rate") * 5
        let reg = parameters.float("regularization")
        let samples = min(6_000, signals.count * parameters.int("foldin_epochs"))
        var bi: Float = 0, bj: Float = 0
        let n8 = ld / 8
        x.withUnsafeMutableBufferPointer { xb in
            itemFactors.withUnsafeBufferPointer { yb in
                // `step` with updateItems: false only reads the item rows: the fixed model is never written.
                let Y = UnsafeMutablePointer(mutating: yb.baseAddress!)
                for _ in 0..<samples {
                    let s = signals[rng.nextInt(signals.count)]
                    var other = Int32(rng.nextInt(itemCount))
                    var tries = 0
                    while (s.isLike ? level[Int(other)] == 2 : level[Int(other)] == 0) && tries < 10_000 {
                        other = Int32(rng.nextInt(itemCount))
                        tries += 1
                    }
                    let (i, j) = s.isLike ? (s.item, other) : (other, s.item)
                    bi = itemBias[Int(i)]; bj = itemBias[Int(j)]
                    Self.step(x: xb.baseAddress!, yi: Y + Int(i) * ld, yj: Y + Int(j) * ld,
                              bi: &bi, bj: &bj, lr: lr, reg: reg, n8: n8, updateItems: false)
                }
            }
        }
        return x
    }

    /// s_i = x_uᵀ y_i + b_i; an empty profile gets popularity.
    public func scores(_ profile: Profile) -> [Float] {
        guard let x = userVector(profile) else { return fallback.popularity }
        return scoreRows(itemFactors, rows: itemCount, ld: ld, x: x, bias: itemBias)
    }

    /// The item bias and the factor part x_uᵀy_i. BPR's x_u is learned, not a sum over rated items, so
    /// the rated items appear as context (`related`): ±y_jᵀy_i, signed by like or dislike.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard let x = userVector(profile) else { return fallback.coldStart(algorithm: Self.name, item: item) }
        guard Int(item) >= 0, Int(item) < itemCount else { return .unknown(Self.name, item: item) }
        let i = Int(item)
        var factorPart: Float = 0
        for c in 0..<k { factorPart += x[c] * itemFactors[i * ld + c] }
        var related: [Explanation.Term] = []
        for s in feedback.signals(profile) where Int(s.item) < itemCount && s.item >= 0 && s.weight != 0 {
            var d: Float = 0
            for c in 0..<k { d += itemFactors[Int(s.item) * ld + c] * itemFactors[i * ld + c] }
            related.append(.rated(s, value: (s.isLike ? 1 : -1) * d, weight: d))
        }
        related.sort { abs($0.value) > abs($1.value) }
        let terms: [Explanation.Term] = [
            .init(kind: .embedding, value: factorPart, name: "x_uᵀy_i"),
            .init(kind: .bias, value: itemBias[i], item: item, name: "b_i"),
        ]
        return Explanation(algorithm: Self.name, item: item, score: factorPart + itemBias[i],
                           formula: "score(i) = x_uᵀy_i + b_i", terms: terms, related: Array(related.prefix(10)),
                           notes: feedback.notes + [.scaledAlignments])
    }
}

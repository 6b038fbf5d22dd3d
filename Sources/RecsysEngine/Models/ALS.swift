import Foundation

/// Implicit-feedback ALS (Hu, Koren, Volinsky 2008): every rating is an
/// interaction with a confidence, every other cell a weak zero.
///
/// Minimises Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²) with
/// p_ui = 1 where u rated i (else 0) and confidence c_ui = 1 + α · r_ui
/// (r_ui = 1 when `confidence=binary`, the rating when `confidence=rating`;
/// unrated cells have c = 1). Alternating exact minimisation in x and y gives
///
///     x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u,
///
/// where YᵀY is shared by all users, so each solve costs O(|I_u| k² + k³) by
/// Cholesky, or O(steps · (k² + |I_u| k)) by a few warm-started conjugate
/// gradient steps (the default, as implicit does).
///
/// Fold-in of a new profile solves that one system exactly (Cholesky, YᵀY + λI
/// precomputed): about 0.1 ms for 64 factors. Explanations decompose the score
/// as implicit does: with A_u = YᵀC_uY + λI, y_iᵀx_u = Σ_j c_j · y_iᵀ A_u⁻¹ y_j,
/// one term per rated item j.
///
/// **Likes and dislikes** (`feedback`, see `Feedback`): each rating becomes a signed weight
/// w_ui ∈ [−1, 1]. A like is p_ui = 1 and a dislike a *negative preference* p_ui = −1, each with its
/// own confidence,
///
///     c_ui = 1 + α · m · w_ui  (w > 0),   c_ui = 1 + α⁻ · m · |w_ui|  (w < 0),
///
/// with m = the scale's maximum under `confidence=rating` (1 under `binary`) and α⁻ =
/// `negative_alpha`; a rating with w = 0 is left out (as if unobserved). The solve becomes
/// x_u = (YᵀC_uY + λI)⁻¹ Yᵀ C_u p_u with signed p_u, so a disliked film's factors push x_u away
/// and lower films like it. `feedback=binary` is the original model: p = 1 and c = 1 + α·r for
/// every rating.
///
/// Parameters: `factors` (64), `regularization` λ (20, chosen by docs/defaults.md: 0.05 scored
/// 0.82× its NDCG@10 on ml-100k), `alpha` α (0.5), `negative_alpha` α⁻ (0.5), `iterations` (15),
/// `confidence` (rating), `solver` (cg | cholesky), `cg_steps` (3), `feedback`.
/// Under `feedback=binary` with explicit ratings, c = 1 + 0.5·r gives a 5★ film 1.75 times the weight
/// of a 1★ one (3.5 vs 2); `confidence=binary, alpha=1` is implicit's setting (every rating c = 2).
///
/// Complexity per iteration: O(ratings · k · steps + (users + items) · k² · steps)
/// with CG; memory O((users + items) · k).
public final class ALSRecommender: LatentFactorModel, Recommender, @unchecked Sendable {
    public static let name = "als"
    public static let summary = "implicit-feedback ALS (Hu, Koren, Volinsky 2008): confidence-weighted factors"
    public static let parameterSpecs: [ParameterSpec] = [
        factorsSpec,
        ParameterSpec("regularization", .real(0...100_000), default: "20", "L2 penalty λ on every factor (docs/defaults.md)"),
        ParameterSpec("alpha", .real(0...100_000), default: "0.5", "confidence slope α in c = 1 + α·r"),
        ParameterSpec("iterations", .integer(1...1000), default: "15", "alternating sweeps (users, then items)"),
        ParameterSpec("confidence", .choice(["binary", "rating"]), default: "rating",
                      "r in c = 1 + α·r: 1 for every rated item, or the rating itself"),
        ParameterSpec("solver", .choice(["cg", "cholesky"]), default: "cg",
                      "per-row solve: warm-started conjugate gradient or exact Cholesky"),
        ParameterSpec("cg_steps", .integer(1...64), default: "3", "conjugate gradient steps per row and sweep"),
        ParameterSpec("negative_alpha", .real(0...100_000), default: "0.5",
                      "confidence slope α⁻ of a dislike (negative preference p = −1)"),
        FeedbackRule.parameterSpec,
    ]

    /// YᵀY + λI over the final item factors (ld × ld), for fold-in.
    var itemGram: [Float] = []
    var alpha: Float = 1
    var lambda: Float = 0.05
    var byRating = false
    var negativeAlpha: Float = 0.5

    public init(parameters: Parameters = Parameters()) throws {
        super.init(resolved: try parameters.resolved(for: Self.name, specs: Self.parameterSpecs))
    }

    /// The signed confidence of a rating whose feedback weight is w: +c for a like (p = 1), −c for a
    /// dislike (p = −1), 0 for a rating left out. Under `binary`, c = 1 + α·r (or 1 + α).
    @inline(__always) func confidence(_ r: Float, signal w: Float) -> Float {
        guard feedback.rule.isSigned else { return 1 + alpha * (byRating ? r : 1) }
        let m: Float = byRating ? feedback.scale.max : 1
        if w > 0 { return 1 + alpha * m * w }
        if w < 0 { return -(1 + negativeAlpha * m * -w) }
        return 0
    }

    /// Signed confidences of a profile's ratings (see `confidence(_:signal:)`).
    func confidences(_ ratings: [Float]) -> [Float] {
        zip(ratings, feedback.weights(ratings)).map { confidence($0, signal: $1) }
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        adopt(data)
        adoptWeights()
        let iterations = parameters.int("iterations")
        let exact = parameters.string("solver") == "cholesky"
        let steps = parameters.int("cg_steps")

        var rng = SplitMix64.derived(seed: context.seed, stream: 0xA15)
        func initial(_ rows: Int) -> [Float] {
            var f = [Float](repeating: 0, count: rows * ld)
            for r in 0..<rows { for c in 0..<k { f[r * ld + c] = rng.nextGaussian() * 0.01 } }
            return f
        }
        userFactors = initial(userCount)
        itemFactors = initial(itemCount)
        // Signed confidences per CSR / CSC position.
        let rowSignal = feedback.rowWeights(m), colSignal = feedback.columnWeights(m)
        let rowConf = zip(m.rowRatings, rowSignal).map { confidence($0, signal: $1) }
        let colConf = zip(m.colRatings, colSignal).map { confidence($0, signal: $1) }

        for it in 0..<iterations {
            try context.checkCancelled()
            var gram = Self.gram(itemFactors, rows: itemCount, ld: ld, k: k, lambda: lambda, threads: context.threads)
            solveSide(target: &userFactors, rows: userCount, starts: m.rowStart, indices: m.rowItems,
                      conf: rowConf, fixed: itemFactors, gram: &gram, exact: exact, steps: steps,
                      threads: context.threads)
            try context.checkCancelled()
            var gramU = Self.gram(userFactors, rows: userCount, ld: ld, k: k, lambda: lambda, threads: context.threads)
            solveSide(target: &itemFactors, rows: itemCount, starts: m.colStart, indices: m.colUsers,
                      conf: colConf, fixed: userFactors, gram: &gramU, exact: exact, steps: steps,
                      threads: context.threads)
            context.progress(FitProgress(fraction: Double(it + 1) / Double(iterations),
                                         message: "iteration \(it + 1)/\(iterations)", epoch: it + 1))
        }
        itemGram = Self.gram(itemFactors, rows: itemCount, ld: ld, k: k, lambda: lambda, threads: context.threads)
        computeItemNorms()
    }

    /// α, λ, the confidence mode and α⁻ from the parameters (at fit and at load).
    func adoptWeights() {
        alpha = parameters.float("alpha")
        lambda = parameters.float("regularization")
        byRating = parameters.string("confidence") == "rating"
        negativeAlpha = parameters.float("negative_alpha")
    }

    /// YᵀY + λI (ld × ld; padding rows and columns stay zero).
    ///
    /// The rows are cut into `parts` fixed ranges (a function of `rows` only, never of `threads`, so
    /// the sum order and the result do not depend on the thread count); each range's YᵀY is a
    /// worker's job, then the parts are added in order. At the 25M shape the user side's Gram matrix
    /// (162,540 rows) was a single-threaded second per iteration.
    static func gram(_ Y: [Float], rows: Int, ld: Int, k: Int, lambda: Float, threads: Int = 1) -> [Float] {
        let size = ld * ld + 3 * ld
        let parts = max(1, min(16, rows / 8192))
        var partial = [Float](repeating: 0, count: parts * size)
        Y.withUnsafeBufferPointer { y in
            partial.withUnsafeMutableBufferPointer { pb in
                let Yp = SendablePointer(UnsafeMutablePointer(mutating: y.baseAddress!)), P = SendablePointer(pb.baseAddress!)
                parallelFor(parts, threads: threads) { part in
                    let lo = rows * part / parts, hi = rows * (part + 1) / parts
                    let G = P.p + part * size, base = UnsafePointer(Yp.p) + lo * ld
                    var r = 0
                    while r < ld {
                        var c = 0
                        while c < ld {
                            kernel4x8(hi - lo, a: base + r, aRow: 1, aP: ld, b: base + c, bP: ld,
                                      c: G + r * ld + c, cRow: ld, sign: 1)
                            c += 8
                        }
                        r += 4
                    }
                }
            }
        }
        var g = Array(partial[0..<(ld * ld)])
        for part in 1..<parts {
            for t in 0..<(ld * ld) { g[t] += partial[part * size + t] }
        }
        for c in 0..<k { g[c * ld + c] += lambda }
        return g
    }

    /// Solves every row of one side against the fixed other side, in parallel chunks.
    private func solveSide(target: inout [Float], rows: Int, starts: [Int], indices: [Int32], conf: [Float],
                           fixed: [Float], gram: inout [Float], exact: Bool, steps: Int, threads: Int) {
        let ld = self.ld, k = self.k
        let chunks = max(1, min(rows, threads * 16))
        target.withUnsafeMutableBufferPointer { tb in
            let tp = SendablePointer(tb.baseAddress!)
            fixed.withUnsafeBufferPointer { fb in
                let fp = SendablePointer(UnsafeMutablePointer(mutating: fb.baseAddress!))
                gram.withUnsafeMutableBufferPointer { gb in
                    let gp = SendablePointer(gb.baseAddress!)
                    starts.withUnsafeBufferPointer { sb in
                        let sp = SendablePointer(UnsafeMutablePointer(mutating: sb.baseAddress!))
                        indices.withUnsafeBufferPointer { ib in
                            let ip = SendablePointer(UnsafeMutablePointer(mutating: ib.baseAddress!))
                            conf.withUnsafeBufferPointer { cb in
                                let cp = SendablePointer(UnsafeMutablePointer(mutating: cb.baseAddress!))
                                parallelFor(chunks, threads: threads) { chunk in
                                    let lo = rows * chunk / chunks, hi = rows * (chunk + 1) / chunks
                                    var scratch = ALSScratch(ld: ld)
                                    for row in lo..<hi {
                                        let s = sp.p[row], e = sp.p[row + 1]
                                        let x = tp.p + row * ld
                                        if exact {
                                            ALSRecommender.solveExact(x: x, ld: ld, k: k, gram: gp.p, fixed: fp.p,
                                                                      idx: ip.p + s, conf: cp.p + s, n: e - s,
                                                                      scratch: &scratch)
                                        } else {
                                            ALSRecommender.solveCG(x: x, ld: ld, gram: gp.p, fixed: fp.p,
                                                                   idx: ip.p + s, conf: cp.p + s, n: e - s,
                                                                   steps: steps, scratch: &scratch)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A few conjugate gradient steps on (G + Yᵀ(C−I)Y) x = YᵀCp, warm-started from x.
    /// `conf` holds signed confidences: c·p with p = ±1, and 0 for an entry left out.
    /// The two products of each step are the register-blocked kernels of ALS+Kernels.swift.
    static func solveCG(x: UnsafeMutablePointer<Float>, ld: Int, gram: UnsafeMutablePointer<Float>,
                        fixed: UnsafeMutablePointer<Float>, idx: UnsafeMutablePointer<Int32>,
                        conf: UnsafeMutablePointer<Float>, n: Int, steps: Int, scratch: inout ALSScratch) {
        let n8 = ld / 8
        scratch.r.withUnsafeMutableBufferPointer { rb in
        scratch.p.withUnsafeMutableBufferPointer { pb in
        scratch.ap.withUnsafeMutableBufferPointer { apb in
            let r = rb.baseAddress!, p = pb.baseAddress!, ap = apb.baseAddress!
            // r = YᵀCp − (G + Yᵀ(C−I)Y) x
            alsSymmetricProduct(gram, x, r, ld: ld, sign: -1)
            alsGatherProduct(fixed: fixed, idx: idx, conf: conf, n: n, v: x, out: r, ld: ld, target: true)
            for c in 0..<ld { p[c] = r[c] }
            var rsOld = dot8(r, r, n8)
            if rsOld < 1e-20 { return }
            for _ in 0..<steps {
                // ap = (G + Yᵀ(C−I)Y) p
                alsSymmetricProduct(gram, p, ap, ld: ld, sign: 1)
                alsGatherProduct(fixed: fixed, idx: idx, conf: conf, n: n, v: p, out: ap, ld: ld, target: false)
                let pAp = dot8(p, ap, n8)
                guard pAp > 0 else { return }
                let a = rsOld / pAp
                axpy8(a, p, x, n8)
                axpy8(-a, ap, r, n8)
                let rsNew = dot8(r, r, n8)
                if rsNew < 1e-20 { return }
                let beta = rsNew / rsOld
                for c in 0..<ld { p[c] = r[c] + beta * p[c] }
                rsOld = rsNew
            }
        }
        }
        }
    }

    /// The exact solve: A = G + Σ (c−1) y yᵀ, b = Σ c p y, x = A⁻¹b by Cholesky.
    static func solveExact(x: UnsafeMutablePointer<Float>, ld: Int, k: Int, gram: UnsafeMutablePointer<Float>,
                           fixed: UnsafeMutablePointer<Float>, idx: UnsafeMutablePointer<Int32>,
                           conf: UnsafeMutablePointer<Float>, n: Int, scratch: inout ALSScratch) {
        scratch.a.withUnsafeMutableBufferPointer { ab in
        scratch.r.withUnsafeMutableBufferPointer { bb in
            let A = ab.baseAddress!, b = bb.baseAddress!
            buildSystem(A: A, b: b, ld: ld, gram: gram, fixed: fixed, idx: idx, conf: conf, n: n)
            if choleskySolveInPlace(A, ld: ld, k: k, b) {
                for c in 0..<k { x[c] = b[c] }
            }
        }
        }
    }

    /// A = G + Σ_t (c_t − 1) y_t y_tᵀ (lower triangle suffices), b = Σ_t c_t p_t y_t, from signed
    /// confidences c_t·p_t (entries equal to 0 are left out).
    static func buildSystem(A: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, ld: Int,
                            gram: UnsafePointer<Float>, fixed: UnsafePointer<Float>,
                            idx: UnsafePointer<Int32>, conf: UnsafePointer<Float>, n: Int) {
        let n8 = ld / 8
        A.update(from: gram, count: ld * ld)
        for c in 0..<ld { b[c] = 0 }
        for t in 0..<n where conf[t] != 0 {
            let y = fixed + Int(idx[t]) * ld
            let w = abs(conf[t]) - 1
            axpy8(conf[t], y, b, n8)
            if w != 0 {
                for r in 0..<ld where y[r] != 0 {
                    // Row r up to the diagonal (rounded up to a multiple of 8).
                    axpy8(w * y[r], y, A + r * ld, (r + 8) / 8)
                }
            }
        }
    }

    // MARK: fold-in

    /// The user's factors: trained ones for a training user, else the exact closed-form solve.
    func userVector(_ profile: Profile) -> [Float]? {
        if let x = trainedUserVector(profile) { return x }
        let known = zip(profile.items, profile.ratings).filter { Int($0.0) < itemCount && $0.0 >= 0 }
        guard !known.isEmpty, !itemGram.isEmpty else { return nil }
        var A = [Float](repeating: 0, count: ld * ld)
        var b = [Float](repeating: 0, count: ld)
        let idx = known.map(\.0)
        let conf = confidences(known.map(\.1))
        guard conf.contains(where: { $0 != 0 }) else { return nil }
        var ok = false
        A.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                itemGram.withUnsafeBufferPointer { g in
                    itemFactors.withUnsafeBufferPointer { f in
                        idx.withUnsafeBufferPointer { ib in
                            conf.withUnsafeBufferPointer { cb in
                                Self.buildSystem(A: ab.baseAddress!, b: bb.baseAddress!, ld: ld,
                                                 gram: g.baseAddress!, fixed: f.baseAddress!,
                                                 idx: ib.baseAddress!, conf: cb.baseAddress!, n: idx.count)
                                ok = choleskySolveInPlace(ab.baseAddress!, ld: ld, k: k, bb.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        guard ok else { return nil }
        for c in k..<ld { b[c] = 0 }
        return b
    }

    /// s_i = x_uᵀ y_i; an empty or unknown profile gets popularity.
    public func scores(_ profile: Profile) -> [Float] {
        guard let x = userVector(profile) else { return fallback.popularity }
        return scoreRows(itemFactors, rows: itemCount, ld: ld, x: x)
    }

    /// Per rated item j: c_j p_j · y_iᵀ A_u⁻¹ y_j (implicit's `explain`, with signed preferences),
    /// from the Cholesky factor of A_u. A dislike (p_j = −1) pulls down the films its factors align with.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let known = zip(profile.items, profile.ratings).filter { Int($0.0) < itemCount && $0.0 >= 0 }
        guard !known.isEmpty, !itemGram.isEmpty, userVector(profile) != nil else {
            return fallback.coldStart(algorithm: Self.name, item: item)
        }
        guard Int(item) >= 0, Int(item) < itemCount else { return .unknown(Self.name, item: item) }
        var A = [Float](repeating: 0, count: ld * ld)
        var b = [Float](repeating: 0, count: ld)
        let idx = known.map(\.0)
        let ratings = known.map(\.1)
        let signals = feedback.weights(ratings)
        let conf = zip(ratings, signals).map { confidence($0, signal: $1) }
        var terms: [Explanation.Term] = []
        A.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                itemGram.withUnsafeBufferPointer { g in
                    itemFactors.withUnsafeBufferPointer { f in
                        idx.withUnsafeBufferPointer { ib in
                            conf.withUnsafeBufferPointer { cb in
                                let Ap = ab.baseAddress!
                                Self.buildSystem(A: Ap, b: bb.baseAddress!, ld: ld, gram: g.baseAddress!,
                                                 fixed: f.baseAddress!, idx: ib.baseAddress!,
                                                 conf: cb.baseAddress!, n: idx.count)
                                guard choleskyFactorInPlace(Ap, ld: ld, k: k) else { return }
                                var zi = Array(itemFactors[Int(item) * ld..<(Int(item) + 1) * ld])
                                zi.withUnsafeMutableBufferPointer { forwardSubstitute(Ap, ld: ld, k: k, $0.baseAddress!) }
                                for (t, j) in idx.enumerated() where conf[t] != 0 {
                                    var zj = Array(itemFactors[Int(j) * ld..<(Int(j) + 1) * ld])
                                    zj.withUnsafeMutableBufferPointer { forwardSubstitute(Ap, ld: ld, k: k, $0.baseAddress!) }
                                    var d: Float = 0
                                    for c in 0..<k { d += zi[c] * zj[c] }
                                    let signal = FeedbackSignal(item: j, rating: ratings[t], weight: signals[t])
                                    terms.append(.rated(signal, value: conf[t] * d, weight: abs(conf[t])))
                                }
                            }
                        }
                    }
                }
            }
        }
        var notes: [Explanation.Note] = feedback.notes
        if profile.trainingUser != nil { notes.append(.reSolvedFactors) }
        var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                            formula: "score(i) = x_uᵀy_i = Σ_j c_j p_j · y_iᵀ A_u⁻¹ y_j", terms: terms, notes: notes)
        e.closeWithRemainder(tolerance: 1e-3)
        return e
    }
}

/// Per-worker buffers of one ALS sweep.
struct ALSScratch {
    var r: [Float]
    var p: [Float]
    var ap: [Float]
    var a: [Float]

    init(ld: Int) {
        r = [Float](repeating: 0, count: ld)
        p = [Float](repeating: 0, count: ld)
        ap = [Float](repeating: 0, count: ld)
        a = [Float](repeating: 0, count: ld * ld)
    }
}

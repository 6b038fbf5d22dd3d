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
/// Parameters: `factors` (64), `regularization` λ (0.05), `alpha` α (0.5),
/// `iterations` (15), `confidence` (rating), `solver` (cg | cholesky), `cg_steps` (3).
/// With explicit ratings, c = 1 + 0.5·r gives a 5★ film 1.75 times the weight of a 1★
/// one (3.5 vs 2); `confidence=binary, alpha=1` is implicit's setting (every rating c = 2).
///
/// Complexity per iteration: O(ratings · k · steps + (users + items) · k² · steps)
/// with CG; memory O((users + items) · k).
public final class ALSRecommender: Recommender, @unchecked Sendable {
    public static let name = "als"
    public static let summary = "implicit-feedback ALS (Hu, Koren, Volinsky 2008): confidence-weighted factors"
    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("factors", .integer(1...1024), default: "64", "latent factors k"),
        ParameterSpec("regularization", .real(0...100_000), default: "0.05", "L2 penalty λ on every factor"),
        ParameterSpec("alpha", .real(0...100_000), default: "0.5", "confidence slope α in c = 1 + α·r"),
        ParameterSpec("iterations", .integer(1...1000), default: "15", "alternating sweeps (users, then items)"),
        ParameterSpec("confidence", .choice(["binary", "rating"]), default: "rating",
                      "r in c = 1 + α·r: 1 for every rated item, or the rating itself"),
        ParameterSpec("solver", .choice(["cg", "cholesky"]), default: "cg",
                      "per-row solve: warm-started conjugate gradient or exact Cholesky"),
        ParameterSpec("cg_steps", .integer(1...64), default: "3", "conjugate gradient steps per row and sweep"),
    ]

    public let parameters: Parameters
    var catalog = Catalog(items: [])
    var fallback = RatingFallback()
    var k = 0
    /// Row stride of the factor matrices (k rounded up to 8).
    var ld = 0
    var userFactors: [Float] = []
    var itemFactors: [Float] = []
    /// YᵀY + λI over the final item factors (ld × ld), for fold-in.
    var itemGram: [Float] = []
    var itemNorms: [Float] = []
    var userCount = 0
    var itemCount = 0
    var alpha: Float = 1
    var lambda: Float = 0.05
    var byRating = false

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    /// The confidence of a rating: 1 + α·r.
    @inline(__always) func confidence(_ r: Float) -> Float { 1 + alpha * (byRating ? r : 1) }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        catalog = data.catalog
        fallback = RatingFallback(m, scale: data.scale)
        k = parameters.int("factors")
        ld = (k + 7) / 8 * 8
        alpha = parameters.float("alpha")
        lambda = parameters.float("regularization")
        byRating = parameters.string("confidence") == "rating"
        userCount = m.userCount
        itemCount = m.itemCount
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
        // Confidences per CSR / CSC position.
        let rowConf = m.rowRatings.map { confidence($0) }
        let colConf = m.colRatings.map { confidence($0) }

        for it in 0..<iterations {
            try context.checkCancelled()
            var gram = Self.gram(itemFactors, rows: itemCount, ld: ld, k: k, lambda: lambda)
            solveSide(target: &userFactors, rows: userCount, starts: m.rowStart, indices: m.rowItems,
                      conf: rowConf, fixed: itemFactors, gram: &gram, exact: exact, steps: steps,
                      threads: context.threads)
            try context.checkCancelled()
            var gramU = Self.gram(userFactors, rows: userCount, ld: ld, k: k, lambda: lambda)
            solveSide(target: &itemFactors, rows: itemCount, starts: m.colStart, indices: m.colUsers,
                      conf: colConf, fixed: userFactors, gram: &gramU, exact: exact, steps: steps,
                      threads: context.threads)
            context.progress(FitProgress(fraction: Double(it + 1) / Double(iterations),
                                         message: "iteration \(it + 1)/\(iterations)", epoch: it + 1))
        }
        itemGram = Self.gram(itemFactors, rows: itemCount, ld: ld, k: k, lambda: lambda)
        itemNorms = (0..<itemCount).map { i in
            var s: Float = 0
            for c in 0..<k { s += itemFactors[i * ld + c] * itemFactors[i * ld + c] }
            return s.squareRoot()
        }
    }

    /// YᵀY + λI (ld × ld; padding rows and columns stay zero).
    static func gram(_ Y: [Float], rows: Int, ld: Int, k: Int, lambda: Float) -> [Float] {
        var g = [Float](repeating: 0, count: ld * ld + 3 * ld)
        Y.withUnsafeBufferPointer { y in
            g.withUnsafeMutableBufferPointer { gb in
                let G = gb.baseAddress!, Yp = y.baseAddress!
                var r = 0
                while r < ld {
                    var c = 0
                    while c < ld {
                        kernel4x8(rows, a: Yp + r, aRow: 1, aP: ld, b: Yp + c, bP: ld,
                                  c: G + r * ld + c, cRow: ld, sign: 1)
                        c += 8
                    }
                    r += 4
                }
            }
        }
        g.removeLast(3 * ld)
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
    static func solveCG(x: UnsafeMutablePointer<Float>, ld: Int, gram: UnsafeMutablePointer<Float>,
                        fixed: UnsafeMutablePointer<Float>, idx: UnsafeMutablePointer<Int32>,
                        conf: UnsafeMutablePointer<Float>, n: Int, steps: Int, scratch: inout ALSScratch) {
        let n8 = ld / 8
        scratch.r.withUnsafeMutableBufferPointer { rb in
        scratch.p.withUnsafeMutableBufferPointer { pb in
        scratch.ap.withUnsafeMutableBufferPointer { apb in
            let r = rb.baseAddress!, p = pb.baseAddress!, ap = apb.baseAddress!
            // r = YᵀCp − (G + Yᵀ(C−I)Y) x
            for c in 0..<ld { r[c] = 0 }
            for j in 0..<ld where x[j] != 0 { axpy8(-x[j], gram + j * ld, r, n8) }
            for t in 0..<n {
                let y = fixed + Int(idx[t]) * ld
                let c = conf[t]
                let f = c - (c - 1) * dot8(y, x, n8)
                axpy8(f, y, r, n8)
            }
            for c in 0..<ld { p[c] = r[c] }
            var rsOld = dot8(r, r, n8)
            if rsOld < 1e-20 { return }
            for _ in 0..<steps {
                for c in 0..<ld { ap[c] = 0 }
                for j in 0..<ld where p[j] != 0 { axpy8(p[j], gram + j * ld, ap, n8) }
                for t in 0..<n {
                    let y = fixed + Int(idx[t]) * ld
                    axpy8((conf[t] - 1) * dot8(y, p, n8), y, ap, n8)
                }
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

    /// The exact solve: A = G + Σ (c−1) y yᵀ, b = Σ c y, x = A⁻¹b by Cholesky.
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

    /// A = G + Σ_t (c_t − 1) y_t y_tᵀ (lower triangle suffices), b = Σ_t c_t y_t.
    static func buildSystem(A: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, ld: Int,
                            gram: UnsafePointer<Float>, fixed: UnsafePointer<Float>,
                            idx: UnsafePointer<Int32>, conf: UnsafePointer<Float>, n: Int) {
        let n8 = ld / 8
        A.update(from: gram, count: ld * ld)
        for c in 0..<ld { b[c] = 0 }
        for t in 0..<n {
            let y = fixed + Int(idx[t]) * ld
            let w = conf[t] - 1
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
        if let u = profile.trainingUser, Int(u) < userCount, !userFactors.isEmpty {
            return Array(userFactors[Int(u) * ld..<(Int(u) + 1) * ld])
        }
        let known = zip(profile.items, profile.ratings).filter { Int($0.0) < itemCount && $0.0 >= 0 }
        guard !known.isEmpty, !itemGram.isEmpty else { return nil }
        var A = [Float](repeating: 0, count: ld * ld)
        var b = [Float](repeating: 0, count: ld)
        let idx = known.map(\.0)
        let conf = known.map { confidence($0.1) }
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

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        fallback.predict(profile, items: items)
    }

    /// s_i = x_uᵀ y_i; an empty or unknown profile gets popularity.
    public func scores(_ profile: Profile) -> [Float] {
        guard let x = userVector(profile) else { return fallback.popularity }
        return scoreRows(itemFactors, rows: itemCount, ld: ld, x: x)
    }

    /// Cosine similarity of item factors.
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        guard Int(item) >= 0, Int(item) < itemCount else { return [] }
        let y = Array(itemFactors[Int(item) * ld..<(Int(item) + 1) * ld])
        var s = scoreRows(itemFactors, rows: itemCount, ld: ld, x: y)
        let n0 = max(itemNorms[Int(item)], 1e-12)
        for i in 0..<itemCount { s[i] /= max(itemNorms[i], 1e-12) * n0 }
        return topK(s, k: count) { $0 != item }
    }

    /// Per rated item j: c_j · y_iᵀ A_u⁻¹ y_j (implicit's `explain`), from the Cholesky factor of A_u.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        let known = zip(profile.items, profile.ratings).filter { Int($0.0) < itemCount && $0.0 >= 0 }
        guard !known.isEmpty, !itemGram.isEmpty else { return fallback.coldStart(algorithm: Self.name, item: item) }
        guard Int(item) >= 0, Int(item) < itemCount else {
            return Explanation(algorithm: Self.name, item: item, score: 0, summary: "unknown item")
        }
        var A = [Float](repeating: 0, count: ld * ld)
        var b = [Float](repeating: 0, count: ld)
        let idx = known.map(\.0)
        let conf = known.map { confidence($0.1) }
        var terms: [Explanation.Term] = []
        var total: Float = 0
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
                                for (t, j) in idx.enumerated() {
                                    var zj = Array(itemFactors[Int(j) * ld..<(Int(j) + 1) * ld])
                                    zj.withUnsafeMutableBufferPointer { forwardSubstitute(Ap, ld: ld, k: k, $0.baseAddress!) }
                                    var d: Float = 0
                                    for c in 0..<k { d += zi[c] * zj[c] }
                                    let v = conf[t] * d
                                    total += v
                                    terms.append(.init(kind: .item, label: title(j), value: v,
                                                       detail: "you rated it \(starText(known[t].1))", item: j))
                                }
                            }
                        }
                    }
                }
            }
        }
        terms.sort { abs($0.value) > abs($1.value) }
        let positives = terms.filter { $0.value > 0 }.prefix(2).map(\.label)
        let summary = positives.isEmpty ? "latent taste match" : "because you rated " + positives.joined(separator: " and ")
        var notes: [String] = []
        if profile.trainingUser != nil {
            notes.append("terms come from an exact re-solve of your factors; the score uses the trained ones")
        }
        return Explanation(algorithm: Self.name, item: item, score: total, summary: summary,
                           terms: Array(terms.prefix(10)), notes: notes)
    }

    private func title(_ i: Int32) -> String { Int(i) < catalog.count ? catalog[i].title : "item \(i)" }
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

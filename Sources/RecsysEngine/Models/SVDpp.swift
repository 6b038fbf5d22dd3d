import Foundation

/// SVD++: biased matrix factorization with an implicit-feedback term (Koren 2008), by SGD.
///
/// The estimate adds to the user factors the normalized sum of the implicit factors y_j of the
/// items N(u) the user rated:
///
///     r̂_ui = μ + b_u + b_i + q_i · (p_u + |N(u)|^-½ Σ_{j∈N(u)} y_j)
///
/// Per rating (as Surprise's `SVDpp`), with e = r_ui − r̂_ui and z = |N(u)|^-½ Σ y_j:
///
///     b_u += γ(e − λb_u)   b_i += γ(e − λb_i)   p_u += γ(e q_i − λp_u)
///     q_i += γ(e (p_u + z) − λq_i)              y_j += γ(e |N(u)|^-½ q_i − λy_j)  for all j ∈ N(u)
///
/// Ratings are visited user by user (users and each user's ratings in a seeded random order).
/// The y_j update touches |N(u)| rows per rating, which makes a naive loop O(Σ_u |N(u)|²·k).
/// Here it is applied lazily and exactly: within one user's ratings every y_j (j ∈ N(u)) evolves
/// as y_j = D·y_j⁰ + A with a shared decay D = Π(1 − γλ) and a shared accumulator
/// A ← (1 − γλ)A + γe|N(u)|^-½ q_i, so z = D·z⁰ + |N(u)|^½·A costs O(k) per rating and the rows
/// y_j are written once per user visit. Same updates, O(ratings·k) per epoch.
///
/// Defaults are Surprise's (20 factors, 20 epochs, γ = 0.007, λ = 0.02) except the initial
/// spread, N(0, 0.05) instead of N(0, 0.1): the user's effective vector p_u + z starts as the sum
/// of two random vectors, so halving each keeps its initial noise near plain SVD's.
///
/// Fold-in: z from the profile's items, then (b_u, p_u) by ridge regression against the fixed
/// item parameters (see `BiasedFactorModel.foldIn`).
public final class SVDppRecommender: BiasedFactorRecommender, @unchecked Sendable {
    public static let name = "svdpp"
    public static let summary = "SVD++: matrix factorization with implicit feedback (Koren 2008)"
    public static let parameterSpecs: [ParameterSpec] = factorSpecs(
        factors: "20", lr: "0.007", regHelp: "λ: L2 regularization of all parameters",
        ordering: [
            ParameterSpec("shuffle", .flag, default: "true",
                          "visit users and their ratings in a seeded random order each epoch (false: data order)"),
        ])

    public let parameters: Parameters
    var model = BiasedFactorModel()
    var users = FactorTable()
    var implicitFactors = FactorTable()
    /// z_u of every training user after fitting.
    var userImplicit = FactorTable()

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        let sgd = sgdSettings(), k = sgd.k, epochs = sgd.epochs, lr = sgd.lr, reg = sgd.reg
        var (rng, bias, p, q) = sgdStart(data, sgd, seed: context.seed, stream: 0x5356_4450)
        var y = FactorTable(rows: m.itemCount, factors: k)
        y.randomize(mean: sgd.mean, std: sgd.std, rng: &rng)
        let lanes = p.lanes, mu = bias.globalMean
        let keep = 1 - lr * reg
        var order = [Int32](repeating: 0, count: m.count)
        for epoch in 0..<epochs {
            try context.checkCancelled()
            let shuffle = parameters.bool("shuffle")
            let userOrder = shuffle ? seededPermutation(m.userCount, rng: &rng) : (0..<m.userCount).map { Int32($0) }
            // A within-row permutation of each user's ratings.
            for u in 0..<m.userCount {
                let s = m.rowStart[u], n = m.rowStart[u + 1] - s
                for t in 0..<n { order[s + t] = Int32(s + t) }
                if shuffle && n > 1 {
                    for t in stride(from: n - 1, to: 0, by: -1) { order.swapAt(s + t, s + rng.nextInt(t + 1)) }
                }
            }
            var sse: Double = 0
            p.values.withUnsafeMutableBufferPointer { pb in
            q.values.withUnsafeMutableBufferPointer { qb in
            y.values.withUnsafeMutableBufferPointer { yb in
            bias.userBias.withUnsafeMutableBufferPointer { BU in
            bias.itemBias.withUnsafeMutableBufferPointer { BI in
            m.rowItems.withUnsafeBufferPointer { I in
            m.rowRatings.withUnsafeBufferPointer { R in
            order.withUnsafeBufferPointer { O in
                let P = pb.baseAddress!, Q = qb.baseAddress!, Y = yb.baseAddress!
                var z0 = [SIMD8<Float>](repeating: .zero, count: lanes)
                var acc = [SIMD8<Float>](repeating: .zero, count: lanes)
                var z = [SIMD8<Float>](repeating: .zero, count: lanes)
                for uu in userOrder {
                    let u = Int(uu)
                    let start = m.rowStart[u], end = m.rowStart[u + 1]
                    let n = end - start
                    if n == 0 { continue }
                    let s = 1 / Float(n).squareRoot(), sqrtN = Float(n).squareRoot()
                    for l in 0..<lanes { z0[l] = .zero; acc[l] = .zero }
                    for pos in start..<end {
                        let yj = Y + Int(I[pos]) * lanes
                        for l in 0..<lanes { z0[l] += yj[l] }
                    }
                    for l in 0..<lanes { z0[l] *= s }
                    var decay: Float = 1
                    let pu = P + u * lanes
                    for t in start..<end {
                        let pos = Int(O[t])
                        let i = Int(I[pos])
                        let qi = Q + i * lanes
                        var d = SIMD8<Float>.zero
                        for l in 0..<lanes {
                            z[l] = decay * z0[l] + sqrtN * acc[l]
                            d += qi[l] * (pu[l] + z[l])
                        }
                        let e = R[pos] - (mu + BU[u] + BI[i] + d.sum())
                        sse += Double(e * e)
                        BU[u] += lr * (e - reg * BU[u])
                        BI[i] += lr * (e - reg * BI[i])
                        let le = lr * e, les = lr * e * s
                        for l in 0..<lanes {
                            let pv = pu[l], qv = qi[l]
                            pu[l] = keep * pv + le * qv
                            qi[l] = keep * qv + le * (pv + z[l])
                            acc[l] = keep * acc[l] + les * qv
                        }
                        decay *= keep
                    }
                    for pos in start..<end {
                        let yj = Y + Int(I[pos]) * lanes
                        for l in 0..<lanes { yj[l] = decay * yj[l] + acc[l] }
                    }
                }
            }}}}}}}}
            reportEpoch(epoch, of: epochs, sse: sse, ratings: m.count, context: context)
        }
        for i in 0..<m.itemCount where bias.itemCount[i] == 0 { y.zeroRow(i) }
        (model, users) = fitted(bias: bias, q: q, p: p, ratings: m, reg: reg)
        implicitFactors = y
        var zs = FactorTable(rows: m.userCount, factors: k)
        for u in 0..<m.userCount {
            let v = implicitVector(Array(m.row(Int32(u)).items))
            for l in 0..<lanes { zs.values[u * lanes + l] = v[l] }
        }
        userImplicit = zs
    }

    /// z = |N|^-½ Σ_{j ∈ N} y_j over the known items of a profile.
    func implicitVector(_ items: [Int32]) -> [SIMD8<Float>] {
        let lanes = implicitFactors.lanes
        var z = [SIMD8<Float>](repeating: .zero, count: lanes)
        var n = 0
        for j in items where model.biases.knows(j) {
            n += 1
            for l in 0..<lanes { z[l] += implicitFactors.values[Int(j) * lanes + l] }
        }
        if n > 0 {
            let s = 1 / Float(n).squareRoot()
            for l in 0..<lanes { z[l] *= s }
        }
        return z
    }

    func trainedImplicit(_ u: Int) -> [SIMD8<Float>]? { userImplicit.row(u) }

    func foldInImplicit(_ items: [Int32]) -> [SIMD8<Float>]? { implicitVector(items) }

    func annotate(_ explanation: inout Explanation, profile: Profile) {
        explanation.formula = "r̂_ui = μ + b_u + b_i + Σ_f (p_uf + |N(u)|^−½ Σ_j y_jf) q_if"
        explanation.notes.append(.implicitFactors(count: profile.count))
    }
}

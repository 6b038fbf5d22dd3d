import Foundation

/// EASE: an embarrassingly shallow autoencoder with a closed-form solution (Steck 2019).
///
/// With the binary user × item matrix X (1 where the user rated the item), the
/// item × item weights are
///
///     P = (XᵀX + λI)⁻¹,   B = I − P · diagMat(1 ⊘ diag(P)),
///
/// i.e. B_ij = −P_ij / P_jj off the diagonal and B_jj = 0 (an item may not
/// predict itself): B says which films are *rated together*. A profile enters as a signed query
/// row x, x_j = w_j ∈ [−1, 1] from the `feedback` rule (see `Feedback`), and scores every item as
///
///     s = x · B,   s_i = Σ_{j ∈ profile} w_j B_ji,
///
/// so a liked film raises the films B links it to and a disliked one lowers them
/// (`feedback=binary`, w_j = 1, is Steck's formula). Training users are scored from their rows in
/// the same way, so fold-in is exact and costs O(|profile| · n). The Gram matrix stays the binary
/// co-occurrence XᵀX: which films are rated together is a fact about the catalog, not a preference.
///
/// The inverse is a dense n × n problem (n³ flops, 4n² bytes per matrix), so on
/// catalogs larger than `max_items` the model is restricted to the `max_items`
/// most rated items; the others score below every kept item, and explanations
/// say so.
///
/// Parameters:
/// - `lambda` (default 500): the L2 penalty λ; larger shrinks B towards 0.
///   Steck reports 200–1000 as good on MovieLens-sized data.
/// - `max_items` (default 20000): the largest dense catalog solved whole (20000² floats = 1.6 GB;
///   a 10,000-film MovieLens-latest catalog takes 400 MB). The fit's memory budget caps it further at
///   √(budget / 4) (one n × n matrix: the inverse is formed in place; `MemoryBudget`), and `fitLimits` reports
///   the cap in force and its cause. Restricting a catalog costs NDCG: the
///   left-out items can never be recommended (docs/defaults.md).
///
/// Complexity: fit O(Σ_u |I_u|² + n³) time and 4n² bytes (G is inverted in place and becomes B);
/// scores O(|profile| · n).
public final class EASERecommender: Recommender, @unchecked Sendable {
    public static let name = "ease"
    public static let summary = "EASE (Steck 2019): closed-form item-item weights B from (XᵀX + λI)⁻¹"
    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("lambda", .real(0.001...10_000_000), default: "500", "L2 penalty λ on the item-item weights"),
        ParameterSpec("max_items", .integer(2...50_000), default: "20000",
                      "largest catalog solved densely; beyond it, only the most rated items are kept"),
        FeedbackRule.parameterSpec,
    ]

    public let parameters: Parameters
    var catalog = Catalog(items: [])
    var fallback = RatingFallback()
    /// Catalog item → row of B, or −1 when the item was left out.
    var local: [Int32] = []
    /// Row of B → catalog item.
    var kept: [Int32] = []
    /// B, n × n, row-major with `ld` floats per row.
    var weights: [Float] = []
    var ld = 0
    var itemCount = 0
    var restriction: (kept: Int, total: Int)?
    /// What set the item cap: `max_items` or the memory budget.
    var limitCause = FitLimit.Cause.parameter("max_items")
    var feedback = Feedback(.standard, scale: .wholeStars)

    public init(parameters: Parameters = Parameters()) throws {
        self.parameters = try parameters.resolved(for: Self.name, specs: Self.parameterSpecs)
    }

    /// Items the dense model covers (all of them unless the catalog exceeded `max_items`).
    public var coveredItems: Int { kept.count }

    /// The item cap when the catalog was restricted: "20,000 most-rated of 62,423 films".
    public var fitLimits: [FitLimit] {
        restriction.map { [FitLimit(kind: .itemCap, kept: $0.kept, total: $0.total, cause: limitCause)] } ?? []
    }

    public func fit(_ data: Dataset, context: FitContext) throws {
        let m = data.ratings
        let lambda = parameters.float("lambda")
        // The dense solve holds one n × n Float matrix (G, inverted in place, becomes B): n is
        // capped by the memory budget too.
        let budgetItems = MemoryBudget.denseItems(budget: context.memoryBudget, matrices: 1)
        let maxItems = max(2, min(parameters.int("max_items"), budgetItems))
        limitCause = budgetItems < parameters.int("max_items") ? .memoryBudget(context.memoryBudget) : .parameter("max_items")
        catalog = data.catalog
        itemCount = m.itemCount
        fallback = RatingFallback(m, scale: data.scale)
        feedback = Feedback(parameters: parameters, scale: data.scale)

        // Which items: all, or the most rated `maxItems`.
        if m.itemCount <= maxItems {
            kept = (0..<Int32(m.itemCount)).map { $0 }
            restriction = nil
        } else {
            let order = (0..<Int32(m.itemCount)).sorted {
                let a = m.columnCount($0), b = m.columnCount($1)
                return a != b ? a > b : $0 < $1
            }
            kept = Array(order.prefix(maxItems)).sorted()
            restriction = (maxItems, m.itemCount)
        }
        local = [Int32](repeating: -1, count: m.itemCount)
        for (k, i) in kept.enumerated() { local[Int(i)] = Int32(k) }
        let n = kept.count
        context.progress(FitProgress(fraction: 0.05, message: "gram matrix \(n)×\(n)"))
        try context.checkCancelled()

        // G = XᵀX (lower triangle), rows split between workers so that writes never collide.
        var g = DenseMatrix(rows: n, columns: n)
        let stride = g.stride
        let threads = context.threads
        let localMap = local
        g.storage.withUnsafeMutableBufferPointer { buf in
            let gp = SendablePointer(buf.baseAddress!)
            let parts = max(1, min(threads, n))
            parallelFor(parts, threads: threads) { part in
                let lo = n * part / parts, hi = n * (part + 1) / parts
                var rowLocal: [Int32] = []
                for u in 0..<m.userCount {
                    rowLocal.removeAll(keepingCapacity: true)
                    for i in m.row(Int32(u)).items {
                        let l = localMap[Int(i)]
                        if l >= 0 { rowLocal.append(l) }
                    }
                    for a in rowLocal where Int(a) >= lo && Int(a) < hi {
                        let row = gp.p + Int(a) * stride
                        for b in rowLocal {
                            if b > a { break }
                            row[Int(b)] += 1
                        }
                    }
                }
            }
        }
        for j in 0..<n { g[j, j] += lambda }
        context.progress(FitProgress(fraction: 0.2, message: "inverse (blocked Cholesky)"))
        try context.checkCancelled()
        try invertSymmetricPositiveDefinite(&g, threads: threads)
        try context.checkCancelled()

        // B = −P / diag(P) by column, zero diagonal.
        var diag = [Float](repeating: 0, count: n)
        for j in 0..<n { diag[j] = g[j, j] }
        g.storage.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            var negInv = [Float](repeating: 0, count: stride)
            for j in 0..<n { negInv[j] = -1 / diag[j] }
            for i in 0..<n {
                let row = p + i * stride
                for j in 0..<n { row[j] *= negInv[j] }
                row[i] = 0
            }
        }
        weights = g.storage
        ld = stride
        context.progress(FitProgress(fraction: 1, message: "B ready"))
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        fallback.predict(profile, items: items)
    }

    /// s_j = Σ_{i ∈ profile} w_i B_ij over the kept items; left-out items score just below the lowest kept one.
    public func scores(_ profile: Profile) -> [Float] {
        guard !profile.isEmpty, !kept.isEmpty else { return fallback.popularity }
        let n = kept.count
        var acc = [Float](repeating: 0, count: ld)
        var any = false
        let signals = feedback.signals(profile)
        weights.withUnsafeBufferPointer { w in
            acc.withUnsafeMutableBufferPointer { a in
                for x in signals where x.item >= 0 && Int(x.item) < local.count && x.weight != 0 {
                    let l = local[Int(x.item)]
                    if l < 0 { continue }
                    any = true
                    axpy8(x.weight, w.baseAddress! + Int(l) * ld, a.baseAddress!, ld / 8)
                }
            }
        }
        guard any else { return fallback.popularity }
        if !signals.contains(where: \.isLike) {
            // No like: nothing pulls a film up, so kept films rank by popularity (a share below 10⁻⁴)
            // minus what the dislikes hold down.
            let top = (fallback.popularity.max() ?? 0) + 1
            for k in 0..<n { acc[k] += 1e-4 * fallback.popularity[Int(kept[k])] / top }
        }
        if n == itemCount { return Array(acc[0..<n]) }
        var low = Float.infinity
        for k in 0..<n { low = min(low, acc[k]) }
        var out = [Float](repeating: low - 1, count: itemCount)
        // Left-out items keep their popularity order below every kept item.
        let maxPop = fallback.popularity.max() ?? 1
        for i in 0..<itemCount where local[i] < 0 { out[i] = low - 1 - (1 - fallback.popularity[i] / (maxPop + 1)) }
        for (k, i) in kept.enumerated() { out[Int(i)] = acc[k] }
        return out
    }

    func noLikesPopularity(_ i: Int) -> Float {
        1e-4 * fallback.popularity[i] / ((fallback.popularity.max() ?? 0) + 1)
    }

    /// Items j with the largest B_item,j: what liking `item` raises most.
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        guard Int(item) >= 0, Int(item) < local.count, local[Int(item)] >= 0 else { return [] }
        let row = Int(local[Int(item)]) * ld
        let n = kept.count
        let s = Array(weights[row..<(row + n)])
        return topK(s, k: count) { $0 != local[Int(item)] }.map { ScoredItem(item: kept[Int($0.item)], score: $0.score) }
    }

    /// One term w_j B_j,item per rated item j: a like's weight as it is, a dislike's with its sign flipped.
    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        guard !profile.isEmpty else { return fallback.coldStart(algorithm: Self.name, item: item) }
        guard Int(item) >= 0, Int(item) < local.count else { return .unknown(Self.name, item: item) }
        var notes: [Explanation.Note] = restriction.map { [.restricted(kept: $0.kept, total: $0.total)] } ?? []
        let li = Int(local[Int(item)])
        guard li >= 0 else {
            notes.append(.outsideCoverage(kept: kept.count))
            var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                                formula: "score(i) = Σ_j w_j B_ji", notes: notes)
            e.closeWithRemainder()
            return e
        }
        var terms: [Explanation.Term] = []
        for x in feedback.signals(profile) where Int(x.item) < local.count && x.item >= 0 && local[Int(x.item)] >= 0 {
            let b = weights[Int(local[Int(x.item)]) * ld + li]
            if b != 0 && x.weight != 0 { terms.append(.rated(x, value: x.weight * b, weight: b)) }
        }
        if !feedback.signals(profile).contains(where: \.isLike) {
            notes.append(.noLikes)
            terms.append(.init(kind: .popularity, value: noLikesPopularity(Int(item)), item: item,
                               count: Int(fallback.popularity[Int(item)])))
        }
        var e = Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                            formula: "score(i) = Σ_j w_j B_ji", terms: terms, notes: notes + feedback.notes)
        e.closeWithRemainder()
        return e
    }

    private func title(_ i: Int32) -> String { Int(i) < catalog.count ? catalog[i].title : "item \(i)" }
}

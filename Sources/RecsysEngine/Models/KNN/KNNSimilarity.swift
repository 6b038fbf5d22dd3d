import Foundation

/// The similarity measures of the kNN family, computed over the co-rated support of two rows.
///
/// For rows a and b (two items for item-kNN, two users for user-kNN) and the set C of
/// "others" both rated (users for item-kNN), with transformed values x and y:
///
/// - `cosine`:            Σxy / √(Σx² Σy²)                 on raw ratings
/// - `adjusted-cosine`:   the same on ratings minus the other side's mean
///                        (item-kNN: r_ui − μ_u; user-kNN: r_ui − μ_i)
/// - `pearson`:           (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)) on raw ratings
/// - `pearson-baseline`:  Σxy / √(Σx² Σy²) on residuals r − b_ui, shrunk by (n − 1)/(n − 1 + shrinkage)
/// - `msd`:               1 / (1 + Σ(x − y)²/n)            (mean squared difference)
/// - `jaccard`:           n / (|a| + |b| − n)
///
/// with n = |C|. Pairs with n < min support get similarity 0 (as Surprise).
public enum KNNSimilarity: String, CaseIterable, Sendable {
    case cosine
    case adjustedCosine = "adjusted-cosine"
    case pearson
    case pearsonBaseline = "pearson-baseline"
    case msd
    case jaccard
}

/// How top-N interactions are weighted before item–item similarities are summed (as implicit's
/// `CosineRecommender`, `TFIDFRecommender`, `BM25Recommender`).
///
/// With binary interactions, for item i and user u (N = number of items, n_u = items u rated):
/// - `none`:  w = 1, rows L2-normalized (cosine)
/// - `tfidf`: w = idf_u = ln N − ln(1 + n_u), rows L2-normalized
/// - `bm25`:  w = (K1 + 1) / (K1·((1 − B) + B·|U_i|/avg|U|) + 1) · idf_u, not normalized
public enum KNNWeighting: String, CaseIterable, Sendable {
    case none, tfidf, bm25
}

/// Top neighbours of every row, best first, in CSR form.
struct NeighbourLists: Sendable {
    var start: [Int] = [0]
    var index: [Int32] = []
    var sim: [Float] = []

    var rows: Int { start.count - 1 }

    func neighbours(_ a: Int) -> (index: ArraySlice<Int32>, sim: ArraySlice<Float>) {
        guard a >= 0, a < rows else { return ([], []) }
        return (index[start[a]..<start[a + 1]], sim[start[a]..<start[a + 1]])
    }

    init() {}

    init(rows: [[(Int32, Float)]]) {
        start = [0]
        start.reserveCapacity(rows.count + 1)
        for r in rows {
            for (i, s) in r { index.append(i); sim.append(s) }
            start.append(index.count)
        }
    }
}

/// One side of the rating matrix seen as sparse rows (items for item-kNN: the CSC view) and the
/// transposed side, with the transformed values the chosen similarity needs.
struct KNNSides: Sendable {
    /// Rows being compared ("a" and "b").
    var rowStart: [Int]
    var rowOther: [Int32]
    var rowValue: [Float]
    /// The transposed view: for each other, the rows it touches.
    var otherStart: [Int]
    var otherRow: [Int32]
    var otherValue: [Float]
    /// Per-entry top-N interaction weights aligned with `otherRow` (empty when not needed).
    var otherWeight: [Float] = []
    /// Per-row norms of the top-N weights (1 when not normalized).
    var rowWeightNorm: [Float] = []
    /// Empty, or the row each number in `otherRow` stands for when the rows were renumbered by
    /// popularity for the accumulator's sake (`renumberedByPopularity`). Only `otherRow` and the
    /// accumulator use the numbers; every other per-row array is indexed by row.
    var renumbered: [Int32] = []
}

/// What to compute in one pass over the co-rating structure.
struct KNNSimilarityJob: Sendable {
    var kind: KNNSimilarity
    var shrinkage: Float
    var minSupport: Int
    /// Rating-similarity neighbours kept per row (positive similarities only).
    var keep: Int
    /// Top-N neighbours kept per row (0: none). Self is a candidate, as implicit's all-pairs kNN.
    var topNKeep: Int
}

/// The sums kept for one candidate row b while row a is accumulated (one cache line).
struct KNNSums {
    var n: Double = 0
    var sxy: Double = 0
    var sxx: Double = 0
    var syy: Double = 0
    var sx: Double = 0
    var sy: Double = 0
    var sw: Double = 0
}

/// Reusable per-thread accumulators for computing one row of similarities.
///
/// The compact form keeps (n, Σxy, Σx², Σy²) per row as four Floats (16 bytes) and, when top-N
/// weights are asked, Σ w_a·w_b in a second Float array: 20 bytes a row instead of 56, so item-knn's
/// accumulator on 62,000 films (1.2 MB) stays in a core's 2 MB L2 cache, where the Double sums
/// (3.5 MB) did not. It serves every similarity but pearson, which needs Σx and Σy too (the full
/// Double sums). Float sums differ from Double ones in the 6th–7th significant digit (a test bounds
/// the difference); the order of additions, and so the result, never depends on threads.
struct KNNAccumulator {
    var sums: [KNNSums] = []
    var quad: [SIMD4<Float>] = []
    var weightSums: [Float] = []
    /// The rows met since the last reset, in the order first met: the first `touchedCount` entries
    /// (a buffer of one slot per row, so the inner loop stores without an append's checks).
    private var touchedRows: [Int32]
    private(set) var touchedCount = 0
    let compact: Bool

    var touched: ArraySlice<Int32> { touchedRows[0..<touchedCount] }

    /// The full Double sums (every similarity, top-N weights included).
    init(rows: Int) {
        sums = [KNNSums](repeating: KNNSums(), count: rows)
        touchedRows = [Int32](repeating: 0, count: rows)
        compact = false
    }

    /// An accumulator for `job`: compact unless its similarity is pearson.
    init(rows: Int, job: KNNSimilarityJob) {
        touchedRows = [Int32](repeating: 0, count: rows)
        compact = job.kind != .pearson
        if compact {
            quad = [SIMD4<Float>](repeating: .zero, count: rows)
            if job.topNKeep > 0 { weightSums = [Float](repeating: 0, count: rows) }
        } else {
            sums = [KNNSums](repeating: KNNSums(), count: rows)
        }
    }

    /// Accumulates row a, given as (other, x, weight) entries, against every row that shares an other.
    ///
    /// Complexity: O(Σ_{o ∈ a} |rows of o|).
    mutating func accumulate<S: Sequence>(_ entries: S, sides: KNNSides, topN: Bool)
        where S.Element == (Int32, Float, Float) {
        let hasWeights = topN && !sides.otherWeight.isEmpty
        if compact {
            accumulateCompact(entries, sides: sides, weights: hasWeights && !weightSums.isEmpty)
            return
        }
        let otherCount = sides.otherStart.count - 1
        var count = touchedCount
        defer { touchedCount = count }
        sides.otherStart.withUnsafeBufferPointer { starts in
        sides.otherRow.withUnsafeBufferPointer { rows in
        sides.otherValue.withUnsafeBufferPointer { values in
        sides.otherWeight.withUnsafeBufferPointer { weights in
        touchedRows.withUnsafeMutableBufferPointer { touched in
        sums.withUnsafeMutableBufferPointer { acc in
            for (o, xa, wa) in entries {
                let oi = Int(o)
                guard oi >= 0, oi < otherCount else { continue }
                let xd = Double(xa), xx = xd * xd, wd = Double(wa)
                for p in starts[oi]..<starts[oi + 1] {
                    let b = Int(rows[p])
                    let yb = Double(values[p])
                    if acc[b].n == 0 { touched[count] = Int32(b); count += 1 }
                    acc[b].n += 1
                    acc[b].sxy += xd * yb
                    acc[b].sxx += xx
                    acc[b].syy += yb * yb
                    acc[b].sx += xd
                    acc[b].sy += yb
                    if hasWeights { acc[b].sw += wd * Double(weights[p]) }
                }
            }
        }}}}}}
    }

    /// The compact inner loop: one 16-byte vector add per co-rating (and one Float multiply-add for
    /// the top-N weight), the loops split so neither tests `weights` per co-rating.
    private mutating func accumulateCompact<S: Sequence>(_ entries: S, sides: KNNSides, weights withWeights: Bool)
        where S.Element == (Int32, Float, Float) {
        let otherCount = sides.otherStart.count - 1
        var count = touchedCount
        defer { touchedCount = count }
        sides.otherStart.withUnsafeBufferPointer { starts in
        sides.otherRow.withUnsafeBufferPointer { rows in
        sides.otherValue.withUnsafeBufferPointer { values in
        sides.otherWeight.withUnsafeBufferPointer { weights in
        touchedRows.withUnsafeMutableBufferPointer { touched in
        quad.withUnsafeMutableBufferPointer { acc in
        weightSums.withUnsafeMutableBufferPointer { ws in
            for (o, xa, wa) in entries {
                let oi = Int(o)
                guard oi >= 0, oi < otherCount else { continue }
                let xx = xa * xa
                let lo = starts[oi], hi = starts[oi + 1]
                if withWeights {
                    for p in lo..<hi {
                        let b = Int(rows[p])
                        let y = values[p]
                        if acc[b][0] == 0 { touched[count] = Int32(b); count += 1 }
                        acc[b] += SIMD4(1, xa * y, xx, y * y)
                        ws[b] += wa * weights[p]
                    }
                } else {
                    for p in lo..<hi {
                        let b = Int(rows[p])
                        let y = values[p]
                        if acc[b][0] == 0 { touched[count] = Int32(b); count += 1 }
                        acc[b] += SIMD4(1, xa * y, xx, y * y)
                    }
                }
            }
        }}}}}}}
    }

    /// Σ w_a·w_b of the accumulated row with row b (0 when top-N weights were not accumulated).
    func weightSum(_ b: Int) -> Double {
        if compact { return weightSums.isEmpty ? 0 : Double(weightSums[b]) }
        return sums[b].sw
    }

    /// The similarity of the accumulated row with row b.
    func similarity(_ b: Int, kind: KNNSimilarity, shrinkage: Float, minSupport: Int, lenA: Int, lenB: Int) -> Float {
        let t: KNNSums
        if compact {
            let q = quad[b]
            t = KNNSums(n: Double(q[0]), sxy: Double(q[1]), sxx: Double(q[2]), syy: Double(q[3]))
        } else {
            t = sums[b]
        }
        let c = Int(t.n)
        guard c >= max(1, minSupport) else { return 0 }
        let nn = t.n
        var s: Double
        switch kind {
        case .cosine, .adjustedCosine:
            let d = (t.sxx * t.syy).squareRoot()
            s = d > 0 ? t.sxy / d : 0
        case .pearson:
            let num = nn * t.sxy - t.sx * t.sy
            let d = (nn * t.sxx - t.sx * t.sx) * (nn * t.syy - t.sy * t.sy)
            s = d > 0 ? num / d.squareRoot() : 0
        case .pearsonBaseline:
            let d = (t.sxx * t.syy).squareRoot()
            s = d > 0 ? t.sxy / d : 0
            s *= (nn - 1) / (nn - 1 + Double(shrinkage))
        case .msd:
            let msd = max(0, t.sxx + t.syy - 2 * t.sxy) / nn
            s = 1 / (1 + msd)
        case .jaccard:
            let u = Double(lenA + lenB - c)
            s = u > 0 ? nn / u : 0
        }
        return s.isFinite ? Float(s) : 0
    }

    mutating func reset() {
        if compact {
            for b in touched { quad[Int(b)] = .zero }
            if !weightSums.isEmpty { for b in touched { weightSums[Int(b)] = 0 } }
            touchedCount = 0
            return
        }
        for b in touched { sums[Int(b)] = KNNSums() }
        touchedCount = 0
    }
}

/// Top-N interaction weights for binary interactions, in both views.
///
/// Rows (items for item-kNN) are described by `rowStart`/`rowOther`, the transposed view by
/// `otherStart`/`otherRow`. Returns the weight of every entry of each view, and the L2 norm of
/// each row's weights (1 for BM25, which is not normalized).
func interactionWeights(rowStart: [Int], rowOther: [Int32], otherStart: [Int], otherRow: [Int32],
                        weighting: KNNWeighting, k1: Float, b: Float)
    -> (rowWeights: [Float], otherWeights: [Float], norms: [Float]) {
    let rows = rowStart.count - 1
    let nRows = Double(max(rows, 1))
    let avgLen = rows > 0 ? Double(rowOther.count) / nRows : 1
    func weight(row a: Int, other o: Int) -> Float {
        let idf = log(nRows) - log1p(Double(otherStart[o + 1] - otherStart[o]))
        switch weighting {
        case .none: return 1
        case .tfidf: return Float(idf)
        case .bm25:
            let len = Double(rowStart[a + 1] - rowStart[a])
            let lengthNorm = (1 - Double(b)) + Double(b) * len / max(avgLen, 1e-12)
            return Float((Double(k1) + 1) / (Double(k1) * lengthNorm + 1) * idf)
        }
    }
    var rw = [Float](repeating: 1, count: rowOther.count)
    var norms = [Float](repeating: 1, count: rows)
    for a in 0..<rows {
        var ss: Double = 0
        for p in rowStart[a]..<rowStart[a + 1] {
            let v = weight(row: a, other: Int(rowOther[p]))
            rw[p] = v
            ss += Double(v) * Double(v)
        }
        if weighting != .bm25 { norms[a] = Float(ss.squareRoot()) }
    }
    var ow = [Float](repeating: 1, count: otherRow.count)
    for o in 0..<(otherStart.count - 1) {
        for p in otherStart[o]..<otherStart[o + 1] { ow[p] = weight(row: Int(otherRow[p]), other: o) }
    }
    return (rw, ow, norms)
}

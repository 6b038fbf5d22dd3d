import Foundation

/// Exact maximum-inner-product top-K: scores every item, keeps the best `k`.
///
/// `score(q, i) = q · v_i`, computed with 8-wide SIMD multiply–adds over the
/// padded rows of an `EmbeddingTable`. One query is split into contiguous item
/// ranges, one per worker (both cores), whose partial top-K lists are merged;
/// many queries are spread over the workers in blocks of four (see `search(queries:)`).
///
/// Complexity: O(n·d) per query for n items of dimension d, plus O(n log k) for
/// the heap in the worst case (O(n) typically, most scores are rejected at the root).
/// The reference against which `IVFIndex`'s recall is measured.
public struct BruteForceIndex: TopKIndex {
    public let items: EmbeddingTable
    /// Workers for a single query (many-query searches take theirs as an argument).
    public var threads: Int
    /// Below this many items a single query runs on one worker (the split costs more than it saves).
    public var parallelThreshold = 20_000

    public var count: Int { items.count }
    public var dimension: Int { items.dimension }

    /// - Parameters:
    ///   - items: one vector per item, row `i` is item `i`.
    ///   - threads: workers for one query (default 2: both cores of the target machine).
    public init(items: EmbeddingTable, threads: Int = 2) {
        self.items = items
        self.threads = max(1, threads)
    }

    public func search(_ query: [Float], k: Int, excluding: [Int32]) -> [ScoredItem] {
        let q = items.lanes(of: query)
        let ex = ExclusionList(excluding)
        let n = items.count
        let workers = n >= parallelThreshold ? min(threads, n) : 1
        if workers <= 1 { return scan(q, range: 0..<n, k: k, excluding: ex) }
        let parts = UnsafeMutablePointer<[ScoredItem]>.allocate(capacity: workers)
        parts.initialize(repeating: [], count: workers)
        defer { parts.deinitialize(count: workers); parts.deallocate() }
        let out = SendablePointer(parts)
        servingParallel(chunks: workers, threads: workers) { w in
            let lo = n * w / workers, hi = n * (w + 1) / workers
            out.p[w] = scan(q, range: lo..<hi, k: k, excluding: ex)
        }
        return BoundedTopK.merge(Array(UnsafeBufferPointer(start: parts, count: workers)), k: k)
    }

    /// Many queries, answered four at a time: each item vector is loaded once per block
    /// of four queries (a blocked matrix–matrix product), which cuts memory traffic
    /// fourfold when the catalog does not fit in cache. Each score is accumulated in the
    /// same order as `simdDot`, so results equal one-at-a-time `search` bit for bit.
    public func search(queries: EmbeddingTable, k: Int, excluding: [[Int32]] = [],
                       threads: Int = 2) -> [[ScoredItem]] {
        precondition(queries.dimension == dimension, "queries of dimension \(queries.dimension), index \(dimension)")
        precondition(excluding.isEmpty || excluding.count == queries.count, "one exclusion list per query")
        var results = [[ScoredItem]](repeating: [], count: queries.count)
        let blocks = (queries.count + 3) / 4
        results.withUnsafeMutableBufferPointer { buf in
            let out = SendablePointer(buf.baseAddress!)
            servingParallel(chunks: blocks, threads: threads) { b in
                let lo = b * 4, hi = min(queries.count, lo + 4)
                let exs = (lo..<hi).map { ExclusionList(excluding.isEmpty ? [] : excluding[$0]) }
                let found = scanBlock(queries, rows: lo..<hi, k: k, excluding: exs)
                for (j, r) in found.enumerated() { out.p[lo + j] = r }
            }
        }
        return results
    }

    /// Up to four queries against every item; one heap per query.
    func scanBlock(_ queries: EmbeddingTable, rows: Range<Int>, k: Int, excluding: [ExclusionList]) -> [[ScoredItem]] {
        let lanes = items.lanes, n = items.count, m = rows.count
        var tops = (0..<m).map { _ in BoundedTopK(k: k) }
        // Pad the block to four queries (repeating the last) so the inner loop has no branches.
        var q = [SIMD8<Float>]()
        q.reserveCapacity(4 * lanes)
        for j in 0..<4 {
            let r = rows.lowerBound + min(j, m - 1)
            q.append(contentsOf: queries.storage[(r * lanes)..<((r + 1) * lanes)])
        }
        q.withUnsafeBufferPointer { qb in
            items.storage.withUnsafeBufferPointer { s in
                guard let base = s.baseAddress, let qp = qb.baseAddress else { return }
                let q0 = qp, q1 = qp + lanes, q2 = qp + 2 * lanes, q3 = qp + 3 * lanes
                for i in 0..<n {
                    let x = base + i * lanes
                    var a0 = SIMD8<Float>(), b0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b1 = SIMD8<Float>()
                    var a2 = SIMD8<Float>(), b2 = SIMD8<Float>(), a3 = SIMD8<Float>(), b3 = SIMD8<Float>()
                    var j = 0
                    while j + 1 < lanes {
                        let x0 = x[j], x1 = x[j + 1]
                        a0 += q0[j] * x0; b0 += q0[j + 1] * x1
                        a1 += q1[j] * x0; b1 += q1[j + 1] * x1
                        a2 += q2[j] * x0; b2 += q2[j + 1] * x1
                        a3 += q3[j] * x0; b3 += q3[j + 1] * x1
                        j += 2
                    }
                    if j < lanes {
                        let x0 = x[j]
                        a0 += q0[j] * x0; a1 += q1[j] * x0; a2 += q2[j] * x0; a3 += q3[j] * x0
                    }
                    let item = Int32(truncatingIfNeeded: i)
                    let scores = ((a0 + b0).sum(), (a1 + b1).sum(), (a2 + b2).sum(), (a3 + b3).sum())
                    if tops[0].admits(scores.0, item) && !excluding[0].contains(item) { tops[0].insert(scores.0, item) }
                    if m > 1 && tops[1].admits(scores.1, item) && !excluding[1].contains(item) {
                        tops[1].insert(scores.1, item)
                    }
                    if m > 2 && tops[2].admits(scores.2, item) && !excluding[2].contains(item) {
                        tops[2].insert(scores.2, item)
                    }
                    if m > 3 && tops[3].admits(scores.3, item) && !excluding[3].contains(item) {
                        tops[3].insert(scores.3, item)
                    }
                }
            }
        }
        return tops.map { $0.sorted() }
    }

    /// Scores items in `range` against padded query `q` and keeps the best `k` not excluded.
    func scan(_ q: [SIMD8<Float>], range: Range<Int>, k: Int, excluding ex: ExclusionList) -> [ScoredItem] {
        var top = BoundedTopK(k: k)
        let lanes = items.lanes
        q.withUnsafeBufferPointer { qb in
            items.storage.withUnsafeBufferPointer { s in
                let qp = qb.baseAddress!
                guard let base = s.baseAddress else { return }
                for i in range {
                    let score = simdDot(qp, base + i * lanes, lanes)
                    let item = Int32(truncatingIfNeeded: i)
                    if top.admits(score, item) && !ex.contains(item) { top.insert(score, item) }
                }
            }
        }
        return top.sorted()
    }
}

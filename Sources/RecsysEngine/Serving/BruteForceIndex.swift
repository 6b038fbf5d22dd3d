import Foundation

/// Exact maximum-inner-product top-K: scores every item, keeps the best `k`.
///
/// `score(q, i) = q · v_i`, computed with 8-wide SIMD multiply–adds over the
/// padded rows of an `EmbeddingTable`. One query is split into contiguous item
/// ranges, one per worker (both cores), whose partial top-K lists are merged;
/// many queries are spread over the workers one query each.
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
        let out = ServingPointer(parts)
        servingParallel(chunks: workers, threads: workers) { w in
            let lo = n * w / workers, hi = n * (w + 1) / workers
            out.p[w] = scan(q, range: lo..<hi, k: k, excluding: ex)
        }
        return BoundedTopK.merge(Array(UnsafeBufferPointer(start: parts, count: workers)), k: k)
    }

    public func search(queries: EmbeddingTable, k: Int, excluding: [[Int32]] = [],
                       threads: Int = 2) -> [[ScoredItem]] {
        precondition(queries.dimension == dimension, "queries of dimension \(queries.dimension), index \(dimension)")
        precondition(excluding.isEmpty || excluding.count == queries.count, "one exclusion list per query")
        var results = [[ScoredItem]](repeating: [], count: queries.count)
        results.withUnsafeMutableBufferPointer { buf in
            let out = ServingPointer(buf.baseAddress!)
            servingParallel(chunks: queries.count, threads: threads) { qi in
                let q = Array(queries.storage[(qi * queries.lanes)..<((qi + 1) * queries.lanes)])
                let ex = ExclusionList(excluding.isEmpty ? [] : excluding[qi])
                out.p[qi] = scan(q, range: 0..<items.count, k: k, excluding: ex)
            }
        }
        return results
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

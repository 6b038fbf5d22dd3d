/// A top-K index over item vectors: the `k` items of largest inner product with a query.
///
/// Retrieval in a two-tower or matrix-factorization model scores an item by
/// `s(q, i) = q · v_i` (maximum inner product search, MIPS). `BruteForceIndex`
/// computes every score; `IVFIndex` only scores items in the few k-means cells
/// most likely to hold the best ones.
///
/// Results are best first; ties are broken by the lower item index, as `topK`.
/// Items in `excluding` (usually what the user already rated) are never returned.
public protocol TopKIndex: Sendable {
    /// Number of indexed items.
    var count: Int { get }
    /// Coordinates per vector.
    var dimension: Int { get }

    /// The `k` items of largest `query · v_i`, best first, skipping `excluding`.
    ///
    /// - Parameters:
    ///   - query: `dimension` floats.
    ///   - k: how many to return (fewer when not enough items are left).
    ///   - excluding: item indices never to return, in any order.
    func search(_ query: [Float], k: Int, excluding: [Int32]) -> [ScoredItem]

    /// `search` for many queries, spread over `threads` workers; result `q` answers `queries` row `q`.
    func search(queries: EmbeddingTable, k: Int, excluding: [[Int32]], threads: Int) -> [[ScoredItem]]
}

extension TopKIndex {
    public func search(_ query: [Float], k: Int) -> [ScoredItem] { search(query, k: k, excluding: []) }
}

/// A set of excluded items for a search: sorted indices, looked up by binary search.
///
/// Looked up only when a candidate would enter the top-K heap, so a long
/// exclusion list costs O(log m) per heap entry, not per scored item.
struct ExclusionList {
    let sorted: [Int32]

    init(_ items: [Int32]) {
        var isSorted = true
        if items.count > 1 {
            for p in 1..<items.count where items[p - 1] > items[p] { isSorted = false; break }
        }
        sorted = isSorted ? items : items.sorted()
    }

    @inline(__always)
    func contains(_ item: Int32) -> Bool {
        if sorted.isEmpty { return false }
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let v = sorted[mid]
            if v == item { return true }
            if v < item { lo = mid + 1 } else { hi = mid }
        }
        return false
    }
}

/// The `k` best (score, item) pairs seen so far: a min-heap whose root is the worst kept.
///
/// "Better" means a higher score, or an equal score and a lower item index, so
/// the result does not depend on the order in which items are offered.
/// Complexity: O(log k) per accepted item, O(1) per rejected one.
struct BoundedTopK {
    let k: Int
    private(set) var heap: [ScoredItem] = []

    init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    @inline(__always)
    static func worse(_ a: ScoredItem, _ b: ScoredItem) -> Bool {
        a.score < b.score || (a.score == b.score && a.item > b.item)
    }

    /// Would `(score, item)` be kept? (Cheap test before the exclusion lookup.)
    @inline(__always)
    func admits(_ score: Float, _ item: Int32) -> Bool {
        if heap.count < k { return k > 0 && !score.isNaN }
        let r = heap[0]
        return score > r.score || (score == r.score && item < r.item)
    }

    /// Keeps `(score, item)` if it is among the best `k`. Call only after `admits`.
    @inline(__always)
    mutating func insert(_ score: Float, _ item: Int32) {
        let c = ScoredItem(item: item, score: score)
        if heap.count < k {
            heap.append(c)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if Self.worse(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
            }
        } else {
            heap[0] = c
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && Self.worse(heap[l], heap[m]) { m = l }
                if r < heap.count && Self.worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// The kept pairs, best first.
    func sorted() -> [ScoredItem] { heap.sorted { Self.worse($1, $0) } }

    /// The best `k` of several partial results, best first.
    static func merge(_ parts: [[ScoredItem]], k: Int) -> [ScoredItem] {
        Array(parts.joined().sorted { worse($1, $0) }.prefix(k))
    }
}

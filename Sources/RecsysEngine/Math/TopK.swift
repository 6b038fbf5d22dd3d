/// An item index with a score.
public struct ScoredItem: Sendable, Equatable {
    public var item: Int32
    public var score: Float

    public init(item: Int32, score: Float) {
        self.item = item
        self.score = score
    }
}

/// Selects the `k` highest scores, best first; ties broken by the lower index (deterministic).
///
/// Uses a bounded min-heap: O(n log k) time, O(k) memory.
/// - Parameters:
///   - scores: one score per item; NaN scores are skipped.
///   - k: how many to keep.
///   - isAllowed: items for which it returns false are skipped.
public func topK(_ scores: [Float], k: Int, where isAllowed: (Int32) -> Bool = { _ in true }) -> [ScoredItem] {
    guard k > 0 else { return [] }
    var heap = [ScoredItem]()
    heap.reserveCapacity(k)
    // "a worse than b": lower score, or equal score and higher index.
    @inline(__always) func worse(_ a: ScoredItem, _ b: ScoredItem) -> Bool {
        a.score < b.score || (a.score == b.score && a.item > b.item)
    }
    func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && worse(heap[l], heap[m]) { m = l }
            if r < heap.count && worse(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
    func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let p = (i - 1) / 2
            if worse(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { return }
        }
    }
    scores.withUnsafeBufferPointer { s in
        for i in 0..<s.count {
            let v = s[i]
            if v.isNaN { continue }
            let cand = ScoredItem(item: Int32(i), score: v)
            if heap.count < k {
                guard isAllowed(Int32(i)) else { continue }
                heap.append(cand)
                siftUp(heap.count - 1)
            } else if worse(heap[0], cand) {
                guard isAllowed(Int32(i)) else { continue }
                heap[0] = cand
                siftDown(0)
            }
        }
    }
    return heap.sorted { worse($1, $0) }
}

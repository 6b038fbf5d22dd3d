import Foundation

/// Best first: higher similarity, then lower index (a total order: indices are unique).
@inline(__always) func neighbourOrder(_ a: (Int32, Float), _ b: (Int32, Float)) -> Bool {
    a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
}

/// Moves the `k` best of `c[0..<count]` to the front, best first, and returns how many that is
/// (min(k, count)). Quickselect then a sort of the kept prefix: O(count + k log k), so a row with
/// 100,000 candidates and k = 100 costs one linear pass, not a full sort.
func selectBest(_ c: inout [(Int32, Float)], count: Int, k: Int) -> Int {
    let n = min(count, c.count)
    let kept = min(k, n)
    guard kept > 0 else { return 0 }
    c.withUnsafeMutableBufferPointer { buf in
        if n > kept {
            var lo = 0, hi = n - 1
            while lo < hi {
                // Median of three as pivot, moved to hi; Lomuto partition by `neighbourOrder`.
                let mid = lo + (hi - lo) / 2
                if neighbourOrder(buf[mid], buf[lo]) { buf.swapAt(mid, lo) }
                if neighbourOrder(buf[hi], buf[lo]) { buf.swapAt(hi, lo) }
                if neighbourOrder(buf[hi], buf[mid]) { buf.swapAt(hi, mid) }
                buf.swapAt(mid, hi)
                let pivot = buf[hi]
                var store = lo
                for i in lo..<hi where neighbourOrder(buf[i], pivot) {
                    buf.swapAt(i, store)
                    store += 1
                }
                buf.swapAt(store, hi)
                if store == kept - 1 || store == kept { break }
                if store < kept { lo = store + 1 } else { hi = store - 1 }
            }
        }
        buf[0..<kept].sort(by: neighbourOrder)
    }
    return kept
}

/// How many neighbours per row the memory budget allows: the kept lists (4-byte index and 4-byte
/// similarity per neighbour, for `lists` lists per row) may take at most `share` of the budget.
///
/// Returns `requested` when it fits, else the largest count that does (at least 1).
func neighbourCap(requested: Int, rows: Int, lists: Int = 1, budget: Int, share: Double = MemoryBudget.neighbourShare) -> Int {
    guard rows > 0, requested > 0 else { return requested }
    let bytesPerNeighbour = 8 * max(1, lists)
    let allowed = Int(Double(budget) * share) / (rows * bytesPerNeighbour)
    return max(1, min(requested, allowed))
}

enum KNNBuilder {
    /// Rows computed per work unit: small enough that a block's lists are a few MB, large enough
    /// that handing out blocks costs nothing.
    static let blockRows = 256

    /// The rating-similarity neighbours (and top-N neighbours when asked) of one row given as entries.
    static func row<S: Sequence>(_ entries: S, length: Int, excluding a: Int?, sides: KNNSides,
                                 job: KNNSimilarityJob, acc: inout KNNAccumulator,
                                 normA: Float) -> (rating: [(Int32, Float)], topN: [(Int32, Float)])
        where S.Element == (Int32, Float, Float) {
        var rating: [(Int32, Float)] = [], topN: [(Int32, Float)] = []
        let counts = rowInto(entries, length: length, excluding: a, sides: sides, job: job, acc: &acc, normA: normA,
                             rating: &rating, topN: &topN)
        return (Array(rating[0..<counts.rating]), Array(topN[0..<counts.topN]))
    }

    /// One row into reusable candidate buffers: afterwards the first `rating` entries of `rating`
    /// and the first `topN` entries of `topN` are the kept neighbours, best first.
    static func rowInto<S: Sequence>(_ entries: S, length: Int, excluding a: Int?, sides: KNNSides,
                                     job: KNNSimilarityJob, acc: inout KNNAccumulator, normA: Float,
                                     rating: inout [(Int32, Float)], topN: inout [(Int32, Float)]) -> (rating: Int, topN: Int)
        where S.Element == (Int32, Float, Float) {
        acc.accumulate(entries, sides: sides, topN: job.topNKeep > 0)
        let touched = acc.touched.count
        if rating.count < touched { rating = [(Int32, Float)](repeating: (0, 0), count: touched) }
        if job.topNKeep > 0 && topN.count < touched { topN = [(Int32, Float)](repeating: (0, 0), count: touched) }
        var nr = 0, nt = 0
        for n32 in acc.touched {
            // The accumulator is indexed by number (see `KNNSides.renumbered`), everything else by row.
            let n = Int(n32)
            let b = sides.row(ofNumber: n32), b32 = Int32(b)
            if job.topNKeep > 0 {
                let nb = sides.rowWeightNorm.isEmpty ? 1 : sides.rowWeightNorm[b]
                let d = Double(normA) * Double(nb)
                let w = d > 0 ? Float(acc.weightSum(n) / d) : 0
                if w > 0 && w.isFinite { topN[nt] = (b32, w); nt += 1 }
            }
            if b == a { continue }
            let lenB = sides.rowStart[b + 1] - sides.rowStart[b]
            let s = acc.similarity(n, kind: job.kind, shrinkage: job.shrinkage, minSupport: job.minSupport,
                                   lenA: length, lenB: lenB)
            if s > 0 { rating[nr] = (b32, s); nr += 1 }
        }
        acc.reset()
        let keptRating = selectBest(&rating, count: nr, k: job.keep)
        let keptTopN = job.topNKeep > 0 ? selectBest(&topN, count: nt, k: job.topNKeep) : 0
        return (keptRating, keptTopN)
    }

    /// Every row's neighbour lists, block by block.
    ///
    /// Rows are handed out in blocks of `blockRows` to `threads` workers. A worker accumulates one
    /// row at a time against every row sharing an "other" (the sparse product of the row with the
    /// transposed matrix), keeps only the top `keep` (and `topNKeep`) by quickselect, and writes
    /// them into its block's flat arrays, exactly sized. Memory: the kept lists O(rows · keep) plus,
    /// per worker, one accumulator of O(rows) and one candidate buffer of O(rows) — never rows².
    /// Progress is reported per block from `progressFrom` to 1; cancellation is checked every 16 rows.
    /// Results do not depend on the thread count (each row is computed independently).
    static func all(sides: KNNSides, rowWeights: [Float], job: KNNSimilarityJob, threads: Int,
                    context: FitContext, label: String = "similarities",
                    progressFrom: Double = 0.1) throws -> (rating: NeighbourLists, topN: NeighbourLists) {
        let rows = sides.rowStart.count - 1
        let workers = max(1, min(threads, 8))
        let blocks = (rows + blockRows - 1) / blockRows
        let store = BlockResults(blocks: blocks)
        let next = AtomicCounter(), done = AtomicCounter(), cancelled = AtomicCounter()
        let token = context.cancellation
        let progressEvery = max(1, blocks / 100)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var acc = KNNAccumulator(rows: rows, job: job)
            var rating: [(Int32, Float)] = [], topN: [(Int32, Float)] = []
            while true {
                let b = next.increment() - 1
                if b >= blocks { break }
                if token?.isCancelled == true { _ = cancelled.increment(); break }
                var out = NeighbourBlock()
                var stop = false
                for a in (b * blockRows)..<min(rows, (b + 1) * blockRows) {
                    // Rows of a large catalog take milliseconds each: look at the token every 16.
                    if a % 16 == 15, token?.isCancelled == true { stop = true; break }
                    let s = sides.rowStart[a], e = sides.rowStart[a + 1]
                    let entries = (s..<e).lazy.map { p in
                        (sides.rowOther[p], sides.rowValue[p], rowWeights.isEmpty ? 0 : rowWeights[p])
                    }
                    let normA = sides.rowWeightNorm.isEmpty ? 1 : sides.rowWeightNorm[a]
                    let n = rowInto(entries, length: e - s, excluding: a, sides: sides, job: job, acc: &acc,
                                    normA: normA, rating: &rating, topN: &topN)
                    out.append(rating: rating[0..<n.rating], topN: topN[0..<n.topN])
                }
                if stop { _ = cancelled.increment(); break }
                store.set(b, out)
                let d = done.increment()
                if d % progressEvery == 0 || d == blocks {
                    let f = progressFrom + (1 - progressFrom) * Double(d) / Double(max(blocks, 1))
                    context.progress(FitProgress(fraction: min(0.99, f),
                                                 message: "\(label) \(min(rows, d * blockRows))/\(rows)"))
                }
            }
        }
        if cancelled.value > 0 { throw FitCancelled() }
        return store.concatenate()
    }
}

/// The kept lists of one block of rows, in flat arrays (exactly sized: no spare capacity).
struct NeighbourBlock: Sendable {
    var ratingCount: [Int32] = []
    var ratingIndex: [Int32] = []
    var ratingSim: [Float] = []
    var topNCount: [Int32] = []
    var topNIndex: [Int32] = []
    var topNSim: [Float] = []

    mutating func append(rating: ArraySlice<(Int32, Float)>, topN: ArraySlice<(Int32, Float)>) {
        ratingCount.append(Int32(rating.count))
        for (i, s) in rating { ratingIndex.append(i); ratingSim.append(s) }
        topNCount.append(Int32(topN.count))
        for (i, s) in topN { topNIndex.append(i); topNSim.append(s) }
    }
}

/// Per-block results written by worker threads (each block by exactly one worker).
final class BlockResults: @unchecked Sendable {
    private var blocks: [NeighbourBlock?]
    private let lock = NSLock()

    init(blocks: Int) { self.blocks = Array(repeating: nil, count: blocks) }

    func set(_ b: Int, _ block: NeighbourBlock) {
        lock.lock()
        blocks[b] = block
        lock.unlock()
    }

    /// The blocks joined in row order into CSR lists; each block is released once copied, so the
    /// peak is the final lists plus one block.
    func concatenate() -> (rating: NeighbourLists, topN: NeighbourLists) {
        lock.lock(); defer { lock.unlock() }
        var rating = NeighbourLists(), topN = NeighbourLists()
        let totalRating = blocks.reduce(0) { $0 + ($1?.ratingIndex.count ?? 0) }
        let totalTopN = blocks.reduce(0) { $0 + ($1?.topNIndex.count ?? 0) }
        rating.index.reserveCapacity(totalRating); rating.sim.reserveCapacity(totalRating)
        topN.index.reserveCapacity(totalTopN); topN.sim.reserveCapacity(totalTopN)
        for b in blocks.indices {
            guard let block = blocks[b] else { continue }
            blocks[b] = nil
            for c in block.ratingCount { rating.start.append(rating.start.last! + Int(c)) }
            rating.index.append(contentsOf: block.ratingIndex)
            rating.sim.append(contentsOf: block.ratingSim)
            for c in block.topNCount { topN.start.append(topN.start.last! + Int(c)) }
            topN.index.append(contentsOf: block.topNIndex)
            topN.sim.append(contentsOf: block.topNSim)
        }
        return (rating, topN)
    }
}

/// A shared counter for handing out work.
final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var v = 0
    func increment() -> Int {
        lock.lock(); defer { lock.unlock() }
        v += 1
        return v
    }
    var value: Int {
        lock.lock(); defer { lock.unlock() }
        return v
    }
}

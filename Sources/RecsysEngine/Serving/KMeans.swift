import Foundation

/// Seeded k-means (Lloyd's algorithm with k-means++ initialisation) over the rows of an `EmbeddingTable`.
///
/// - Initialisation (k-means++, Arthur & Vassilvitskii 2007): the first centre
///   is a uniformly random point; each next centre is point x drawn with
///   probability D(x)² / Σ D², D(x) the distance to the nearest centre so far.
/// - Iteration: assign each point to its nearest centre,
///   `argmin_c ‖x − c‖² = argmax_c (x·c − ‖c‖²/2)`, then move each centre to the
///   mean of its points. Stops after `iterations` rounds or when fewer than
///   0.1 % of the points change cell.
/// - An empty cell takes the point farthest from its current centre (among cells
///   with more than one point), so every cell ends up non-empty when k ≤ n.
///
/// Deterministic: the seed drives every random choice; assignments are
/// computed in parallel but each point's is independent, and centres are
/// summed serially in point order, so the thread count never changes a bit.
///
/// Complexity: O(k·n·d) per iteration and for the initialisation.
struct KMeans {
    var k: Int
    var iterations: Int
    var seed: UInt64
    var threads: Int

    struct Result {
        var centroids: EmbeddingTable
        /// Cell of every point of the input.
        var assignment: [Int32]
        var iterationsRun: Int
    }

    /// Clusters `points` into `min(k, points.count)` cells.
    func fit(_ points: EmbeddingTable) -> Result {
        let n = points.count
        let k = max(1, min(self.k, n))
        let lanes = points.lanes
        var rng = SplitMix64.derived(seed: seed, stream: 0x6B6D_6561_6E73)  // "kmeans"
        var centroids = EmbeddingTable(zeros: k, dimension: points.dimension)
        guard n > 0 else { return Result(centroids: centroids, assignment: [], iterationsRun: 0) }

        // k-means++ seeding.
        var minDist = [Float](repeating: .infinity, count: n)
        var chosen = rng.nextInt(n)
        for c in 0..<k {
            for l in 0..<lanes { centroids.storage[c * lanes + l] = points.storage[chosen * lanes + l] }
            if c == k - 1 { break }
            let centre = Array(centroids.storage[(c * lanes)..<((c + 1) * lanes)])
            updateMinDistances(&minDist, points: points, centre: centre)
            var total: Double = 0
            for v in minDist { total += Double(v) }
            if total <= 0 {
                // All remaining points coincide with a centre: take the next unchosen index.
                chosen = (chosen + 1) % n
                continue
            }
            let target = rng.nextDouble() * total
            var acc: Double = 0
            chosen = n - 1
            for i in 0..<n {
                acc += Double(minDist[i])
                if acc > target { chosen = i; break }
            }
        }

        // Lloyd iterations.
        var assignment = [Int32](repeating: -1, count: n)
        var bestScore = [Float](repeating: 0, count: n)
        var run = 0
        for _ in 0..<max(1, iterations) {
            run += 1
            let changed = assign(points: points, centroids: centroids, assignment: &assignment, score: &bestScore)
            if run > 1 && changed * 1000 < n { break }
            recompute(&centroids, points: points, assignment: assignment, score: bestScore)
        }
        // Final assignment against the final centres.
        _ = assign(points: points, centroids: centroids, assignment: &assignment, score: &bestScore)
        return Result(centroids: centroids, assignment: assignment, iterationsRun: run)
    }

    /// minDist[i] = min(minDist[i], ‖x_i − centre‖²), in parallel over point chunks.
    private func updateMinDistances(_ minDist: inout [Float], points: EmbeddingTable, centre: [SIMD8<Float>]) {
        let n = points.count, lanes = points.lanes
        let chunk = 4096
        minDist.withUnsafeMutableBufferPointer { md in
            let out = SendablePointer(md.baseAddress!)
            points.storage.withUnsafeBufferPointer { s in
                let base = s.baseAddress!
                centre.withUnsafeBufferPointer { cb in
                    let c = cb.baseAddress!
                    let cn = simdDot(c, c, lanes)
                    let src = SendablePointer(UnsafeMutablePointer(mutating: base))
                    let cp = SendablePointer(UnsafeMutablePointer(mutating: c))
                    servingParallel(chunks: (n + chunk - 1) / chunk, threads: threads) { ch in
                        for i in (ch * chunk)..<min(n, (ch + 1) * chunk) {
                            let x = src.p + i * lanes
                            let d = max(0, simdDot(x, x, lanes) - 2 * simdDot(x, cp.p, lanes) + cn)
                            if d < out.p[i] { out.p[i] = d }
                        }
                    }
                }
            }
        }
    }

    /// Assigns every point to the centre maximising x·c − ‖c‖²/2; returns how many points changed cell.
    /// `score[i]` receives ‖x_i − c‖² for the chosen centre.
    private func assign(points: EmbeddingTable, centroids: EmbeddingTable, assignment: inout [Int32],
                        score: inout [Float]) -> Int {
        let n = points.count, lanes = points.lanes, k = centroids.count
        var halfNorm = [Float](repeating: 0, count: k)
        for c in 0..<k { halfNorm[c] = centroids.squaredNorm(c) / 2 }
        let chunk = 1024
        let chunks = (n + chunk - 1) / chunk
        var changedPerChunk = [Int](repeating: 0, count: chunks)
        assignment.withUnsafeMutableBufferPointer { ab in
            score.withUnsafeMutableBufferPointer { sb in
                changedPerChunk.withUnsafeMutableBufferPointer { cb in
                    let a = SendablePointer(ab.baseAddress!), sc = SendablePointer(sb.baseAddress!)
                    let ch = SendablePointer(cb.baseAddress!)
                    points.storage.withUnsafeBufferPointer { ps in
                        centroids.storage.withUnsafeBufferPointer { cs in
                            halfNorm.withUnsafeBufferPointer { hn in
                                let p = SendablePointer(UnsafeMutablePointer(mutating: ps.baseAddress!))
                                let c = SendablePointer(UnsafeMutablePointer(mutating: cs.baseAddress!))
                                let h = SendablePointer(UnsafeMutablePointer(mutating: hn.baseAddress!))
                                servingParallel(chunks: chunks, threads: threads) { chunkIndex in
                                    var changed = 0
                                    for i in (chunkIndex * chunk)..<min(n, (chunkIndex + 1) * chunk) {
                                        let x = p.p + i * lanes
                                        var best = -Float.infinity, bestC = 0
                                        for j in 0..<k {
                                            let s = simdDot(x, c.p + j * lanes, lanes) - h.p[j]
                                            if s > best { best = s; bestC = j }
                                        }
                                        if a.p[i] != Int32(bestC) { changed += 1; a.p[i] = Int32(bestC) }
                                        // ‖x − c‖² = ‖x‖² − 2(x·c − ‖c‖²/2)
                                        sc.p[i] = max(0, simdDot(x, x, lanes) - 2 * best)
                                    }
                                    ch.p[chunkIndex] = changed
                                }
                            }
                        }
                    }
                }
            }
        }
        return changedPerChunk.reduce(0, +)
    }

    /// Moves each centre to the mean of its points; refills empty cells with far points.
    private func recompute(_ centroids: inout EmbeddingTable, points: EmbeddingTable, assignment: [Int32],
                           score: [Float]) {
        let k = centroids.count, lanes = points.lanes, n = points.count
        var sums = [SIMD8<Float>](repeating: SIMD8(), count: k * lanes)
        var sizes = [Int](repeating: 0, count: k)
        for i in 0..<n {
            let c = Int(assignment[i])
            sizes[c] += 1
            for l in 0..<lanes { sums[c * lanes + l] += points.storage[i * lanes + l] }
        }
        var empty: [Int] = []
        for c in 0..<k {
            if sizes[c] == 0 { empty.append(c); continue }
            let inv = 1 / Float(sizes[c])
            for l in 0..<lanes { centroids.storage[c * lanes + l] = sums[c * lanes + l] * inv }
        }
        guard !empty.isEmpty else { return }
        // Farthest points first (ties by index), taken only from cells that keep at least one point.
        let order = (0..<n).sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }
        var next = 0
        for c in empty {
            while next < order.count && sizes[Int(assignment[order[next]])] <= 1 { next += 1 }
            guard next < order.count else { break }
            let i = order[next]
            sizes[Int(assignment[i])] -= 1
            sizes[c] = 1
            for l in 0..<lanes { centroids.storage[c * lanes + l] = points.storage[i * lanes + l] }
            next += 1
        }
    }
}

import Foundation

/// A seeded synthetic catalog of item vectors and user queries shaped like trained
/// recommender embeddings, for benchmarking top-K indexes without a dataset.
///
/// Structure:
/// - `genres` broad directions (unit Gaussian vectors); `clusters` sub-genre
///   centres, each `normalize(0.7·genre + 0.3·noise)`; cluster sizes follow a
///   Zipf law `w_c ∝ 1/(c+1)^0.8` (a few big genres, a long tail of niches).
/// - item direction `normalize(centre + σ·g/√d)`, g standard normal, σ = `spread`;
/// - item norm `exp(0.5·g′)·(1 + 2·u⁴)` (log-normal times a popularity tail, u
///   uniform): popular items have long vectors, as in matrix factorization, which
///   is what makes inner-product search harder than cosine search.
/// - a query mixes 1–3 cluster centres of its user's taste plus noise; its seen
///   items are 10–60 items drawn from those clusters.
///
/// Same seed, same vectors: every value comes from `SplitMix64`.
public struct SyntheticEmbeddings: Sendable {
    public var items: EmbeddingTable
    public var queries: EmbeddingTable
    /// Items each query has already "seen" (to exclude), sorted.
    public var seen: [[Int32]]
    /// Cluster of every item.
    public var itemCluster: [Int32]

    /// - Parameters:
    ///   - items: catalog size n.
    ///   - dimension: d.
    ///   - queries: number of user queries.
    ///   - seed: drives every random draw.
    ///   - spread: σ, how far items stray from their cluster centre (default 0.8).
    public init(items n: Int, dimension d: Int, queries m: Int, seed: UInt64, spread: Float = 0.8) {
        var rng = SplitMix64.derived(seed: seed, stream: 0x5359_4E54)  // "SYNT"
        func gaussianVector() -> [Float] { (0..<d).map { _ in rng.nextGaussian() } }
        func normalized(_ v: [Float]) -> [Float] {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
        let genreCount = max(2, min(24, n / 2000 + 2))
        let clusterCount = max(genreCount, n / 300)
        let genres = (0..<genreCount).map { _ in normalized(gaussianVector()) }
        var centres: [[Float]] = []
        for c in 0..<clusterCount {
            let g = genres[c % genreCount]
            let noise = normalized(gaussianVector())
            centres.append(normalized((0..<d).map { 0.7 * g[$0] + 0.3 * noise[$0] }))
        }
        // Zipf cluster weights, cumulative for sampling.
        var cumulative = [Double](repeating: 0, count: clusterCount)
        var total = 0.0
        for c in 0..<clusterCount {
            total += 1 / pow(Double(c + 1), 0.8)
            cumulative[c] = total
        }
        func sampleCluster() -> Int {
            let t = rng.nextDouble() * total
            var lo = 0, hi = clusterCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > t { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        var values = [Float](); values.reserveCapacity(n * d)
        var clusterOf = [Int32](repeating: 0, count: n)
        var members = [[Int32]](repeating: [], count: clusterCount)
        let noiseScale = spread / Float(d).squareRoot()
        for i in 0..<n {
            let c = sampleCluster()
            clusterOf[i] = Int32(c)
            members[c].append(Int32(i))
            let dir = normalized((0..<d).map { centres[c][$0] + noiseScale * rng.nextGaussian() })
            let u = rng.nextFloat()
            let norm = Float(exp(0.5 * Double(rng.nextGaussian()))) * (1 + 2 * u * u * u * u)
            values.append(contentsOf: dir.map { $0 * norm })
        }
        items = EmbeddingTable(count: n, dimension: d, values: values)
        itemCluster = clusterOf

        var qValues = [Float](); qValues.reserveCapacity(m * d)
        var seenLists: [[Int32]] = []
        for _ in 0..<m {
            let tastes = 1 + rng.nextInt(3)
            var q = [Float](repeating: 0, count: d)
            var liked: [Int] = []
            for _ in 0..<tastes {
                let c = sampleCluster()
                liked.append(c)
                let w = 0.5 + rng.nextFloat()
                for j in 0..<d { q[j] += w * centres[c][j] }
            }
            for j in 0..<d { q[j] += 0.5 * noiseScale * rng.nextGaussian() }
            qValues.append(contentsOf: q)
            var s = Set<Int32>()
            let want = 10 + rng.nextInt(51)
            for _ in 0..<want {
                let c = liked[rng.nextInt(liked.count)]
                if !members[c].isEmpty { s.insert(members[c][rng.nextInt(members[c].count)]) }
            }
            seenLists.append(s.sorted())
        }
        queries = EmbeddingTable(count: m, dimension: d, values: qValues)
        seen = seenLists
    }
}

import Foundation

/// Measures an `IVFIndex` against `BruteForceIndex` on the same queries:
/// recall@k, queries per second of each, build times.
///
/// recall@k = (1/|Q|) Σ_q |IVF_k(q) ∩ BF_k(q)| / |BF_k(q)|, both with the
/// query's seen items excluded. Both indexes answer all queries with the same
/// number of workers, so the speed-up is the ratio of their throughputs.
public struct IndexBenchmark: Sendable {
    public struct Result: Sendable, Equatable {
        public var items: Int
        public var dimension: Int
        public var queries: Int
        public var k: Int
        public var seed: UInt64
        public var threads: Int
        public var probe: String
        public var nlist: Int
        public var nprobe: Int
        public var kmeansIterations: Int
        public var generateSeconds: Double
        public var bruteForceBuildSeconds: Double
        public var ivfBuildSeconds: Double
        public var bruteForceSeconds: Double
        public var ivfSeconds: Double
        public var recall: Double
        /// Mean item vectors scored per IVF query (brute force scores all `items`).
        public var meanScanned: Double
        public var smallestCell: Int
        public var largestCell: Int

        public var bruteForceQPS: Double { Double(queries) / max(bruteForceSeconds, 1e-9) }
        public var ivfQPS: Double { Double(queries) / max(ivfSeconds, 1e-9) }
        public var speedUp: Double { ivfQPS / max(bruteForceQPS, 1e-9) }
    }

    public var items = 60_000
    public var dimension = 64
    public var queries = 1_000
    public var k = 100
    public var seed: UInt64 = 42
    public var threads = 2
    public var configuration = IVFIndex.Configuration()

    public init() {}

    /// Generates the catalog, builds both indexes, answers every query with both.
    public func run(progress: (String) -> Void = { _ in }) -> Result {
        let clock = ContinuousClock()
        progress("generating \(items) × \(dimension) vectors")
        var t0 = clock.now
        let data = SyntheticEmbeddings(items: items, dimension: dimension, queries: queries, seed: seed)
        let generate = seconds(clock.now - t0)

        t0 = clock.now
        let brute = BruteForceIndex(items: data.items, threads: threads)
        let bruteBuild = seconds(clock.now - t0)

        progress("building IVF (k-means)")
        var config = configuration
        config.seed = seed
        config.threads = threads
        t0 = clock.now
        let ivf = IVFIndex(items: data.items, configuration: config)
        let ivfBuild = seconds(clock.now - t0)

        progress("brute force: \(queries) queries")
        t0 = clock.now
        let exact = brute.search(queries: data.queries, k: k, excluding: data.seen, threads: threads)
        let bruteTime = seconds(clock.now - t0)

        progress("IVF: \(queries) queries")
        t0 = clock.now
        let (approx, scanned) = ivf.searchCounting(queries: data.queries, k: k, excluding: data.seen,
                                                   threads: threads, nprobe: ivf.nprobe)
        let ivfTime = seconds(clock.now - t0)

        let sizes = ivf.cellSizes
        return Result(
            items: items, dimension: dimension, queries: queries, k: k, seed: seed, threads: threads,
            probe: config.probe.rawValue, nlist: ivf.nlist, nprobe: ivf.nprobe, kmeansIterations: ivf.iterationsRun,
            generateSeconds: generate, bruteForceBuildSeconds: bruteBuild, ivfBuildSeconds: ivfBuild,
            bruteForceSeconds: bruteTime, ivfSeconds: ivfTime,
            recall: Self.recall(approx, exact),
            meanScanned: Double(scanned.reduce(0, +)) / Double(max(1, scanned.count)),
            smallestCell: sizes.min() ?? 0, largestCell: sizes.max() ?? 0)
    }

    /// Mean over queries of |approx ∩ exact| / |exact| (a query with an empty exact list counts as 1).
    public static func recall(_ approx: [[ScoredItem]], _ exact: [[ScoredItem]]) -> Double {
        precondition(approx.count == exact.count)
        guard !exact.isEmpty else { return 1 }
        var total = 0.0
        for (a, e) in zip(approx, exact) {
            if e.isEmpty { total += 1; continue }
            let truth = Set(e.map(\.item))
            total += Double(a.filter { truth.contains($0.item) }.count) / Double(e.count)
        }
        return total / Double(exact.count)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

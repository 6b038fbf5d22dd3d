import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui index-bench`: recall and speed of the IVF top-K index against brute force.
struct IndexBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index-bench",
        abstract: "Benchmark the approximate (IVF) top-K index against exact brute force.",
        discussion: """
            Builds a seeded synthetic catalog of item vectors (clusters of sub-genres, popularity-skewed norms) \
            and user queries with seen items to exclude, then reports recall@k of IVF against brute force, \
            both throughputs (queries/s on the same threads), the speed-up and build times. \
            Run a release build for meaningful times: swift build -c release.
            JSON: {"items", "dim", "queries", "k", "seed", "threads", "probe", "nlist", "nprobe", \
            "kmeans_iterations", "recall", "brute_force_qps", "ivf_qps", "speed_up", "ivf_build_seconds", \
            "brute_force_build_seconds", "mean_scanned", "smallest_cell", "largest_cell"}.
            """)

    @Option(help: "Catalog size (item vectors).")
    var items = 60_000

    @Option(help: "Vector dimension.")
    var dim = 64

    @Option(help: "Number of queries.")
    var queries = 1_000

    @Option(help: "Results per query (recall@k).")
    var k = 100

    @Option(help: "Seed of the synthetic catalog and of k-means.")
    var seed: UInt64 = 42

    @Option(help: "IVF cells (default: round(√items)).")
    var nlist: Int?

    @Option(help: "IVF cells probed per query (default: ⌈nlist/12⌉).")
    var nprobe: Int?

    @Option(help: "How cells are built and probed: euclidean-transform (MIPS → nearest neighbour) or inner-product.")
    var probe: IVFIndex.Probe = .euclideanTransform

    @Option(help: "Worker threads for building and for answering queries (both indexes).")
    var threads = 2

    @Option(help: "Output format: text or json.")
    var format: BenchFormat = .text

    enum BenchFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard items >= 1 else { throw ValidationError("--items must be at least 1 (got \(items))") }
        guard (1...4096).contains(dim) else { throw ValidationError("--dim must be in 1...4096 (got \(dim))") }
        guard queries >= 1 else { throw ValidationError("--queries must be at least 1 (got \(queries))") }
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k))") }
        if let nlist, !(1...items).contains(nlist) {
            throw ValidationError("--nlist must be in 1...\(items) (got \(nlist))")
        }
        if let nprobe, nprobe < 1 { throw ValidationError("--nprobe must be at least 1 (got \(nprobe))") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64 (got \(threads))") }
    }

    func run() throws {
        var bench = IndexBenchmark()
        bench.items = items
        bench.dimension = dim
        bench.queries = queries
        bench.k = k
        bench.seed = seed
        bench.threads = threads
        bench.configuration = IVFIndex.Configuration(nlist: nlist, nprobe: nprobe, probe: probe)
        let isTTY = isatty(STDERR_FILENO) == 1
        let r = bench.run { step in
            if isTTY { FileHandle.standardError.write(Data("\u{1B}[2K\r\(step)…".utf8)) }
        }
        if isTTY { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        switch format {
        case .json:
            let fields: [(String, String)] = [
                ("items", "\(r.items)"), ("dim", "\(r.dimension)"), ("queries", "\(r.queries)"), ("k", "\(r.k)"),
                ("seed", "\(r.seed)"), ("threads", "\(r.threads)"), ("probe", "\"\(r.probe)\""),
                ("nlist", "\(r.nlist)"), ("nprobe", "\(r.nprobe)"), ("kmeans_iterations", "\(r.kmeansIterations)"),
                ("recall", fmt(r.recall, 4)), ("brute_force_qps", fmt(r.bruteForceQPS, 1)),
                ("ivf_qps", fmt(r.ivfQPS, 1)), ("speed_up", fmt(r.speedUp, 2)),
                ("ivf_build_seconds", fmt(r.ivfBuildSeconds, 3)),
                ("brute_force_build_seconds", fmt(r.bruteForceBuildSeconds, 3)),
                ("mean_scanned", fmt(r.meanScanned, 1)), ("smallest_cell", "\(r.smallestCell)"),
                ("largest_cell", "\(r.largestCell)"),
            ]
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        case .text:
            print("catalog      \(r.items) items × \(r.dimension) dims, \(r.queries) queries, seed \(r.seed), "
                + "\(r.threads) threads")
            print("IVF          nlist \(r.nlist), nprobe \(r.nprobe), probe \(r.probe), "
                + "cells \(r.smallestCell)…\(r.largestCell) items, k-means \(r.kmeansIterations) iterations")
            print("build        IVF \(fmt(r.ivfBuildSeconds, 3)) s, brute force \(fmt(r.bruteForceBuildSeconds, 3)) s")
            print("brute force  \(fmt(r.bruteForceQPS, 1)) queries/s (scores all \(r.items) items)")
            print("IVF          \(fmt(r.ivfQPS, 1)) queries/s (scores \(fmt(r.meanScanned, 0)) items on average)")
            print("recall@\(r.k)   \(fmt(r.recall, 4))")
            print("speed-up     \(fmt(r.speedUp, 2))×")
        }
    }

    private func fmt(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

extension IVFIndex.Probe: ExpressibleByArgument {}

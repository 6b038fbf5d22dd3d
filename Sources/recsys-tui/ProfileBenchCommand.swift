import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore
import RecsysUI

extension ProfileCommand {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure how long a rating takes to commit (p50/p99 over --count ratings).",
            discussion: "Without --db a temporary database is used and removed afterwards.")
        @OptionGroup var store: StoreOptions
        @Option(help: "How many ratings to commit, one transaction each.") var count = 1000
        @Option(help: "The profile written to.") var profile = "bench"
        @Option(help: "Seed for the items and values.") var seed: UInt64 = 42
        @Option(help: "full (the store's setting: fsync every commit) or normal (fsync at checkpoints), to compare.")
        var synchronous: SynchronousOption = .full
        @Flag(help: "Print the figures as JSON.") var json = false
        /// Crash tests: print `committed ITEM VALUE` after every commit, flushed, and no summary.
        @Flag(help: .hidden) var printCommits = false
        /// Crash/concurrency tests: the item id prefix (so two writers write different items).
        @Option(help: .hidden) var itemPrefix = "i"

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            var tempDir: String?
            var db = store.db
            if db == nil {
                let dir = NSTemporaryDirectory() + "recsys-bench-\(getpid())"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                tempDir = dir
                db = dir + "/bench.sqlite"
            }
            defer { if let tempDir { try? FileManager.default.removeItem(atPath: tempDir) } }
            let s = try SQLiteProfileStore(path: StorePaths.resolve(db: db), synchronous: synchronous.value)
            var rng = SplitMix64(seed: seed)
            var micros: [Double] = []
            micros.reserveCapacity(count)
            let base = Int64(Date().timeIntervalSince1970)
            for k in 0..<count {
                let item = "\(itemPrefix)\(k)"
                let value = Float(1 + rng.nextInt(5))
                let t0 = DispatchTime.now().uptimeNanoseconds
                try s.setRating(profile: profile, item: item, value: value, timestamp: base + Int64(k))
                let t1 = DispatchTime.now().uptimeNanoseconds
                micros.append(Double(t1 - t0) / 1000)
                if printCommits {
                    // write(2) directly: the line reaches the reader only after the commit returned.
                    FileHandle.standardOutput.write(Data("committed \(item) \(formatRating(value))\n".utf8))
                }
            }
            if printCommits { return }
            micros.sort()
            func q(_ p: Double) -> Double { micros[min(micros.count - 1, Int((p * Double(micros.count)).rounded(.up)) - 1)] }
            let figures = BenchJSON(database: s.path, count: count, synchronous: synchronous.rawValue.uppercased(), journal: "WAL",
                                    p50_ms: q(0.5) / 1000, p99_ms: q(0.99) / 1000, max_ms: micros.last! / 1000,
                                    mean_ms: micros.reduce(0, +) / Double(micros.count) / 1000)
            if json {
                printJSON(figures)
            } else {
                print(String(format: "%d ratings committed (WAL, synchronous=%@) in %@: p50 %.3f ms, p99 %.3f ms, max %.3f ms, mean %.3f ms",
                             count, figures.synchronous, s.path, figures.p50_ms, figures.p99_ms, figures.max_ms, figures.mean_ms))
            }
        }
    }

    struct BenchJSON: Encodable {
        var database: String
        var count: Int
        var synchronous: String
        var journal: String
        var p50_ms: Double
        var p99_ms: Double
        var max_ms: Double
        var mean_ms: Double
    }
}

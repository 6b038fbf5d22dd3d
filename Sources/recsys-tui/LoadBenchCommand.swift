import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui loadbench`: generates a MovieLens-shaped folder (seeded) and/or
/// times loading a dataset, reporting MB/s and peak resident memory.
///
///     recsys-tui loadbench --generate /tmp/ml25m-shaped --rows 25000000
///     recsys-tui loadbench --data /tmp/ml25m-shaped
struct LoadBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadbench",
        abstract: "Benchmark the dataset loader (optionally generating a MovieLens-25M-shaped folder first).",
        discussion: """
            --generate DIR writes ratings.csv and movies.csv with the shape of MovieLens 25M (or --shape ml-32m) \
            scaled to --rows (same seed, same bytes), then loads it unless --no-load is given. --users, --movies \
            and --rated-movies set those sizes exactly. Run it in a release build:

              swift run -c release recsys-tui loadbench --generate /tmp/ml25m-shaped --rows 25000000
              swift run -c release recsys-tui loadbench --generate /tmp/ml32m-shaped --shape ml-32m --no-load
            """)

    @Option(help: "Write a synthetic MovieLens-shaped folder here first.")
    var generate: String?

    @Option(help: "Ratings to generate (default 25000000 for the shape of MovieLens 25M; 32000204 with --shape ml-32m).")
    var rows: Int?

    @Option(help: "The MovieLens release whose shape --rows scales: ml-25m (default) or ml-32m (200,948 users, 84,432 rated of 87,585 films at 32,000,204 ratings).")
    var shape: ShapeArgument = .ml25m

    /// `--shape`: the releases `SyntheticMovieLens.Shape` knows.
    enum ShapeArgument: String, ExpressibleByArgument, CaseIterable {
        case ml25m = "ml-25m", ml32m = "ml-32m"
        var shape: SyntheticMovieLens.Shape { self == .ml25m ? .ml25m : .ml32m }
    }

    @Option(help: "Users to generate, exactly (default: the shape's, scaled to --rows).")
    var users: Int?

    @Option(help: "Films in movies.csv, exactly (default: the shape's, scaled to --rows).")
    var movies: Int?

    @Option(help: "Films that receive ratings, exactly; at most --movies (default: the shape's share of the films).")
    var ratedMovies: Int?

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    @Option(help: "The dataset to load (default: the generated folder).")
    var data: String?

    @Flag(help: "Only generate, do not load.")
    var noLoad = false

    @Flag(help: "Skip malformed lines instead of stopping.")
    var skipBadLines = false

    @Option(help: "Parsing threads: 1 (sequential) or 2 (the second half of a large ratings file on another thread).")
    var threads = 2

    @Option(help: "Output format: text or json.")
    var format: InfoCommand.OutputFormat = .text

    func validate() throws {
        if generate == nil && data == nil { throw ValidationError("give --generate DIR and/or --data PATH") }
        if let rows, rows < 0 { throw ValidationError("--rows must be ≥ 0") }
        for (flag, value) in [("--users", users), ("--movies", movies), ("--rated-movies", ratedMovies)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be ≥ 1") }
        }
        let spec = generatorSpec
        if let ratedMovies, ratedMovies > spec.movies {
            throw ValidationError("--rated-movies \(ratedMovies) is more than the \(spec.movies) films of --movies")
        }
        if threads != 1 && threads != 2 { throw ValidationError("--threads must be 1 or 2") }
    }

    func run() throws {
        if let dir = generate {
            let start = DispatchTime.now().uptimeNanoseconds
            let spec = generatorSpec
            let written = try spec.write(to: dir)
            let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let size = fileSize((dir as NSString).appendingPathComponent("ratings.csv"))
            FileHandle.standardError.write(Data(String(format: "generated %@: %d ratings, %d users, %d rated of %d movies, ratings.csv %.1f MB in %.1f s\n",
                                                       dir, written, spec.users, spec.ratedItems, spec.movies, Double(size) / 1e6, secs).utf8))
            if noLoad { return }
        }
        let path = data ?? generate!
        let cpu0 = cpuSeconds()
        let ds = try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: skipBadLines,
                                                              parallelMinimumBytes: threads == 1 ? Int.max : 32 << 20))
        let cpu = cpuSeconds() - cpu0
        let r = ds.loadReport
        let mb = Double(r.ratingsBytes) / 1e6
        let status = MemoryStatus.read()
        switch format {
        case .json:
            let fields: [(String, String)] = [
                ("name", "\"\(ds.name)\""), ("ratings", "\(ds.ratings.count)"), ("users", "\(ds.userCount)"),
                ("items", "\(ds.itemCount)"), ("ratings_mb", String(format: "%.1f", mb)),
                ("seconds", String(format: "%.3f", r.seconds)), ("parse_seconds", String(format: "%.3f", r.parseSeconds)),
                ("build_seconds", String(format: "%.3f", r.buildSeconds)), ("cpu_seconds", String(format: "%.3f", cpu)),
                ("mb_per_second", String(format: "%.1f", mb / max(r.seconds, 1e-9))),
                ("parse_mb_per_second", String(format: "%.1f", mb / max(r.parseSeconds, 1e-9))),
                ("peak_rss_mb", String(format: "%.1f", status.peakMB)), ("rss_mb", String(format: "%.1f", status.currentMB)),
            ]
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        case .text:
            print("\(ds.name): \(ds.ratings.count) ratings (threads \(threads)), \(ds.userCount) users, \(ds.itemCount) items (\(r.duplicateRatings) duplicates, \(r.skippedLines) skipped)")
            print(String(format: "ratings file  %.1f MB", mb))
            print(String(format: "load          %.3f s  → %.1f MB/s  (cpu %.3f s: %.2f cores)", r.seconds, mb / max(r.seconds, 1e-9), cpu, cpu / max(r.seconds, 1e-9)))
            print(String(format: "  parse       %.3f s  → %.1f MB/s", r.parseSeconds, mb / max(r.parseSeconds, 1e-9)))
            print(String(format: "  build CSR+CSC %.3f s", r.buildSeconds))
            print(String(format: "peak RSS      %.1f MB (VmHWM)   RSS now %.1f MB", status.peakMB, status.currentMB))
        }
    }

    /// The generator's sizes: the shape scaled to --rows, then --users, --movies and --rated-movies
    /// as given. With --movies alone, the rated films keep the shape's share of the catalog.
    var generatorSpec: SyntheticMovieLens {
        let full = shape.shape.sizes
        let count = rows ?? (shape == .ml25m ? 25_000_000 : full.rows)
        var spec = SyntheticMovieLens(shape: shape.shape, rows: count, seed: seed)
        if let users { spec.users = users }
        if let movies {
            spec.movies = movies
            spec.ratedItems = ratedMovies ?? max(1, Int((Double(movies) * Double(full.ratedItems) / Double(full.movies)).rounded()))
        } else if let ratedMovies {
            spec.ratedItems = ratedMovies
            spec.movies = max(spec.movies, ratedMovies)
        }
        return spec
    }

    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// Peak and current resident memory from /proc/self/status (Linux; zero elsewhere).
struct MemoryStatus {
    var peakMB: Double
    var currentMB: Double

    static func read() -> MemoryStatus {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return MemoryStatus(peakMB: 0, currentMB: 0)
        }
        func kb(_ key: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(key) {
                let digits = line.dropFirst(key.count).filter { $0.isNumber }
                return Double(digits) ?? 0
            }
            return 0
        }
        return MemoryStatus(peakMB: kb("VmHWM:") / 1024, currentMB: kb("VmRSS:") / 1024)
    }
}

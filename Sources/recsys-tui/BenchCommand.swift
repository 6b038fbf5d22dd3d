import ArgumentParser
import Foundation
import RecsysEngine
import RecsysLessons
import RecsysUI

/// `recsys-tui bench`: how fast loading, fitting and live recompute are on a dataset.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure load time, fit time and live recompute latency of every algorithm.",
        discussion: """
            Fits every algorithm, then simulates one interactive user: \(defaultRatings) ratings (seeded; items drawn \
            in proportion to their popularity, values uniform on the scale), added one at a time to a single \
            growing profile. After each rating every algorithm folds the profile in and lists its top 20; the \
            latency of each and of all of them one after another is reported as p50 and p99.

            JSON keys: load_seconds, fit_seconds{algo}, foldin_ms{algo:{p50,p99}}, recompute_all_ms{p50,p99};             fit_status{algo} ("ok" or "cancelled": over --fit-budget), fit_cpu_seconds{algo} (CPU seconds of the whole process during that fit), peak_rss_mb{algo} (the process's resident             high-water mark during that fit, reset before each fit), rss_before_fit_mb{algo}, fit_limits{algo}             (item or neighbour caps applied), memory_budget_bytes, fit_budget_seconds. A cancelled model is left out             of the fold-in measurements.

            With --holdout PREFIX it instead scores top-10 lists on PREFIX.train.tsv / PREFIX.test.tsv with \
            implicit's protocol (binary gains; NDCG and MAP over min(10, held-out); candidates are all items \
            minus the user's training items).
            """)

    static let defaultRatings = 1000

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Output format: table or json.")
    var format: BenchFormat = .table

    @Option(help: "Comma-separated algorithms (default: all).")
    var algorithms: String?

    @Option(help: "Simulated ratings.")
    var ratings = defaultRatings

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads for fitting.")
    var threads = 2

    @Option(help: "Score top-10 accuracy on PREFIX.train.tsv / PREFIX.test.tsv instead.")
    var holdout: String?

    @Option(name: .customLong("fit-budget"), help: ArgumentHelp(
        "Time budget of each model's fit, e.g. 120s or 2m; a fit over it is cancelled and reported as such.",
        valueName: "TIME"))
    var fitBudget: String?

    @OptionGroup var memoryOptions: MemoryOptions

    @Option(name: .customLong("param"), help: ArgumentHelp(
        "ALGO.KEY=VALUE: a parameter of one benchmarked algorithm (repeatable), e.g. --param ranking.candidates=0.",
        valueName: "ALGO.KEY=VALUE"))
    var params: [String] = []

    /// The `--param` values of one algorithm.
    func parameters(of name: String) throws -> Parameters {
        try parseParameterAssignments(params.filter { $0.hasPrefix(name + ".") }, algorithm: name)
    }

    enum BenchFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func validate() throws {
        guard ratings >= 1 else { throw ValidationError("--ratings must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let fitBudget, parseDuration(fitBudget) == nil {
            throw ValidationError("--fit-budget expects a positive time such as 120s, 2m or 90 (got '\(fitBudget)')")
        }
        for a in chosen where Algorithms.type(named: a) == nil {
            throw ValidationError("unknown algorithm '\(a)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        for p in params where !chosen.contains(where: { p.hasPrefix($0 + ".") && p.contains("=") }) {
            throw ValidationError("--param expects ALGO.KEY=VALUE for a benchmarked algorithm (got '\(p)')")
        }
    }

    var chosen: [String] {
        algorithms.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? Algorithms.names
    }

    func run() throws {
        memoryOptions.apply()
        if let holdout { return try runHoldout(prefix: holdout) }
        let t0 = now()
        let ds = try dataOptions.load()
        let loadSeconds = now() - t0
        var models: [(String, any Recommender)] = []
        var fits: [FitOutcome] = []
        let budget = fitBudget.flatMap(parseDuration)
        for name in chosen {
            let m = try Algorithms.make(name, parameters: parameters(of: name))
            let outcome = try fitMeasured(m, data: ds, seed: seed, threads: threads, budget: budget,
                                          memoryBudget: memoryOptions.bytes)
            fits.append(outcome)
            if outcome.status == .ok { models.append((name, m)) }
        }
        let fitSeconds = fits.map { ($0.name, $0.seconds) }
        // The simulated user.
        var rng = SplitMix64.derived(seed: seed, stream: 0xBE7C)
        let positions = ds.ratings.count
        let steps = Int((ds.scale.max - ds.scale.min) / ds.scale.step) + 1
        var profile = Profile()
        var perAlgo = [[Double]](repeating: [], count: models.count)
        var perAlgoCPU = [[Double]](repeating: [], count: models.count)
        var all: [Double] = [], allCPU: [Double] = []
        for _ in 0..<ratings {
            let item = positions > 0 ? ds.ratings.rowItems[rng.nextInt(positions)] : Int32(rng.nextInt(ds.itemCount))
            let value = ds.scale.min + Float(rng.nextInt(steps)) * ds.scale.step
            profile.set(item, rating: value)
            let start = now(), startCPU = threadCPU()
            for (k, (_, m)) in models.enumerated() {
                let a = now(), aCPU = threadCPU()
                let top = m.recommend(profile, count: 20)
                perAlgo[k].append((now() - a) * 1000)
                perAlgoCPU[k].append((threadCPU() - aCPU) * 1000)
                if top.isEmpty && ds.itemCount > profile.count { throw CommandError("\(m.name) returned no recommendations") }
            }
            all.append((now() - start) * 1000)
            allCPU.append((threadCPU() - startCPU) * 1000)
        }
        // One key press → update + view + diff of a 120×40 frame (the explorer's redraw work; the
        // terminal output itself is measured by Tests/EndToEnd/bench-redraw.bash).
        // First frame: building the explorer's state (catalog statistics, quick start) and drawing it once.
        let firstStart = now()
        let uiState = AppState(dataset: ds, storedRatings: [], width: 120, height: 40)
        _ = view(uiState)
        let firstFrameMs = (now() - firstStart) * 1000
        let render = RenderBenchmark.measure(state: uiState)
        // The same with the lesson panel open (issue 14): the panel is redrawn on every key too.
        var lessonState = uiState
        lessonState.lessons.library = (try? LessonLibrary.builtIn().lessons) ?? []
        _ = lessonState.openLesson(number: 3)
        let renderLesson = RenderBenchmark.measure(state: lessonState)
        let foldin = zip(models.map(\.0), perAlgo).map { ($0, percentile($1, 50), percentile($1, 99)) }
        let foldinCPU = zip(models.map(\.0), perAlgoCPU).map { ($0, percentile($1, 50), percentile($1, 99)) }
        switch format {
        case .json:
            var s = "{\"dataset\": \(jsonString(ds.name)), \"simulated_ratings\": \(ratings), "
            s += "\"load_seconds\": \(fmt(loadSeconds)), \"fit_seconds\": {"
            s += fitSeconds.map { "\(jsonString($0.0)): \(fmt($0.1))" }.joined(separator: ", ") + "}, "
            s += "\"foldin_ms\": {" + foldin.map { "\(jsonString($0.0)): {\"p50\": \(fmt($0.1)), \"p99\": \(fmt($0.2))}" }
                .joined(separator: ", ") + "}, "
            s += "\"recompute_all_ms\": {\"p50\": \(fmt(percentile(all, 50))), \"p99\": \(fmt(percentile(all, 99)))}, "
            // The same latencies as CPU time of the measuring thread: what the work costs when the
            // machine is busy with other processes (wall-clock figures then include waiting for a core).
            s += "\"foldin_cpu_ms\": {" + foldinCPU.map { "\(jsonString($0.0)): {\"p50\": \(fmt($0.1)), \"p99\": \(fmt($0.2))}" }
                .joined(separator: ", ") + "}, "
            s += "\"recompute_all_cpu_ms\": {\"p50\": \(fmt(percentile(allCPU, 50))), \"p99\": \(fmt(percentile(allCPU, 99)))}, "
            s += "\"render_ms\": {\"p50\": \(fmt(render.p50)), \"p99\": \(fmt(render.p99)), \"max\": \(fmt(render.max)), "
                + "\"width\": 120, \"height\": 40}, \"render_lesson_ms\": {\"p50\": \(fmt(renderLesson.p50)), "
                + "\"p99\": \(fmt(renderLesson.p99)), \"max\": \(fmt(renderLesson.max)), \"width\": 120, \"height\": 40}, "
                + "\"first_frame_ms\": \(fmt(firstFrameMs)), "
            s += fitReportJSON(fits, budget: budget) + "}"
            print(s)
        case .table:
            print("\(ds.name): \(ds.userCount) users, \(ds.itemCount) items, \(ds.ratings.count) ratings")
            print("load: \(fmt(loadSeconds)) s")
            print(padCell("algorithm", 12) + padCell("fit s", 10) + padCell("fold-in+top20 p50 ms", 22) + padCell("p99 ms", 10)
                  + padCell("cpu p50 ms", 12) + "cpu p99 ms")
            for ((name, p50, p99), (_, c50, c99)) in zip(foldin, foldinCPU) {
                let fit = fitSeconds.first { $0.0 == name }?.1 ?? 0
                print(padCell(name, 12) + padCell(fmt(fit), 10) + padCell(fmt(p50), 22) + padCell(fmt(p99), 10) + padCell(fmt(c50), 12) + fmt(c99))
            }
            print(padCell("all", 12) + padCell("", 10) + padCell(fmt(percentile(all, 50)), 22) + padCell(fmt(percentile(all, 99)), 10)
                  + padCell(fmt(percentile(allCPU, 50)), 12) + fmt(percentile(allCPU, 99)))
            print("(\(ratings) simulated ratings on one growing profile, seed \(seed))")
            printFitTable(fits, budget: budget)
            print("first frame at 120×40 (state + view): \(fmt(firstFrameMs)) ms")
            print("key redraw at 120×40 (update + view + diff): p50 \(fmt(render.p50)) ms, p99 \(fmt(render.p99)) ms, "
                  + "max \(fmt(render.max)) ms over \(render.iterations) keys")
            print("key redraw with the lesson panel open: p50 \(fmt(renderLesson.p50)) ms, p99 \(fmt(renderLesson.p99)) ms, "
                  + "max \(fmt(renderLesson.max)) ms")
        }
    }

    /// Top-10 accuracy on a holdout split, implicit's `ranking_metrics_at_k` protocol.
    func runHoldout(prefix: String) throws {
        let trainPath = prefix + ".train.tsv", testPath = prefix + ".test.tsv"
        var ds = try DatasetLoader.load(path: trainPath)
        var users = ds.users, catalog = ds.catalog, report = LoadReport()
        let test = try DatasetLoader.readRatings(path: testPath, users: &users, catalog: &catalog, options: LoadOptions(),
                                      report: &report)
        // Items seen only in the test file are candidates too (as in the peers' scripts).
        let train = RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: ds.ratings.triples())
        ds = Dataset(name: ds.name, source: ds.source, catalog: catalog, users: users, ratings: train, scale: ds.scale)
        var held = [[Int32]](repeating: [], count: users.count)
        for t in test { held[Int(t.user)].append(t.item) }
        let k = 10
        var lines: [String] = []
        for name in chosen {
            let m = try Algorithms.make(name, parameters: parameters(of: name))
            let s = now(), sCPU = processCPU()
            try m.fit(ds, context: FitContext(seed: seed, threads: threads, memoryBudget: memoryOptions.bytes))
            let fit = now() - s, fitCPU = processCPU() - sCPU
            var ndcg = 0.0, map = 0.0, evaluated = 0
            for u in 0..<users.count where !held[u].isEmpty {
                let p = Profile.training(Int32(u), in: train)
                let top = m.recommend(p, count: k)
                let relevant = Set(held[u])
                var dcg = 0.0, hits = 0, ap = 0.0
                for (r, item) in top.enumerated() where relevant.contains(item.item) {
                    dcg += 1 / log2(Double(r) + 2)
                    hits += 1
                    ap += Double(hits) / Double(r + 1)
                }
                let ideal = min(k, relevant.count)
                var idcg = 0.0
                for r in 0..<ideal { idcg += 1 / log2(Double(r) + 2) }
                ndcg += dcg / idcg
                map += ap / Double(ideal)
                evaluated += 1
            }
            let n = Double(max(1, evaluated))
            lines.append(format == .json
                ? "\(jsonString(name)): {\"ndcg@10\": \(fmt4(ndcg / n)), \"map@10\": \(fmt4(map / n)), \"fit_seconds\": \(fmt(fit)), \"fit_cpu_seconds\": \(fmt(fitCPU))}"
                : padCell(name, 12) + padCell(fmt4(ndcg / n), 10) + padCell(fmt4(map / n), 10) + padCell(fmt(fit), 8) + fmt(fitCPU))
            if format == .table && lines.count == 1 {
                print(padCell("algorithm", 12) + padCell("NDCG@10", 10) + padCell("MAP@10", 10) + padCell("fit s", 8) + "fit cpu s")
            }
            if format == .table { print(lines.last!) }
        }
        if format == .json { print("{" + lines.joined(separator: ", ") + "}") }
    }
}

private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds consumed by the calling thread.
private func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds consumed by the whole process (all threads).
func processCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
private func fmt4(_ x: Double) -> String { String(format: "%.4f", x) }

/// The p-th percentile by nearest rank.
func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    let rank = Int((p / 100 * Double(s.count)).rounded(.up))
    return s[min(s.count - 1, max(0, rank - 1))]
}

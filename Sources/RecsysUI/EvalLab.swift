import Foundation
import RecsysEngine

// The evaluation lab (issue 6, key `v`): pick algorithms, a split and metrics; the run goes
// through `EvalRunner` in a background job (`EvalLabJob`), reporting progress per algorithm
// and fold; results are drawn as a table and as one horizontal bar chart per metric.
// Esc cancels a run through its `CancellationToken`. Browsing keeps working meanwhile:
// the job only sends `EvalLabEvent`s, which `applyEvalLabEvent` folds into the state.

/// Progress of one algorithm in a lab run.
public struct EvalLabProgress: Sendable, Equatable {
    /// 0…1 of this algorithm's folds.
    public var fraction: Double
    /// Current fold (0-based) and the number of folds.
    public var fold: Int
    public var folds: Int
    /// "fit: epoch 3/20", "evaluating", "done".
    public var label: String
    /// Training losses reported so far in the current fold (SGD / ALS models), for a sparkline.
    public var losses: [Double]

    public init(fraction: Double = 0, fold: Int = 0, folds: Int = 1, label: String = "waiting", losses: [Double] = []) {
        self.fraction = fraction
        self.fold = fold
        self.folds = folds
        self.label = label
        self.losses = losses
    }
}

/// What a lab job reports; `run` identifies the run so events of a cancelled run are dropped.
public enum EvalLabEvent: Sendable {
    case progress(run: Int, algorithm: String, EvalLabProgress)
    case finished(run: Int, EvalReport)
    /// The run stopped: an error, or "cancelled".
    case failed(run: Int, String)
}

/// The lab's choices, progress and results.
public struct EvalLabState: Sendable {
    /// Splits offered (`SplitSpec` syntax).
    public static let splitChoices = ["holdout:0.2", "holdout-user:0.2", "kfold:3", "kfold:5", "loo", "temporal:0.2"]
    /// Metrics offered (`MetricSpec` syntax).
    public static let metricChoices = ["rmse", "mae", "precision@10", "recall@10", "ndcg@10", "map@10", "mrr",
                                       "hitrate@10", "auc", "coverage", "novelty", "diversity", "personalization"]

    /// Every algorithm that can be chosen, in display order.
    public var algorithms: [String]
    public var chosen: Set<String>
    /// Index into `splitChoices`.
    public var split: Int
    public var metrics: Set<String>
    /// Row of the setup list: algorithms, then the split, then the metrics.
    public var cursor: Int
    /// First line of the results shown (PgUp / PgDn).
    public var scroll: Int

    /// The current run's number (bumped by every start); events of other runs are ignored.
    public var run: Int
    public var running: Bool
    public var progress: [String: EvalLabProgress]
    public var report: EvalReport?
    /// "cancelled", an error, or nil.
    public var message: String?
    public var cancellation: CancellationToken
    /// Cold-start run (`o`): each user keeps only N of their training ratings, for every N here.
    public var coldStart: Bool
    /// The grid search chosen with `g` ("item-knn.k=10,20,40,80"), or nil.
    public var grid: String?

    /// Ratings kept per user in a cold-start run.
    public static let coldStartCounts = [1, 2, 3, 5, 10, 20]
    /// A small grid per algorithm over its most telling parameter (see each model's `ParameterSpec`).
    public static let gridPresets: [String: String] = [
        "popularity": "damping=0,5,10,50", "baseline": "reg_i=0,5,10,25",
        "item-knn": "k=10,20,40,80", "user-knn": "k=10,20,40,80", "content": "neighbours=10,20,40,80",
        "svd": "factors=10,25,50,100", "svdpp": "factors=5,10,20,40", "als": "factors=16,32,64,128",
        "bpr": "factors=16,32,64,128", "ease": "lambda=50,200,500,2000", "hybrid": "cold_threshold=0,5,10,20",
    ]

    /// - Parameters:
    ///   - algorithms: the choosable algorithms; `chosen` defaults to the first two of them.
    public init(algorithms: [String], chosen: [String]? = nil,
                metrics: [String] = ["rmse", "precision@10", "ndcg@10", "coverage"]) {
        self.algorithms = algorithms
        self.chosen = Set(chosen ?? Array(algorithms.prefix(2)))
        split = 0
        self.metrics = Set(metrics)
        cursor = 0
        scroll = 0
        run = 0
        running = false
        progress = [:]
        report = nil
        message = nil
        cancellation = CancellationToken()
        coldStart = false
        grid = nil
    }

    /// The grids `g` cycles through: one preset per chosen algorithm that has one.
    public var gridChoices: [String] {
        chosenAlgorithms.compactMap { a in Self.gridPresets[a].map { a + "." + $0 } }
    }

    /// `S`: the next preset of `gridChoices`, wrapping around (only while a grid is on).
    public mutating func nextGrid() {
        let choices = gridChoices
        guard let g = grid, !choices.isEmpty else { return }
        grid = choices[((choices.firstIndex(of: g) ?? -1) + 1) % choices.count]
    }

    public var splitText: String { Self.splitChoices[split] }
    /// Chosen algorithms in display order.
    public var chosenAlgorithms: [String] { algorithms.filter { chosen.contains($0) } }
    /// Chosen metrics in `metricChoices` order.
    public var chosenMetrics: [String] { Self.metricChoices.filter { metrics.contains($0) } }
    var rowCount: Int { algorithms.count + 1 + Self.metricChoices.count }

    /// Starts a run: resets progress and results and returns the job to run off the UI thread,
    /// or nil (with `message` set) when no algorithm or no metric is chosen, or a run is going.
    public mutating func start(dataset: Dataset, parameters: [String: Parameters], seed: UInt64,
                               threads: Int = 2) -> EvalLabJob? {
        guard !running else { return nil }
        guard !chosen.isEmpty else { message = "choose at least one algorithm (Space)"; return nil }
        guard !metrics.isEmpty else { message = "choose at least one metric (Space)"; return nil }
        run += 1
        running = true
        report = nil
        message = nil
        scroll = 0
        cancellation = CancellationToken()
        progress = Dictionary(uniqueKeysWithValues: chosenAlgorithms.map { ($0, EvalLabProgress()) })
        let grids = grid.map { g in gridChoices.contains(g) ? [g] : [] } ?? []
        return EvalLabJob(run: run, dataset: dataset, algorithms: chosenAlgorithms, split: splitText,
                          metrics: chosenMetrics, parameters: parameters.filter { chosen.contains($0.key) },
                          grid: grids, coldStart: coldStart ? Self.coldStartCounts : [],
                          seed: seed, threads: threads, cancellation: cancellation)
    }

    /// Cancels the running job (it stops at its next check) and marks the run as cancelled.
    public mutating func cancel() {
        guard running else { return }
        cancellation.cancel()
        running = false
        message = "cancelled"
    }
}

/// Folds one job event into the lab; events of an older run are dropped.
public func applyEvalLabEvent(_ lab: inout EvalLabState, _ event: EvalLabEvent) {
    switch event {
    case .progress(let run, let name, let p):
        guard run == lab.run, lab.running else { return }
        lab.progress[name] = p
    case .finished(let run, let report):
        guard run == lab.run, lab.running else { return }
        lab.running = false
        lab.report = report
        for k in lab.progress.keys { lab.progress[k]!.fraction = 1; lab.progress[k]!.label = "done" }
    case .failed(let run, let text):
        guard run == lab.run, lab.running else { return }
        lab.running = false
        lab.message = text
    }
}

/// What a key did in the lab.
public enum EvalLabKeyResult: Sendable, Equatable {
    /// Not the lab's key: the app's key table takes it.
    case ignored
    case handled
    /// The caller should `start` a run and return its job as an effect.
    case start
}

/// Applies one key to the lab through the lab's key table (`Keymap.table(.evalLab)`).
/// While running, only Esc (cancel) is the lab's.
public func handleEvalLabKey(_ lab: inout EvalLabState, _ key: Key) -> EvalLabKeyResult {
    guard case .lab(let action)? = Keymap.ownAction(for: key, on: .evalLab) else { return .ignored }
    return lab.apply(action)
}

extension EvalLabState {
    /// Does one lab action. While running, only `.cancel` is the lab's; the rest go to the shared keys.
    ///
    /// ↑↓ / k j move in the setup list, Space toggles an algorithm or metric (or cycles the split),
    /// ←→ / h l cycle the split, o toggles the cold-start curve (N = 1,2,3,5,10,20), s turns a preset
    /// grid search on or off and S moves to the next preset, g / G jump to the first / last row,
    /// r or Enter runs, PgUp / PgDn scroll the results.
    public mutating func apply(_ action: LabAction) -> EvalLabKeyResult {
        if running {
            if action == .cancel { cancel(); return .handled }
            return .ignored
        }
        let n = algorithms.count
        switch action {
        case .up: cursor = max(0, cursor - 1)
        case .down: cursor = min(rowCount - 1, cursor + 1)
        case .pageUp: scroll = max(0, scroll - 10)
        case .pageDown: scroll += 10
        case .first: cursor = 0
        case .last: cursor = rowCount - 1
        case .left, .right, .toggle:
            if cursor < n {
                guard action == .toggle else { return .handled }
                let a = algorithms[cursor]
                if chosen.contains(a) { chosen.remove(a) } else { chosen.insert(a) }
            } else if cursor == n {
                let c = EvalLabState.splitChoices.count
                split = (split + (action == .left ? c - 1 : 1)) % c
            } else {
                guard action == .toggle else { return .handled }
                let m = EvalLabState.metricChoices[cursor - n - 1]
                if metrics.contains(m) { metrics.remove(m) } else { metrics.insert(m) }
            }
        case .coldStart: coldStart.toggle()
        case .grid:
            // A toggle: on (the first preset of the chosen algorithms) or off.
            if grid != nil { grid = nil } else { grid = gridChoices.first }
            if grid == nil && gridChoices.isEmpty { message = "no preset grid for the chosen algorithms" }
        case .nextGrid:
            nextGrid()
        case .run: return .start
        case .cancel: return .ignored
        }
        return .handled
    }
}

// MARK: - The job

/// One lab run: splits the dataset, runs `EvalRunner` over the chosen algorithms and reports
/// progress per algorithm and fold, then the report (or the error / "cancelled").
public struct EvalLabJob: Sendable {
    public var run: Int
    public var dataset: Dataset
    public var algorithms: [String]
    public var split: String
    public var metrics: [String]
    /// Parameters per algorithm (e.g. those set with `:set`), single values only.
    public var parameters: [String: Parameters]
    /// Grid entries "ALGO.KEY=V,V,…" (they override `parameters` of the same key).
    public var grid: [String]
    /// Ratings kept per user for a cold-start curve; empty for a normal run.
    public var coldStart: [Int]
    public var seed: UInt64
    public var threads: Int
    public var cancellation: CancellationToken

    public init(run: Int, dataset: Dataset, algorithms: [String], split: String, metrics: [String],
                parameters: [String: Parameters] = [:], grid: [String] = [], coldStart: [Int] = [],
                seed: UInt64 = 42, threads: Int = 2,
                cancellation: CancellationToken = CancellationToken()) {
        self.run = run
        self.dataset = dataset
        self.algorithms = algorithms
        self.split = split
        self.metrics = metrics
        self.parameters = parameters
        self.grid = grid
        self.coldStart = coldStart
        self.seed = seed
        self.threads = threads
        self.cancellation = cancellation
    }

    /// Runs synchronously (call it off the UI thread) and sends events; the last one is
    /// `.finished` or `.failed`. Progress is sent when the fold or label changes or the
    /// algorithm's fraction moved by at least 1%.
    ///
    /// Complexity: that of `EvalRunner.run` (fits per algorithm and fold, plus per-user ranking).
    public func run(send: @escaping @Sendable (EvalLabEvent) -> Void) {
        do {
            let spec = try SplitSpec(parsing: split)
            let folds = try Splitter.folds(spec, dataset: dataset, seed: seed)
            let specs = try metrics.map { try MetricSpec(parsing: $0) }
            var grid: [String] = []
            for name in algorithms {
                for (k, v) in (parameters[name]?.values ?? [:]).sorted(by: { $0.key < $1.key }) {
                    grid.append("\(name).\(k)=\(v)")
                }
            }
            let parameterGrid = try ParameterGrid(parsing: grid + self.grid)
            let configuration = EvalConfiguration(algorithms: algorithms, metrics: specs,
                                                  parameters: parameterGrid, coldStart: coldStart, seed: seed,
                                                  threads: threads)
            // EvalRunner numbers its runs algorithm by algorithm (combinations × cold-start counts each):
            // map a run back to its algorithm and to that algorithm's first run.
            var runAlgorithm: [Int] = [], firstRun: [Int] = [], runsOf: [Int] = []
            for (a, name) in algorithms.enumerated() {
                let n = parameterGrid.combinations(for: name).count * max(1, coldStart.count)
                firstRun.append(runAlgorithm.count)
                runsOf.append(n)
                runAlgorithm += Array(repeating: a, count: n)
            }
            let throttle = LabThrottle(count: algorithms.count)
            let units = Double(max(1, runAlgorithm.count * folds.count))
            let foldCount = folds.count, runID = run, names = algorithms
            let owners = runAlgorithm, starts = firstRun, counts = runsOf
            let report = try EvalRunner.run(
                dataset: dataset, split: split, folds: folds, configuration: configuration,
                progress: { p in
                    guard p.label != "done", owners.indices.contains(p.run) else { return }
                    let a = owners[p.run], span = Double(max(1, counts[a] * foldCount))
                    let local = max(0, min(1, (p.fraction * units - Double(starts[a] * foldCount)) / span))
                    // "svd factors=10 cold 3: fit: epoch 2/20" → "factors=10 cold 3 epoch 2/20"
                    let parts = p.label.split(separator: ":", maxSplits: 1)
                    let what = parts.first.map { $0.dropFirst(names[a].count).trimmingCharacters(in: .whitespaces) } ?? ""
                    let phase = parts.last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                    let label = what.isEmpty || parts.count < 2 ? phase : what + " " + phase
                    if let update = throttle.offer(run: a, fold: p.fold, fraction: local, label: label, loss: p.fit?.loss) {
                        send(.progress(run: runID, algorithm: names[a],
                                       EvalLabProgress(fraction: local, fold: p.fold, folds: foldCount, label: label,
                                                       losses: update)))
                    }
                },
                cancellation: cancellation)
            send(.finished(run: run, report))
        } catch is FitCancelled {
            send(.failed(run: run, "cancelled"))
        } catch {
            send(.failed(run: run, "\(error)"))
        }
    }
}

/// Decides which progress callbacks become events, and keeps each run's loss history.
final class LabThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private var last: [(fold: Int, fraction: Double, label: String)]
    private var losses: [[Double]]

    init(count: Int) {
        last = Array(repeating: (-1, -1, ""), count: count)
        losses = Array(repeating: [], count: count)
    }

    /// The loss history to send when this callback should become an event, else nil.
    func offer(run r: Int, fold: Int, fraction: Double, label: String, loss: Double?) -> [Double]? {
        lock.lock(); defer { lock.unlock() }
        if fold != last[r].fold { losses[r] = [] }
        if let loss, loss.isFinite { losses[r].append(loss) }
        let changed = fold != last[r].fold || label != last[r].label || fraction - last[r].fraction >= 0.01 || loss != nil
        guard changed else { return nil }
        last[r] = (fold, fraction, label)
        return losses[r]
    }
}

import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui eval`: fits algorithms on a split and reports accuracy and beyond-accuracy metrics.
///
/// The flags and the JSON output are a contract (issue 6); see docs/metrics.md for every formula.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate recommenders on a split: RMSE, MAE, NDCG@k, coverage, …",
        discussion: """
            Splits: holdout:F, holdout-user:F (default holdout-user:0.2), kfold:K, loo, temporal:F, new-users:F, \
            ml100k-folds (a folder with u1.base … u5.test), or explicit files with --train/--test.
            Metrics: rmse, mae, fcp, precision@k, recall@k, ndcg@k, map@k, mrr, hitrate@k, auc, topk-accuracy@k, \
            coverage, gini, diversity, novelty, personalization, popularity (list metrics take an optional @k, default 10), \
            taste-agreement@k (datasets with tastes.csv, such as the bundled sample).
            Several values in --param make a grid search: one result per combination.
            """)

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var modelOptions: SavedModelOptions

    @OptionGroup var memoryOptions: MemoryOptions

    @Option(help: "A training ratings file (with --test: an explicit split).")
    var train: String?

    @Option(help: "A test ratings file (with --train).")
    var test: String?

    @Option(help: "holdout:F | holdout-user:F | kfold:K | loo | temporal:F | new-users:F | ml100k-folds.")
    var split: String?

    @Option(help: "Seed of every random choice (splits, models).")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Algorithms to evaluate, comma-separated.")
    var algorithm: String

    @Option(help: "Metrics, comma-separated (default: rmse,mae,precision@10,recall@10,ndcg@10,coverage, and taste-agreement@10 when the data has tastes).")
    var metrics: String?

    @Option(name: .long, help: "ALGO.KEY=V[,V…]: a parameter value, or several for a grid search. Repeatable.")
    var param: [String] = []

    @Option(name: .customLong("relevant-min"), help: "Only test items rated at least this are relevant for top-N metrics.")
    var relevantMin: Float?

    @Option(name: .customLong("cold-start"), help: "Comma-separated N: test users keep only N training ratings (one result per N).")
    var coldStart: String?

    @Option(help: "Output format: table, json or csv.")
    var format: Format = .table

    @Option(help: "Report the metrics per demographic group: age, gender, occupation or region (with group sizes).")
    var by: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    func run() throws {
        memoryOptions.apply()
        if by != nil {
            FileHandle.standardOutput.write(Data(try evaluateByGroup().utf8))
            return
        }
        let report = try evaluate()
        let text: String
        switch format {
        case .table: text = report.table()
        case .json: text = report.json()
        case .csv: text = report.csv()
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `--by ATTRIBUTE`: fits each algorithm once per fold and reports its metrics within each group.
    func evaluateByGroup() throws -> String {
        guard let by else { return "" }
        guard Demographics.attributes.contains(by) else {
            throw EvalError("--by \(by): expected one of \(Demographics.attributes.joined(separator: ", "))")
        }
        if coldStart != nil { throw EvalError("--by cannot be used with --cold-start") }
        if modelOptions.model != nil { throw EvalError("--by cannot be used with --model") }
        if format == .csv { throw EvalError("--by prints a table or json, not csv") }
        let names = algorithm.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for n in names where Algorithms.type(named: n) == nil {
            throw EvalError("unknown algorithm '\(n)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        guard !names.isEmpty else { throw EvalError("--algorithm: name at least one") }
        let metricSpecs = try metrics.map(MetricSpec.parseList) ?? MetricSpec.defaults
        let grid = try ParameterGrid(parsing: param)
        if grid.isGrid { throw EvalError("--by takes one value per parameter, not a grid") }
        let options = LoadOptions(skipBadLines: dataOptions.skipBadLines)
        let spec = try SplitSpec(parsing: split ?? "holdout-user:0.2")
        let dataset: Dataset, folds: [EvalFold]
        if spec == .ml100kFolds {
            (dataset, folds) = try Splitter.ml100kFolds(folder: dataOptions.path, options: options)
        } else {
            dataset = try dataOptions.load()
            folds = try Splitter.folds(spec, dataset: dataset, seed: seed)
        }
        guard !Demographics.present(in: dataset.userAttributes).isEmpty else {
            throw EvalError("\(dataset.name) has no demographics (no u.user, users.dat or users.csv)")
        }
        let config = EvalConfiguration(algorithms: names, metrics: metricSpecs, parameters: grid,
                                       relevantMin: relevantMin, seed: seed)
        let groups = try EvalByGroup.run(folds: folds, configuration: config, attribute: by)
        switch format {
        case .json: return EvalByGroup.json(groups, attribute: by, configuration: config, dataset: dataset.name,
                                            split: spec.description)
        default:
            return EvalByGroup.table(groups, attribute: by, configuration: config)
                + "dataset \(dataset.name) · split \(spec.description) · seed \(seed) · groups under 30 users are marked: "
                + "their figures swing with a few users (docs/metrics.md)\n"
        }
    }

    func evaluate() throws -> EvalReport {
        let names = algorithm.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty else { throw EvalError("--algorithm: name at least one (valid: \(Algorithms.names.joined(separator: ", ")))") }
        for n in names where Algorithms.type(named: n) == nil {
            throw EvalError("unknown algorithm '\(n)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        var metricSpecs = try metrics.map(MetricSpec.parseList) ?? MetricSpec.defaults
        let grid = try ParameterGrid(parsing: param)
        var cold: [Int] = []
        if let coldStart {
            for part in coldStart.split(separator: ",") {
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                    throw EvalError("--cold-start '\(coldStart)': expected comma-separated counts, e.g. 1,2,3,5,10,20")
                }
                cold.append(n)
            }
        }
        if let r = relevantMin, !r.isFinite { throw EvalError("--relevant-min must be a number") }
        if modelOptions.model != nil {
            if train == nil || test == nil { throw EvalError("--model needs one split given as --train and --test files") }
            if names.count != 1 { throw EvalError("--model evaluates one algorithm, not \(names.joined(separator: ","))") }
            if !cold.isEmpty { throw EvalError("--model cannot be used with --cold-start") }
            if grid.isGrid { throw EvalError("--model cannot be used with a parameter grid") }
        }
        let options = LoadOptions(skipBadLines: dataOptions.skipBadLines)

        let dataset: Dataset, folds: [EvalFold], splitName: String
        if train != nil || test != nil {
            guard let train, let test else { throw EvalError("--train and --test go together") }
            if dataOptions.data != nil { throw EvalError("use either --data or --train/--test, not both") }
            if let split, split != "files" { throw EvalError("--split \(split) cannot be used with --train/--test") }
            (dataset, folds) = try Splitter.files(train: train, test: test, items: dataOptions.items,
                                                  options: options)
            splitName = "files"
        } else {
            let spec = try SplitSpec(parsing: split ?? "holdout-user:0.2")
            splitName = spec.description
            if spec == .ml100kFolds {
                (dataset, folds) = try Splitter.ml100kFolds(folder: dataOptions.path, options: options)
            } else {
                dataset = try dataOptions.load()
                folds = try Splitter.folds(spec, dataset: dataset, seed: seed)
            }
        }
        if metrics == nil, dataset.tastes != nil { metricSpecs.append(MetricSpec.defaultTasteAgreement) }
        let config = EvalConfiguration(algorithms: names, metrics: metricSpecs, parameters: grid,
                                       relevantMin: relevantMin, coldStart: cold, seed: seed)
        var fitted: [String: any Recommender] = [:]
        if let model = modelOptions.model, let name = names.first, let fold = folds.first {
            // The model must have been trained on the --train file: the fingerprint check refuses others.
            var p = Parameters()
            for (k, v) in grid.combinations(for: name).first ?? [] { p[k] = v }
            fitted[name] = try loadOrFit(algorithm: name, model: model, dataset: fold.train, parameters: p,
                                         seed: seed)
        }
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        defer { bar.finish() }
        return try EvalRunner.run(dataset: dataset, split: splitName, folds: folds, configuration: config,
                                  fitted: fitted, progress: { bar.update($0) })
    }
}

/// A one-line progress bar with ETA on stderr, drawn only once a run has taken a second.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false
    private var best = 0.0

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: EvalProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        best = max(best, p.fraction)
        guard elapsed >= 1, now.timeIntervalSince(lastDraw) >= 0.1 || p.fraction >= 1 else { return }
        lastDraw = now
        let width = 24
        let filled = Int((best * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var eta = "--:--"
        if best > 0.01 {
            let left = elapsed / best - elapsed
            eta = String(format: "%d:%02d", Int(left) / 60, Int(left) % 60)
        }
        var line = String(format: "%@ %3d%% ETA %@ ", bar, Int(best * 100), eta) + p.label
        if line.count > 79 { line = String(line.prefix(79)) }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        drawn = true
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}

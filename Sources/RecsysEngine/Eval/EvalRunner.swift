import Foundation

/// What to evaluate: algorithms, metrics, parameters, and the protocol's options.
public struct EvalConfiguration: Sendable {
    public var algorithms: [String]
    public var metrics: [MetricSpec]
    public var parameters: ParameterGrid
    /// With a value R, only test items rated at least R are relevant for top-N metrics.
    public var relevantMin: Float?
    /// Numbers of training ratings test users keep (`--cold-start`); empty for a normal run.
    public var coldStart: [Int]
    public var seed: UInt64
    /// Worker threads for fitting and for per-user evaluation (results do not depend on it).
    public var threads: Int

    public init(algorithms: [String], metrics: [MetricSpec] = MetricSpec.defaults,
                parameters: ParameterGrid = ParameterGrid(), relevantMin: Float? = nil,
                coldStart: [Int] = [], seed: UInt64 = 42,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.algorithms = algorithms
        self.metrics = metrics
        self.parameters = parameters
        self.relevantMin = relevantMin
        self.coldStart = coldStart
        self.seed = seed
        self.threads = max(1, threads)
    }
}

/// The figures of one fold.
public struct FoldResult: Sendable {
    public var fold: String
    /// Metric name → value; NaN when undefined (e.g. RMSE without test ratings).
    public var metrics: [String: Double]
    public var fitSeconds: Double
    public var predictSeconds: Double
    /// Users with at least one relevant test item (the top-N averages are over them).
    public var usersEvaluated: Int
    /// Users without a relevant test item, skipped by the top-N metrics.
    public var usersSkipped: Int
    /// Test ratings predicted (rating metrics).
    public var testRatings: Int
}

/// One algorithm with one parameter combination (and cold-start level), over every fold.
public struct EvalResult: Sendable {
    public var algorithm: String
    /// All parameters in force (defaults filled in).
    public var params: Parameters
    /// The parameters given with `--param` (what a grid varies), in command-line order.
    public var overrides: [(key: String, value: String)]
    /// Training ratings test users kept, for `--cold-start` runs.
    public var coldStart: Int?
    /// Means over folds (folds where a metric is undefined are left out of its mean).
    public var metrics: [String: Double]
    public var fitSeconds: Double
    public var predictSeconds: Double
    public var perFold: [FoldResult]
    public var folds: Int { perFold.count }
}

/// A whole evaluation: what was run on what, and the results in run order.
public struct EvalReport: Sendable {
    public var dataset: String
    public var split: String
    public var seed: UInt64
    public var metrics: [MetricSpec]
    public var results: [EvalResult]
    /// True when a `--param` had several values: tables are sorted by the first metric.
    public var isGrid: Bool
}

/// Progress of a run: the share done and what is happening.
public struct EvalProgress: Sendable {
    /// 0…1 of the whole run.
    public var fraction: Double
    /// "svd factors=50 u2: epoch 3/20", for a progress line.
    public var label: String
    /// Index of the (algorithm, parameters, cold-start level) run and of the fold.
    public var run: Int = 0
    public var fold: Int = 0
    /// The model's own report while fitting (epoch and loss for SGD and ALS models); nil while evaluating.
    public var fit: FitProgress? = nil

    public init(fraction: Double, label: String, run: Int = 0, fold: Int = 0, fit: FitProgress? = nil) {
        self.fraction = fraction
        self.label = label
        self.run = run
        self.fold = fold
        self.fit = fit
    }
}

/// Fits every configured algorithm on every fold and measures it.
///
/// Protocol, per fold: the model is fitted on the training ratings. For rating metrics, each
/// test user's profile is their training row (`Profile.training`), and `predict` is asked
/// for their test items. For top-N metrics, the user's `scores` are ranked over the
/// candidates — every catalog item except the user's training items — and compared with
/// the relevant items (test items, rated ≥ R with `--relevant-min R`). Users without a
/// relevant item are skipped and counted. `topk-accuracy@k` ranks all items (seen ones
/// included), as TensorFlow Recommenders does.
public enum EvalRunner {

    /// - Parameter fitted: pre-fitted models by algorithm name (`--model FILE`), used instead of
    ///   fitting. They must have been trained on the one fold's training data, so they are allowed
    ///   only with a single fold, no cold-start levels and one parameter combination per algorithm.
    public static func run(dataset: Dataset, split: String, folds: [EvalFold], configuration c: EvalConfiguration,
                           fitted: [String: any Recommender] = [:],
                           progress: (@Sendable (EvalProgress) -> Void)? = nil,
                           cancellation: CancellationToken? = nil) throws -> EvalReport {
        if !fitted.isEmpty {
            if folds.count != 1 { throw EvalError("a saved model needs a single split (--train/--test), not \(folds.count) folds") }
            if !c.coldStart.isEmpty { throw EvalError("a saved model cannot be evaluated with --cold-start") }
            for name in fitted.keys where c.parameters.combinations(for: name).count > 1 {
                throw EvalError("a saved \(name) model cannot be evaluated over a parameter grid")
            }
        }
        if let m = c.metrics.first(where: { $0.kind == .tasteAgreement }),
           folds.contains(where: { $0.train.tastes == nil }) {
            throw EvalError("metric '\(m.name)' needs the users' true tastes (tastes.csv beside ratings.csv, as in the bundled sample); \(dataset.name) has none")
        }
        // Validate every algorithm and parameter combination before any work.
        for name in c.parameters.algorithms where !c.algorithms.contains(name) {
            throw EvalError("--param names '\(name)', which is not among --algorithm \(c.algorithms.joined(separator: ","))")
        }
        var runs: [(String, [(key: String, value: String)], Parameters, Int?)] = []
        for name in c.algorithms {
            for combo in c.parameters.combinations(for: name) {
                var p = Parameters()
                for (k, v) in combo { p[k] = v }
                let model = try Algorithms.make(name, parameters: p)
                for n in (c.coldStart.isEmpty ? [nil] : c.coldStart.map { Optional($0) }) {
                    runs.append((name, combo, model.parameters, n))
                }
            }
        }
        let units = Double(max(1, runs.count * folds.count))
        var results: [EvalResult] = []
        for (r, (name, combo, resolved, cold)) in runs.enumerated() {
            var perFold: [FoldResult] = []
            for (f, fold) in folds.enumerated() {
                try cancellation.map { if $0.isCancelled { throw FitCancelled() } }
                let base = Double(r * folds.count + f)
                let what = "\(name)" + combo.map { " \($0.key)=\($0.value)" }.joined()
                    + (folds.count > 1 ? " \(fold.name)" : "") + (cold.map { " cold \($0)" } ?? "")
                let report: @Sendable (Double, String, FitProgress?) -> Void = { x, phase, fit in
                    progress?(EvalProgress(fraction: (base + min(1, max(0, x))) / units, label: "\(what): \(phase)",
                                           run: r, fold: f, fit: fit))
                }
                var p = Parameters()
                for (k, v) in combo { p[k] = v }
                let model = try fitted[name] ?? Algorithms.make(name, parameters: p)
                perFold.append(try evaluate(model: model, fold: fold, configuration: c, coldStart: cold,
                                            isFitted: fitted[name] != nil,
                                            progress: report, cancellation: cancellation))
            }
            results.append(EvalResult(algorithm: name, params: resolved, overrides: combo, coldStart: cold,
                                      metrics: meanMetrics(perFold, c.metrics),
                                      fitSeconds: perFold.map(\.fitSeconds).reduce(0, +) / Double(max(1, perFold.count)),
                                      predictSeconds: perFold.map(\.predictSeconds).reduce(0, +) / Double(max(1, perFold.count)),
                                      perFold: perFold))
        }
        progress?(EvalProgress(fraction: 1, label: "done"))
        return EvalReport(dataset: dataset.name, split: split, seed: c.seed, metrics: c.metrics,
                          results: results, isGrid: c.parameters.isGrid)
    }

    static func meanMetrics(_ folds: [FoldResult], _ specs: [MetricSpec]) -> [String: Double] {
        var out: [String: Double] = [:]
        for m in specs {
            let vals = folds.compactMap { $0.metrics[m.name] }.filter { !$0.isNaN }
            out[m.name] = vals.isEmpty ? .nan : vals.reduce(0, +) / Double(vals.count)
        }
        return out
    }

    /// Fits `model` on the fold's training data (reduced for a cold-start level) and measures it.
    ///
    /// With `isFitted`, `model` is already trained on `fold.train` (a saved model) and is not
    /// fitted again; `fitSeconds` is then 0.
    public static func evaluate(model: any Recommender, fold: EvalFold, configuration c: EvalConfiguration,
                                coldStart: Int? = nil, isFitted: Bool = false,
                                progress: @escaping @Sendable (Double, String, FitProgress?) -> Void = { _, _, _ in },
                                cancellation: CancellationToken? = nil) throws -> FoldResult {
        let test = fold.test
        var train = fold.train
        var folded: [Profile?] = []
        if let n = coldStart {
            let (reduced, profiles) = coldStartTraining(fold: fold, keep: n, seed: c.seed)
            train = reduced
            folded = profiles
        }
        let fitStart = Date()
        let ctx = FitContext(seed: c.seed, threads: c.threads,
                             progress: { p in progress(0.5 * p.fraction, p.message, p) }, cancellation: cancellation)
        if !isFitted { try model.fit(train, context: ctx) }
        let fitSeconds = Date().timeIntervalSince(fitStart)
        progress(0.5, "evaluating", nil)

        let evalStart = Date()
        let seen = fold.train.ratings
        let profileOf: @Sendable (Int32) -> Profile = { [folded, train] u in
            if !folded.isEmpty, let p = folded[Int(u)] { return p }
            return Profile.training(u, in: train.ratings)
        }
        let tastes = c.metrics.contains { $0.kind == .tasteAgreement }
            ? fold.train.tastes.map { TasteContext(tastes: $0, itemGenres: $0.itemMasks(fold.train.catalog)) } : nil
        let acc = try accumulate(model: model, test: test, seen: seen, profileOf: profileOf, configuration: c,
                                 tastes: tastes,
                                 progress: { progress(0.5 + 0.5 * $0, "evaluating", nil) }, cancellation: cancellation)
        var metrics = finish(acc, specs: c.metrics, train: train, seed: c.seed)
        for m in c.metrics where metrics[m.name] == nil { metrics[m.name] = .nan }
        let evaluated = c.metrics.contains { !$0.kind.isRatingMetric } ? acc.users : acc.ratingUsers
        return FoldResult(fold: fold.name, metrics: metrics, fitSeconds: fitSeconds,
                          predictSeconds: Date().timeIntervalSince(evalStart),
                          usersEvaluated: evaluated, usersSkipped: test.userCount - evaluated,
                          testRatings: acc.ratingCount)
    }

    /// Cold start at level N: every user with test ratings keeps N of their training ratings
    /// (a seeded random choice; all of them when they have fewer). The model is trained on
    /// that reduced data, and each such user is evaluated through a folded-in profile of the
    /// N kept ratings, with no `trainingUser` but with the user's demographics when the dataset has them
    /// (so at N = 0 a demographic model still knows who the user is).
    static func coldStartTraining(fold: EvalFold, keep n: Int, seed: UInt64) -> (Dataset, [Profile?]) {
        let m = fold.train.ratings
        var keep = [Bool](repeating: true, count: m.count)
        var profiles = [Profile?](repeating: nil, count: m.userCount)
        for u in 0..<m.userCount where fold.test.rowCount(Int32(u)) > 0 {
            let start = m.rowStart[u], len = m.rowStart[u + 1] - start
            var order = Array(start..<(start + len))
            var rng = SplitMix64.derived(seed: seed, stream: 5_000_000 + UInt64(u))
            Splitter.shuffle(&order, &rng)
            let kept = order.prefix(n)
            for p in order.dropFirst(n) { keep[p] = false }
            let attributes = u < fold.train.userAttributes.count ? fold.train.userAttributes[u] : UserAttributes()
            profiles[u] = Profile(kept.map { (m.rowItems[$0], m.rowRatings[$0]) }, attributes: attributes)
        }
        return (fold.train.withRatings(m.filter { keep[$0] }), profiles)
    }

    // MARK: Per-user accumulation

    /// Sums gathered over users; merged in a fixed order so results do not depend on threads.
    struct Accumulator: Sendable {
        var squaredError = 0.0, absoluteError = 0.0, ratingCount = 0
        var concordant = 0, discordant = 0
        /// Per metric index: the sum of per-user values (precision, recall, ndcg, map, hitrate, mrr).
        var userSums: [Double]
        var aucSum = 0.0, aucUsers = 0
        /// Per metric index: relevant test items found in the unfiltered top k (topk-accuracy).
        var topkHits: [Int]
        var relevantCount = 0
        /// Users with a relevant test item (top-N) …
        var users = 0
        /// … and users with any test rating (rating metrics).
        var ratingUsers = 0
        /// Recommendation lists of evaluated users, in user order.
        var lists: [[Int32]] = []
        /// Evaluated users whose true tastes are known (taste-agreement averages over them).
        var tasteUsers = 0

        init(metricCount: Int) {
            userSums = [Double](repeating: 0, count: metricCount)
            topkHits = [Int](repeating: 0, count: metricCount)
        }

        mutating func merge(_ o: Accumulator) {
            squaredError += o.squaredError; absoluteError += o.absoluteError; ratingCount += o.ratingCount
            concordant += o.concordant; discordant += o.discordant
            for k in userSums.indices { userSums[k] += o.userSums[k]; topkHits[k] += o.topkHits[k] }
            aucSum += o.aucSum; aucUsers += o.aucUsers
            relevantCount += o.relevantCount
            users += o.users
            ratingUsers += o.ratingUsers
            tasteUsers += o.tasteUsers
            lists += o.lists
        }
    }

    final class Slots: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Accumulator?]
        private var next = 0
        private(set) var done = 0
        init(_ n: Int) { values = [Accumulator?](repeating: nil, count: n) }
        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }
        func put(_ k: Int, _ a: Accumulator) -> Int {
            lock.lock(); defer { lock.unlock() }
            values[k] = a
            done += 1
            return done
        }
        var all: [Accumulator?] { lock.lock(); defer { lock.unlock() }; return values }
    }

    /// The users' tastes and the items' genres over the same bits, for taste-agreement.
    struct TasteContext: Sendable {
        var tastes: UserTastes
        var itemGenres: [UInt64]
    }

    static func accumulate(model: any Recommender, test: RatingMatrix, seen: RatingMatrix,
                           profileOf: @escaping @Sendable (Int32) -> Profile, configuration c: EvalConfiguration,
                           tastes: TasteContext? = nil,
                           progress: @escaping @Sendable (Double) -> Void,
                           cancellation: CancellationToken?) throws -> Accumulator {
        let specs = c.metrics
        let wantRatings = specs.contains { $0.kind.isRatingMetric }
        let wantFCP = specs.contains { $0.kind == .fcp }
        let wantTopN = specs.contains { !$0.kind.isRatingMetric }
        let wantRanks = specs.contains { $0.kind == .mrr || $0.kind == .auc }
        let listLength = specs.filter { !$0.kind.isRatingMetric && $0.kind != .topkAccuracy }.map(\.k).max() ?? 0
        let keepLists = specs.contains { $0.kind.isListMetric }
        let relevantMin = c.relevantMin
        let users = (0..<test.userCount).filter { test.rowCount(Int32($0)) > 0 }
        // A fixed chunking (independent of the thread count) keeps float sums reproducible.
        let chunkCount = min(64, max(1, users.count))
        let slots = Slots(chunkCount)
        let itemCount = test.itemCount

        let work: @Sendable () -> Void = {
            var isSeen = [Bool](repeating: false, count: itemCount)
            while let chunk = slots.take() {
                if cancellation?.isCancelled == true { _ = slots.put(chunk, Accumulator(metricCount: specs.count)); continue }
                var acc = Accumulator(metricCount: specs.count)
                let lo = users.count * chunk / chunkCount, hi = users.count * (chunk + 1) / chunkCount
                for uu in users[lo..<hi] {
                    let u = Int32(uu)
                    let row = test.row(u)
                    let items = Array(row.items), truth = Array(row.ratings)
                    let profile = profileOf(u)
                    if wantRatings {
                        let preds = model.predict(profile, items: items)
                        var est = [Float](repeating: 0, count: items.count)
                        for k in 0..<items.count {
                            let v = preds[k].value.isFinite ? preds[k].value : 0
                            est[k] = v
                            let e = Double(v) - Double(truth[k])
                            acc.squaredError += e * e
                            acc.absoluteError += abs(e)
                        }
                        acc.ratingCount += items.count
                        acc.ratingUsers += 1
                        if wantFCP {
                            let (nc, nd) = Metrics.fcpPairs(truth: truth, predicted: est)
                            acc.concordant += nc; acc.discordant += nd
                        }
                    }
                    guard wantTopN else { continue }
                    var relevant = Set<Int32>()
                    for k in 0..<items.count where relevantMin.map({ truth[k] >= $0 }) ?? true { relevant.insert(items[k]) }
                    if relevant.isEmpty { continue }
                    acc.users += 1
                    acc.relevantCount += relevant.count
                    let scores = model.scores(profile)
                    let seenRow = seen.row(u).items
                    for i in seenRow { isSeen[Int(i)] = true }
                    let list = topK(scores, k: listLength) { !isSeen[Int($0)] }.map(\.item)
                    let knownTaste = tastes.map { $0.tastes.known[Int(u)] } ?? false
                    if knownTaste { acc.tasteUsers += 1 }
                    for (mi, m) in specs.enumerated() {
                        switch m.kind {
                        case .tasteAgreement:
                            if knownTaste, let t = tastes {
                                acc.userSums[mi] += Metrics.tasteAgreement(
                                    at: m.k, ranked: list, itemGenres: t.itemGenres,
                                    liked: t.tastes.liked[Int(u)], disliked: t.tastes.disliked[Int(u)])
                            }
                        case .precision: acc.userSums[mi] += Metrics.precision(at: m.k, ranked: list, relevant: relevant)
                        case .recall: acc.userSums[mi] += Metrics.recall(at: m.k, ranked: list, relevant: relevant)
                        case .ndcg: acc.userSums[mi] += Metrics.ndcg(at: m.k, ranked: list, relevant: relevant)
                        case .map: acc.userSums[mi] += Metrics.averagePrecision(at: m.k, ranked: list, relevant: relevant)
                        case .hitrate: acc.userSums[mi] += Metrics.hitRate(at: m.k, ranked: list, relevant: relevant)
                        case .topkAccuracy:
                            let all = topK(scores, k: m.k)
                            acc.topkHits[mi] += all.reduce(0) { $0 + (relevant.contains($1.item) ? 1 : 0) }
                        default: break
                        }
                    }
                    if wantRanks {
                        let facts = Metrics.rankFacts(scores: scores, excluded: seenRow, relevant: relevant)
                        if let mi = specs.firstIndex(where: { $0.kind == .mrr }) {
                            acc.userSums[mi] += facts.firstRelevantRank.map { 1 / Double($0) } ?? 0
                        }
                        if let a = facts.auc { acc.aucSum += a; acc.aucUsers += 1 }
                    }
                    for i in seenRow { isSeen[Int(i)] = false }
                    if keepLists { acc.lists.append(list) }
                }
                let done = slots.put(chunk, acc)
                progress(Double(done) / Double(chunkCount))
            }
        }
        let threads = min(c.threads, chunkCount)
        if threads <= 1 { work() } else { DispatchQueue.concurrentPerform(iterations: threads) { _ in work() } }
        try cancellation.map { if $0.isCancelled { throw FitCancelled() } }
        var total = Accumulator(metricCount: specs.count)
        for a in slots.all { if let a { total.merge(a) } }
        return total
    }

    /// Turns the accumulated sums into metric values.
    static func finish(_ a: Accumulator, specs: [MetricSpec], train: Dataset, seed: UInt64) -> [String: Double] {
        var out: [String: Double] = [:]
        let m = train.ratings
        let needsMeasures = specs.contains { [.diversity, .novelty, .popularity].contains($0.kind) }
        let measures = needsMeasures ? ListMeasures(dataset: train) : nil
        for (mi, s) in specs.enumerated() {
            let lists = s.kind.isListMetric ? a.lists.map { Array($0.prefix(s.k)) } : []
            let v: Double
            switch s.kind {
            case .rmse: v = Metrics.rmse(squaredErrorSum: a.squaredError, count: a.ratingCount)
            case .mae: v = Metrics.mae(absoluteErrorSum: a.absoluteError, count: a.ratingCount)
            case .fcp: v = Metrics.fcp(concordant: a.concordant, discordant: a.discordant)
            case .precision, .recall, .ndcg, .map, .hitrate, .mrr:
                v = a.users == 0 ? .nan : a.userSums[mi] / Double(a.users)
            case .tasteAgreement: v = a.tasteUsers == 0 ? .nan : a.userSums[mi] / Double(a.tasteUsers)
            case .auc: v = a.aucUsers == 0 ? .nan : a.aucSum / Double(a.aucUsers)
            case .topkAccuracy: v = a.relevantCount == 0 ? .nan : Double(a.topkHits[mi]) / Double(a.relevantCount)
            case .coverage: v = a.users == 0 ? .nan : Metrics.coverage(lists: lists, itemCount: m.itemCount)
            case .gini: v = Metrics.gini(counts: Metrics.recommendationCounts(lists: lists, itemCount: m.itemCount))
            case .diversity: v = measures!.diversity(lists: lists)
            case .novelty: v = measures!.novelty(lists)
            case .personalization:
                v = Metrics.personalization(lists: sample(lists, limit: Metrics.personalizationSampleLimit, seed: seed))
            case .popularity: v = measures!.popularity(lists)
            }
            out[s.name] = v
        }
        return out
    }

    /// At most `limit` elements, a seeded choice that keeps their order.
    static func sample<T>(_ a: [T], limit: Int, seed: UInt64) -> [T] {
        guard a.count > limit else { return a }
        var idx = Array(0..<a.count)
        var rng = SplitMix64.derived(seed: seed, stream: 6)
        Splitter.shuffle(&idx, &rng)
        return idx.prefix(limit).sorted().map { a[$0] }
    }
}

import Foundation
import RecsysEngine

// Engine work the explorer hands to a background thread. Every job is a plain
// Sendable value with a synchronous `run`: pure with respect to the UI (it reads
// the fitted models and the profile it was given and returns a result), so the
// terminal backend calls it on a background queue and posts the result back as
// a `Message`, and tests call it inline.

/// A fitted model and the name it is registered under.
public struct NamedModel: Sendable {
    public let name: String
    public let model: any Recommender
    public init(name: String, model: any Recommender) {
        self.name = name
        self.model = model
    }
}

/// Monotonic wall-clock milliseconds, for timing jobs.
@inline(__always) func nowMillis() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000
}

// MARK: - Fitting

/// Which model to fit, with which parameters.
public struct FitRequest: Sendable, Equatable {
    public var algorithm: String
    public var parameters: Parameters
    public init(algorithm: String, parameters: Parameters = Parameters()) {
        self.algorithm = algorithm
        self.parameters = parameters
    }
}

/// Where a ready model came from.
public enum ModelSource: Sendable, Equatable {
    /// Fitted in this run.
    case fitted
    /// Read from the fitted-model cache (`ModelCache`).
    case cache
    /// Loaded with `--model FILE`.
    case file
}

/// Fits models one after another on a background thread, reporting progress.
///
/// `run(send:)` sends, per model, `.fitProgress` events while it trains, then
/// `.modelFitted` (with the model's catalog coverage) or `.fitFailed`. Models
/// arrive one by one, so the explorer shows each algorithm as soon as it is ready.
public struct FitJob: Sendable {
    public var dataset: Dataset
    public var requests: [FitRequest]
    public var seed: UInt64
    public var threads: Int
    /// How many dataset users sample catalog coverage (0 disables it).
    public var coverageUsers: Int
    /// Cancels a fit in progress (e.g. when the explorer quits).
    public var cancellation: CancellationToken
    /// Models already fitted on `dataset` (loaded with `--model FILE`), by algorithm name: a request
    /// for one of them with no parameters set is answered with it instead of fitting.
    public var prefitted: [String: any Recommender]
    /// The fitted-model cache: looked up before each fit, written after (nil: no cache).
    public var cache: ModelCache?
    /// The fit lane it was planned on (`FitPlan`): the runtime runs each lane on its own queue.
    public var lane: Int

    public init(dataset: Dataset, requests: [FitRequest], seed: UInt64, threads: Int = 2, coverageUsers: Int = 50,
                cancellation: CancellationToken = CancellationToken(), prefitted: [String: any Recommender] = [:],
                cache: ModelCache? = nil, lane: Int = 0) {
        self.prefitted = prefitted
        self.cache = cache
        self.lane = lane
        self.dataset = dataset
        self.requests = requests
        self.seed = seed
        self.threads = threads
        self.coverageUsers = coverageUsers
        self.cancellation = cancellation
    }

    /// Fits every requested model in order; see the type's summary for the messages sent.
    public func run(send: @escaping @Sendable (Message) -> Void) {
        for request in requests {
            if cancellation.isCancelled { return send(.fitFailed(algorithm: request.algorithm, message: "cancelled")) }
            let t0 = nowMillis()
            send(fit(request, progress: { p in
                var p = p
                p.elapsed = (nowMillis() - t0) / 1000
                send(.fitProgress(algorithm: request.algorithm, p))
            }, notice: { send(.cacheNotice(algorithm: request.algorithm, text: $0)) }))
        }
    }

    /// Fits one model and returns `.modelFitted` or `.fitFailed`.
    ///
    /// With a `cache`, the model is read from it when an entry for the same data, algorithm,
    /// parameters, seed and threads exists (`source: .cache`), and written to it after a fit. A
    /// corrupt or stale entry is never used: `notice` gets "cache entry for svd was corrupt:
    /// refitting" and the model is fitted and the entry replaced.
    public func fit(_ request: FitRequest, progress: @escaping @Sendable (FitProgress) -> Void = { _ in },
                    notice: @escaping @Sendable (String) -> Void = { _ in }) -> Message {
        let t0 = nowMillis()
        do {
            var model: (any Recommender)?
            var source = ModelSource.fitted
            if let loaded = prefitted[request.algorithm], request.parameters.values.isEmpty {
                model = loaded
                source = .file
            }
            let key = model == nil
                ? cache?.key(algorithm: request.algorithm, parameters: request.parameters, seed: seed, threads: threads) : nil
            var storedCoverage: Double??
            if let cache, let key {
                switch cache.load(key) {
                case .hit(let m, let stored):
                    model = m
                    source = .cache
                    // The sampled coverage was stored with the model (it is costly on large catalogs).
                    if stored["coverage-users"] == String(coverageUsers), let c = stored["coverage"] {
                        storedCoverage = .some(Double(c))
                    }
                case .miss: break
                case .refused(let why): notice("cache entry for \(request.algorithm) was \(why.word): refitting")
                }
            }
            if model == nil {
                let m = try Algorithms.make(request.algorithm, parameters: request.parameters)
                let context = FitContext(seed: seed, threads: threads, progress: progress, cancellation: cancellation)
                try m.fit(dataset, context: context)
                model = m
            }
            guard let model else { throw FitCancelled() }
            let seconds = (nowMillis() - t0) / 1000
            let sampled = storedCoverage ?? FitJob.catalogCoverage(model, dataset: dataset, users: coverageUsers, seed: seed)
            // A cache that cannot be written (full disk, read-only home) only costs the next start a fit.
            if source == .fitted, let cache, let key {
                try? cache.store(key, model: model, notes: [("coverage-users", String(coverageUsers)),
                                                             ("coverage", sampled.map { String($0) } ?? "none")])
            }
            let coverage = sampled
            return .modelFitted(algorithm: request.algorithm, model: model, seconds: seconds, coverage: coverage,
                                source: source)
        } catch let e as ParameterError {
            return .fitFailed(algorithm: request.algorithm, message: e.message)
        } catch is FitCancelled {
            return .fitFailed(algorithm: request.algorithm, message: "cancelled")
        } catch {
            return .fitFailed(algorithm: request.algorithm, message: "\(error)")
        }
    }

    /// Catalog coverage of a model: `Metrics.coverage` (|⋃_u L_u| / |I|) of the top 10 of
    /// `users` dataset users drawn with a seeded generator. Nil when there are no users or no items.
    ///
    /// Complexity: `users` calls of `scores` plus top-k.
    public static func catalogCoverage(_ model: any Recommender, dataset: Dataset, users: Int, seed: UInt64) -> Double? {
        let n = dataset.userCount
        guard users > 0, n > 0, dataset.itemCount > 0 else { return nil }
        var rng = SplitMix64.derived(seed: seed, stream: 0xC0FE)
        var chosen = Set<Int32>()
        if n <= users {
            chosen = Set((0..<n).map(Int32.init))
        } else {
            while chosen.count < users { chosen.insert(Int32(rng.nextInt(n))) }
        }
        let lists = chosen.sorted().map { u in
            model.recommend(Profile.training(u, in: dataset.ratings), count: 10).map(\.item)
        }
        return Metrics.coverage(lists: lists, itemCount: dataset.itemCount)
    }
}

// MARK: - Recompute

/// One recommendation row: the item, its model score and a one-line reason.
public struct RecommendationRow: Sendable, Equatable {
    public var item: Int32
    public var score: Float
    public var reason: String
    public init(item: Int32, score: Float, reason: String) {
        self.item = item
        self.score = score
        self.reason = reason
    }
}

/// One algorithm's answer for the current profile.
public struct AlgorithmResult: Sendable {
    public var algorithm: String
    /// Top-N, best first, rated items excluded.
    public var rows: [RecommendationRow]
    /// The model's score for every catalog item (for "sort by predicted score").
    public var scores: [Float]
    /// Predicted rating of the job's selected item, if one was given.
    public var selectedPrediction: Prediction?
    /// Metrics of the top 10.
    public var metrics: ListMetrics
    /// What the rows' scores mean: predicted ratings or a relative order (the list shows it).
    public var unit: ScoreUnit = .relative
    /// Time this algorithm took (scores, top-N, reasons), in ms.
    public var millis: Double
}

/// Every algorithm's answer for one profile version (`generation`).
public struct RecommendationResults: Sendable {
    /// The profile version the results belong to; the UI drops results older than its current generation.
    public var generation: Int
    public var algorithms: [AlgorithmResult]
    public var selectedItem: Int32?
    /// Wall time of the whole job, in ms.
    public var millis: Double
}

/// Recomputes every fitted model's top-N with reasons for a profile.
///
/// For each model: `scores(profile)`, the top `count` unrated items, the one-line reason
/// (`ExplanationText.reason` of `explain(...)`) of the first `reasons` of them (the rest get ""; explanations can be
/// the costly part), the predicted rating of `selectedItem`, and the top-10 metrics.
/// Models run concurrently on `threads` threads (models are safe to call from any thread once fitted).
/// Complexity: per model, one `scores` call + O(n log count) + `reasons` explanations.
public struct RecomputeJob: Sendable {
    public var generation: Int
    public var profile: Profile
    public var models: [NamedModel]
    public var selectedItem: Int32?
    public var stats: CatalogStats
    public var count: Int
    public var reasons: Int
    public var threads: Int
    /// Class mode: the classmates among the users, so reasons name them ("alice rated it 5★").
    public var roster = ClassRoster()

    public init(generation: Int, profile: Profile, models: [NamedModel], selectedItem: Int32?, stats: CatalogStats,
                count: Int = 20, reasons: Int = 20, threads: Int = 2) {
        self.generation = generation
        self.profile = profile
        self.models = models
        self.selectedItem = selectedItem
        self.stats = stats
        self.count = count
        self.reasons = reasons
        self.threads = max(1, threads)
    }

    /// One model's result.
    public func run(_ nm: NamedModel) -> AlgorithmResult {
        let t = nowMillis()
        let scores = nm.model.scores(profile)
        let top = topK(scores, k: count) { !profile.contains($0) }
        let text = ExplanationText(stats: stats, roster: roster)
        // One batch call: models derive what every explanation shares (svd's fold-in, ranking's retrieval) once.
        let explained = nm.model.explain(profile, items: top.prefix(reasons).map(\.item))
        let rows = top.enumerated().map { k, s in
            RecommendationRow(item: s.item, score: s.score, reason: k < explained.count ? text.reason(explained[k]) : "")
        }
        let prediction = selectedItem.flatMap { i in nm.model.predict(profile, items: [i]).first }
        let metrics = ListMetrics.of(Array(rows.prefix(10).map(\.item)), measures: stats.measures)
        return AlgorithmResult(algorithm: nm.name, rows: rows, scores: scores, selectedPrediction: prediction,
                               metrics: metrics, unit: nm.model.scoreUnit, millis: nowMillis() - t)
    }

    public func run() -> RecommendationResults {
        let t0 = nowMillis()
        let slots = ResultSlots(count: models.count)
        if threads == 1 || models.count < 2 {
            for (k, nm) in models.enumerated() { slots.set(k, run(nm)) }
        } else {
            // Work-stealing over models: each thread takes the next model index.
            let next = ResultSlots.Counter()
            DispatchQueue.concurrentPerform(iterations: min(threads, models.count)) { _ in
                while let k = next.take(below: models.count) { slots.set(k, run(models[k])) }
            }
        }
        return RecommendationResults(generation: generation, algorithms: slots.values(), selectedItem: selectedItem,
                                     millis: nowMillis() - t0)
    }
}

/// Thread-safe result slots for `RecomputeJob`.
final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [AlgorithmResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ r: AlgorithmResult) { lock.lock(); slots[k] = r; lock.unlock() }
    func values() -> [AlgorithmResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below n: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return nil }
            value += 1
            return value - 1
        }
    }
}

/// Predicted ratings of one item under every model (the details pane).
public struct PredictJob: Sendable {
    public var generation: Int
    public var item: Int32
    public var profile: Profile
    public var models: [NamedModel]

    public init(generation: Int, item: Int32, profile: Profile, models: [NamedModel]) {
        self.generation = generation
        self.item = item
        self.profile = profile
        self.models = models
    }

    /// Returns `.predictionsReady`. Complexity: one `predict` call per model.
    public func run() -> Message {
        var out: [String: Prediction] = [:]
        for nm in models { out[nm.name] = nm.model.predict(profile, items: [item]).first }
        return .predictionsReady(item: item, generation: generation, out)
    }
}

// MARK: - Explain, similar, users

/// The Explain screen's content: an item's explanation and "why not" under one algorithm.
public struct ExplainResult: Sendable {
    public var generation: Int
    public var algorithm: String
    public var item: Int32
    public var whyNot: WhyNot
    public var prediction: Prediction
    /// The prediction as its formula with the numbers filled in (the formula view, `f`).
    public var formula: WorkedFormula?
}

/// Computes `whyNot` (which carries the full explanation) and the prediction of one item.
public struct ExplainJob: Sendable {
    public var generation: Int
    public var item: Int32
    public var profile: Profile
    public var model: NamedModel

    public init(generation: Int, item: Int32, profile: Profile, model: NamedModel) {
        self.generation = generation
        self.item = item
        self.profile = profile
        self.model = model
    }

    public func run() -> ExplainResult {
        let w = model.model.whyNot(profile, item: item)
        let p = model.model.predict(profile, items: [item]).first ?? Prediction(0, isImpossible: true)
        return ExplainResult(generation: generation, algorithm: model.name, item: item, whyNot: w, prediction: p,
                             formula: model.model.workedFormula(profile, item: item))
    }
}

/// Movies similar to one item, under each model and under plain genre overlap.
public struct SimilarResults: Sendable {
    public struct List: Sendable {
        public var name: String
        public var items: [ScoredItem]
    }
    public var item: Int32
    public var lists: [List]
}

/// Asks every model for `similarItems(to:count:)`, and adds "genres" (Jaccard of genre sets, ties by popularity).
public struct SimilarJob: Sendable {
    public var item: Int32
    public var models: [NamedModel]
    public var stats: CatalogStats
    public var count: Int

    public init(item: Int32, models: [NamedModel], stats: CatalogStats, count: Int = 10) {
        self.item = item
        self.models = models
        self.stats = stats
        self.count = count
    }

    public func run() -> SimilarResults {
        var lists: [SimilarResults.List] = []
        let n = stats.counts.count
        let maxCount = Float(stats.counts.max() ?? 1) + 1
        let genreScores = (0..<n).map { j -> Float in
            Float(1 - stats.genreDistance(item, Int32(j))) + Float(stats.counts[j]) / maxCount * 0.01
        }
        lists.append(.init(name: "genres", items: topK(genreScores, k: count) { $0 != item }))
        for nm in models {
            lists.append(.init(name: nm.name, items: nm.model.similarItems(to: item, count: count).filter { $0.item != item }))
        }
        return SimilarResults(item: item, lists: lists)
    }
}

/// One dataset user for the Users screen: history, nearest neighbours and each model's top 5.
public struct UserDetails: Sendable {
    public typealias Neighbour = UserNeighbour
    public var user: Int32
    /// The user's ratings, highest first.
    public var history: [(item: Int32, rating: Float)]
    public var neighbours: [Neighbour]
    public var recommendations: [(algorithm: String, items: [ScoredItem])]
}

/// Computes a dataset user's details.
///
/// Neighbours: the 8 best by `RatingMatrix.cosineNeighbours` (raw-rating cosine).
public struct UserJob: Sendable {
    public var user: Int32
    public var dataset: Dataset
    public var models: [NamedModel]

    public init(user: Int32, dataset: Dataset, models: [NamedModel]) {
        self.user = user
        self.dataset = dataset
        self.models = models
    }

    public func run() -> UserDetails {
        let m = dataset.ratings
        let row = m.row(user)
        let history = zip(row.items, row.ratings).map { (item: $0, rating: $1) }
            .sorted { $0.rating != $1.rating ? $0.rating > $1.rating : $0.item < $1.item }
        // A classmate is folded in: a model fitted before they joined has no training row for them.
        let profile = dataset.roster.name(of: user) != nil ? Profile(zip(row.items, row.ratings)) : Profile.training(user, in: m)
        let recs = models.map { (algorithm: $0.name, items: $0.model.recommend(profile, count: 5)) }
        return UserDetails(user: user, history: history, neighbours: m.cosineNeighbours(of: user, count: 8),
                           recommendations: recs)
    }
}

import RecsysEngine

/// Why a model is not being fitted, and so what "run anyway" overrides.
public enum FitDeferral: Sendable, Equatable {
    /// Its estimated fit time is over the explorer's per-model budget.
    case overBudget(estimate: Double, budget: Double)
    /// The learner deferred it from the models panel before it started.
    case byLearner
    /// The learner cancelled its fit while it ran.
    case cancelled
}

/// One fit in progress: where it runs and what is known about it.
public struct RunningFit: Sendable {
    /// The fit lane (queue) it runs on; at most `FitPlan.lanes` run at once.
    public var lane: Int
    public var threads: Int
    /// Estimated seconds (`FitCost`), until progress gives a better ETA.
    public var estimate: Double
    /// Cancels this fit only (quitting cancels every fit through the state's token, its parent).
    public var cancellation: CancellationToken
    /// Seconds since it started and the fraction done, from its latest progress event.
    public var elapsed: Double?
    public var fraction: Double = 0
    /// What its result becomes: kept as usual, or (after a cancel) ignored and the model deferred.
    public var cancelledBy: FitDeferral?
    /// A newer request for the same model waits: this fit's model serves only until that one is ready.
    public var superseded = false

    /// Seconds left: from progress when it has some (elapsed · (1 − f) / f), else estimate − elapsed.
    public var eta: Double? {
        guard let elapsed else { return estimate }
        if fraction >= 0.02 { return elapsed * (1 - fraction) / fraction }
        return max(0, estimate - elapsed)
    }
}

/// The explorer's fit schedule, a pure value in `AppState`: which models wait, which run where,
/// and in what order the rest will run.
///
/// - Order: cheapest first by `FitCost.seconds` on the dataset's shape (ties keep request order).
/// - Lanes: at most `lanes` fits run at once (one per core on the 2-core target). A fit estimated at
///   `longFit` seconds or more is *long*; at most one long fit runs at a time, so the other lane is
///   always free for cheap ones: a cheap model never waits behind the slowest.
/// - Threads: every fit gets `cores` threads, whatever else runs; the system shares the cores among
///   the lanes' threads. So a parallel fit (als, the kNN passes, ease) takes up a core the other
///   lane leaves idle (an SGD fit uses one), instead of keeping the one thread it was given when it
///   started beside another fit. And the thread count, part of the fitted-model cache's key, is the
///   same on every start: when it was the cores left over (1 beside another fit, 2 alone), a second
///   start that overlapped the fits differently missed the cache and refitted.
/// - Budget: at the start, a model estimated over `budget` seconds is deferred with that reason
///   instead of queued; the models panel runs it anyway on request.
public struct FitPlan: Sendable {
    public var shape: FitShape
    public var cores: Int
    public var lanes: Int
    public var budget: Double
    public var longFit: Double
    /// Waiting requests with their estimated seconds, cheapest first.
    public private(set) var queue: [(request: FitRequest, estimate: Double)] = []
    /// Fits in progress by algorithm.
    public var running: [String: RunningFit] = [:]

    public init(shape: FitShape, cores: Int = 2, lanes: Int = 2, budget: Double = 600, longFit: Double = 60) {
        self.shape = shape
        self.cores = max(1, cores)
        self.lanes = max(1, lanes)
        self.budget = budget
        self.longFit = longFit
    }

    /// Estimated seconds of one request on this dataset.
    public func estimate(_ request: FitRequest) -> Double {
        FitCost.seconds(request.algorithm, parameters: request.parameters, shape: shape)
    }

    /// Estimated seconds of `algorithm` with `parameters`.
    public func estimate(_ algorithm: String, _ parameters: Parameters) -> Double {
        estimate(FitRequest(algorithm: algorithm, parameters: parameters))
    }

    /// The deferral of a request at the start, or nil when it fits the budget.
    public func deferral(_ request: FitRequest) -> FitDeferral? {
        let e = estimate(request)
        return e > budget ? .overBudget(estimate: e, budget: budget) : nil
    }

    public func isQueued(_ algorithm: String) -> Bool { queue.contains { $0.request.algorithm == algorithm } }

    /// Algorithms in the order they will start.
    public var order: [String] { queue.map(\.request.algorithm) }

    /// Queues `request` by cost (`estimate`, default `FitCost`'s), replacing a queued request for the
    /// same model; a running fit of the model is marked superseded (its result serves until this one's arrives).
    public mutating func enqueue(_ request: FitRequest, estimate: Double? = nil) {
        queue.removeAll { $0.request.algorithm == request.algorithm }
        running[request.algorithm]?.superseded = true
        let e = estimate ?? self.estimate(request)
        let at = queue.firstIndex { $0.estimate > e } ?? queue.count
        queue.insert((request, e), at: at)
    }

    /// Removes a queued request; true when there was one.
    @discardableResult
    public mutating func dequeue(_ algorithm: String) -> Bool {
        let had = isQueued(algorithm)
        queue.removeAll { $0.request.algorithm == algorithm }
        return had
    }

    /// Starts what the lanes allow, cheapest first, and returns the jobs' parts to run.
    /// `parent` is the quit token every fit's own token hangs from.
    public mutating func start(parent: CancellationToken) -> [(request: FitRequest, lane: Int, threads: Int,
                                                                 cancellation: CancellationToken)] {
        var chosen: [(FitRequest, Double)] = []
        var longBusy = running.values.contains { $0.estimate >= longFit }
        var k = 0
        while running.count + chosen.count < lanes && k < queue.count {
            let (r, e) = queue[k]
            let blocked = running[r.algorithm] != nil || (e >= longFit && longBusy)
            if blocked { k += 1; continue }
            chosen.append((r, e))
            if e >= longFit { longBusy = true }
            queue.remove(at: k)
        }
        guard !chosen.isEmpty else { return [] }
        let each = cores
        var busyLanes = Set(running.values.map(\.lane))
        return chosen.map { r, e in
            let lane = (0..<lanes).first { !busyLanes.contains($0) } ?? 0
            busyLanes.insert(lane)
            let token = CancellationToken(parent: parent)
            running[r.algorithm] = RunningFit(lane: lane, threads: each, estimate: e, cancellation: token)
            return (r, lane, each, token)
        }
    }

    /// A fit's result arrived: frees its lane and returns what was known about it.
    public mutating func finished(_ algorithm: String) -> RunningFit? {
        running.removeValue(forKey: algorithm)
    }
}

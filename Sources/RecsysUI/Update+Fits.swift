import RecsysEngine

// Fitting: the first schedule at `.started`, fit results coming back, refits (`:set`) and the
// models panel's cancel / defer / run anyway. The order and the lanes are `FitPlan`'s.

/// Plans every model's first fit: over-budget models are deferred with the reason, the rest queued
/// cheapest first (a model loaded with `--model` first of all: it costs nothing), then the lanes start.
func startFitting(_ state: inout AppState, effects: inout [Effect]) {
    var queued = 0
    for name in state.algorithms {
        let request = FitRequest(algorithm: name, parameters: state.parameters[name] ?? Parameters())
        if state.prefitted[name] != nil && request.parameters.values.isEmpty {
            state.fitPlan.enqueue(request, estimate: 0)
        } else if let reason = state.fitPlan.deferral(request) {
            state.fitStatus[name] = .deferred(reason)
            continue
        } else {
            state.fitPlan.enqueue(request)
        }
        state.fitStatus[name] = .waiting
        queued += 1
    }
    launchFits(&state, effects: &effects)
    let deferred = state.algorithms.count - queued
    let text = state.algorithms.isEmpty ? "no algorithms registered"
        : "fitting \(queued == 1 ? "1 model" : "\(queued) models"), cheapest first…" + (deferred > 0 ? " · \(deferred) deferred (a: models)" : "")
    state.status = StatusMessage(text, isBackground: true)
}

/// Starts the fits the plan's lanes allow, one `FitJob` each.
func launchFits(_ state: inout AppState, effects: inout [Effect]) {
    for s in state.fitPlan.start(parent: state.cancellation) {
        state.fitStatus[s.request.algorithm] = .fitting(fraction: 0, message: "starting")
        effects.append(.fitModels(FitJob(dataset: state.dataset, requests: [s.request], seed: state.seed,
                                         threads: s.threads, cancellation: s.cancellation,
                                         prefitted: state.prefitted, cache: state.modelCache, lane: s.lane)))
    }
}

/// Queues a refit of `algorithm` with `parameters` (a running fit of it is cancelled: its result
/// would be stale; the fitted model keeps serving until the new one is ready).
func refit(_ state: inout AppState, _ algorithm: String, parameters: Parameters, effects: inout [Effect]) {
    state.fitPlan.running[algorithm]?.cancellation.cancel()
    state.fitPlan.enqueue(FitRequest(algorithm: algorithm, parameters: parameters))
    state.fitStatus[algorithm] = .waiting
    launchFits(&state, effects: &effects)
}

/// A fit's progress, unless the fit was cancelled or superseded meanwhile.
func receiveFitProgress(_ state: inout AppState, _ name: String, _ p: FitProgress) {
    guard let run = state.fitPlan.running[name], run.cancelledBy == nil, !run.superseded else { return }
    state.fitPlan.running[name]?.fraction = p.fraction
    state.fitPlan.running[name]?.elapsed = p.elapsed
    state.fitStatus[name] = .fitting(fraction: p.fraction, message: p.message)
}

/// A fitted model: it serves at once (also a superseded one, until its refit is ready); the next fit starts.
func receiveFitted(_ state: inout AppState, _ name: String, model: any Recommender, seconds: Double,
                   coverage: Double?, source: ModelSource = .fitted, effects: inout [Effect]) -> Redo {
    let run = state.fitPlan.finished(name)
    state.models[name] = model
    if let coverage { state.coverage[name] = coverage }
    if run?.superseded == true && state.fitPlan.isQueued(name) {
        state.fitStatus[name] = .waiting
    } else {
        state.fitStatus[name] = .ready(seconds: seconds)
        let limits = FitLimitText.summary(model)
        let from = source == .cache ? " (from cache)" : ""
        let news = StatusMessage("\(name) ready\(from) in \(formatSeconds(seconds))" + (limits.isEmpty ? "" : " · " + limits),
                                 isBackground: true)
        if state.status.yieldsToBackground { state.status = news } else { state.heldNews = news }
    }
    launchFits(&state, effects: &effects)
    embeddingMapAfterFit(&state, algorithm: name, effects: &effects)
    return .recompute
}

/// A failed fit, or a cancelled one: a cancel from the panel defers the model with that reason.
func receiveFitFailed(_ state: inout AppState, _ name: String, _ text: String, effects: inout [Effect]) {
    let run = state.fitPlan.finished(name)
    if let reason = run?.cancelledBy {
        state.fitStatus[name] = .deferred(reason)
    } else if run?.superseded == true && state.fitPlan.isQueued(name) {
        state.fitStatus[name] = .waiting
    } else {
        state.fitStatus[name] = .failed(text)
        state.status = StatusMessage("\(name) failed: \(text)", isError: true, isBackground: true)
    }
    launchFits(&state, effects: &effects)
}

// MARK: - The models panel's actions

/// `x`: stops the model's fit (running: cancelled; queued: taken out of the queue).
func cancelFit(_ state: inout AppState, _ name: String) {
    if state.fitPlan.running[name] != nil {
        state.fitPlan.running[name]?.cancelledBy = .cancelled
        state.fitPlan.running[name]?.cancellation.cancel()
        state.fitPlan.dequeue(name)
        state.fitStatus[name] = .deferred(.cancelled)
        state.status = StatusMessage("\(name): fit cancelled · r runs it anyway")
    } else if state.fitPlan.dequeue(name) {
        state.fitStatus[name] = .deferred(.byLearner)
        state.status = StatusMessage("\(name): taken out of the queue · r runs it anyway")
    } else {
        state.status = StatusMessage("\(name) is not fitting: nothing to cancel")
    }
}

/// `d`: defers a queued model (a running fit is cancelled with `x`).
func deferFit(_ state: inout AppState, _ name: String) {
    if state.fitPlan.running[name] != nil {
        state.status = StatusMessage("\(name) is fitting: x cancels it")
    } else if state.fitPlan.dequeue(name) {
        state.fitStatus[name] = .deferred(.byLearner)
        state.status = StatusMessage("\(name) deferred · r runs it anyway")
    } else {
        state.status = StatusMessage("\(name) is not queued: nothing to defer")
    }
}

/// `r`: runs a deferred, cancelled or failed model anyway (queued by cost like any other).
func runFitAnyway(_ state: inout AppState, _ name: String, effects: inout [Effect]) {
    switch state.fitStatus[name] ?? .waiting {
    case .deferred, .failed:
        let request = FitRequest(algorithm: name, parameters: state.parameters[name] ?? Parameters())
        state.fitPlan.enqueue(request)
        state.fitStatus[name] = .waiting
        launchFits(&state, effects: &effects)
        let e = state.fitPlan.estimate(request)
        state.status = StatusMessage(state.fitPlan.running[name] != nil
            ? "\(name): fitting now (est. \(formatDuration(e)))"
            : "\(name) queued (est. \(formatDuration(e))): it starts when a lane is free")
    case .ready:
        state.status = StatusMessage("\(name) is ready · :set \(name).KEY VALUE refits it")
    case .waiting:
        state.status = StatusMessage("\(name) is already queued")
    case .fitting:
        state.status = StatusMessage("\(name) is already fitting")
    }
}

/// The models panel's selected algorithm.
extension AppState {
    public var selectedModel: String? {
        guard let k = modelsList.selected, algorithms.indices.contains(k) else { return nil }
        return algorithms[k]
    }
}

import RecsysEngine

// Glue between the explorer's update loop and the embedding map (`M`) and evaluation lab (`v`)
// screens: opening them, doing their own actions (their keys are in `Keymap.screens`), and
// folding their jobs' messages into the state.

extension AppState {
    /// What the map highlights: the profile's rated items and the active algorithm's current top 20.
    public var mapHighlights: MapHighlights {
        let recs = activeAlgorithm.flatMap { results[$0] }.map { Set($0.rows.prefix(20).map(\.item)) } ?? []
        var h = MapHighlights(rated: Set(profile.items), recommended: recs)
        // Class mode: each learner at the mean of the films they rated 4★ or more (all they rated if none).
        h.learners = dataset.roster.users.map { u in
            let row = dataset.ratings.row(u)
            let liked = zip(row.items, row.ratings).filter { $0.1 >= 4 }.map(\.0)
            return MapLearner(name: dataset.roster.name(of: u) ?? "", items: liked.isEmpty ? Array(row.items) : liked)
        }
        return h
    }
}

/// Asks for the map of the best available model (the active algorithm if it has item vectors,
/// else the first in tab order that does). Says so in the status line when none is fitted yet.
func requestEmbeddingMap(_ state: inout AppState, effects: inout [Effect]) {
    guard let name = embeddingMapAlgorithm(active: state.activeAlgorithm, algorithms: state.algorithms,
                                           models: state.models), let model = state.models[name] else {
        state.status = StatusMessage("embedding map: no fitted model with item vectors yet (svd, als, bpr, two-tower)")
        return
    }
    effects.append(.embeddingMap(EmbeddingMapJob(algorithm: name, model: model, seed: state.seed)))
    state.status = StatusMessage("projecting \(name)'s item vectors…")
}

/// `M`: opens the embedding map (building it when missing or of another model), or closes it.
func openEmbeddingMap(_ state: inout AppState, effects: inout [Effect]) -> Redo {
    if state.screen == .embeddingMap {
        state.screen = .explore
        return []
    }
    state.screen = .embeddingMap
    let wanted = embeddingMapAlgorithm(active: state.activeAlgorithm, algorithms: state.algorithms, models: state.models)
    if state.embeddingMap == nil || state.embeddingMap?.algorithm != wanted { requestEmbeddingMap(&state, effects: &effects) }
    return []
}

/// `v`: opens the evaluation lab (first time: the active algorithm chosen), or closes it; a run keeps going.
func openEvalLab(_ state: inout AppState) -> Redo {
    if state.screen == .evalLab {
        state.screen = .explore
        return []
    }
    if state.evalLab == nil {
        state.evalLab = EvalLabState(algorithms: state.algorithms, chosen: state.activeAlgorithm.map { [$0] },
                                     hasTastes: state.dataset.tastes != nil)
    }
    state.screen = .evalLab
    return []
}

/// The embedding map's own action; nil while no map is built (the shared keys act instead).
func actOnMap(_ action: MapAction, _ state: inout AppState) -> Redo? {
    guard state.embeddingMap != nil else { return nil }
    state.embeddingMap?.apply(action)
    return []
}

/// The evaluation lab's own action; nil when the lab does not take it now (while a run goes, all but cancel).
func actOnLab(_ action: LabAction, _ state: inout AppState, effects: inout [Effect]) -> Redo? {
    guard var lab = state.evalLab else { return nil }
    let before = lab
    switch lab.apply(action) {
    case .ignored:
        return nil
    case .handled:
        if lab.message == "cancelled" && before.running { state.status = StatusMessage("evaluation cancelled") }
        if let text = labToggleStatus(before: before, after: lab) { state.status = StatusMessage(text) }
    case .start:
        if let job = lab.start(dataset: state.dataset, parameters: state.parameters, seed: state.seed) {
            effects.append(.evalLab(job))
            state.status = StatusMessage("evaluating \(job.algorithms.joined(separator: ", ")) on \(job.split)…")
        } else if let m = lab.message {
            state.status = StatusMessage(m, isError: true)
        }
    }
    state.evalLab = lab
    return []
}

/// What a lab toggle turned on or off, for the status line (every toggle says its new state).
func labToggleStatus(before: EvalLabState, after: EvalLabState) -> String? {
    if before.coldStart != after.coldStart {
        return after.coldStart ? "cold-start curve on (N = 1,2,3,5,10,20)" : "cold-start curve off"
    }
    if before.grid != after.grid {
        return after.grid.map { "grid search on: \($0) (S next preset, s off)" } ?? "grid search off"
    }
    if before.grid == nil && after.grid == nil, let m = after.message, m != before.message { return m }
    for a in after.algorithms where before.chosen.contains(a) != after.chosen.contains(a) {
        return after.chosen.contains(a) ? "\(a) chosen" : "\(a) dropped"
    }
    for m in after.metricChoices where before.metrics.contains(m) != after.metrics.contains(m) {
        return after.metrics.contains(m) ? "\(m) chosen" : "\(m) dropped"
    }
    if before.split != after.split { return "split: \(after.splitText)" }
    return nil
}

/// Folds the map and lab messages into the state (called from `update`).
/// A finished run is kept as the profile's last lab result (`.saveLabResult`, for the handout).
func receiveLabMapMessage(_ state: inout AppState, _ message: Message, effects: inout [Effect]) {
    switch message {
    case .embeddingMapReady(let map):
        guard var map else {
            state.status = StatusMessage("embedding map: the model has no item vectors", isError: true)
            return
        }
        if let s = state.embeddingMap?.selected, Int(s) < map.count { map.select(s) }
        state.embeddingMap = map
        state.status = StatusMessage("embedding map of \(map.algorithm): \(map.count) items")
    case .evalLab(let event):
        guard var lab = state.evalLab else { return }
        applyEvalLabEvent(&lab, event)
        state.evalLab = lab
        if case .finished(let run, let report) = event, run == lab.run, lab.report != nil {
            state.status = StatusMessage("evaluation done")
            effects.append(.saveLabResult(profile: state.progressProfile, report))
        } else if case .failed(let run, let text) = event, run == lab.run, text != "cancelled" {
            state.status = StatusMessage("evaluation failed: \(text)", isError: true)
        }
    default:
        assertionFailure("receiveLabMapMessage takes only map and lab messages")
    }
}

/// After a model is (re)fitted: re-project the map when it shows that model, or when the map
/// screen is open without a map yet.
func embeddingMapAfterFit(_ state: inout AppState, algorithm: String, effects: inout [Effect]) {
    if state.embeddingMap?.algorithm == algorithm || (state.screen == .embeddingMap && state.embeddingMap == nil) {
        requestEmbeddingMap(&state, effects: &effects)
    }
}

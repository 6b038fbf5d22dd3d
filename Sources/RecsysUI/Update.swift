import Foundation
import RecsysEngine

/// What a handler says must be redone after it changed the state.
public struct Redo: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Rebuild the visible catalog rows (search, filter or sort changed).
    public static let refilter = Redo(rawValue: 1)
    /// The profile or the model set changed: new generation, recompute every model.
    public static let recompute = Redo(rawValue: 2)
    /// The selected item changed: predict it under every model if not known yet.
    public static let predict = Redo(rawValue: 4)
    /// Re-ask the Explain screen's explanation.
    public static let explain = Redo(rawValue: 8)
    /// Re-ask the Similar screen's lists.
    public static let similar = Redo(rawValue: 16)
    /// Re-ask the Users screen's selected user.
    public static let userDetails = Redo(rawValue: 32)
    public static let quit = Redo(rawValue: 64)
    /// Ask for the Users screen's group figures (the grouping attribute changed).
    public static let groupStats = Redo(rawValue: 128)
}

/// The one place the explorer's state changes.
///
/// Applies `message` to `state` and returns the effects to run (engine jobs,
/// store writes, quit). Never blocks: engine work is always an effect.
/// Results of engine jobs come back as messages; results older than the
/// state's generation are dropped.
public func update(_ state: inout AppState, _ message: Message) -> [Effect] {
    var effects: [Effect] = []
    let quiet = quietFits(state)
    var redo: Redo = observeForClass(&state, message, effects: &effects)
    switch message {
    case .started:
        startFitting(&state, effects: &effects)

    case .input(let event):
        redo = handleInput(&state, event, effects: &effects)

    case .fitProgress(let name, let p):
        receiveFitProgress(&state, name, p)

    case .modelFitted(let name, let model, let seconds, let coverage, let source):
        state.modelSources[name] = source
        let r = receiveFitted(&state, name, model: model, seconds: seconds, coverage: coverage, source: source,
                              effects: &effects)
        if !quiet.contains(name) { redo.formUnion(r) }

    case .cacheNotice(let name, let text):
        state.fitStatus[name] = .fitting(fraction: 0, message: text)
        state.status = StatusMessage(text, isBackground: true)

    case .fitFailed(let name, let text):
        receiveFitFailed(&state, name, text, effects: &effects)

    case .recommendationsReady(let r):
        guard r.generation >= state.generation else { return [] }  // stale: a newer profile version is on its way
        for a in r.algorithms { state.results[a.algorithm] = a }
        state.resultsGeneration = r.generation
        state.lastRecomputeMillis = r.millis
        if let sel = r.selectedItem {
            var p = state.predictions[sel] ?? [:]
            for a in r.algorithms { if let v = a.selectedPrediction { p[a.algorithm] = v } }
            state.predictions[sel] = p
        }
        if state.sort == .predicted { state.refilter() }
        state.recList.clamp(count: state.recommendationItems.count)
        redo.insert(.predict)

    case .predictionsReady(let item, let generation, let preds):
        if generation == state.generation { state.predictions[item] = preds }

    case .explanationReady(let r):
        if r.item == state.explain.item && r.algorithm == state.activeAlgorithm && r.generation == state.generation {
            state.explain.result = r
        }

    case .similarReady(let r):
        if r.item == state.similar.item { state.similar.result = r }

    case .userDetailsReady(let d):
        if d.user == state.selectedUser { state.users.details = d }

    case .groupStatsReady(let attribute, let stats):
        // Only the current grouping's figures; an answer for an attribute the user has moved past is dropped.
        if attribute == state.users.groupAttribute {
            state.users.groupStats = stats
            if stats == nil { state.status = StatusMessage("no group figures for \(attribute)") }
        }

    case .profileLoaded(let name, let ratings):
        state.profileName = name
        state.profileTag = ""
        state.isScratch = false
        state.loadRatings(ratings)
        state.recList = ListState()
        state.undoStack = []
        state.baseline = [:]
        state.status = StatusMessage("profile \(name): \(state.ratingCountText)")
        redo.formUnion([.refilter, .recompute])

    case .demographicsLoaded(let name, let attributes):
        guard name == state.profileName else { break }
        if state.profile.attributes != attributes {
            state.profile.attributes = attributes
            redo.insert(.recompute)
        }
        let said = Demographics.values(of: attributes)
        if !said.isEmpty, case .loading = state.aboutStatus {
            state.status = StatusMessage("saved: you are " + said.map(\.value).joined(separator: ", "))
        }
        state.aboutStatus = .idle

    case .saved:
        state.pendingSaves = max(0, state.pendingSaves - 1)

    case .saveFailed(let text):
        state.pendingSaves = max(0, state.pendingSaves - 1)
        state.status = StatusMessage(text, isError: true)

    case .exported(let path, let count):
        state.status = StatusMessage("exported \(count == 1 ? "1 rating" : "\(count) ratings") to \(path)")

    case .failed(let text):
        state.status = StatusMessage(text, isError: true)

    case .embeddingMapReady, .evalLab:
        receiveLabMapMessage(&state, message, effects: &effects)

    case .lessonProgressLoaded(let name, let progress):
        guard name == state.progressProfile else { break }
        state.lessons.progress = Dictionary(progress.map { ($0.lesson, $0) }, uniquingKeysWith: { a, _ in a })
        if state.lessons.open { state.enterStep() }

    case .lessonRecoveryReady(let r):
        if let f = state.lessons.feedback, f.good {
            state.lessons.feedback = (f.text.replacingOccurrences(of: " · which algorithm recovers it best…", with: "")
                + " · " + r.summary, true)
        }

    case .tick:
        // Informational messages fade after `StatusMessage.lifetime` ticks (errors stay until replaced).
        state.status.age += 1
        if let news = state.heldNews, state.status.yieldsToBackground {
            state.status = news
            state.heldNews = nil
        } else if !state.status.isError && state.status.age >= StatusMessage.lifetime {
            state.status = StatusMessage("")
        }
        return effects

    case .classPolled, .classCompared:
        break  // observeForClass did the work

    case .replayReady(let r):
        guard state.screen == .replay, r.profileName == state.profileName else { break }
        state.replay = r
        state.status = StatusMessage("replay of \(r.profileName): \(max(0, r.steps.count - 1)) ratings · ← → step")
    }
    apply(redo, to: &state, effects: &effects)
    requestClassCompare(&state, effects: &effects)
    checkLessonStep(&state, effects: &effects)
    state.syncScroll()
    return effects
}

extension AppState {
    /// Keeps every list's scroll offset consistent with its selection and the current layout, so that
    /// what `view` draws and what mouse clicks hit agree (view itself cannot write the state).
    public mutating func syncScroll() {
        let layout = self.layout
        catalogList.clamp(count: visible.count)
        catalogList.fit(count: visible.count, height: layout.catalogList.height)
        let recCount = recommendationItems.count
        recList.clamp(count: recCount)
        // The quick start has two header lines (the invitation and the optional "who are you" step).
        recList.fit(count: recCount, height: max(1, layout.recommendationList.height - (showsQuickStart ? 2 : 0)))
        users.list.clamp(count: users.rowCount(in: dataset))
        users.list.scrollToSelection(height: layout.usersList.height)
    }
}

/// Turns a handler's `Redo` into state changes and effects.
func apply(_ redo: Redo, to state: inout AppState, effects: inout [Effect]) {
    if redo.contains(.refilter) { state.refilter() }
    let models = state.fittedModels
    if redo.contains(.recompute) {
        state.generation += 1
        state.predictions = [:]
        if !models.isEmpty {
            // Reasons for the rows the pane can show (at least 10); explanations can be the slow part.
            let rows = state.layout.recommendationList.height
            // Class mode: one thread, so a recompute after a class refit leaves a core to the keys.
            var job = RecomputeJob(generation: state.generation, profile: state.profile, models: models,
                                   selectedItem: state.selectedItem, stats: state.stats, reasons: max(10, rows),
                                   threads: state.classMode.on ? 1 : 2)
            job.roster = state.dataset.roster
            effects.append(.recompute(job))
        }
    }
    // A recompute predicts the selected item itself; otherwise ask for it when not known yet.
    if redo.contains(.predict), !redo.contains(.recompute), !models.isEmpty,
       let item = state.selectedItem, state.predictions[item] == nil {
        effects.append(.predict(PredictJob(generation: state.generation, item: item, profile: state.profile, models: models)))
    }
    if redo.contains(.explain) || (redo.contains(.recompute)
        && (state.screen == .explain || state.presenter?.pane == .explanation)) {
        state.explain.result = nil
        if let item = state.explain.item, let name = state.activeAlgorithm, let model = state.models[name] {
            effects.append(.explain(ExplainJob(generation: state.generation, item: item, profile: state.profile,
                                               model: NamedModel(name: name, model: model))))
        }
    }
    if redo.contains(.similar) || (redo.contains(.recompute) && state.screen == .similar && state.similar.result == nil) {
        if let item = state.similar.item {
            effects.append(.similar(SimilarJob(item: item, models: models, stats: state.stats)))
        }
    }
    if redo.contains(.userDetails) || (redo.contains(.recompute) && state.screen == .users) {
        if let u = state.selectedUser {
            effects.append(.userDetails(UserJob(user: u, dataset: state.dataset, models: models)))
        }
    }
    if redo.contains(.groupStats), let attribute = state.users.groupAttribute, state.users.isComputingGroupStats {
        effects.append(.groupStats(GroupStatsJob(dataset: state.dataset, attribute: attribute)))
    }
    if redo.contains(.quit) {
        state.shouldQuit = true
        state.cancellation.cancel()
        state.evalLab?.cancellation.cancel()
        effects.append(.quit)
    }
}

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
}

/// The one place the explorer's state changes.
///
/// Applies `message` to `state` and returns the effects to run (engine jobs,
/// store writes, quit). Never blocks: engine work is always an effect.
/// Results of engine jobs come back as messages; results older than the
/// state's generation are dropped.
public func update(_ state: inout AppState, _ message: Message) -> [Effect] {
    var effects: [Effect] = []
    var redo: Redo = []
    switch message {
    case .started:
        let order = state.algorithms.sorted { a, b in (a == "popularity" ? 0 : 1) < (b == "popularity" ? 0 : 1) }
        let requests = order.map { FitRequest(algorithm: $0, parameters: state.parameters[$0] ?? Parameters()) }
        for name in order { state.fitStatus[name] = .fitting(fraction: 0, message: "waiting") }
        if !requests.isEmpty {
            effects.append(.fitModels(FitJob(dataset: state.dataset, requests: requests, seed: state.seed,
                                             cancellation: state.cancellation, prefitted: state.prefitted)))
        }
        state.status = StatusMessage(requests.isEmpty ? "no algorithms registered" : "fitting \(requests.count) models…")

    case .input(let event):
        redo = handleInput(&state, event, effects: &effects)

    case .fitProgress(let name, let p):
        state.fitStatus[name] = .fitting(fraction: p.fraction, message: p.message)

    case .modelFitted(let name, let model, let seconds, let coverage):
        state.models[name] = model
        state.fitStatus[name] = .ready(seconds: seconds)
        if let coverage { state.coverage[name] = coverage }
        state.status = StatusMessage("\(name) ready in \(formatSeconds(seconds))")
        redo.insert(.recompute)
        embeddingMapAfterFit(&state, algorithm: name, effects: &effects)

    case .fitFailed(let name, let text):
        state.fitStatus[name] = .failed(text)
        state.status = StatusMessage("\(name) failed: \(text)", isError: true)

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

    case .profileLoaded(let name, let ratings):
        state.profileName = name
        state.loadRatings(ratings)
        state.undoStack = []
        state.baseline = [:]
        state.status = StatusMessage("profile \(name): \(state.ratingCountText)")
        redo.formUnion([.refilter, .recompute])

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
        receiveLabMapMessage(&state, message)

    case .tick:
        // Informational messages fade after `StatusMessage.lifetime` ticks (errors stay until replaced).
        state.status.age += 1
        if !state.status.isError && state.status.age >= StatusMessage.lifetime { state.status = StatusMessage("") }
        return []
    }
    apply(redo, to: &state, effects: &effects)
    state.syncScroll()
    return effects
}

extension AppState {
    /// Keeps every list's scroll offset consistent with its selection and the current layout, so that
    /// what `view` draws and what mouse clicks hit agree (view itself cannot write the state).
    public mutating func syncScroll() {
        let layout = Layout(width: width, height: height)
        catalogList.clamp(count: visible.count)
        catalogList.scrollToSelection(height: layout.catalogList.height)
        let recCount = recommendationItems.count
        recList.clamp(count: recCount)
        recList.scrollToSelection(height: max(1, layout.recommendationList.height - (showsQuickStart ? 1 : 0)))
        users.list.clamp(count: dataset.userCount)
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
            let rows = Layout(width: state.width, height: state.height).recommendationList.height
            effects.append(.recompute(RecomputeJob(generation: state.generation, profile: state.profile, models: models,
                                                   selectedItem: state.selectedItem, stats: state.stats,
                                                   reasons: max(10, rows))))
        }
    }
    // A recompute predicts the selected item itself; otherwise ask for it when not known yet.
    if redo.contains(.predict), !redo.contains(.recompute), !models.isEmpty,
       let item = state.selectedItem, state.predictions[item] == nil {
        effects.append(.predict(PredictJob(generation: state.generation, item: item, profile: state.profile, models: models)))
    }
    if redo.contains(.explain) || (redo.contains(.recompute) && state.screen == .explain) {
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
    if redo.contains(.quit) {
        state.shouldQuit = true
        state.cancellation.cancel()
        state.evalLab?.cancellation.cancel()
        effects.append(.quit)
    }
}

func formatSeconds(_ s: Double) -> String {
    s < 1 ? "\(Int((s * 1000).rounded())) ms" : fixed(Double(s), 1) + " s"
}

// MARK: - Input

func handleInput(_ state: inout AppState, _ event: InputEvent, effects: inout [Effect]) -> Redo {
    switch event {
    case .resize(let w, let h):
        state.width = max(0, w)
        state.height = max(0, h)
        return []
    case .mouse(let m):
        return handleMouse(&state, m)
    case .key(let key):
        return handleKey(&state, key, effects: &effects)
    }
}

func handleKey(_ state: inout AppState, _ key: Key, effects: inout [Effect]) -> Redo {
    switch state.mode {
    case .search(var input):
        switch key {
        case .escape:
            state.mode = .normal
            return [.refilter, .predict]
        case .enter:
            state.search = input.text
            state.mode = .normal
            return [.refilter, .predict]
        case .up, .down, .pageUp, .pageDown:
            return perform(key == .up ? .up : key == .down ? .down : key == .pageUp ? .pageUp : .pageDown,
                           &state, effects: &effects)
        default:
            if input.handle(key) { state.mode = .search(input) }
            return [.refilter, .predict]
        }
    case .command(var input):
        switch key {
        case .escape:
            state.mode = .normal
            return []
        case .enter:
            state.mode = .normal
            return runCommand(input.text, &state, effects: &effects)
        default:
            if input.handle(key) { state.mode = .command(input) }
            if input.text.isEmpty && key == .backspace { state.mode = .normal }
            return []
        }
    case .normal:
        break
    }

    switch state.overlay {
    case .help:
        switch key {
        case .escape, .char("?"), .char("q"), .function(1): state.overlay = nil
        case .up, .char("k"): state.scroll = max(0, state.scroll - 1)
        case .down, .char("j"): state.scroll += 1
        case .pageUp: state.scroll = max(0, state.scroll - 10)
        case .pageDown, .char(" "): state.scroll += 10
        case .home, .char("g"): state.scroll = 0
        default: break
        }
        return []
    case .genrePicker(var list):
        let count = state.stats.genreNames.count + 1
        switch key {
        case .escape, .char("q"), .char("f"):
            state.overlay = nil
            return []
        case .enter:
            let k = list.selected ?? 0
            state.genreFilter = k == 0 ? nil : state.stats.genreNames[k - 1]
            state.overlay = nil
            state.status = StatusMessage(state.genreFilter.map { "genre: \($0)" } ?? "all genres")
            return [.refilter, .predict]
        case .up, .char("k"): list.move(by: -1, count: count)
        case .down, .char("j"): list.move(by: 1, count: count)
        case .pageUp: list.move(by: -10, count: count)
        case .pageDown: list.move(by: 10, count: count)
        case .home, .char("g"): list.jump(toEnd: false, count: count)
        case .end, .char("G"): list.jump(toEnd: true, count: count)
        default: break
        }
        state.overlay = .genrePicker(list)
        return []
    case nil:
        break
    }

    if state.pendingHalfStar {
        state.pendingHalfStar = false
        if case .char(let c) = key, let d = c.wholeNumberValue, (1...5).contains(d) {
            return perform(.rate(Float(d) - 0.5), &state, effects: &effects)
        }
        state.status = StatusMessage("half star cancelled")
    }
    if let redo = handleScreenKey(&state, key, effects: &effects) { return redo }
    guard let action = Keymap.action(for: key, on: state.screen) else { return [] }
    return perform(action, &state, effects: &effects)
}

/// Page height of whatever list the arrows move on the current screen.
func pageHeight(_ state: AppState) -> Int {
    let layout = Layout(width: state.width, height: state.height)
    switch state.screen {
    case .explore:
        return max(1, (state.focus == .catalog ? layout.catalogList : layout.recommendationList).height)
    case .users: return max(1, layout.usersList.height)
    default: return max(1, layout.body.height - 2)
    }
}

/// Performs one action of the key table and says what must be redone.
func perform(_ action: Action, _ state: inout AppState, effects: inout [Effect]) -> Redo {
    switch action {
    case .quit:
        return .quit
    case .help:
        state.overlay = .help
        state.scroll = 0
        return []
    case .commandLine:
        state.mode = .command(TextInputState())
        return []
    case .back:
        if state.screen != .explore {
            state.screen = .explore
            state.scroll = 0
        } else if state.mode == .normal && (!state.search.isEmpty || state.genreFilter != nil) {
            state.search = ""
            state.genreFilter = nil
            state.status = StatusMessage("filters cleared")
            return [.refilter, .predict]
        }
        return []
    case .up, .down, .pageUp, .pageDown, .home, .end:
        return move(action, &state)
    case .nextPane, .previousPane:
        state.focus = state.focus == .catalog ? .recommendations : .catalog
        state.recList.clamp(count: state.recommendationItems.count)
        return .predict
    case .nextTab, .previousTab:
        guard !state.algorithms.isEmpty else { return [] }
        let n = state.algorithms.count
        state.activeTab = (state.activeTab + (action == .nextTab ? 1 : n - 1)) % n
        state.recList = ListState()
        var redo: Redo = .predict
        if state.sort == .predicted { redo.insert(.refilter) }
        if state.screen == .explain { redo.insert(.explain) }
        return redo
    case .search:
        state.mode = .search(TextInputState(state.search))
        state.focus = .catalog
        return []
    case .genreFilter:
        var list = ListState()
        if let g = state.genreFilter, let k = state.stats.genreNames.firstIndex(of: g) { list.selected = k + 1 }
        state.overlay = .genrePicker(list)
        return []
    case .clearFilters:
        state.search = ""
        state.genreFilter = nil
        state.status = StatusMessage("filters cleared")
        return [.refilter, .predict]
    case .cycleSort:
        state.sort = state.sort.next
        state.status = StatusMessage("sort: \(state.sort.rawValue)"
            + (state.sort == .predicted ? " (\(state.activeAlgorithm ?? "-"))" : ""))
        return [.refilter, .predict]
    case .rate(let value):
        guard let item = state.targetItem else {
            state.status = StatusMessage("nothing selected to rate", isError: true)
            return []
        }
        let scale = state.dataset.scale
        if value != value.rounded() && scale.step >= 1 {
            state.status = StatusMessage("\(state.dataset.name) uses whole stars: rate with 1–5", isError: true)
            return []
        }
        guard value >= min(scale.min, 1) && value <= scale.max else {
            state.status = StatusMessage("ratings go from \(starText(scale.min)) to \(starText(scale.max))", isError: true)
            return []
        }
        return changeRating(&state, item: item, to: value, effects: &effects, verb: "rated")
    case .halfStar:
        if state.dataset.scale.step >= 1 {
            state.status = StatusMessage("\(state.dataset.name) uses whole stars: no half stars", isError: true)
            return []
        }
        state.pendingHalfStar = true
        state.status = StatusMessage("half star: press 1–5 (.4 = 3.5★)")
        return []
    case .removeRating:
        guard let item = state.targetItem else { return [] }
        guard state.profile.contains(item) else {
            state.status = StatusMessage("\(state.title(item)) is not rated")
            return []
        }
        return changeRating(&state, item: item, to: nil, effects: &effects, verb: "removed rating of")
    case .undo:
        guard let last = state.undoStack.popLast() else {
            state.status = StatusMessage("nothing to undo")
            return []
        }
        let redo = changeRating(&state, item: last.item, to: last.before, effects: &effects, verb: "undid:", recordUndo: false)
        return redo
    case .compare:
        state.screen = state.screen == .compare ? .explore : .compare
        state.scroll = 0
        return []
    case .explain:
        guard let item = state.targetItem else { return [] }
        state.screen = .explain
        state.explain = ExplainState()
        state.explain.item = item
        return .explain
    case .similar:
        guard let item = state.targetItem else { return [] }
        state.screen = .similar
        state.similar = SimilarState()
        state.similar.item = item
        return .similar
    case .users:
        if state.screen == .users {
            state.screen = .explore
            return []
        }
        state.screen = .users
        state.users.list.clamp(count: state.dataset.userCount)
        return .userDetails
    case .embeddingMap:
        return openEmbeddingMap(&state, effects: &effects)
    case .evalLab:
        return openEvalLab(&state)
    case .toggleColour:
        state.colour.toggle()
        return []
    }
}

func move(_ action: Action, _ state: inout AppState) -> Redo {
    let page = pageHeight(state)
    func apply(_ list: inout ListState, count: Int) {
        switch action {
        case .up: list.move(by: -1, count: count)
        case .down: list.move(by: 1, count: count)
        case .pageUp: list.move(by: -page, count: count)
        case .pageDown: list.move(by: page, count: count)
        case .home: list.jump(toEnd: false, count: count)
        case .end: list.jump(toEnd: true, count: count)
        default: break
        }
        list.scrollToSelection(height: page)
    }
    switch state.screen {
    case .explore:
        if state.focus == .catalog {
            apply(&state.catalogList, count: state.visible.count)
        } else {
            apply(&state.recList, count: state.recommendationItems.count)
        }
        return .predict
    case .users:
        apply(&state.users.list, count: state.dataset.userCount)
        state.users.details = nil
        return .userDetails
    case .compare, .explain, .similar, .embeddingMap, .evalLab:
        switch action {
        case .up: state.scroll = max(0, state.scroll - 1)
        case .down: state.scroll += 1
        case .pageUp: state.scroll = max(0, state.scroll - page)
        case .pageDown: state.scroll += page
        case .home: state.scroll = 0
        default: break
        }
        return []
    }
}


/// Sets (`value != nil`) or removes a rating: updates the profile, records undo,
/// snapshots the lists for movement markers, persists, and asks for a recompute.
func changeRating(_ state: inout AppState, item: Int32, to value: Float?, effects: inout [Effect], verb: String,
                  recordUndo: Bool = true) -> Redo {
    let before = state.profile.rating(of: item)
    if recordUndo {
        state.undoStack.append(RatingChange(item: item, before: before, after: value))
    }
    // Movement markers compare the next lists with these.
    state.baseline = state.results.mapValues { $0.rows.map(\.item) }
    let raw = state.dataset.catalog[item].rawID
    if let value {
        state.profile.set(item, rating: value)
        effects.append(.saveRating(profile: state.profileName, item: raw, value: value))
        state.status = StatusMessage("\(verb) \(state.title(item)) \(starText(value)) · \(state.ratingCountText)")
    } else {
        state.profile.remove(item)
        effects.append(.removeRating(profile: state.profileName, item: raw))
        state.status = StatusMessage("\(verb) \(state.title(item))\(before == nil ? "" : " (was \(starText(before!)))")"
            + " · \(state.ratingCountText)")
    }
    state.pendingSaves += 1
    var redo: Redo = .recompute
    if state.sort == .yourRating { redo.insert(.refilter) }
    if state.focus == .recommendations { state.recList.clamp(count: state.recommendationItems.count) }
    return redo
}

extension AppState {
    /// The item rating keys act on: the Explain / Similar screen's item, else the selected row.
    public var targetItem: Int32? {
        switch screen {
        case .explain: return explain.item
        case .similar: return similar.item
        default: return selectedItem
        }
    }

    /// The selected dataset user on the Users screen.
    public var selectedUser: Int32? {
        guard let s = users.list.selected, s < dataset.userCount else { return nil }
        return Int32(s)
    }

    /// "Heat (1995)".
    public func title(_ item: Int32) -> String {
        let t = stats.displayTitles[Int(item)]
        return dataset.catalog.items[Int(item)].year.map { "\(t) (\($0))" } ?? t
    }
}

// MARK: - Mouse

func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> Redo {
    let layout = Layout(width: state.width, height: state.height)
    if state.overlay == .help || state.screen != .explore && state.screen != .users {
        switch event {
        case .wheelUp: state.scroll = max(0, state.scroll - 3)
        case .wheelDown: state.scroll += 3
        case .click: break
        }
        return []
    }
    if state.overlay != nil || state.mode != .normal { return [] }
    if state.screen == .users {
        let area = layout.usersList
        switch event {
        case .click(let x, let y) where area.contains(x: x, y: y):
            state.users.list.selected = min(state.dataset.userCount - 1, state.users.list.offset + (y - area.y))
        case .wheelUp(let x, let y) where area.contains(x: x, y: y):
            state.users.list.scroll(by: -3, count: state.dataset.userCount, height: area.height)
        case .wheelDown(let x, let y) where area.contains(x: x, y: y):
            state.users.list.scroll(by: 3, count: state.dataset.userCount, height: area.height)
        default: return []
        }
        state.users.details = nil
        return .userDetails
    }
    let catalog = layout.catalogList, recs = layout.recommendationList, tabs = layout.tabRow
    switch event {
    case .click(let x, let y):
        if catalog.contains(x: x, y: y) {
            let row = state.catalogList.offset + (y - catalog.y)
            guard row < state.visible.count else { return [] }
            state.focus = .catalog
            state.catalogList.selected = row
            return .predict
        }
        if tabs.contains(x: x, y: y) {
            let t = Tabs(titles: state.tabTitles, selected: state.activeTab)
            if let k = t.visibleRanges(width: tabs.width).first(where: { $0.range.contains(x - tabs.x) })?.index,
               k < state.algorithms.count {
                state.activeTab = k
                state.recList = ListState()
                return state.sort == .predicted ? [.refilter, .predict] : .predict
            }
            return []
        }
        if recs.contains(x: x, y: y) {
            let row = state.recList.offset + (y - recs.y) - (state.showsQuickStart ? 1 : 0)
            guard row >= 0, row < state.recommendationItems.count else { return [] }
            state.focus = .recommendations
            state.recList.selected = row
            return .predict
        }
        return []
    case .wheelUp(let x, let y), .wheelDown(let x, let y):
        let delta: Int
        if case .wheelUp = event { delta = -3 } else { delta = 3 }
        if catalog.contains(x: x, y: y) {
            state.catalogList.scroll(by: delta, count: state.visible.count, height: catalog.height)
            return .predict
        }
        if recs.contains(x: x, y: y) {
            state.recList.scroll(by: delta, count: state.recommendationItems.count, height: recs.height)
            return .predict
        }
        return []
    }
}

// MARK: - Command line

/// Runs a `:` command. Errors go to the status line and change nothing.
func runCommand(_ line: String, _ state: inout AppState, effects: inout [Effect]) -> Redo {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard let command = parts.first else { return [] }
    let args = Array(parts.dropFirst())
    func fail(_ text: String) -> Redo {
        state.status = StatusMessage(text, isError: true)
        return []
    }
    switch command {
    case "q", "quit", "q!", "wq":
        return .quit
    case "algo", "a", "algorithm":
        guard let name = args.first else { return fail("usage: :algo NAME (one of \(state.algorithms.joined(separator: ", ")))") }
        guard let k = state.algorithms.firstIndex(of: name) else {
            return fail("unknown algorithm '\(name)' (valid: \(state.algorithms.joined(separator: ", ")))")
        }
        state.activeTab = k
        state.recList = ListState()
        state.status = StatusMessage("showing \(name)")
        return state.screen == .explain ? [.explain, .predict] : (state.sort == .predicted ? [.refilter, .predict] : .predict)
    case "set":
        var words = args
        if words.count == 1, let eq = words[0].firstIndex(of: "=") {
            words = [String(words[0][..<eq]), String(words[0][words[0].index(after: eq)...])]
        }
        guard words.count == 2, let dot = words[0].firstIndex(of: ".") else {
            return fail("usage: :set ALGO.KEY VALUE (e.g. :set item-knn.k 20)")
        }
        let algo = String(words[0][..<dot]), key = String(words[0][words[0].index(after: dot)...])
        guard state.algorithms.contains(algo) else {
            return fail("unknown algorithm '\(algo)' (valid: \(state.algorithms.joined(separator: ", ")))")
        }
        var params = state.parameters[algo] ?? Parameters()
        params[key] = words[1]
        do {
            _ = try Algorithms.make(algo, parameters: params)
        } catch {
            return fail("\(error)")
        }
        state.parameters[algo] = params
        state.fitStatus[algo] = .fitting(fraction: 0, message: "refitting")
        effects.append(.fitModels(FitJob(dataset: state.dataset, requests: [FitRequest(algorithm: algo, parameters: params)],
                                         seed: state.seed, cancellation: state.cancellation)))
        state.status = StatusMessage("\(algo).\(key) = \(words[1]): refitting \(algo)…")
        return []
    case "profile", "p":
        guard let name = args.first, args.count == 1 else { return fail("usage: :profile NAME") }
        effects.append(.loadProfile(name: name))
        state.status = StatusMessage("loading profile \(name)…")
        return []
    case "export", "w":
        guard let path = args.first else { return fail("usage: :export FILE") }
        let (text, count) = state.exportCSV()
        effects.append(.export(path: args.joined(separator: " ").isEmpty ? path : args.joined(separator: " "),
                               contents: text, count: count))
        return []
    case "sort":
        guard let a = args.first, let key = SortKey(argument: args.joined(separator: " ")) ?? SortKey(argument: a) else {
            return fail("usage: :sort popularity|mean|title|year|your-rating|predicted")
        }
        state.sort = key
        state.status = StatusMessage("sort: \(key.rawValue)")
        return [.refilter, .predict]
    case "genre", "g":
        let name = args.joined(separator: " ")
        if name.isEmpty || name.lowercased() == "all" {
            state.genreFilter = nil
        } else if let g = state.stats.genreNames.first(where: { $0.lowercased() == name.lowercased() }) {
            state.genreFilter = g
        } else {
            return fail("unknown genre '\(name)' (valid: \(state.stats.genreNames.joined(separator: ", ")))")
        }
        state.status = StatusMessage(state.genreFilter.map { "genre: \($0)" } ?? "all genres")
        return [.refilter, .predict]
    case "colour", "color":
        switch args.first?.lowercased() {
        case "on"?: state.colour = true
        case "off"?: state.colour = false
        default: return fail("usage: :colour on|off")
        }
        return []
    case "help", "h":
        state.overlay = .help
        state.scroll = 0
        return []
    default:
        return fail("unknown command '\(command)' (try :algo, :set, :profile, :export, :sort, :genre, :q)")
    }
}

extension AppState {
    /// The profile as CSV (`item,title,rating`), items the dataset does not know included; and the row count.
    public func exportCSV() -> (text: String, count: Int) {
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "item,title,rating\n"
        for (i, r) in zip(profile.items, profile.ratings) {
            let it = dataset.catalog[i]
            out += "\(quote(it.rawID)),\(quote(it.title)),\(formatRating(r))\n"
        }
        for r in unmatchedRatings { out += "\(quote(r.item)),,\(formatRating(r.value))\n" }
        return (out, profile.count + unmatchedRatings.count)
    }
}

func formatRating(_ v: Float) -> String { v == v.rounded() ? String(Int(v)) : fixed(Double(v), 1) }

/// `v` with `decimals` digits after the point, like `String(format: "%.2f")` but without Foundation's
/// formatter (which costs microseconds per call on Linux and runs for every row of every frame).
/// Non-finite values give "–".
func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<max(0, decimals) { scale *= 10 }
    let scaled = (abs(v) * scale).rounded()
    guard scaled < 9e15 else { return String(v) }
    let n = Int64(scaled)
    let p = Int64(scale)
    var s = String(n / p)
    if decimals > 0 {
        let frac = String(n % p)
        s += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return v < 0 && n != 0 ? "-" + s : s
}

/// `fixed`, right-aligned in `width` columns.
func fixed(_ v: Double, _ decimals: Int, width: Int) -> String {
    let s = fixed(v, decimals)
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

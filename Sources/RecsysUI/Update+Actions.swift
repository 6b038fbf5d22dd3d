import RecsysEngine

// What each action of the key tables does to the state (`act`), and the rating change every
// rating key ends in.

/// Does one action of a key table and says what must be redone; nil when the screen declines the
/// action now (its key then goes to the shared table).
func act(_ action: Action, _ state: inout AppState, effects: inout [Effect]) -> Redo? {
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
        if state.quickStartOn && state.ratingsToPersonal == 0 {
            // The quick start was kept after its last rating only so the row under the cursor stayed put.
            state.quickStartOn = false
            state.recList = ListState()
        }
        state.recList.clamp(count: state.recommendationItems.count)
        return .predict
    case .parameters:
        openParameterPanel(&state)
        return []
    case .toggleTastes:
        state.users.showTastes.toggle()
        state.status = StatusMessage(state.users.showTastes ? "true tastes shown (t hides them)"
                                                             : "true tastes hidden (t shows them)")
        return []
    case .groupUsers:
        state.cycleUserGrouping()
        state.users.details = nil
        return [.userDetails, .groupStats]
    case .filterUserGroup:
        state.toggleUserGroupFilter()
        state.users.details = nil
        return .userDetails
    case .becomeUser:
        guard let u = state.selectedUser else { return [] }
        let row = state.dataset.ratings.row(u)
        let label = state.userLabel(u)  // "user 42", or a classmate's name
        if !state.isScratch { state.homeProfile = state.profileName }
        state.profile = Profile(Array(zip(row.items, row.ratings)))
        state.unmatchedRatings = []
        state.profileName = "\(label) (scratch)"
        state.isScratch = true
        state.quickStartOn = false
        state.undoStack = []
        state.baseline = [:]
        state.screen = .explore
        state.recList = ListState()
        state.status = StatusMessage("you are \(label): \(state.ratingCountText) in a scratch profile, not saved"
            + " · :profile \(state.homeProfile) returns")
        return [.refilter, .recompute]
    case .toggleQuickStart:
        state.quickStartOn.toggle()
        state.recList = ListState()
        state.status = StatusMessage(state.quickStartOn ? "quick start shown (d hides it)"
                                                         : "quick start hidden (d shows it)")
        return .predict
    case .nextTab, .previousTab:
        guard !state.algorithms.isEmpty else { return [] }
        let n = state.algorithms.count
        state.activeTab = (state.activeTab + (action == .nextTab ? 1 : n - 1)) % n
        state.recList = ListState()
        var redo: Redo = .predict
        if state.sort == .predicted { redo.insert(.refilter) }
        if state.screen == .explain { redo.insert(.explain) }
        if state.presenter?.pane == .explanation { redo.formUnion(explainSelected(&state)) }
        return redo
    case .search:
        if !state.search.isEmpty { state.lastSearch = state.search }
        state.mode = .search(TextInputState())
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
    case .togglePresenter:
        return togglePresenter(&state)
    case .showFormula:
        guard state.screen == .explain else { return nil }
        state.explain.showFormula.toggle()
        state.scroll = 0
        return []
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
        state.users.list.clamp(count: state.users.rowCount(in: state.dataset))
        return .userDetails
    case .embeddingMap:
        return openEmbeddingMap(&state, effects: &effects)
    case .evalLab:
        return openEvalLab(&state)
    case .toggleColour:
        state.colour.toggle()
        state.status = StatusMessage(state.colour ? "colour on" : "colour off (monochrome)")
        return []
    case .map(let a):
        return actOnMap(a, &state)
    case .lab(let a):
        return actOnLab(a, &state, effects: &effects)
    case .replay:
        return openReplay(&state, effects: &effects)
    case .replayStep(let a):
        return actOnReplay(a, &state)
    case .models:
        if state.screen == .models {
            state.screen = .explore
        } else {
            openModelsPanel(&state)
        }
        return []
    case .model(let a):
        guard let name = state.selectedModel else { return [] }
        switch a {
        case .cancel: cancelFit(&state, name)
        case .deferFit: deferFit(&state, name)
        case .runAnyway: runFitAnyway(&state, name, effects: &effects)
        }
        return []
    case .lesson(let a):
        return actOnLesson(a, &state, effects: &effects)
    }
}

/// Opens the models panel on the selected row (the active algorithm the first time).
func openModelsPanel(_ state: inout AppState) {
    if state.modelsList.selected == nil { state.modelsList.selected = state.activeTab }
    state.modelsList.clamp(count: state.algorithms.count)
    state.screen = .models
    state.scroll = 0
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
        apply(&state.users.list, count: state.users.rowCount(in: state.dataset))
        state.users.details = nil
        return .userDetails
    case .models:
        apply(&state.modelsList, count: state.algorithms.count)
        return []
    case .compare, .explain, .similar, .embeddingMap, .evalLab, .replay:
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
        if !state.isScratch { effects.append(.saveRating(profile: state.profileName, item: raw, value: value)) }
        state.status = StatusMessage("\(verb) \(state.title(item)) \(starText(value)) · \(state.ratingCountText)")
    } else {
        state.profile.remove(item)
        if !state.isScratch { effects.append(.removeRating(profile: state.profileName, item: raw)) }
        state.status = StatusMessage("\(verb) \(state.title(item))\(before == nil ? "" : " (was \(starText(before!)))")"
            + " · \(state.ratingCountText)")
    }
    if state.isScratch {
        state.status.text += " · scratch, not saved"
    } else {
        state.pendingSaves += 1
    }
    if state.quickStartOn && state.ratingsToPersonal == 0 {
        // Enough ratings: the algorithm's list takes the pane, but not while the cursor is in it
        // (the row under the learner's hand never changes after a rating; Tab or d moves on).
        if state.focus == .catalog { state.quickStartOn = false }
        state.status.text += " · every list is personal now"
    }
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
        guard let s = users.list.selected else { return nil }
        return users.user(atRow: s, in: dataset)
    }

    /// "Heat (1995)".
    public func title(_ item: Int32) -> String {
        let t = stats.displayTitles[Int(item)]
        return dataset.catalog.items[Int(item)].year.map { "\(t) (\($0))" } ?? t
    }
}

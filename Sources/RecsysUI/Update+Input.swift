import RecsysEngine

// Modal routing: a key goes to the text input (search, `:`), then an overlay (help, genre
// picker), then the screen's key table and the shared one (`Keymap`); resizes and mouse events too.

func handleInput(_ state: inout AppState, _ event: InputEvent, effects: inout [Effect]) -> Redo {
    switch event {
    case .resize(let w, let h):
        state.width = max(0, w)
        state.height = max(0, h)
        return []
    case .mouse(let m):
        if state.layout.isTooSmall { return [] }
        return handleMouse(&state, m)
    case .key(let key):
        // Behind "terminal too small" nothing the user cannot see may happen: only quit acts.
        if state.layout.isTooSmall {
            return Keymap.action(for: key, on: .explore) == .quit ? .quit : []
        }
        let before = state.status
        let redo = handleKey(&state, key, effects: &effects)
        if state.presenter != nil {
            let caption = presenterCaption(state, key: key, statusBefore: before)
            state.presenter?.caption = caption
        }
        return redo
    }
}

func handleKey(_ state: inout AppState, _ key: Key, effects: inout [Effect]) -> Redo {
    // An answer being typed in the lesson panel takes every key until Enter or Esc.
    if state.lessons.answer != nil { return handleAnswerKey(&state, key, effects: &effects) }
    switch state.mode {
    case .search(var input):
        switch key {
        case .escape:
            state.mode = .normal
            return [.refilter, .predict]
        case .enter:
            state.search = input.text
            if !input.text.isEmpty { state.lastSearch = input.text }
            state.mode = .normal
            return [.refilter, .predict]
        case .up where input.text.isEmpty && !state.lastSearch.isEmpty:
            // A new search starts empty; the last query is one key away.
            state.mode = .search(TextInputState(state.lastSearch))
            return [.refilter, .predict]
        case .up, .down, .pageUp, .pageDown:
            return act(key == .up ? .up : key == .down ? .down : key == .pageUp ? .pageUp : .pageDown,
                       &state, effects: &effects) ?? []
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
    case .parameters(let list):
        return handleParameterPanelKey(&state, key, list: list)
    case .glossary:
        switch key {
        case .escape, .char("q"): state.overlay = nil
        case .char("?"), .function(1):
            state.overlay = .help
            state.scroll = 0
        case .up, .char("k"): state.scroll = max(0, state.scroll - 1)
        case .down, .char("j"): state.scroll += 1
        case .pageUp: state.scroll = max(0, state.scroll - 10)
        case .pageDown, .char(" "): state.scroll += 10
        case .home, .char("g"): state.scroll = 0
        default: break
        }
        return []
    case nil:
        break
    }

    if state.pendingHalfStar {
        state.pendingHalfStar = false
        if case .char(let c) = key, let d = c.wholeNumberValue, (1...5).contains(d) {
            return act(.rate(Float(d) - 0.5), &state, effects: &effects) ?? []
        }
        state.status = StatusMessage("half star cancelled")
    }
    if let redo = presenterKey(&state, key, effects: &effects) { return redo }
    // The lesson panel's keys while it is open, then the screen's own table (a screen may decline, e.g. the
    // map before it is built), then the shared one.
    let lessonAction = state.lessons.open ? Keymap.lessonAction(for: key) : nil
    for action in [lessonAction, Keymap.ownAction(for: key, on: state.screen), Keymap.action(for: key, on: state.screen)] {
        guard let action else { continue }
        let screen = state.screen, algorithm = state.activeAlgorithm
        if let redo = act(action, &state, effects: &effects) {
            state.performed.record(PerformedAction(name: action.checkpointName, screen: screen, algorithm: algorithm))
            return redo
        }
    }
    return []
}

/// Page height of whatever list the arrows move on the current screen.
func pageHeight(_ state: AppState) -> Int {
    let layout = state.layout
    switch state.screen {
    case .explore:
        return max(1, (state.focus == .catalog ? layout.catalogList : layout.recommendationList).height)
    case .users: return max(1, layout.usersList.height)
    default: return max(1, layout.body.height - 2)
    }
}

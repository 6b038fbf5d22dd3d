import RecsysEngine

// Presenter mode (`--presenter`, `P`): the Explore screen laid out for a projector at 80×24 and a
// large font: one focused pane at a time (Tab), a big-type heading, high contrast, a caption
// naming the last key and what it did, and an explanation revealed term by term with Space.

/// The pane presenter mode shows.
public enum PresenterPane: Sendable, Equatable, CaseIterable {
    case recommendations, catalog, explanation
}

public struct PresenterState: Sendable, Equatable {
    public var pane: PresenterPane = .recommendations
    /// Terms of the explanation shown so far; Space reveals the next one.
    public var revealed = 1
    /// "5 → rated Alien (1979) 5★": the last key and what it did, for the room to follow.
    public var caption = ""
    public init() {}
}

extension AppState {
    /// Turns presenter mode on at the recommendations pane (`--presenter`, `P`).
    public mutating func enterPresenter() {
        presenter = PresenterState()
        screen = .explore
        overlay = nil
        focus = .recommendations
        // The room sees the algorithm's own list, not the quick start (d brings it back after).
        quickStartOn = false
        recList.clamp(count: recommendationItems.count)
        status = StatusMessage("presenter mode: Tab switches pane, Space reveals, P leaves")
    }
}

/// Presenter mode turned on or off.
func togglePresenter(_ state: inout AppState) -> Redo {
    if state.presenter == nil {
        state.enterPresenter()
    } else {
        state.presenter = nil
        state.status = StatusMessage("presenter mode off")
    }
    return .predict
}

/// Presenter keys on Explore: Tab cycles the panes, Space reveals the next term, ↑↓ in the
/// explanation pane move through the recommendations. Nil when the key is not the presenter's.
func presenterKey(_ state: inout AppState, _ key: Key, effects: inout [Effect]) -> Redo? {
    guard var p = state.presenter, state.screen == .explore, state.overlay == nil, state.mode == .normal else { return nil }
    let panes = PresenterPane.allCases
    switch key {
    case .tab, .backTab:
        let k = panes.firstIndex(of: p.pane)!
        p.pane = panes[(k + (key == .tab ? 1 : panes.count - 1)) % panes.count]
        state.presenter = p
        state.focus = p.pane == .catalog ? .catalog : .recommendations
        state.recList.clamp(count: state.recommendationItems.count)
        return p.pane == .explanation ? explainSelected(&state) : .predict
    case .char(" ") where p.pane == .explanation:
        let total = state.explain.result?.whyNot.explanation.terms.count ?? 0
        p.revealed = min(p.revealed + 1, max(1, total))
        state.presenter = p
        return []
    case .up, .down, .char("j"), .char("k"):
        guard p.pane == .explanation else { return nil }
        let redo = act(key == .up || key == .char("k") ? .up : .down, &state, effects: &effects) ?? []
        return redo.union(explainSelected(&state))
    default:
        return nil
    }
}

/// Explains the selected recommendation under the active algorithm, revealing from its first term.
func explainSelected(_ state: inout AppState) -> Redo {
    state.presenter?.revealed = 1
    guard let item = state.selectedItem else { return [] }
    if state.explain.item != item { state.explain = ExplainState() }
    state.explain.item = item
    return .explain
}

/// The caption after a key: its name and what it did (the status it left, else its help line).
func presenterCaption(_ state: AppState, key: Key, statusBefore: StatusMessage) -> String {
    let name = Keymap.name(key)
    if state.status != statusBefore, !state.status.text.isEmpty {
        let said = state.status.text.components(separatedBy: " · ").first ?? state.status.text
        return name + " → " + said
    }
    switch key {
    case .tab, .backTab:
        let pane: String
        switch state.presenter?.pane ?? .recommendations {
        case .recommendations: pane = "recommendations"
        case .catalog: pane = "catalog"
        case .explanation: pane = "explanation"
        }
        return name + " → showing the " + pane
    case .char(" ") where state.presenter?.pane == .explanation:
        return name + " → next term of the explanation"
    default:
        break
    }
    if let binding = Keymap.table(state.screen).bindings.first(where: { $0.keys.contains(key) }) {
        return name + " → " + binding.help
    }
    return name
}

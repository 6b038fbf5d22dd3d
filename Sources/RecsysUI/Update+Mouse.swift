import RecsysEngine

// Mouse hit-testing: clicks select rows and tabs, the wheel scrolls the list under the pointer.

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
            state.users.list.selected = min(state.users.rowCount(in: state.dataset) - 1, state.users.list.offset + (y - area.y))
        case .wheelUp(let x, let y) where area.contains(x: x, y: y):
            state.users.list.scroll(by: -3, count: state.users.rowCount(in: state.dataset), height: area.height)
        case .wheelDown(let x, let y) where area.contains(x: x, y: y):
            state.users.list.scroll(by: 3, count: state.users.rowCount(in: state.dataset), height: area.height)
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
            let row = state.recList.offset + (y - recs.y) - (state.showsQuickStart ? 2 : 0)  // two quick-start note lines
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

import RecsysEngine

// The parameter panel (`p`, `:params`): each parameter of the active algorithm with its current
// value, default, allowed range, what it changes (rating prediction, top-N or both) and a one-line
// meaning. Enter edits the selected one on the `:` line; `:set` refits that model in the background.

/// The parameters of `algorithm` as its model declares them (empty for unknown models).
func parameterSpecs(of algorithm: String) -> [ParameterSpec] {
    Algorithms.type(named: algorithm)?.parameterSpecs ?? []
}

extension AppState {
    /// The value `algorithm` runs with: the one set with `:set`, else the default.
    func parameterValue(_ spec: ParameterSpec, of algorithm: String) -> String {
        parameters[algorithm]?.values[spec.key] ?? spec.defaultValue
    }
}

/// Opens the panel on the active algorithm (or closes it).
func openParameterPanel(_ state: inout AppState) {
    if case .parameters = state.overlay {
        state.overlay = nil
        return
    }
    var list = ListState()
    list.selected = 0
    state.overlay = .parameters(list)
    if let name = state.activeAlgorithm, parameterSpecs(of: name).isEmpty {
        state.status = StatusMessage("\(name) has no parameters (← → another algorithm)")
    }
}

/// Keys of the open panel: ↑↓ choose a parameter, ← → another algorithm, Enter edits, Esc / p / q close.
func handleParameterPanelKey(_ state: inout AppState, _ key: Key, list: ListState) -> Redo {
    var list = list
    let specs = state.activeAlgorithm.map(parameterSpecs(of:)) ?? []
    switch key {
    case .escape, .char("q"), .char("p"):
        state.overlay = nil
        return []
    case .up, .char("k"): list.move(by: -1, count: specs.count)
    case .down, .char("j"): list.move(by: 1, count: specs.count)
    case .home, .char("g"): list.jump(toEnd: false, count: specs.count)
    case .end, .char("G"): list.jump(toEnd: true, count: specs.count)
    case .left, .right, .char("h"), .char("l"):
        guard !state.algorithms.isEmpty else { return [] }
        let n = state.algorithms.count
        state.activeTab = (state.activeTab + (key == .left || key == .char("h") ? n - 1 : 1)) % n
        state.recList = ListState()
        list = ListState()
        list.selected = 0
        state.overlay = .parameters(list)
        return .predict
    case .enter:
        guard let name = state.activeAlgorithm, let k = list.selected, specs.indices.contains(k) else { return [] }
        state.overlay = nil
        state.mode = .command(TextInputState("set \(name).\(specs[k].key) "))
        state.status = StatusMessage("type the new value of \(name).\(specs[k].key) (\(specs[k].allowed)), Enter refits")
        return []
    default:
        return []
    }
    state.overlay = .parameters(list)
    return []
}

/// The panel: two lines per parameter (values, then meaning), the selected one highlighted.
func drawParameterPanel(_ state: AppState, list: ListState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    let name = state.activeAlgorithm ?? "-"
    let specs = parameterSpecs(of: name)
    let inner = overlayBox(layout.body, width: max(60, layout.body.width - 4), height: layout.body.height,
                           title: "Parameters · \(name) · ← → model · Enter edit", theme: theme, into: &buffer)
    guard !specs.isEmpty else {
        buffer.write("\(name) has no parameters", x: inner.x, y: inner.y, style: theme.dim, maxWidth: inner.width)
        return
    }
    let keyW = max(8, specs.map { DisplayWidth.of($0.key) }.max() ?? 8) + 1
    let valueW = 12, affectsW = 11
    var header = DisplayWidth.pad("parameter", to: keyW) + DisplayWidth.pad("value", to: valueW)
    header += DisplayWidth.pad("default", to: valueW) + DisplayWidth.pad("changes", to: affectsW) + "allowed"
    buffer.write(header, x: inner.x, y: inner.y, style: theme.title, maxWidth: inner.width)
    let rowsHeight = max(1, (inner.height - 1) / 2)
    var l = list
    l.clamp(count: specs.count)
    l.scrollToSelection(height: rowsHeight)
    for (r, k) in (l.offset..<min(specs.count, l.offset + rowsHeight)).enumerated() {
        let spec = specs[k]
        let value = state.parameterValue(spec, of: name)
        let y = inner.y + 1 + 2 * r
        let selected = k == l.selected
        let changed = value != spec.defaultValue
        var line = DisplayWidth.pad(spec.key, to: keyW) + DisplayWidth.pad(value, to: valueW)
        line += DisplayWidth.pad(spec.defaultValue, to: valueW) + DisplayWidth.pad(spec.affects.rawValue, to: affectsW)
        line += DisplayWidth.truncateWords(spec.allowed, to: max(1, inner.width - DisplayWidth.of(line)))
        if selected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 2), with: Cell(" ", style: theme.selection)) }
        let base = selected ? theme.selection : (changed ? theme.positive : theme.text)
        buffer.write(line, x: inner.x, y: y, style: base, maxWidth: inner.width)
        buffer.write("  " + DisplayWidth.truncateWords(spec.help, to: inner.width - 2), x: inner.x, y: y + 1,
                     style: selected ? theme.selection : theme.dim, maxWidth: inner.width)
    }
}

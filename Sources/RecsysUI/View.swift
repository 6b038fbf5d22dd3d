import Foundation
import RecsysEngine

/// Draws the whole frame for `state`: a pure function, so screens are tested as text.
///
/// Below 80×24 the frame holds only "terminal too small (need 80×24)", and only q acts.
/// Complexity: proportional to the visible rows, never to the catalog size.
public func view(_ state: AppState) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: state.width, height: state.height)
    let layout = state.layout
    if layout.isTooSmall {
        drawTooSmall(state, into: &buffer)
        return buffer
    }
    let theme = state.theme
    drawHeader(state, layout: layout, theme: theme, into: &buffer)
    switch state.screen {
    case .explore where state.presenter != nil: drawPresenter(state, area: layout.body, theme: theme, into: &buffer)
    case .explore: drawExplore(state, layout: layout, theme: theme, into: &buffer)
    case .compare: drawCompare(state, area: layout.body, theme: theme, into: &buffer)
    case .explain: drawExplain(state, area: layout.body, theme: theme, into: &buffer)
    case .similar: drawSimilar(state, area: layout.body, theme: theme, into: &buffer)
    case .users: drawUsers(state, layout: layout, theme: theme, into: &buffer)
    case .embeddingMap:
        renderEmbeddingMap(state.embeddingMap, highlights: state.mapHighlights, stats: state.stats, title: state.title,
                           theme: theme, area: layout.body, into: &buffer)
    case .evalLab:
        if let lab = state.evalLab { renderEvalLab(lab, theme: theme, area: layout.body, into: &buffer) }
    case .replay: drawReplay(state, area: layout.body, theme: theme, into: &buffer)
    case .models: drawModels(state, area: layout.body, theme: theme, into: &buffer)
    }
    switch state.overlay {
    case .help: drawHelp(state, area: layout.body, theme: theme, into: &buffer)
    case .genrePicker(let list): drawGenrePicker(state, list: list, layout: layout, theme: theme, into: &buffer)
    case .parameters(let list): drawParameterPanel(state, list: list, layout: layout, theme: theme, into: &buffer)
    case .glossary: drawGlossary(state, area: layout.body, theme: theme, into: &buffer)
    case nil: break
    }
    if state.lessons.open { drawLessonPanel(state, area: layout.lessonPanel, theme: theme, into: &buffer) }
    drawStatus(state, area: layout.status, theme: theme, into: &buffer)
    drawBottomLine(state, area: layout.hints, theme: theme, into: &buffer)
    return buffer
}

func drawTooSmall(_ state: AppState, into buffer: inout ScreenBuffer) {
    guard state.width > 0, state.height > 0 else { return }
    let lines = ["terminal too small (need \(Layout.minWidth)×\(Layout.minHeight))", "now \(state.width)×\(state.height)",
                 "keys wait until it is bigger · q quits"]
    let top = max(0, state.height / 2 - 1)
    for (k, l) in lines.enumerated() where top + k < state.height {
        let w = DisplayWidth.of(l)
        buffer.write(l, x: max(0, (state.width - w) / 2), y: top + k, style: k == 0 ? Style(bold: true) : .plain)
    }
}

func drawHeader(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    buffer.fill(layout.header, with: Cell(" ", style: theme.header))
    let ready = state.algorithms.filter { state.models[$0] != nil }.count
    let screen: String
    switch state.screen {
    case .explore: screen = "Explore"
    case .compare: screen = "Compare"
    case .explain: screen = "Explain"
    case .similar: screen = "Similar"
    case .users: screen = "Users"
    case .embeddingMap: screen = "Embedding map"
    case .evalLab: screen = "Evaluation lab"
    case .replay: screen = "Replay"
    case .models: screen = "Models"
    }
    let right = "\(ready)/\(state.algorithms.count) models │ ? help "
    let rw = DisplayWidth.of(right)
    let tag = state.profileTag.isEmpty ? "" : " (\(state.profileTag))"
    let profile = " │ profile \(state.profileName)\(tag) · \(state.ratingCountText)"
    var left = " recsys-tui │ \(screen) │ \(state.dataset.name)" + profile
    if DisplayWidth.of(left) + rw + 1 > layout.width {
        // Narrow: the profile and its count matter most.
        let room = layout.width - rw - 1 - DisplayWidth.of(profile) - DisplayWidth.of(" \(screen) │ ")
        left = " \(screen) │ " + DisplayWidth.truncate(state.dataset.name, to: max(1, room)) + profile
    }
    buffer.write(left, x: 0, y: 0, style: theme.header, maxWidth: max(0, layout.width - rw - 1))
    buffer.write(right, x: layout.width - rw, y: 0, style: theme.header)
}

// MARK: - Status and bottom line

func drawStatus(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    buffer.fill(area, with: Cell(" ", style: theme.status))
    // Right: fit progress while any model trains, else recompute time and save state.
    var right = ""
    let fitting = state.algorithms.compactMap { name -> (String, Double, String)? in
        if case .fitting(let f, let m) = state.fitStatus[name] ?? .waiting { return (name, f, m) }
        return nil
    }
    var gauge: (String, Double)? = nil
    // Whether the last rating change is on disk: shown while models fit too (first, so it is never cut).
    let save = state.pendingSaves > 0 ? "saving…" : (!state.undoStack.isEmpty && !state.isScratch ? "saved" : "")
    let classText = state.classStatusText
    if let (name, f, m) = fitting.first {
        right = (save.isEmpty ? "" : " " + save + " ·") + " fitting \(name) \(m)"
            + (fitting.count > 1 ? " (+\(fitting.count - 1))" : "") + " "
        gauge = (name, f)
    } else {
        if let ms = state.lastRecomputeMillis {
            right = " recomputed in \(formatMillis(ms))"
        }
        if !save.isEmpty { right += " · " + save }
        right += " "
    }
    if !classText.isEmpty { right = " " + classText + " ·" + right }
    let gaugeW = gauge == nil ? 0 : 12
    let rw = min(area.width / 2, DisplayWidth.of(right))
    let leftW = area.width - rw - gaugeW - 1
    buffer.write(" " + state.status.text, x: area.x, y: area.y,
                 style: state.status.isError ? Line.merge(theme.status, theme.error) : theme.status, maxWidth: leftW)
    if let (_, f) = gauge {
        buffer.write(Bars.horizontal(f, width: gaugeW - 1), x: area.maxX - rw - gaugeW, y: area.y, style: theme.status)
    }
    buffer.write(DisplayWidth.truncate(right, to: rw), x: area.maxX - rw, y: area.y, style: theme.status)
}

func drawBottomLine(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    switch state.mode {
    case .search(let input):
        TextInput(prompt: "/", style: theme.input).render(area, into: &buffer, state: input)
        let hint = input.text.isEmpty && !state.lastSearch.isEmpty
            ? "  ↑ last query · Enter keep · Esc cancel · Ctrl-U clear" : "  Enter keep · Esc cancel · ↑↓ move"
        let used = DisplayWidth.of(input.text) + 2
        if used + DisplayWidth.of(hint) < area.width {
            buffer.write(hint, x: area.maxX - DisplayWidth.of(hint), y: area.y, style: theme.dim)
        }
        return
    case .command(let input):
        TextInput(prompt: ":", style: theme.input).render(area, into: &buffer, state: input)
        return
    case .normal:
        break
    }
    if state.pendingHalfStar {
        buffer.write("½ star: press 1–5 (.4 = 3.5★)", x: area.x, y: area.y, style: theme.key, maxWidth: area.width)
        return
    }
    let hints = state.presenter != nil && state.screen == .explore ? Keymap.presenterHintLine
        : Keymap.hints(state.screen, busy: state.screen == .evalLab && state.evalLab?.running == true)
    var x = area.x
    for (k, h) in hints {
        let piece = DisplayWidth.of(k) + DisplayWidth.of(h) + 2
        if x + piece > area.maxX { break }
        x += buffer.write(k, x: x, y: area.y, style: theme.key)
        x += buffer.write(" " + h + " ", x: x, y: area.y, style: theme.dim)
    }
}

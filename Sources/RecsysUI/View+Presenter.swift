import Foundation
import RecsysEngine

// Presenter mode's frame: big-type heading (the focused algorithm, then its top recommendation),
// the caption of the last key, and one pane at a time.

func drawPresenter(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    guard let p = state.presenter else { return }
    let name = state.activeAlgorithm ?? "no algorithm"
    let top = state.activeAlgorithm.flatMap { state.results[$0]?.rows.first?.item }
    var y = area.y
    let width = area.width - 2
    let big = Style(foreground: theme.colour ? .brightWhite : .default, bold: true)
    for line in BlockFont.render(name.uppercased(), width: width, unicode: state.unicode) {
        buffer.write(line, x: area.x + 1, y: y, style: big, maxWidth: width)
        y += 1
    }
    let topTitle = top.map { shortTitle(state.title($0)) } ?? "…"
    for line in BlockFont.render(topTitle.uppercased(), width: width, unicode: state.unicode) {
        buffer.write(line, x: area.x + 1, y: y, style: theme.star, maxWidth: width)
        y += 1
    }
    let caption = p.caption.isEmpty ? " top pick: " + (top.map(state.title) ?? "waiting for the models") + " "
        : " " + p.caption + " "
    buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: theme.header))
    buffer.write(caption, x: area.x, y: y, style: theme.header, maxWidth: area.width)
    y += 1
    let pane = Rect(x: area.x, y: y, width: area.width, height: area.maxY - y)
    guard pane.height >= 3 else { return }
    switch p.pane {
    case .recommendations: drawPresenterList(state, recommendations: true, area: pane, theme: theme, into: &buffer)
    case .catalog: drawPresenterList(state, recommendations: false, area: pane, theme: theme, into: &buffer)
    case .explanation: drawPresenterExplanation(state, revealed: p.revealed, area: pane, theme: theme, into: &buffer)
    }
}

/// "Aliens (1986)" → "Aliens": the year costs four big letters.
func shortTitle(_ title: String) -> String {
    guard title.hasSuffix(")"), let open = title.lastIndex(of: "(") else { return title }
    let bare = title[..<open].trimmingCharacters(in: .whitespaces)
    return bare.isEmpty ? title : bare
}

private func paneTitle(_ p: PresenterPane) -> String {
    switch p {
    case .recommendations: return "Recommendations"
    case .catalog: return "Catalog"
    case .explanation: return "Why? (Space: next term)"
    }
}

/// The recommendations or the catalog as one big list, the selected row highlighted.
func drawPresenterList(_ state: AppState, recommendations: Bool, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let pane: PresenterPane = recommendations ? .recommendations : .catalog
    let inner = drawScreenBox(paneTitle(pane), right: "Tab: next pane", area: area, theme: theme, into: &buffer)
    let items = recommendations ? state.recommendationItems : state.visible
    let list = recommendations ? state.recList : state.catalogList
    guard !items.isEmpty else {
        buffer.write(recommendations ? "waiting for the models…" : "no films match", x: inner.x, y: inner.y, style: theme.text)
        return
    }
    let selected = list.selected ?? 0
    let first = max(0, min(selected - inner.height / 2, items.count - inner.height))
    let reasons = state.activeAlgorithm.flatMap { state.results[$0] }
        .map { Dictionary($0.rows.map { ($0.item, $0.reason) }, uniquingKeysWith: { a, _ in a }) } ?? [:]
    for r in 0..<min(inner.height, items.count - first) {
        let k = first + r
        let item = items[k]
        var text = DisplayWidth.pad("\(k + 1).", to: 4) + state.title(item)
        if let mine = state.profile.rating(of: item) { text += "  " + starText(mine) }
        if recommendations, let why = reasons[item], !why.isEmpty { text += "  · " + why }
        let style = k == selected ? theme.selection : theme.text
        buffer.write(DisplayWidth.pad(DisplayWidth.truncate(text, to: inner.width), to: inner.width),
                     x: inner.x, y: inner.y + r, style: style)
    }
}

/// The selected recommendation's explanation, its terms revealed one at a time (largest first).
func drawPresenterExplanation(_ state: AppState, revealed: Int, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let inner = drawScreenBox(paneTitle(.explanation), right: "↑↓: another film", area: area, theme: theme, into: &buffer)
    guard let item = state.explain.item else {
        buffer.write("select a recommendation first", x: inner.x, y: inner.y, style: theme.text)
        return
    }
    var lines: [Line] = [Line([Span(state.title(item), Style(bold: true)), Span("  under " + (state.activeAlgorithm ?? ""))])]
    guard let r = state.explain.result else {
        lines.append(Line("explaining…"))
        Paragraph(lines).render(inner, into: &buffer)
        return
    }
    let e = r.whyNot.explanation
    let text = ExplanationText(stats: state.stats, userIDs: state.dataset.users.ids)
    lines.append(Line(text.reason(e), theme.star))
    let terms = e.termsByMagnitude
    let shown = min(revealed, terms.count)
    var sum: Float = 0
    for t in terms.prefix(shown) {
        sum += t.value
        let sign = t.value < 0 ? "−" : "+"
        lines.append(Line([Span(" " + sign + " " + DisplayWidth.pad(formatScore(abs(t.value)), to: 7, alignRight: true) + "  ",
                                t.value < 0 ? theme.negative : theme.positive),
                           Span(text.label(t), Style(bold: true))]))
    }
    let left = terms.count - shown
    func signed(_ v: Float) -> String { (v < 0 ? "−" : "") + formatScore(abs(v)) }
    lines.append(Line(left > 0 ? " = \(signed(sum)) so far · \(left) more (Space)" : " = \(signed(e.score)) the score",
                      Style(bold: true)))
    let room = inner.height
    // Keep the newest term and the running sum in view.
    Paragraph(lines, scroll: max(0, lines.count - room)).render(inner, into: &buffer)
}

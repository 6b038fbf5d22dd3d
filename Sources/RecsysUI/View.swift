import Foundation
import RecsysEngine

/// Draws the whole frame for `state`: a pure function, so screens are tested as text.
///
/// Below 80×24 the frame holds only "terminal too small (need 80×24)".
/// Complexity: proportional to the visible rows, never to the catalog size.
public func view(_ state: AppState) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: state.width, height: state.height)
    let layout = Layout(width: state.width, height: state.height)
    if layout.isTooSmall {
        drawTooSmall(state, into: &buffer)
        return buffer
    }
    let theme = state.theme
    drawHeader(state, layout: layout, theme: theme, into: &buffer)
    switch state.screen {
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
    }
    switch state.overlay {
    case .help: drawHelp(state, area: layout.body, theme: theme, into: &buffer)
    case .genrePicker(let list): drawGenrePicker(state, list: list, layout: layout, theme: theme, into: &buffer)
    case nil: break
    }
    drawStatus(state, area: layout.status, theme: theme, into: &buffer)
    drawBottomLine(state, area: layout.hints, theme: theme, into: &buffer)
    return buffer
}

func drawTooSmall(_ state: AppState, into buffer: inout ScreenBuffer) {
    guard state.width > 0, state.height > 0 else { return }
    let lines = ["terminal too small (need \(Layout.minWidth)×\(Layout.minHeight))", "now \(state.width)×\(state.height)"]
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
    }
    let right = "\(ready)/\(state.algorithms.count) models │ ? help "
    let rw = DisplayWidth.of(right)
    let profile = " │ profile \(state.profileName) · \(state.ratingCountText)"
    var left = " recsys-tui │ \(screen) │ \(state.dataset.name)" + profile
    if DisplayWidth.of(left) + rw + 1 > layout.width {
        // Narrow: the profile and its count matter most.
        let room = layout.width - rw - 1 - DisplayWidth.of(profile) - DisplayWidth.of(" \(screen) │ ")
        left = " \(screen) │ " + DisplayWidth.truncate(state.dataset.name, to: max(1, room)) + profile
    }
    buffer.write(left, x: 0, y: 0, style: theme.header, maxWidth: max(0, layout.width - rw - 1))
    buffer.write(right, x: layout.width - rw, y: 0, style: theme.header)
}

// MARK: - Explore

func drawExplore(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    drawCatalog(state, layout: layout, theme: theme, into: &buffer)
    drawDetails(state, area: layout.details, theme: theme, into: &buffer)
    drawRecommendations(state, layout: layout, theme: theme, into: &buffer)
}

/// 583 → "583", 1234 → "1.2k", 12345 → "12k", 1234567 → "1.2M".
func compactCount(_ n: Int) -> String {
    if n < 1000 { return String(n) }
    if n < 10_000 { return fixed(Double(n) / 1000, 1) + "k" }
    if n < 1_000_000 { return "\(n / 1000)k" }
    return fixed(Double(n) / 1_000_000, 1) + "M"
}

/// Scores in at most 7 columns: 583.4 → "583", 12.34 → "12.3", 4.123 → "4.12", −0.0417 → "-0.042".
func formatScore(_ s: Float) -> String {
    let a = abs(s)
    if !s.isFinite { return "–" }
    if a >= 1e6 { return String(format: "%.2g", s) }
    if a >= 100 { return fixed(Double(s), 0) }
    if a >= 10 { return fixed(Double(s), 1) }
    if a >= 1 { return fixed(Double(s), 2) }
    if a >= 0.01 || a == 0 { return fixed(Double(s), 3) }
    if a >= 0.001 { return fixed(Double(s), 4) }
    return a >= 0.00001 ? fixed(Double(s), 5) : (s > 0 ? "≈0" : "-≈0")
}

/// Genres in `width` columns: all of them when they fit, else "Comedy+2".
func genreText(_ genres: [String], width: Int) -> String {
    let all = genres.joined(separator: ", ")
    if DisplayWidth.of(all) <= width || genres.count <= 1 { return DisplayWidth.truncate(all, to: width) }
    for k in stride(from: genres.count - 1, through: 1, by: -1) {
        let s = genres.prefix(k).joined(separator: ", ") + "+\(genres.count - k)"
        if DisplayWidth.of(s) <= width { return s }
    }
    let more = "+\(genres.count - 1)"
    return DisplayWidth.truncate(genres[0], to: width - more.count) + more
}

func drawCatalog(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    let area = layout.catalog
    let focused = state.focus == .catalog
    var title = "Catalog"
    if let g = state.genreFilter { title += " · \(g)" }
    let query = state.mode.searchText ?? state.search
    if !query.isEmpty { title += " · /\(query)" }
    title += " · by \(state.sort.rawValue)"
    let pos = state.catalogList.selected.map { "\($0 + 1)/\(state.visible.count)" } ?? "0/0"
    Block(title: title, titleStyle: focused ? theme.title : theme.text,
          borderStyle: focused ? theme.focusedBorder : theme.border, rightTitle: pos).render(area, into: &buffer)
    let inner = layout.catalogList
    let w = inner.width
    let compact = w < 60
    let genreW = compact ? 8 : 18
    let countW = compact ? 4 : 5
    let titleW = max(4, w - (5 + 1 + 4 + 1 + genreW + 1 + 4 + 1 + countW))
    let catalog = state.dataset.catalog
    let stats = state.stats
    let profile = state.profile
    var list = state.catalogList
    let visible = state.visible
    ListView(count: visible.count, highlight: focused ? theme.selection : theme.inactiveSelection,
             placeholder: query.isEmpty ? "no movies" : "no movie matches “\(query)”") { k in
        let i = visible[k]
        let item = catalog[i]
        let mine = profile.rating(of: i).map { DisplayWidth.pad(starText($0), to: 4, alignRight: true) } ?? "    "
        let year = item.year.map(String.init) ?? "    "
        let count = stats.counts[Int(i)]
        let mean = count > 0 ? fixed(Double(stats.means[Int(i)]), 1) + "★" : "  – "
        return Line([
            Span(mine + " ", theme.star),
            Span(DisplayWidth.pad(stats.displayTitles[Int(i)], to: titleW) + " "),
            Span(year + " ", theme.dim),
            Span(DisplayWidth.pad(genreText(item.genres, width: genreW), to: genreW) + " ", theme.dim),
            Span(DisplayWidth.pad(mean, to: 4, alignRight: true) + " "),
            Span(DisplayWidth.pad(compactCount(count), to: countW, alignRight: true), theme.dim),
        ])
    }.render(inner, into: &buffer, state: &list)
}

func drawDetails(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    Block(title: "Details", titleStyle: theme.text, borderStyle: theme.border).render(area, into: &buffer)
    let inner = Block.inner(area)
    guard let i = state.selectedItem else {
        buffer.write("nothing selected", x: inner.x, y: inner.y, style: theme.dim, maxWidth: inner.width)
        return
    }
    let item = state.dataset.catalog[i]
    let w = inner.width
    var lines: [Line] = []
    for l in wrap(state.stats.displayTitles[Int(i)], width: w).prefix(2) { lines.append(Line(l, Style(bold: true))) }
    var facts: [String] = []
    if let y = item.year { facts.append(String(y)) }
    if let d = item.director, !d.isEmpty { facts.append("dir. " + d) }
    if !facts.isEmpty { lines.append(Line(facts.joined(separator: " · "), theme.dim)) }
    if !item.genres.isEmpty { lines.append(Line(item.genres.joined(separator: ", "))) }
    if !item.keywords.isEmpty { lines.append(Line([Span("tags ", theme.dim), Span(item.keywords.joined(separator: ", "))])) }
    let count = state.stats.counts[Int(i)]
    let hist = histogram(state, item: i)
    let scaleText = "\(formatRating(state.dataset.scale.min))–\(starText(state.dataset.scale.max))"
    if count > 0 {
        lines.append(Line([
            Span(fixed(Double(state.stats.means[Int(i)]), 2) + "★", theme.star),
            Span(" mean of \(count == 1 ? "1 rating" : "\(count) ratings")"),
        ]))
        lines.append(Line([Span("▕", theme.dim), Span(Bars.sparkline(hist.map(Double.init)), theme.bar),
                           Span("▏", theme.dim), Span(" " + scaleText, theme.dim)]))
    } else {
        lines.append(Line("no ratings in the dataset", theme.dim))
    }
    if let r = state.profile.rating(of: i) {
        lines.append(Line([Span("you  ", theme.dim), Span(starText(r), theme.star)]))
    } else {
        lines.append(Line([Span("you  ", theme.dim), Span("not rated · 1–5 to rate", theme.dim)]))
    }
    // Each algorithm's predicted rating, as many per line as fit.
    let preds = state.predictions[i]
    var row: [Span] = [Span("pred ", theme.dim)]
    var used = 5
    for name in state.algorithms {
        let value: String
        if state.models[name] == nil {
            value = "…"
        } else if let p = preds?[name] {
            value = p.isImpossible ? "?" : formatRating((p.value * 10).rounded() / 10)
        } else {
            value = "…"
        }
        let piece = "\(name) \(value)"
        let pw = DisplayWidth.of(piece) + 2
        if used + pw > w && used > 5 {
            lines.append(Line(row))
            row = [Span("     ")]
            used = 5
        }
        row.append(Span(name + " ", theme.dim))
        row.append(Span(value + "  ", theme.text))
        used += pw
    }
    if row.count > 1 { lines.append(Line(row)) }
    if area.height > 14 && count > 0 {
        // Room for the histogram as horizontal bars.
        let top = hist.max() ?? 1
        let steps = histogramLabels(state.dataset.scale)
        lines.append(Line(""))
        for (k, c) in hist.enumerated().reversed() {
            let label = DisplayWidth.pad(steps[k], to: 4, alignRight: true)
            lines.append(Line([Span(label + " ", theme.dim),
                               Span(Bars.horizontal(Double(c) / Double(max(1, top)), width: max(1, w - 12)), theme.bar),
                               Span(" " + String(c), theme.dim)]))
        }
    }
    Paragraph(lines).render(inner, into: &buffer)
}

/// Rating counts of an item per scale step (lowest first).
func histogram(_ state: AppState, item: Int32) -> [Int] {
    let scale = state.dataset.scale
    let step = scale.step > 0 ? scale.step : 1
    let buckets = max(1, Int(((scale.max - scale.min) / step).rounded()) + 1)
    var h = [Int](repeating: 0, count: buckets)
    guard Int(item) < state.dataset.ratings.itemCount else { return h }
    for r in state.dataset.ratings.column(item).ratings {
        let k = Int(((r - scale.min) / step).rounded())
        h[max(0, min(buckets - 1, k))] += 1
    }
    return h
}

func histogramLabels(_ scale: RatingScale) -> [String] {
    let step = scale.step > 0 ? scale.step : 1
    let buckets = max(1, Int(((scale.max - scale.min) / step).rounded()) + 1)
    return (0..<buckets).map { starText(scale.min + Float($0) * step) }
}

extension AppState {
    /// Tab titles: the algorithm name, with "…" while fitting and "!" when its fit failed.
    public var tabTitles: [String] {
        algorithms.map { name in
            switch fitStatus[name] ?? .waiting {
            case .ready: return name
            case .failed: return name + "!"
            case .waiting, .fitting: return models[name] == nil ? name + "…" : name
            }
        }
    }

    /// The movement marker of `item` at `rank` (0-based) in `algorithm`'s list against the
    /// list before the last rating change: "▲3" (moved up 3), "▼1", "new", or "" (unchanged / no baseline).
    public func movement(algorithm: String, item: Int32, rank: Int) -> String {
        guard let before = baseline[algorithm] else { return "" }
        guard let old = before.firstIndex(of: item) else { return "new" }
        if old > rank { return "▲\(old - rank)" }
        if old < rank { return "▼\(rank - old)" }
        return ""
    }
}

func drawRecommendations(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    let area = layout.recommendations
    let focused = state.focus == .recommendations
    let name = state.activeAlgorithm
    var right = ""
    if let name, let r = state.results[name], !state.showsQuickStart { right = "\(name) · \(formatMillis(r.millis))" }
    Block(title: "Recommendations", titleStyle: focused ? theme.title : theme.text,
          borderStyle: focused ? theme.focusedBorder : theme.border, rightTitle: right).render(area, into: &buffer)
    Tabs(titles: state.tabTitles, selected: state.activeTab, style: theme.tab, activeStyle: theme.activeTab)
        .render(layout.tabRow, into: &buffer)
    var listArea = layout.recommendationList
    let highlight = focused ? theme.selection : theme.inactiveSelection
    var list = state.recList
    let catalog = state.dataset.catalog
    let w = listArea.width
    if state.showsQuickStart {
        buffer.write("Quick start: rate a few of these (1–5) and every algorithm becomes personal",
                     x: listArea.x, y: listArea.y, style: theme.title, maxWidth: w)
        listArea = Rect(x: listArea.x, y: listArea.y + 1, width: listArea.width, height: listArea.height - 1)
        let items = state.recommendationItems
        let stats = state.stats
        let titleW = max(10, min(40, w - 40))
        ListView(count: items.count, highlight: highlight) { k in
            let i = items[k]
            let it = catalog[i]
            return Line([
                Span(DisplayWidth.pad("\(k + 1).", to: 3, alignRight: true) + " "),
                Span(DisplayWidth.pad(stats.displayTitles[Int(i)], to: titleW) + " "),
                Span((it.year.map(String.init) ?? "    ") + " ", theme.dim),
                Span(fixed(Double(stats.means[Int(i)]), 1) + "★ ", theme.star),
                Span(DisplayWidth.pad(compactCount(stats.counts[Int(i)]), to: 5, alignRight: true) + "  ", theme.dim),
                Span(it.genres.joined(separator: ", "), theme.dim),
            ])
        }.render(listArea, into: &buffer, state: &list)
        return
    }
    guard let name else {
        buffer.write("no algorithms registered", x: listArea.x, y: listArea.y, style: theme.dim, maxWidth: w)
        return
    }
    guard let result = state.results[name] else {
        let text: String
        switch state.fitStatus[name] ?? .waiting {
        case .failed(let m): text = "\(name) failed: \(m)"
        case .fitting(let f, let m): text = "fitting \(name)… \(Int(f * 100))% \(m)"
        case .waiting: text = "\(name) waits to be fitted…"
        case .ready: text = "computing \(name)…"
        }
        buffer.write(text, x: listArea.x, y: listArea.y, style: theme.dim, maxWidth: w)
        return
    }
    let rows = result.rows
    let titleW = max(12, min(40, (w - 16) * 2 / 5))
    ListView(count: rows.count, highlight: highlight, placeholder: "no recommendations") { k in
        let row = rows[k]
        let mark = state.movement(algorithm: name, item: row.item, rank: k)
        let markStyle = mark.hasPrefix("▲") ? theme.up : mark.hasPrefix("▼") ? theme.down : theme.new
        return Line([
            Span(DisplayWidth.pad("\(k + 1)", to: 2, alignRight: true) + " "),
            Span(DisplayWidth.pad(mark, to: 4), markStyle),
            Span(DisplayWidth.pad(state.title(row.item), to: titleW) + " "),
            Span(DisplayWidth.pad(formatScore(row.score), to: 7, alignRight: true) + "  ", theme.star),
            Span(row.reason, theme.dim),
        ])
    }.render(listArea, into: &buffer, state: &list)
}

func formatMillis(_ ms: Double) -> String {
    ms < 10 ? fixed(Double(ms), 1) + " ms" : "\(Int(ms.rounded())) ms"
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
    if let (name, f, m) = fitting.first {
        right = " fitting \(name) \(m)" + (fitting.count > 1 ? " (+\(fitting.count - 1))" : "") + " "
        gauge = (name, f)
    } else {
        if let ms = state.lastRecomputeMillis {
            right = " recomputed in \(formatMillis(ms))"
        }
        if state.pendingSaves > 0 { right += " · saving…" } else if !state.undoStack.isEmpty { right += " · saved" }
        right += " "
    }
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
        let hint = "  Enter keep · Esc cancel · ↑↓ move"
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
    let hints: [(String, String)]
    switch state.screen {
    case .explore:
        hints = [("?", "help"), ("q", "quit"), ("/", "search"), ("1-5", "rate"), ("u", "undo"), ("f", "genre"),
                 ("s", "sort"), ("Tab", "pane"), ("←→", "algo"), ("c", "compare"), ("e", "explain"), ("m", "similar"),
                 ("U", "users")]
    case .compare:
        hints = [("←→", "scroll algorithms"), ("↑↓", "scroll"), ("Esc", "back"), ("?", "help"), ("q", "quit")]
    case .explain:
        hints = [("←→", "algorithm"), ("↑↓", "scroll"), ("1-5", "rate"), ("m", "similar"), ("Esc", "back"), ("q", "quit")]
    case .similar:
        hints = [("←→", "scroll"), ("1-5", "rate"), ("e", "explain"), ("Esc", "back"), ("q", "quit")]
    case .users:
        hints = [("↑↓", "user"), ("PgUp/PgDn", "page"), ("Esc", "back"), ("?", "help"), ("q", "quit")]
    case .embeddingMap:
        hints = [("←↑↓→", "pan"), ("+/-", "zoom"), ("Enter", "nearest"), ("Tab", "next point"), ("c", "centre"),
                 ("Esc", "back"), ("q", "quit")]
    case .evalLab:
        hints = state.evalLab?.running == true ? [("Esc", "cancel"), ("c", "compare"), ("U", "users"), ("q", "quit")]
            : [("↑↓", "move"), ("Space", "toggle"), ("←→", "split"), ("r", "run"), ("Esc", "back"), ("q", "quit")]
    }
    var x = area.x
    for (k, h) in hints {
        let piece = DisplayWidth.of(k) + DisplayWidth.of(h) + 2
        if x + piece > area.maxX { break }
        x += buffer.write(k, x: x, y: area.y, style: theme.key)
        x += buffer.write(" " + h + " ", x: x, y: area.y, style: theme.dim)
    }
}

// MARK: - Overlays

/// A centred box of at most `width`×`height` inside `area`, cleared.
func overlayBox(_ area: Rect, width: Int, height: Int, title: String, theme: Theme, into buffer: inout ScreenBuffer) -> Rect {
    let w = min(area.width, width), h = min(area.height, height)
    let r = Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
    buffer.fill(r)
    Block(title: title, titleStyle: theme.title, borderStyle: theme.focusedBorder, rightTitle: "Esc close").render(r, into: &buffer)
    return Block.inner(r)
}

/// Help lines: every key of the key table, grouped, then the `:` commands.
func helpLines(theme: Theme) -> [Line] {
    var lines: [Line] = []
    var group = ""
    for (g, keys, help) in Keymap.helpLines() {
        if g != group {
            if !lines.isEmpty { lines.append("") }
            lines.append(Line(g, theme.title))
            group = g
        }
        lines.append(Line([Span("  " + DisplayWidth.pad(keys, to: 18), theme.key), Span(help)]))
    }
    lines.append("")
    lines.append(Line("Command line", theme.title))
    for (c, h) in Keymap.commands {
        lines.append(Line([Span("  " + DisplayWidth.pad(c, to: 22), theme.key), Span(h)]))
    }
    return lines
}

func drawHelp(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let lines = helpLines(theme: theme)
    let inner = overlayBox(area, width: area.width < 90 ? area.width : 80, height: lines.count + 2, title: "Help · ↑↓ scroll", theme: theme, into: &buffer)
    let maxScroll = max(0, lines.count - inner.height)
    Paragraph(lines, scroll: min(state.scroll, maxScroll)).render(inner, into: &buffer)
}

func drawGenrePicker(_ state: AppState, list: ListState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    let names = state.stats.genreNames
    let inner = overlayBox(layout.body, width: 34, height: names.count + 3, title: "Genre · Enter", theme: theme, into: &buffer)
    var l = list
    let stats = state.stats
    ListView(count: names.count + 1, highlight: theme.selection) { k in
        if k == 0 { return Line("All genres") }
        let n = stats.genreCounts[k - 1]
        return Line([Span(DisplayWidth.pad(names[k - 1], to: 22)), Span(DisplayWidth.pad(String(n), to: 8, alignRight: true), theme.dim)])
    }.render(inner, into: &buffer, state: &l)
}

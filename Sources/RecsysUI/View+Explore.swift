import Foundation
import RecsysEngine

// The Explore screen: catalog, details and the Recommendations pane.

func drawExplore(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    drawCatalog(state, layout: layout, theme: theme, into: &buffer)
    drawDetails(state, area: layout.details, theme: theme, into: &buffer)
    drawRecommendations(state, layout: layout, theme: theme, into: &buffer)
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
    /// Tab titles: the algorithm name, with "…" while fitting, "·" when deferred and "!" when its fit failed.
    public var tabTitles: [String] {
        algorithms.map { name in
            switch fitStatus[name] ?? .waiting {
            case .ready: return name
            case .failed: return name + "!"
            case .waiting, .fitting: return models[name] == nil ? name + "…" : name
            case .deferred: return models[name] == nil ? name + "·" : name
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
    var title = "Recommendations"
    if let g = state.genreFilter, !state.showsQuickStart {
        title += " · \(g) only (\(state.shownRecommendations.count) of \(state.results[name ?? ""]?.rows.count ?? 0))"
    }
    if let name, let r = state.results[name], !state.showsQuickStart { title += " · " + r.unit.title }
    Block(title: title, titleStyle: focused ? theme.title : theme.text,
          borderStyle: focused ? theme.focusedBorder : theme.border, rightTitle: right).render(area, into: &buffer)
    Tabs(titles: state.tabTitles, selected: state.activeTab, style: theme.tab, activeStyle: theme.activeTab)
        .render(layout.tabRow, into: &buffer)
    var listArea = layout.recommendationList
    let highlight = focused ? theme.selection : theme.inactiveSelection
    var list = state.recList
    let catalog = state.dataset.catalog
    let w = listArea.width
    if state.showsQuickStart {
        let left = state.ratingsToPersonal
        let more = "\(left) more rating\(left == 1 ? "" : "s")"
        // The longest text that fits: never cut mid-word.
        let heads = left == 0
            ? ["Quick start done: every list is personal now · Tab or d shows them", "Quick start done · d shows your lists"]
            : ["Quick start: rate these (1–5) · \(more) make every list personal · d hides",
               "Quick start: rate these · \(more) make the lists personal · d hides", "Quick start · \(more) · d hides"]
        let head = heads.first { DisplayWidth.of($0) <= w } ?? heads[heads.count - 1]
        buffer.write(head, x: listArea.x, y: listArea.y, style: theme.title, maxWidth: w)
        // Optional step: who you are (only where the data has demographics to compare you with).
        let about = state.datasetDemographics.isEmpty
            ? "(this dataset has no demographics, so nobody will ask who you are)"
            : Demographics.values(of: state.profile.attributes).isEmpty
                ? "Optional: tell us about you (:about age=25-34 gender=F occupation=… region=…), or skip"
                : "You are " + Demographics.values(of: state.profile.attributes).map(\.value).joined(separator: ", ")
                    + " (:about to change)"
        buffer.write(about, x: listArea.x, y: listArea.y + 1, style: theme.dim, maxWidth: w)
        listArea = Rect(x: listArea.x, y: listArea.y + 2, width: listArea.width, height: max(0, listArea.height - 2))
        let items = state.recommendationItems
        let stats = state.stats
        let titleW = max(10, min(40, w - 40))
        ListView(count: items.count, highlight: highlight) { k in
            let i = items[k]
            let it = catalog[i]
            let yours = state.profile.rating(of: i)
            return Line([
                yours.map { Span(DisplayWidth.pad(starText($0), to: 3, alignRight: true) + " ", theme.star) }
                    ?? Span(DisplayWidth.pad("\(k + 1).", to: 3, alignRight: true) + " "),
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
        case .deferred(let d): text = "\(name) " + deferralText(d) + " (a: models panel)"
        }
        buffer.write(text, x: listArea.x, y: listArea.y, style: theme.dim, maxWidth: w)
        return
    }
    let shown = state.shownRecommendations
    let rows = shown.map(\.row)
    let titleW = max(12, min(40, (w - 16) * 2 / 5))
    // Relative scores are against the whole list's top item, also when a genre filter hides it.
    let top = result.rows.first?.score ?? 0
    let scale = state.dataset.scale
    let reasonW = max(1, w - titleW - 17)
    // The selected row's whole reason, when its row has to cut it: a detail line under the list.
    if focused, let k = list.selected, rows.indices.contains(k), DisplayWidth.of(rows[k].reason) > reasonW {
        let detail = wrap("↳ " + rows[k].reason, width: w).prefix(2)
        let h = min(detail.count, max(0, listArea.height - 3))
        for (j, text) in detail.prefix(h).enumerated() {
            buffer.write(text, x: listArea.x, y: listArea.maxY - h + j, style: theme.text, maxWidth: w)
        }
        listArea = Rect(x: listArea.x, y: listArea.y, width: listArea.width, height: listArea.height - h)
    }
    let placeholder = state.genreFilter.map { "none of \(name)'s list is \($0) (F clears the filter)" } ?? "no recommendations"
    ListView(count: rows.count, highlight: highlight, placeholder: placeholder) { k in
        let row = rows[k]
        let rank = shown[k].rank
        let mark = state.movement(algorithm: name, item: row.item, rank: rank)
        let markStyle = mark.hasPrefix("▲") ? theme.up : mark.hasPrefix("▼") ? theme.down : theme.new
        return Line([
            Span(DisplayWidth.pad("\(rank + 1)", to: 2, alignRight: true) + " "),
            Span(DisplayWidth.pad(mark, to: 4), markStyle),
            Span(DisplayWidth.pad(state.title(row.item), to: titleW) + " "),
            Span(DisplayWidth.pad(displayScore(row.score, unit: result.unit, top: top, scale: scale), to: 7,
                                  alignRight: true) + "  ", theme.star),
            Span(DisplayWidth.truncateWords(row.reason, to: reasonW), theme.dim),
        ])
    }.render(listArea, into: &buffer, state: &list)
}

/// A list score with its unit: "4.3★" for predicted ratings (clamped to the scale), else the
/// relative score (100 for the list's top item, `ScoreUnit.relative`), "–" when it means nothing.
func displayScore(_ score: Float, unit: ScoreUnit, top: Float, scale: RatingScale) -> String {
    switch unit {
    case .stars: return score.isFinite ? fixed(Double(scale.clamp(score)), 1) + "★" : "–"
    case .relative: return ScoreUnit.relative(score, top: top).map(String.init) ?? "–"
    }
}

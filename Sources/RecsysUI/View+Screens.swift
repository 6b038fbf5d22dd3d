import Foundation
import RecsysEngine

// The full-screen views: Compare, Explain, Similar and Users. Each builds its
// content from the state alone and scrolls with `state.scroll`.

/// Lists side by side in columns of at least `minWidth`, starting at column `first` (wrapping),
/// with a header row of names. Returns the lines.
func sideBySide(names: [String], rows: [[String]], first: Int, width: Int, minWidth: Int, theme: Theme) -> [Line] {
    let n = names.count
    guard n > 0 else { return [] }
    let rankW = 4
    let colW = max(minWidth, (width - rankW) / n)
    let shown = max(1, min(n, (width - rankW) / colW))
    let order = (0..<shown).map { (first + $0) % n }
    var header: [Span] = [Span(String(repeating: " ", count: rankW))]
    for k in order { header.append(Span(DisplayWidth.pad(names[k], to: colW), theme.title)) }
    var lines = [Line(header)]
    let depth = rows.map(\.count).max() ?? 0
    for r in 0..<depth {
        var spans = [Span(DisplayWidth.pad("\(r + 1)", to: rankW - 1, alignRight: true) + " ", theme.dim)]
        for k in order {
            let text = r < rows[k].count ? rows[k][r] : ""
            spans.append(Span(DisplayWidth.pad(text, to: colW - 1) + " "))
        }
        lines.append(Line(spans))
    }
    if shown < n { lines.append(Line("  (\(shown) of \(n) lists shown · ← → to scroll)", theme.dim)) }
    return lines
}

func drawScreenBox(_ title: String, right: String = "", area: Rect, theme: Theme, into buffer: inout ScreenBuffer) -> Rect {
    Block(title: title, titleStyle: theme.title, borderStyle: theme.focusedBorder, rightTitle: right).render(area, into: &buffer)
    return Block.inner(area)
}

func clampedScroll(_ scroll: Int, lines: Int, height: Int) -> Int { max(0, min(scroll, lines - height)) }

// MARK: - Compare

/// The Compare screen's lines: top 10 side by side, the Jaccard overlap matrix and the list metrics.
func compareLines(_ state: AppState, width: Int, theme: Theme) -> [Line] {
    let names = state.algorithms.filter { state.results[$0] != nil }
    guard !names.isEmpty else { return [Line("no recommendations yet: models are still fitting", theme.dim)] }
    let tops = names.map { Array(state.results[$0]!.rows.prefix(CompareOverlap.depth).map(\.item)) }
    let overlap = CompareOverlap.matrix(tops)
    let first = max(0, names.firstIndex(of: state.activeAlgorithm ?? "") ?? 0)
    var lines: [Line] = [Line("Top 10 of every algorithm", theme.title)]
    lines += sideBySide(names: names, rows: tops.map { $0.map { state.stats.displayTitles[Int($0)] } },
                        first: first, width: width, minWidth: 14, theme: theme)
    lines.append("")

    // Overlap matrix.
    let labelW = min(12, (names.map { DisplayWidth.of($0) }.max() ?? 4) + 1)
    var matrix: [Line] = [Line("Overlap (Jaccard of top 10)", theme.title)]
    // Six columns per cell when they fit, else five (12 algorithms at 80 columns).
    let cellW = max(5, min(6, (width - labelW) / max(1, names.count)))
    var head = [Span(String(repeating: " ", count: labelW))]
    for n in names {
        head.append(Span(DisplayWidth.pad(String(n.prefix(cellW - 1)), to: cellW, alignRight: true), theme.dim))
    }
    matrix.append(Line(head))
    for (a, na) in names.enumerated() {
        var spans = [Span(DisplayWidth.pad(na, to: labelW), theme.dim)]
        for b in names.indices {
            let j = overlap[a][b]
            spans.append(Span(fixed(Double(j), 2, width: cellW), a == b ? theme.dim : (j >= 0.5 ? theme.up : theme.text)))
        }
        matrix.append(Line(spans))
    }

    // Metrics table.
    var metrics: [Line] = [Line("Beyond accuracy (top 10)", theme.title)]
    metrics.append(Line([Span(DisplayWidth.pad("", to: labelW)),
                         Span(" diversity novelty coverage popularity", theme.dim)]))
    for name in names {
        let m = state.results[name]!.metrics
        let cov = state.coverage[name].map { fixed($0 * 100, 1, width: 7) + "%" } ?? "       –"
        metrics.append(Line([
            Span(DisplayWidth.pad(name, to: labelW), theme.dim),
            Span(fixed(m.diversity, 2, width: 10) + " " + fixed(m.novelty, 2, width: 7) + " " + cov
                 + " " + fixed(m.meanPopularity, 0, width: 10)),
        ]))
    }
    let leftW = (matrix.map(\.width).max() ?? 0) + 3
    let metricsW = metrics.map(\.width).max() ?? 0
    if width >= leftW + metricsW {
        // Side by side when wide enough.
        for k in 0..<max(matrix.count, metrics.count) {
            var spans = k < matrix.count ? matrix[k].spans : []
            let used = k < matrix.count ? matrix[k].width : 0
            spans.append(Span(String(repeating: " ", count: max(0, leftW - used))))
            if k < metrics.count { spans += metrics[k].spans }
            lines.append(Line(spans))
        }
    } else {
        lines += matrix
        lines.append("")
        lines += metrics
    }
    let classLines = classCompareLines(state, width: width, theme: theme)
    if !classLines.isEmpty {
        lines.append("")
        lines += classLines
    }
    lines.append("")
    let notes = "diversity: mean cosine distance of pairs over genres and keywords · "
        + "novelty: mean −log₂(raters/users) bits (unrated counts as 1 rater) · "
        + "coverage: share of the catalog in the top 10 of 50 sampled users · popularity: mean ratings per item · "
        + "overlap: |A∩B|/|A∪B|"
    for l in wrap(notes, width: width) { lines.append(Line(l, theme.dim)) }
    return lines
}

func drawCompare(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let inner = drawScreenBox("Compare", right: "profile \(state.profileName) · \(state.ratingCountText)", area: area,
                              theme: theme, into: &buffer)
    let lines = compareLines(state, width: inner.width, theme: theme)
    Paragraph(lines, scroll: clampedScroll(state.scroll, lines: lines.count, height: inner.height)).render(inner, into: &buffer)
}

// MARK: - Explain

func explainLines(_ state: AppState, width: Int, theme: Theme) -> [Line] {
    guard let item = state.explain.item else { return [Line("nothing to explain", theme.dim)] }
    guard let name = state.activeAlgorithm else { return [Line("no algorithms registered", theme.dim)] }
    var lines: [Line] = [Line([Span(state.title(item), Style(bold: true)), Span("  under ", theme.dim), Span(name, theme.title)])]
    guard state.models[name] != nil else {
        lines.append(Line("\(name) is still fitting…", theme.dim))
        return lines
    }
    guard let r = state.explain.result else {
        lines.append(Line("explaining…", theme.dim))
        return lines
    }
    let w = r.whyNot
    let e = w.explanation
    let text = ExplanationText(stats: state.stats, userIDs: state.dataset.users.ids, roster: state.dataset.roster)
    var facts = "score \(formatScore(w.score))"
    if !r.prediction.isImpossible { facts += " · predicted \(starText((r.prediction.value * 10).rounded() / 10))" }
    if let rank = w.rank {
        facts += " · rank \(rank) of \(w.candidates) candidates"
    } else if let mine = state.profile.rating(of: item) {
        facts += " · you rated it \(starText(mine))"
    }
    lines.append(Line(facts))
    if state.explain.showFormula {
        return lines + formulaViewLines(state, r, width: width, theme: theme)
    }
    lines.append(Line(text.reason(e), theme.star))
    lines.append(Line(text.scoreLine(e) + (e.formula.isEmpty ? "" : " · " + e.formula), theme.dim))
    // What the fit limited on large data ("20,000 most-rated of 62,423 films", epochs, candidates).
    if let model = state.models[name], case let limits = FitLimitText.summary(model), !limits.isEmpty {
        lines.append(Line("fitted with: " + limits, theme.dim))
    }
    if let list = state.results[name], let top = list.rows.first?.score {
        // How the list's number comes from the raw score (issue 11: scores a learner can read).
        switch list.unit {
        case .stars: lines.append(Line("the list shows this score as a predicted rating (★)", theme.dim))
        case .relative:
            let rel = ScoreUnit.relative(w.score, top: top).map(String.init) ?? "–"
            lines.append(Line("list shows \(rel) = 100 × this score / top score \(formatScore(top)) (raw scores only rank)",
                              theme.dim))
        }
    }
    lines.append("")
    let terms = e.termsByMagnitude
    if terms.isEmpty {
        lines.append(Line("(this algorithm gives no itemised contributions)", theme.dim))
    } else {
        // Bars share one scale: the largest |term|, ignoring bias terms when other terms exist
        // (a global mean of 3.6 would flatten every taste term); longer bars are clipped.
        let nonBias = terms.filter { $0.kind != .bias }
        let scale = Double((nonBias.isEmpty ? terms : nonBias).map { abs($0.value) }.max() ?? 1)
        lines.append(Line("What contributes (− pulls down, + pushes up; bars scaled to the largest "
            + (nonBias.isEmpty || nonBias.count == terms.count ? "term)" : "non-bias term)"), theme.title))
        let labelW = max(16, min(34, width / 3))
        let half = max(4, min(18, (width - labelW - 7 - 8 - 20) / 2))
        let shown = 12
        for t in terms.prefix(shown) {
            lines += termLines(t, text: text, scale: scale, labelW: labelW, half: half, width: width, theme: theme)
        }
        if terms.count > shown {
            let rest = terms.dropFirst(shown).reduce(Float(0)) { $0 + $1.value }
            lines.append(Line("  … \(terms.count - shown) smaller terms sum to \(formatScore(rest))", theme.dim))
        }
    }
    if !e.related.isEmpty {
        lines.append(Line("Related (context, not part of the sum)", theme.title))
        for t in e.related.prefix(5) {
            lines.append(Line([Span("  " + text.label(t)), Span("  " + formatScore(t.value)),
                               Span("  " + text.detail(t), theme.dim)]))
        }
    }
    for note in e.notes { lines.append(Line("note: " + text.note(note, algorithm: e.algorithm), theme.dim)) }
    lines.append("")
    if w.rank == 1 {
        lines.append(Line("It is \(name)'s top recommendation: nothing ranks above it.", theme.title))
    } else if w.rank != nil {
        lines.append(Line("Why not higher? What pulls it down most", theme.title))
        let down = w.pullingDown.filter { $0.value < 0 }
        if down.isEmpty {
            lines.append(Line("  nothing pulls it down: items above it simply score higher (\(formatScore(w.score)))", theme.dim))
        } else {
            for t in down.prefix(5) {
                let d = text.detail(t)
                lines.append(Line([Span("  " + text.label(t), theme.negative), Span("  " + formatScore(t.value)),
                                   Span(d.isEmpty ? "" : "  " + d, theme.dim)]))
            }
        }
    }
    return lines
}

/// One row of the Explain screen: kind, label, signed bar, value and detail.
/// One term of an explanation: tag, label, signed bar, value, then its detail. A detail too long
/// for the rest of the row goes whole onto indented lines below, wrapped between words, so no
/// word or number is ever cut at the box's edge (issue 17.9).
func termLines(_ t: Explanation.Term, text: ExplanationText, scale: Double, labelW: Int, half: Int, width: Int,
               theme: Theme) -> [Line] {
    let (l, rgt) = SignedBar.text(Double(t.value), scale: scale, halfWidth: half)
    let d = text.detail(t)
    let used = 8 + labelW + 1 + DisplayWidth.of(l) + 1 + DisplayWidth.of(rgt) + 8
    let fits = d.isEmpty || used + 2 + DisplayWidth.of(d) <= width
    var lines = [Line([
        Span(DisplayWidth.pad(text.tag(t), to: 8), theme.dim),
        Span(DisplayWidth.pad(text.label(t), to: labelW) + " "),
        Span(l, theme.negative), Span("│", theme.dim), Span(rgt, theme.positive),
        Span(" " + DisplayWidth.pad(formatScore(t.value), to: 7, alignRight: true), t.value < 0 ? theme.negative : theme.text),
        Span(fits && !d.isEmpty ? "  " + d : "", theme.dim),
    ])]
    if !fits {
        let indent = String(repeating: " ", count: 10)
        for part in wrap(d, width: max(10, width - indent.count)) { lines.append(Line(indent + part, theme.dim)) }
    }
    return lines
}

func drawExplain(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let inner = drawScreenBox("Explain · why (and why not)", right: "← → algorithm", area: area, theme: theme, into: &buffer)
    let lines = explainLines(state, width: inner.width, theme: theme)
    Paragraph(lines, scroll: clampedScroll(state.scroll, lines: lines.count, height: inner.height)).render(inner, into: &buffer)
}

// MARK: - Similar

func drawSimilar(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let title = state.similar.item.map { "Similar to " + state.title($0) } ?? "Similar"
    let inner = drawScreenBox(title, right: "each list: one notion of similarity", area: area, theme: theme, into: &buffer)
    guard let r = state.similar.result else {
        buffer.write("finding similar movies…", x: inner.x, y: inner.y, style: theme.dim, maxWidth: inner.width)
        return
    }
    let names = r.lists.map(\.name)
    let rows = r.lists.map { $0.items.map { state.stats.displayTitles[Int($0.item)] } }
    let first = max(0, (names.firstIndex(of: state.activeAlgorithm ?? "") ?? 0))
    // Columns wide enough for whole titles (fewer lists side by side; ← → scrolls through the rest).
    let longest = rows.joined().map { DisplayWidth.of($0) }.max() ?? 16
    let colW = min(max(16, longest + 1), 30, max(16, inner.width - 4))
    let cut = rows.map { $0.map { DisplayWidth.truncateWords($0, to: colW - 1) } }
    var lines = sideBySide(names: names, rows: cut, first: first, width: inner.width, minWidth: colW, theme: theme)
    lines.append("")
    lines.append(Line("genres: Jaccard overlap of genre sets · others: each model's own item similarity", theme.dim))
    Paragraph(lines, scroll: clampedScroll(state.scroll, lines: lines.count, height: inner.height)).render(inner, into: &buffer)
}

// MARK: - Users

func drawUsers(_ state: AppState, layout: Layout, theme: Theme, into buffer: inout ScreenBuffer) {
    let body = layout.body
    let listArea = Rect(x: body.x, y: body.y, width: layout.usersList.width + 2, height: body.height)
    let ds = state.dataset
    let rows = state.users.rowCount(in: ds)
    let classmates = ds.roster.count
    var listTitle = rows == ds.userCount ? "Users (\(ds.userCount)" + (classmates > 0 ? ", \(classmates) in class)" : ")")
        : "Users (\(rows) of \(ds.userCount))"
    if let a = state.users.groupAttribute {
        listTitle += state.users.filterValue.map { " · \($0)" } ?? " · by \(a)"
    }
    Block(title: listTitle, titleStyle: theme.title, borderStyle: theme.focusedBorder)
        .render(listArea, into: &buffer)
    var list = state.users.list
    let grouped = state.users.groupAttribute != nil
    ListView(count: rows, highlight: theme.selection, placeholder: "no users") { r in
        // Classmates first (named by profile, marked ●), then the dataset's users (UsersState.user(atRow:in:)).
        guard let u = state.users.user(atRow: r, in: ds) else { return Line("") }
        let n = ds.ratings.rowCount(u)
        let mate = ds.roster.name(of: u)
        var text = DisplayWidth.pad(mate.map { "● " + DisplayWidth.truncate($0, to: 10) } ?? "user " + ds.users.id(at: u), to: 12)
            + DisplayWidth.pad("\(n) r", to: 7, alignRight: true)
        if grouped {
            text += " " + (state.users.groupValue(of: u, in: ds) ?? "?")
        } else if Int(u) < ds.userAttributes.count {
            let a = ds.userAttributes[Int(u)]
            text += " " + [a.gender, a.age.map(String.init)].compactMap { $0 }.joined(separator: " ")
        }
        return Line(text)
    }.render(layout.usersList, into: &buffer, state: &list)

    let detailArea = Rect(x: listArea.maxX, y: body.y, width: body.width - listArea.width, height: body.height)
    guard let u = state.selectedUser else {
        _ = drawScreenBox("User", area: detailArea, theme: theme, into: &buffer)
        return
    }
    let row = ds.ratings.row(u)
    let mean = row.ratings.isEmpty ? 0 : row.ratings.reduce(0, +) / Float(row.ratings.count)
    var title = "\(state.userLabel(u)) · \(row.items.count) ratings · mean \(fixed(Double(mean), 2) + "★")"
    if Int(u) < ds.userAttributes.count {
        let a = ds.userAttributes[Int(u)]
        let facts = [a.gender, a.age.map { "age \($0)" }, a.occupation].compactMap { $0 }
        if !facts.isEmpty { title += " · " + facts.joined(separator: ", ") }
    }
    let inner = drawScreenBox(title, area: detailArea, theme: theme, into: &buffer)
    guard let d = state.users.details, d.user == u else {
        buffer.write("loading…", x: inner.x, y: inner.y, style: theme.dim, maxWidth: inner.width)
        return
    }
    var lines: [Line] = []
    let w = inner.width
    if let taste = state.knownTastes[ds.users.id(at: u)] {
        if state.users.showTastes {
            func names(_ l: [(name: String, weight: Double)]) -> String { l.map(\.name).joined(separator: ", ") }
            let arch = taste.archetypes.map { "\($0.name) \(Int(($0.weight * 100).rounded()))%" }.joined(separator: " · ")
            lines.append(Line([Span("True taste ", theme.title), Span(arch)]))
            lines.append(Line([Span("  likes    ", theme.positive), Span(DisplayWidth.truncateWords(names(taste.liked), to: w - 11))]))
            lines.append(Line([Span("  dislikes ", theme.negative), Span(DisplayWidth.truncateWords(names(taste.disliked), to: w - 11))]))
        } else {
            lines.append(Line("t shows this synthetic user's true taste · b becomes this user", theme.dim))
        }
    }
    if let attribute = state.users.groupAttribute {
        lines += groupLines(state, user: u, attribute: attribute, width: w, theme: theme)
    }
    let room = max(3, (inner.height - 4 - lines.count - state.algorithms.count) / 2)
    lines.append(Line("Highest rated", theme.title))
    for h in d.history.prefix(room) {
        lines.append(Line([Span(DisplayWidth.pad(starText(h.rating), to: 5, alignRight: true) + " ", theme.star),
                           Span(state.title(h.item))]))
    }
    lines.append(Line("Nearest neighbours (cosine of rating vectors)", theme.title))
    let nb = d.neighbours.prefix(room).map { n in
        "\(state.userLabel(n.user)) \(fixed(Double(n.similarity), 2)) (\(n.common) common)"
    }
    for chunk in wrap(nb.joined(separator: " · "), width: w).prefix(max(1, room / 2)) { lines.append(Line(chunk)) }
    lines.append(Line("What each algorithm recommends for them", theme.title))
    let labelW = (state.algorithms.map { DisplayWidth.of($0) }.max() ?? 8) + 1
    for rec in d.recommendations {
        let titles = rec.items.map { state.stats.displayTitles[Int($0.item)] }.joined(separator: " · ")
        lines.append(Line([Span(DisplayWidth.pad(rec.algorithm, to: labelW), theme.dim), Span(titles)]))
    }
    Paragraph(lines).render(inner, into: &buffer)
}

/// The selected user's demographic group in the Users detail pane: size, mean rating, the genres it rates
/// more than everyone and its most over-represented films (lift), as `info --by` reports them.
func groupLines(_ state: AppState, user u: Int32, attribute: String, width w: Int, theme: Theme) -> [Line] {
    guard let value = state.users.groupValue(of: u, in: state.dataset) else {
        return [Line("Group: no \(attribute) known for this user", theme.dim)]
    }
    if state.users.isComputingGroupStats {
        return [Line([Span("Group ", theme.title), Span("\(attribute) \(value): computing…", theme.dim)])]
    }
    guard let g = state.users.group(named: value) else { return [Line("Group: \(attribute) \(value)", theme.title)] }
    func lifts(_ l: [GroupStatistics.Lift]) -> String {
        l.map { "\($0.name) ×\(fixed($0.lift, 2))" }.joined(separator: " · ")
    }
    var lines = [Line([Span("Group ", theme.title),
                       Span("\(attribute) \(value): \(g.users) users · mean \(fixed(g.meanRating, 2))★")])]
    if !g.topGenres.isEmpty {
        lines.append(Line([Span("  rates more  ", theme.dim), Span(DisplayWidth.truncateWords(lifts(g.topGenres), to: w - 14))]))
    }
    if !g.overRepresented.isEmpty {
        lines.append(Line([Span("  over-rep.  ", theme.dim),
                           Span(DisplayWidth.truncateWords(lifts(g.overRepresented), to: w - 14))]))
    }
    return lines
}

import RecsysEngine

// The lesson panel (a pane above the status line, beside whatever screen is open) and the glossary overlay.

/// Sizes of the lesson panel.
public enum LessonPanel {
    /// Rows the panel takes at a terminal height: 8 at 24 rows (six lines inside), up to 12 on tall terminals.
    public static func rows(forHeight height: Int) -> Int { max(8, min(12, height / 3)) }

    /// Lines of step text the panel shows inside `width` × `rows` (the rest: the task and the checkpoint line).
    public static func textLines(rows: Int) -> Int { max(1, rows - 2 - 2) }

    /// The panel's key line ("n next · p back · i hint · a answer · ? glossary · L close"), from the key tables.
    public static let keyLine: String = {
        var parts = Keymap.lessonKeys.map { b -> String in
            let word: String
            switch b.action {
            case .lesson(.next): word = "next"
            case .lesson(.previous): word = "back"
            case .lesson(.hint): word = "hint"
            case .lesson(.answer): word = "answer"
            case .lesson(.glossary): word = "glossary"
            default: word = b.help
            }
            return (b.keys.first.map(Keymap.name) ?? "") + " " + word
        }
        if let l = Keymap.bindings.first(where: { $0.action == .lesson(.toggle) })?.keys.first { parts.append(Keymap.name(l) + " close") }
        return parts.joined(separator: " · ")
    }()
}

extension AppState {
    /// `{users}`, `{items}`, `{ratings}`, `{genres}`, `{density}`, `{dataset}` and `{demographics}` in
    /// lesson text, filled from the loaded dataset (what `info` reports).
    public func lessonText(_ s: String) -> String {
        guard s.contains("{") else { return s }
        let cells = Double(dataset.userCount) * Double(max(1, dataset.itemCount))
        let values: [(String, String)] = [
            // Written as `recsys-tui info` writes them (62,423 · 6.305%), so the lesson and `info` agree.
            ("{users}", groupedCount(dataset.userCount)), ("{items}", groupedCount(dataset.itemCount)),
            ("{ratings}", groupedCount(dataset.ratings.count)), ("{genres}", String(stats.genreNames.count)),
            ("{density}", fixed(100 * Double(dataset.ratings.count) / cells, 3) + "%"), ("{dataset}", dataset.name),
            ("{demographics}", datasetDemographics.isEmpty ? "none" : datasetDemographics.joined(separator: ", ")),
        ]
        var t = s
        for (k, v) in values { t = t.replacingOccurrences(of: k, with: v) }
        return t
    }
}

func drawLessonPanel(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    guard area.height >= 3, let lesson = state.lessons.lesson else { return }
    buffer.fill(area)
    let k = state.lessons.step
    let step = lesson.steps[k]
    let ticks = lesson.steps.indices.map { state.lessons.isDone($0) ? "✓" : ($0 == k ? "●" : "○") }.joined()
    Block(title: "Lesson \(lesson.number) · \(k + 1)/\(lesson.steps.count) \(step.title)", titleStyle: theme.title,
          borderStyle: theme.focusedBorder, rightTitle: ticks).render(area, into: &buffer)
    let inner = Block.inner(area)
    // The key line over the bottom border.
    let keys = " " + LessonPanel.keyLine + " "
    if DisplayWidth.of(keys) + 2 <= area.width {
        buffer.write(keys, x: area.maxX - 1 - DisplayWidth.of(keys), y: area.maxY - 1, style: theme.dim)
    }
    let w = inner.width
    // Bottom up: the checkpoint (or answer) line, then the task, then text and hints in the rest.
    var bottom: [Line] = []
    if let input = state.lessons.answer {
        bottom.append(Line("answer> " + input.text + "▏", theme.input))
    } else if let f = state.lessons.feedback {
        bottom.append(Line(DisplayWidth.truncate(f.text, to: w), f.good ? theme.up : theme.error))
    }
    let done = state.lessons.isDone(k)
    let status: Line
    if done {
        status = Line([Span("✓ done", theme.up), Span(k == lesson.steps.count - 1 ? " · lesson complete · n: next lesson" : " · n: next step", theme.dim)])
    } else {
        let since = state.lessons.stepOpenedAt
        let waiting = step.checks.filter { c in
            if case .answer = c { return true }
            return !state.holds(c, since: since)
        }.map { state.progressText($0, since: since) }
        status = Line([Span("○ ", theme.dim), Span(DisplayWidth.truncate(waiting.joined(separator: " · "), to: max(1, w - 2)), theme.dim)])
    }
    bottom.insert(status, at: 0)
    let task = wrap("▶ " + state.lessonText(step.task), width: w).map { Line($0, theme.key) }
    var lines: [Line] = []
    var text = step.text.flatMap { wrap(state.lessonText($0), width: w) }
    let hints = step.hints.prefix(state.lessons.hintsShown).flatMap { wrap("hint: " + state.lessonText($0), width: w) }
    let room = max(0, inner.height - bottom.count - task.count)
    // Hints push the text up (its end stays readable with the task below).
    if text.count + hints.count > room { text = Array(text.prefix(max(0, room - hints.count))) }
    lines += text.map { Line($0) }
    lines += hints.map { Line($0, theme.new) }
    lines = Array(lines.prefix(room))
    lines += task
    lines += bottom
    for (r, line) in lines.prefix(inner.height).enumerated() {
        line.draw(into: &buffer, x: inner.x, y: inner.y + r, maxWidth: w)
    }
}

/// The glossary: the current lesson's terms first, then every other term, each with its formula.
func glossaryLines(_ state: AppState, theme: Theme, width: Int) -> [Line] {
    let used = state.lessons.lesson?.terms ?? []
    let first = state.lessons.glossary.filter { t in used.contains { t.matches($0) } }
    let rest = state.lessons.glossary.filter { t in !used.contains { t.matches($0) } }
    var lines: [Line] = []
    for (title, terms) in [("In this lesson", first), ("Every term", rest)] where !terms.isEmpty {
        if !lines.isEmpty { lines.append("") }
        lines.append(Line(title, theme.title))
        for t in terms {
            lines.append(Line(t.term, theme.key))
            lines += wrap(t.text, width: max(10, width - 2)).map { Line("  " + $0) }
            if !t.formula.isEmpty { lines += wrap(t.formula, width: max(10, width - 2)).map { Line("  " + $0, theme.up) } }
        }
    }
    if lines.isEmpty { lines = ["no glossary loaded"] }
    return lines
}

func drawGlossary(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let width = area.width < 90 ? area.width : 80
    let lines = glossaryLines(state, theme: theme, width: width - 2)
    let inner = overlayBox(area, width: width, height: lines.count + 2, title: "Glossary · ↑↓ scroll · ? keys", theme: theme,
                           into: &buffer)
    let maxScroll = max(0, lines.count - inner.height)
    Paragraph(lines, scroll: min(state.scroll, maxScroll)).render(inner, into: &buffer)
}

import RecsysEngine

// Overlays drawn over any screen: Help (from the key and command tables) and the genre picker.

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

/// Widgets: small values that draw themselves into a rectangle of a `ScreenBuffer`.
///
/// As in ratatui, a widget holds only what it shows; anything that survives
/// between frames (selection, scroll offset, the text being typed) lives in a
/// separate state value (`ListState`, `TextInputState`) owned by `AppState`.
/// Widgets never read the terminal: a frame is a pure function of the state.

/// Something that renders into a rectangle.
public protocol Widget {
    /// Draws into `area` of `buffer`, clipped to it.
    func render(_ area: Rect, into buffer: inout ScreenBuffer)
}

/// A run of text in one style.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// One line of styled spans.
public struct Line: Sendable, Equatable, ExpressibleByStringLiteral {
    public var spans: [Span]
    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, _ style: Style = .plain) { spans = [Span(text, style)] }
    public init(stringLiteral value: String) { spans = [Span(value)] }

    /// Display width in columns.
    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }
    public var text: String { spans.map(\.text).joined() }

    /// Draws the line at (x, y), clipped to `maxWidth` columns. Returns the columns used.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, maxWidth: Int, base: Style? = nil) -> Int {
        var col = x
        for span in spans {
            let left = maxWidth - (col - x)
            if left <= 0 { break }
            let style = base.map { Line.merge($0, span.style) } ?? span.style
            col += buffer.write(span.text, x: col, y: y, style: style, maxWidth: left)
        }
        return col - x
    }

    /// A span style laid over a row style: the span's colours win where set, flags add up.
    static func merge(_ base: Style, _ top: Style) -> Style {
        Style(foreground: top.foreground == .default ? base.foreground : top.foreground,
              background: top.background == .default ? base.background : top.background,
              bold: base.bold || top.bold, reverse: base.reverse || top.reverse,
              underline: base.underline || top.underline, dim: base.dim || top.dim)
    }
}

// MARK: - Block

/// A box with a border and a title in the top edge; `inner(_:)` gives the space inside.
public struct Block: Widget {
    public var title: String
    public var titleStyle: Style
    public var borderStyle: Style
    /// Extra text at the right of the top edge ("12/1682").
    public var rightTitle: String

    public init(title: String = "", titleStyle: Style = .plain, borderStyle: Style = .plain, rightTitle: String = "") {
        self.title = title
        self.titleStyle = titleStyle
        self.borderStyle = borderStyle
        self.rightTitle = rightTitle
    }

    /// The rectangle inside the border.
    public static func inner(_ area: Rect) -> Rect {
        Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 2)
    }

    public func render(_ area: Rect, into buffer: inout ScreenBuffer) {
        guard area.width >= 2, area.height >= 2 else { return }
        let b = borderStyle
        let horizontal = String(repeating: "─", count: area.width - 2)
        buffer.write("┌" + horizontal + "┐", x: area.x, y: area.y, style: b)
        buffer.write("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: b)
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer.write("│", x: area.x, y: y, style: b)
            buffer.write("│", x: area.maxX - 1, y: y, style: b)
        }
        var used = 0
        if !title.isEmpty {
            used = buffer.write(" " + title + " ", x: area.x + 1, y: area.y, style: titleStyle, maxWidth: area.width - 2)
        }
        if !rightTitle.isEmpty {
            let t = " " + rightTitle + " "
            let w = DisplayWidth.of(t)
            if used + w + 2 <= area.width - 2 {
                buffer.write(t, x: area.maxX - 2 - w, y: area.y, style: b)
            }
        }
    }
}

// MARK: - List

/// Selection and scroll of a list: which row is selected and which row is at the top.
public struct ListState: Sendable, Equatable {
    /// The selected row, nil when the list is empty.
    public var selected: Int?
    /// The first visible row.
    public var offset: Int

    public init(selected: Int? = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` rows, clamped to `0..<count`.
    public mutating func move(by delta: Int, count: Int) {
        guard count > 0 else { selected = nil; offset = 0; return }
        selected = max(0, min(count - 1, (selected ?? 0) + delta))
    }

    /// Selects the first (`toEnd == false`) or last row.
    public mutating func jump(toEnd: Bool, count: Int) {
        guard count > 0 else { selected = nil; offset = 0; return }
        selected = toEnd ? count - 1 : 0
    }

    /// Clamps the selection after the row count changed.
    public mutating func clamp(count: Int) {
        guard count > 0 else { selected = nil; offset = 0; return }
        selected = max(0, min(count - 1, selected ?? 0))
        offset = max(0, min(offset, count - 1))
    }

    /// Scrolls so that the selected row is among the `height` visible rows.
    ///
    /// Complexity: O(1).
    public mutating func scrollToSelection(height: Int) {
        guard let s = selected, height > 0 else { return }
        if s < offset { offset = s }
        if s >= offset + height { offset = s - height + 1 }
        offset = max(0, offset)
    }

    /// Pulls the view up when rows are hidden above while rows at the bottom are empty (the list
    /// got shorter, e.g. a narrower search), then keeps the selection visible.
    public mutating func fit(count: Int, height: Int) {
        offset = max(0, min(offset, count - height))
        scrollToSelection(height: height)
    }

    /// Scrolls the view by `delta` rows without moving past the ends, and keeps the selection visible.
    public mutating func scroll(by delta: Int, count: Int, height: Int) {
        guard count > 0 else { return }
        offset = max(0, min(max(0, count - height), offset + delta))
        if let s = selected {
            if s < offset { selected = offset }
            if s >= offset + height { selected = min(count - 1, offset + height - 1) }
        }
    }
}

/// A vertical list of lines with a highlighted selected row.
///
/// Only the visible rows are asked for (`row(i)`), so a list of 60 000 movies
/// costs no more to draw than a list of 20.
public struct ListView {
    public var count: Int
    public var row: (Int) -> Line
    public var highlight: Style
    /// Text shown when the list is empty.
    public var placeholder: String

    public init(count: Int, highlight: Style, placeholder: String = "", row: @escaping (Int) -> Line) {
        self.count = count
        self.row = row
        self.highlight = highlight
        self.placeholder = placeholder
    }

    /// Draws the visible rows; adjusts `state.offset` so the selection is visible.
    public func render(_ area: Rect, into buffer: inout ScreenBuffer, state: inout ListState) {
        guard !area.isEmpty else { return }
        state.clamp(count: count)
        state.scrollToSelection(height: area.height)
        if count == 0 {
            buffer.write(placeholder, x: area.x, y: area.y, style: Style(dim: true), maxWidth: area.width)
            return
        }
        for r in 0..<area.height {
            let i = state.offset + r
            if i >= count { break }
            let y = area.y + r
            let isSelected = i == state.selected
            if isSelected { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: highlight)) }
            row(i).draw(into: &buffer, x: area.x, y: y, maxWidth: area.width, base: isSelected ? highlight : nil)
        }
    }
}

// MARK: - Tabs

/// A row of tab titles with the active one highlighted: ` content │ svd │ popularity `.
public struct Tabs: Widget {
    public var titles: [String]
    public var selected: Int
    public var style: Style
    public var activeStyle: Style

    public init(titles: [String], selected: Int, style: Style = .plain, activeStyle: Style = Style(reverse: true)) {
        self.titles = titles
        self.selected = selected
        self.style = style
        self.activeStyle = activeStyle
    }

    /// The column range each tab occupies when drawn from x = 0 (for mouse clicks).
    public func ranges() -> [Range<Int>] {
        var x = 0
        var out: [Range<Int>] = []
        for t in titles {
            let w = DisplayWidth.of(t) + 2
            out.append(x..<(x + w))
            x += w + 1
        }
        return out
    }

    /// The tabs that fit in `width` columns, scrolled so the selected tab is visible, with their
    /// column ranges relative to the area (for drawing and for mouse clicks). When tabs are hidden
    /// on the left, "‹" takes the first two columns; when hidden on the right, "›" the last.
    public func visibleRanges(width: Int) -> [(index: Int, range: Range<Int>)] {
        let widths = titles.map { DisplayWidth.of($0) + 2 }
        func fits(from s: Int, through e: Int, start: Int, limit: Int) -> Bool {
            var x = start
            for k in s...e { x += widths[k] + (k == e ? 0 : 1) }
            return x <= limit
        }
        guard !titles.isEmpty, width > 0 else { return [] }
        let sel = max(0, min(titles.count - 1, selected))
        var first = 0
        if !fits(from: 0, through: sel, start: 0, limit: width - (sel + 1 < titles.count ? 2 : 0)) {
            first = sel
            while first > 0 && fits(from: first - 1, through: sel, start: 2, limit: width - 2) { first -= 1 }
        }
        var out: [(Int, Range<Int>)] = []
        var x = first > 0 ? 2 : 0
        for k in first..<titles.count {
            let limit = k + 1 < titles.count ? width - 2 : width
            if x + widths[k] > limit && k > sel { break }
            if x + widths[k] > width { break }
            out.append((k, x..<(x + widths[k])))
            x += widths[k] + 1
        }
        return out
    }

    public func render(_ area: Rect, into buffer: inout ScreenBuffer) {
        guard !area.isEmpty else { return }
        let shown = visibleRanges(width: area.width)
        guard let firstShown = shown.first, let lastShown = shown.last else { return }
        if firstShown.index > 0 { buffer.write("‹", x: area.x, y: area.y, style: Style(dim: true)) }
        for (n, (k, r)) in shown.enumerated() {
            buffer.write(" " + titles[k] + " ", x: area.x + r.lowerBound, y: area.y, style: k == selected ? activeStyle : style)
            if n + 1 < shown.count { buffer.write("│", x: area.x + r.upperBound, y: area.y, style: Style(dim: true)) }
        }
        if lastShown.index + 1 < titles.count { buffer.write("›", x: area.maxX - 1, y: area.y, style: Style(dim: true)) }
    }
}

// MARK: - Bars

/// Horizontal bars drawn with eighth blocks, so a bar of width 10 shows 80 levels.
public enum Bars {
    static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar `fraction` (0…1) of `width` columns long, padded with spaces to `width`.
    public static func horizontal(_ fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let f = fraction.isFinite ? max(0, min(1, fraction)) : 0
        let eighthsTotal = Int((f * Double(width * 8)).rounded())
        let full = eighthsTotal / 8, part = eighthsTotal % 8
        var s = String(repeating: "█", count: full)
        if full < width { s += eighths[part] }
        let w = DisplayWidth.of(s)
        return s + String(repeating: " ", count: max(0, width - w))
    }

    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled so the largest value is a full block (a sparkline).
    /// Zero values are drawn as a space.
    public static func sparkline(_ values: [Double]) -> String {
        let top = values.max() ?? 0
        guard top > 0 else { return String(repeating: " ", count: values.count) }
        return String(values.map { v -> Character in
            if v <= 0 { return " " }
            // v/top in (0, 1] → levels 0…7 by eighths, so any non-zero value shows.
            let k = Int((v / top * 8).rounded(.up)) - 1
            return levels[max(0, min(7, k))]
        })
    }
}

/// A progress bar with a label: `svd ███████▌      54% epoch 11/20`.
public struct Gauge: Widget {
    public var fraction: Double
    public var label: String
    public var style: Style

    public init(fraction: Double, label: String = "", style: Style = .plain) {
        self.fraction = fraction
        self.label = label
        self.style = style
    }

    public func render(_ area: Rect, into buffer: inout ScreenBuffer) {
        guard !area.isEmpty else { return }
        let pct = " \(Int((max(0, min(1, fraction)) * 100).rounded()))% "
        let labelWidth = min(area.width / 2, DisplayWidth.of(label))
        let barWidth = max(0, area.width - labelWidth - DisplayWidth.of(pct))
        var x = area.x
        x += buffer.write(Bars.horizontal(fraction, width: barWidth), x: x, y: area.y, style: style)
        x += buffer.write(pct, x: x, y: area.y)
        buffer.write(DisplayWidth.truncate(label, to: labelWidth), x: x, y: area.y, style: Style(dim: true))
    }
}

/// A term's signed contribution as a bar around a centre line: negative to the left, positive to the right.
///
/// `value / scale` of the half-width is filled, so the largest |value| in a list reaches the edge.
public struct SignedBar {
    public static func text(_ value: Double, scale: Double, halfWidth: Int) -> (left: String, right: String) {
        let f = scale > 0 ? min(1, abs(value) / scale) : 0
        let bar = Bars.horizontal(f, width: halfWidth)
        if value < 0 {
            // Mirror: a negative bar grows leftwards from the centre.
            let trimmed = bar.replacingOccurrences(of: " ", with: "")
            let pad = String(repeating: " ", count: max(0, halfWidth - DisplayWidth.of(trimmed)))
            return (pad + String(repeating: "█", count: DisplayWidth.of(trimmed)), String(repeating: " ", count: halfWidth))
        }
        return (String(repeating: " ", count: halfWidth), bar)
    }
}

import Foundation

/// A line chart drawn with braille dots (U+2800 block: each cell holds 2×4 dots), for the
/// evaluation lab's cold-start curve and grid search.
///
/// Layout, for a plot of `width × height` cells:
/// ```
/// 0.812┤⠀⠀⢀⠔⠁     ← y labels: the maximum on the top row, the minimum on the bottom row
///      │⠀⡠⠃⠀⠀
/// 0.100┤⠊⠀⠀⠀⠀
///      └─────
///      1   20     ← each x value's label under its column when it fits
///      N (ratings kept)
/// ● popularity  ● baseline
/// ```
/// A point (x, y) goes to dot column `round((x − x₀)/(x₁ − x₀) · (2w − 1))` and dot row
/// `round((y₁ − y)/(y₁ − y₀) · (4h − 1))` (row 0 at the top); consecutive points of a series
/// are joined by a straight dotted segment (Bresenham). A single x or y value is centred.
/// Where series cross, the cell takes the style of the last series drawn there.
///
/// Complexity: O(width·height + Σ segment lengths in dots).
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// Points in drawing order (usually by increasing x); non-finite ones are skipped.
        public var points: [(x: Double, y: Double)]
        public var style: Style

        public init(name: String, points: [(x: Double, y: Double)], style: Style = .plain) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    public var series: [Series]
    /// Caption under the x axis (e.g. "N (ratings kept)" or "item-knn.k").
    public var xLabel: String
    /// Decimals of the y labels.
    public var decimals: Int

    public init(series: [Series], xLabel: String = "", decimals: Int = 3) {
        self.series = series
        self.xLabel = xLabel
        self.decimals = decimals
    }

    /// Braille dot bit for dot column `c` (0…1) and dot row `r` (0…3) within a cell.
    static func dotBit(column c: Int, row r: Int) -> UInt32 {
        r == 3 ? (c == 0 ? 0x40 : 0x80) : UInt32(1 << (r + 3 * c))
    }

    /// The chart as lines: `height` plot rows, the x axis, the x labels, the caption (when
    /// given) and the legend. `width` and `height` count plot cells (not the y labels).
    public func lines(width: Int, height: Int, axisStyle: Style = .plain) -> [Line] {
        let w = max(1, width), h = max(1, height)
        let pts = series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        let all = pts.flatMap { $0 }
        let x0 = all.map(\.x).min() ?? 0, x1 = all.map(\.x).max() ?? 1
        let y0 = all.map(\.y).min() ?? 0, y1 = all.map(\.y).max() ?? 1
        let dotsW = 2 * w, dotsH = 4 * h
        func col(_ x: Double) -> Int { x1 > x0 ? Int(((x - x0) / (x1 - x0) * Double(dotsW - 1)).rounded()) : dotsW / 2 }
        func row(_ y: Double) -> Int { y1 > y0 ? Int(((y1 - y) / (y1 - y0) * Double(dotsH - 1)).rounded()) : dotsH / 2 }

        var bits = Array(repeating: Array(repeating: UInt32(0), count: w), count: h)
        var owner: [[Int?]] = Array(repeating: Array(repeating: nil, count: w), count: h)
        for (s, points) in pts.enumerated() {
            func plot(_ c: Int, _ r: Int) {
                guard (0..<dotsW).contains(c), (0..<dotsH).contains(r) else { return }
                bits[r / 4][c / 2] |= Self.dotBit(column: c % 2, row: r % 4)
                owner[r / 4][c / 2] = s
            }
            var previous: (Int, Int)?
            for p in points {
                let here = (col(p.x), row(p.y))
                if let (c0, r0) = previous {
                    // Bresenham from the previous point to this one.
                    var c = c0, r = r0
                    let dc = abs(here.0 - c0), dr = -abs(here.1 - r0)
                    let sc = c0 < here.0 ? 1 : -1, sr = r0 < here.1 ? 1 : -1
                    var err = dc + dr
                    while true {
                        plot(c, r)
                        if c == here.0 && r == here.1 { break }
                        let e2 = 2 * err
                        if e2 >= dr { err += dr; c += sc }
                        if e2 <= dc { err += dc; r += sr }
                    }
                } else {
                    plot(here.0, here.1)
                }
                previous = here
            }
        }

        let top = fixed(y1, decimals), bottom = fixed(y0, decimals)
        let labelWidth = max(top.count, bottom.count)
        var out: [Line] = []
        for r in 0..<h {
            let label = r == 0 ? top : r == h - 1 ? bottom : ""
            let tick = r == 0 || r == h - 1 ? "┤" : "│"
            var spans = [Span(DisplayWidth.pad(label, to: labelWidth, alignRight: true) + tick, axisStyle)]
            for c in 0..<w {
                let ch = String(UnicodeScalar(0x2800 + bits[r][c])!)
                let style = owner[r][c].map { series[$0].style } ?? Style.plain
                if let last = spans.last, spans.count > 1, last.style == style {
                    spans[spans.count - 1] = Span(last.text + ch, style)
                } else {
                    spans.append(Span(ch, style))
                }
            }
            out.append(Line(spans))
        }
        let indent = String(repeating: " ", count: labelWidth)
        out.append(Line(indent + "└" + String(repeating: "─", count: w), axisStyle))
        // x labels: each distinct x under its cell, skipped when it would overlap the previous one.
        var xRow = Array(repeating: Character(" "), count: w + 1)
        var free = 0
        for x in Set(all.map(\.x)).sorted() {
            let text = Array(Self.format(x))
            let start = min(max(0, col(x) / 2), max(0, xRow.count - text.count))
            guard start >= free, start + text.count <= xRow.count else { continue }
            for (k, ch) in text.enumerated() { xRow[start + k] = ch }
            free = start + text.count + 1
        }
        out.append(Line(indent + " " + String(xRow).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression),
                        axisStyle))
        if !xLabel.isEmpty { out.append(Line(indent + " " + xLabel, axisStyle)) }
        out.append(Line(series.enumerated().flatMap { k, s in
            [Span((k > 0 ? "  " : "") + "● ", s.style), Span(s.name)]
        }))
        return out
    }

    /// "10", "2.5", "0.001": integers without decimals, others with up to 3 significant decimals.
    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        var s = String(format: "%.3f", x)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

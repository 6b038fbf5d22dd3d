import Foundation
import RecsysEngine

// Drawing the evaluation lab: the setup list, the results table and the line charts.

/// The lab screen: the setup list on the left; progress bars while running, then the results
/// table and one horizontal bar chart per metric on the right.
public func renderEvalLab(_ lab: EvalLabState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
    guard area.width >= 40, area.height >= 8 else { return }
    let left = Rect(x: area.x, y: area.y, width: 30, height: area.height)
    let right = Rect(x: area.x + 30, y: area.y, width: area.width - 30, height: area.height)
    renderLabSetup(lab, theme: theme, area: left, into: &buffer)

    let title = lab.running ? "Running… (Esc cancels)" : lab.report != nil ? "Results" : "Evaluation lab"
    Block(title: title, titleStyle: theme.title, borderStyle: theme.border,
          rightTitle: lab.report.map { "\($0.split) · \($0.results.first?.folds ?? 0) fold(s)" } ?? "")
        .render(right, into: &buffer)
    let inner = Block.inner(right)
    var lines: [Line] = []
    if let m = lab.message { lines.append(Line(m, m == "cancelled" ? theme.dim : theme.error)) }
    if lab.running || (lab.report == nil && !lab.progress.isEmpty) {
        let nameWidth = min(14, (lab.chosenAlgorithms.map(\.count).max() ?? 4) + 1)
        for name in lab.chosenAlgorithms {
            let p = lab.progress[name] ?? EvalLabProgress()
            let label = "fold \(p.fold + 1)/\(p.folds) \(p.label)"
            let spark = p.losses.count > 1 ? " " + Bars.sparkline(Array(p.losses.suffix(12))) : ""
            let barWidth = max(4, inner.width - nameWidth - 6 - DisplayWidth.of(label) - DisplayWidth.of(spark))
            lines.append(Line([Span(DisplayWidth.pad(name, to: nameWidth), Style(bold: true)),
                               Span(Bars.horizontal(p.fraction, width: barWidth), theme.bar),
                               Span(fixed(p.fraction * 100, 0, width: 4) + "% "), Span(label, theme.dim),
                               Span(spark, theme.positive)]))
        }
    }
    if let report = lab.report { lines += labResultLines(report, theme: theme, width: inner.width) }
    if lines.isEmpty {
        lines = [Line("Choose algorithms, a split and metrics,", theme.dim), Line("then press r to run.", theme.dim),
                 Line("o: cold-start curve · g: grid search (line charts)", theme.dim)]
    }
    let start = min(lab.scroll, max(0, lines.count - 1))
    for (k, l) in lines.dropFirst(start).prefix(inner.height).enumerated() {
        _ = l.draw(into: &buffer, x: inner.x, y: inner.y + k, maxWidth: inner.width)
    }
}

func renderLabSetup(_ lab: EvalLabState, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
    Block(title: "Setup", titleStyle: theme.title, borderStyle: lab.running ? theme.border : theme.focusedBorder)
        .render(area, into: &buffer)
    let inner = Block.inner(area)
    var rows: [(Line, Int?)] = [(Line("Algorithms", theme.title), nil)]
    for (k, a) in lab.algorithms.enumerated() {
        rows.append((Line((lab.chosen.contains(a) ? "[x] " : "[ ] ") + a), k))
    }
    rows.append((Line("split ‹" + lab.splitText + "›"), lab.algorithms.count))
    rows.append((Line("cold start " + (lab.coldStart ? EvalLabState.coldStartCounts.map(String.init).joined(separator: ",") + " (o)" : "off (o)"), lab.coldStart ? theme.positive : theme.dim), nil))
    rows.append((Line("grid " + (lab.grid ?? "off") + " (s)", lab.grid != nil ? theme.positive : theme.dim), nil))
    rows.append((Line("Metrics", theme.title), nil))
    for (k, m) in lab.metricChoices.enumerated() {
        rows.append((Line((lab.metrics.contains(m) ? "[x] " : "[ ] ") + m), lab.algorithms.count + 1 + k))
    }
    let height = max(1, inner.height - 1)
    let cursorRow = rows.firstIndex { $0.1 == lab.cursor } ?? 0
    let offset = max(0, min(cursorRow - height / 2, rows.count - height))
    for (k, row) in rows.dropFirst(offset).prefix(height).enumerated() {
        let selected = row.1 == lab.cursor && !lab.running
        if selected { buffer.fill(Rect(x: inner.x, y: inner.y + k, width: inner.width, height: 1), with: Cell(" ", style: theme.selection)) }
        _ = row.0.draw(into: &buffer, x: inner.x, y: inner.y + k, maxWidth: inner.width, base: selected ? theme.selection : nil)
    }
    buffer.write(DisplayWidth.truncate("Space toggle · o cold · s grid · r run", to: inner.width), x: inner.x, y: inner.maxY - 1, style: theme.dim)
}

/// A lab result's label: "svd factors=10 cold 3" (the algorithm, the varied parameters, the cold-start N).
public func labRunName(_ r: EvalResult) -> String {
    r.algorithm + r.overrides.map { " \($0.key)=\($0.value)" }.joined() + (r.coldStart.map { " cold \($0)" } ?? "")
}

/// The results table (one row per algorithm, one column per metric, seconds) and a bar chart per metric.
func labResultLines(_ report: EvalReport, theme: Theme, width: Int) -> [Line] {
    var lines: [Line] = []
    let names = report.results.map(labRunName)
    let nameWidth = min(18, max(9, (names.map(\.count).max() ?? 0) + 1))
    let columns = report.metrics.map { max(7, $0.name.count + 1) }
    var header = DisplayWidth.pad("algorithm", to: nameWidth)
    for (m, w) in zip(report.metrics, columns) { header += DisplayWidth.pad(m.name, to: w, alignRight: true) }
    header += "   fit s"
    lines.append(Line(header, Style(bold: true)))
    for (r, name) in zip(report.results, names) {
        var s = DisplayWidth.pad(name, to: nameWidth)
        for (m, w) in zip(report.metrics, columns) { s += fixed(r.metrics[m.name] ?? .nan, 4, width: w) }
        s += fixed(r.fitSeconds, 2, width: 8)
        lines.append(Line(s))
    }
    if let chart = labLineChart(report, theme: theme) {
        lines.append("")
        lines.append(Line([Span(chart.title, theme.title), Span(chart.note, theme.dim)]))
        lines += chart.chart.lines(width: max(8, min(60, width - 12)), height: 6, axisStyle: theme.dim)
    }
    for m in report.metrics {
        lines.append("")
        lines.append(Line([Span(m.name, theme.title),
                           Span(m.kind.lowerIsBetter ? " (lower is better)" : " (higher is better)", theme.dim)]))
        let values = report.results.map { $0.metrics[m.name] ?? .nan }
        let top = values.filter(\.isFinite).map(abs).max() ?? 0
        let barWidth = max(4, width - nameWidth - 8)
        for (v, name) in zip(values, names) {
            let fraction = top > 0 && v.isFinite ? abs(v) / top : 0
            lines.append(Line([Span(DisplayWidth.pad(name, to: nameWidth)), Span(Bars.horizontal(fraction, width: barWidth), theme.bar),
                               Span(fixed(v, 4, width: 8))]))
        }
    }
    return lines
}

/// The lab's line chart of the report's first metric (`LabCurve.of`), drawn in the terminal.
func labLineChart(_ report: EvalReport, theme: Theme) -> (title: String, note: String, chart: LineChart)? {
    guard let curve = LabCurve.of(report) else { return nil }
    let palette = [theme.bar, theme.positive, theme.title, theme.error, theme.dim]
    let series = curve.series.enumerated().map { k, s in
        LineChart.Series(name: s.name, points: s.points, style: palette[k % palette.count])
    }
    return (curve.title, curve.note, LineChart(series: series, xLabel: curve.xLabel, decimals: 4))
}

/// The lab's curve as numbers, so the lab screen and the handout draw the same one: the report's
/// first metric against N for a cold-start run (one series per algorithm and grid value), against
/// the grid parameter for a grid search (one series per algorithm varying it).
public struct LabCurve: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// Sorted by x.
        public var points: [(x: Double, y: Double)]

        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.points.count == b.points.count
                && zip(a.points, b.points).allSatisfy { $0.x == $1.x && ($0.y == $1.y || ($0.y.isNaN && $1.y.isNaN)) }
        }
    }

    /// "ndcg@10 vs cold start N", "rmse vs svd.factors".
    public var title: String
    /// " (lower is better)" or " (higher is better)".
    public var note: String
    public var xLabel: String
    public var metric: String
    public var lowerIsBetter: Bool
    public var series: [Series]

    /// The curve of `report`, or nil for a plain run or when no series has two points.
    public static func of(_ report: EvalReport) -> LabCurve? {
        guard let metric = report.metrics.first else { return nil }
        var order: [String] = []
        var points: [String: [(x: Double, y: Double)]] = [:]
        let cold = report.results.contains { $0.coldStart != nil }
        var xLabel = ""
        for r in report.results {
            let y = r.metrics[metric.name] ?? .nan
            let key: String, x: Double
            if cold {
                guard let n = r.coldStart else { continue }
                key = r.algorithm + r.overrides.map { " \($0.key)=\($0.value)" }.joined()
                x = Double(n)
                xLabel = "N (training ratings kept per user)"
            } else {
                guard report.isGrid, let last = r.overrides.last, let v = Double(last.value) else { continue }
                key = r.algorithm + r.overrides.dropLast().map { " \($0.key)=\($0.value)" }.joined()
                x = v
                xLabel = r.algorithm + "." + last.key
            }
            if points[key] == nil { order.append(key) }
            points[key, default: []].append((x, y))
        }
        let series = order.compactMap { name -> Series? in
            let p = points[name]!.sorted { $0.x < $1.x }
            return p.count >= 2 ? Series(name: name, points: p) : nil
        }
        guard !series.isEmpty else { return nil }
        return LabCurve(title: metric.name + (cold ? " vs cold start N" : " vs " + xLabel),
                        note: metric.kind.lowerIsBetter ? " (lower is better)" : " (higher is better)",
                        xLabel: xLabel, metric: metric.name, lowerIsBetter: metric.kind.lowerIsBetter, series: series)
    }
}

import Foundation

/// Draws a handout chart as an `SVGNode` tree: bars (the rating histogram, the lab's metrics),
/// a heatmap (Compare's overlap) and lines (the lab's cold-start curve or grid search).
///
/// Colours are the Okabe–Ito palette (told apart with colour blindness) and every mark has a
/// `<title>` (its exact value, shown on hover); the figures are also printed on the chart, so it
/// reads the same in black and white.
public enum SVGChart {
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static let font = "font-family:sans-serif;font-size:12px"

    public static func draw(_ chart: Handout.Chart) -> SVGNode {
        switch chart.kind {
        case .bars(let labels, let values, let decimals): return bars(chart.title, labels, values, decimals: decimals)
        case .heatmap(let labels, let values): return heatmap(chart.title, labels, values)
        case .lines(let series, let xLabel, let yLabel): return lines(chart.title, series, xLabel: xLabel, yLabel: yLabel)
        }
    }

    static func n(_ x: Double) -> String { String(format: "%.1f", x) }

    static func root(_ title: String, width: Double, height: Double, _ children: [SVGNode]) -> SVGNode {
        SVGNode("svg", [("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                        ("role", "img"), ("style", font)],
                [SVGNode("title", text: title)] + children)
    }

    static func label(_ text: String, x: Double, y: Double, anchor: String = "middle", rotate: Double? = nil,
                      fill: String = "#222", bold: Bool = false) -> SVGNode {
        var a = [("x", n(x)), ("y", n(y)), ("text-anchor", anchor), ("fill", fill)]
        if let rotate { a.append(("transform", "rotate(\(n(rotate)) \(n(x)) \(n(y)))")) }
        if bold { a.append(("font-weight", "bold")) }
        return SVGNode("text", a, text: text)
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#888") -> SVGNode {
        SVGNode("line", [("x1", n(x1)), ("y1", n(y1)), ("x2", n(x2)), ("y2", n(y2)), ("stroke", stroke)])
    }

    /// "Nice" axis ticks from 0 (or `low`) to at least `high`: steps of 1, 2 or 5 × 10^k.
    static func ticks(low: Double, high: Double, count: Int = 5, minStep: Double = 0) -> [Double] {
        let span = max(high - low, 1e-9)
        let raw = max(span / Double(max(1, count)), minStep)
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        let start = floor(low / step) * step
        var out: [Double] = []
        var t = start
        while t <= high + step * 0.999 && out.count < 20 {
            out.append(t)
            t += step
        }
        return out
    }

    static func format(_ x: Double, _ decimals: Int) -> String {
        x.isFinite ? String(format: "%.\(decimals)f", x) : "–"
    }

    // MARK: Bars

    static func bars(_ title: String, _ labels: [String], _ values: [Double], decimals: Int) -> SVGNode {
        let barW = labels.count > 10 ? 34.0 : 48, gap = 14.0
        let left = 48.0, top = 16.0, plotH = 180.0
        let maxLabel = Double(labels.map(\.count).max() ?? 0)
        let slanted = maxLabel * 6.5 > barW + gap
        let bottom = slanted ? min(150, 24 + maxLabel * 5.2) : 34
        let width = left + Double(labels.count) * (barW + gap) + gap + 12
        let finite = values.filter(\.isFinite)
        // Counts (no decimals) get whole-number ticks.
        let axis = ticks(low: 0, high: max(finite.max() ?? 1, decimals == 0 ? 1 : 1e-6), minStep: decimals == 0 ? 1 : 0)
        let top0 = axis.last ?? 1
        func y(_ v: Double) -> Double { top + plotH - plotH * max(0, v) / max(top0, 1e-12) }
        var nodes: [SVGNode] = []
        for t in axis {
            nodes.append(line(left, y(t), width - 8, y(t), stroke: "#ddd"))
            nodes.append(label(format(t, decimals == 0 ? 0 : min(decimals, 3)), x: left - 6, y: y(t) + 4, anchor: "end",
                               fill: "#555"))
        }
        nodes.append(line(left, top + plotH, width - 8, top + plotH, stroke: "#444"))
        for (k, (name, v)) in zip(labels, values).enumerated() {
            let x = left + gap + Double(k) * (barW + gap)
            let h = v.isFinite ? plotH * max(0, v) / max(top0, 1e-12) : 0
            nodes.append(SVGNode("rect", [("x", n(x)), ("y", n(top + plotH - h)), ("width", n(barW)), ("height", n(h)),
                                          ("fill", palette[0])],
                                 [SVGNode("title", text: name + ": " + format(v, decimals))]))
            nodes.append(label(format(v, decimals), x: x + barW / 2, y: top + plotH - h - 4, fill: "#222"))
            if slanted {
                nodes.append(label(name, x: x + barW / 2, y: top + plotH + 14, anchor: "end", rotate: -35))
            } else {
                nodes.append(label(name, x: x + barW / 2, y: top + plotH + 18))
            }
        }
        return root(title, width: max(width, 200), height: top + plotH + bottom, nodes)
    }

    // MARK: Heatmap

    /// White (0) to dark blue (1).
    static func shade(_ v: Double) -> String {
        let t = max(0, min(1, v.isFinite ? v : 0))
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return String(format: "#%02X%02X%02X", mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
    }

    static func heatmap(_ title: String, _ labels: [String], _ values: [[Double]]) -> SVGNode {
        let cell = 40.0
        let labelW = 12 + Double(labels.map(\.count).max() ?? 4) * 7
        let left = labelW, top = labelW * 0.75 + 8
        let size = Double(labels.count) * cell
        var nodes: [SVGNode] = []
        for (a, name) in labels.enumerated() {
            nodes.append(label(name, x: left - 6, y: top + Double(a) * cell + cell / 2 + 4, anchor: "end"))
            let cx = left + Double(a) * cell + cell / 2
            nodes.append(label(name, x: cx, y: top - 6, anchor: "start", rotate: -45))
            for b in labels.indices {
                let v = a < values.count && b < values[a].count ? values[a][b] : .nan
                let x = left + Double(b) * cell, y = top + Double(a) * cell
                nodes.append(SVGNode("rect", [("x", n(x)), ("y", n(y)), ("width", n(cell)), ("height", n(cell)),
                                              ("fill", a == b ? "#DDDDDD" : shade(v)), ("stroke", "#fff")],
                                     [SVGNode("title", text: "\(labels[a]) and \(labels[b]): \(format(v, 2))")]))
                nodes.append(label(a == b ? "·" : format(v, 2), x: x + cell / 2, y: y + cell / 2 + 4,
                                   fill: v > 0.55 && a != b ? "#FFFFFF" : "#222"))
            }
        }
        // The scale: 0 … 1.
        let scaleY = top + size + 16
        for k in 0...10 {
            let v = Double(k) / 10
            nodes.append(SVGNode("rect", [("x", n(left + Double(k) * 16)), ("y", n(scaleY)), ("width", "16"), ("height", "10"),
                                          ("fill", shade(v))]))
        }
        nodes.append(label("0", x: left, y: scaleY + 24, anchor: "start", fill: "#555"))
        nodes.append(label("1 (same top 10)", x: left + 176, y: scaleY + 24, anchor: "end", fill: "#555"))
        // The last column's slanted label reaches right of the grid by about its rise.
        return root(title, width: left + size + labelW * 0.75 + 8, height: scaleY + 34, nodes)
    }

    // MARK: Lines

    static func lines(_ title: String, _ series: [Handout.Chart.Series], xLabel: String, yLabel: String) -> SVGNode {
        let left = 64.0, top = 16.0, plotW = 440.0, plotH = 220.0
        let legendW = 16 + min(34, Double(series.map(\.name.count).max() ?? 0)) * 7
        let xs = series.flatMap(\.x).filter(\.isFinite), ys = series.flatMap(\.y).filter(\.isFinite)
        let xTicks = ticks(low: min(0, xs.min() ?? 0), high: xs.max() ?? 1)
        let yLow = ys.min() ?? 0, yHigh = ys.max() ?? 1
        let pad = max((yHigh - yLow) * 0.1, abs(yHigh) * 0.02, 1e-4)
        let yTicks = ticks(low: yLow - pad, high: yHigh + pad)
        let x0 = xTicks.first ?? 0, x1 = max(xTicks.last ?? 1, x0 + 1e-9)
        let y0 = yTicks.first ?? 0, y1 = max(yTicks.last ?? 1, y0 + 1e-9)
        func px(_ x: Double) -> Double { left + plotW * (x - x0) / (x1 - x0) }
        func py(_ y: Double) -> Double { top + plotH - plotH * (y - y0) / (y1 - y0) }
        let yDecimals = max(0, min(4, Int(-floor(log10(max((y1 - y0) / 5, 1e-9)))) + 1))
        var nodes: [SVGNode] = []
        for t in yTicks {
            nodes.append(line(left, py(t), left + plotW, py(t), stroke: "#e4e4e4"))
            nodes.append(label(format(t, yDecimals), x: left - 6, y: py(t) + 4, anchor: "end", fill: "#555"))
        }
        for t in xTicks {
            nodes.append(line(px(t), top + plotH, px(t), top + plotH + 4, stroke: "#444"))
            nodes.append(label(format(t, t == t.rounded() ? 0 : 2), x: px(t), y: top + plotH + 18, fill: "#555"))
        }
        nodes.append(line(left, top + plotH, left + plotW, top + plotH, stroke: "#444"))
        nodes.append(line(left, top, left, top + plotH, stroke: "#444"))
        nodes.append(label(xLabel, x: left + plotW / 2, y: top + plotH + 38))
        nodes.append(label(yLabel, x: 14, y: top + plotH / 2, rotate: -90))
        for (k, s) in series.enumerated() {
            let colour = palette[k % palette.count]
            let pts = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }
            nodes.append(SVGNode("polyline", [("points", pts.map { n(px($0.0)) + "," + n(py($0.1)) }.joined(separator: " ")),
                                              ("fill", "none"), ("stroke", colour), ("stroke-width", "2")]))
            for p in pts {
                nodes.append(SVGNode("circle", [("cx", n(px(p.0))), ("cy", n(py(p.1))), ("r", "3.5"), ("fill", colour)],
                                     [SVGNode("title", text: "\(s.name): \(format(p.0, p.0 == p.0.rounded() ? 0 : 2)) → \(format(p.1, 4))")]))
            }
            let ly = top + 8 + Double(k) * 18
            nodes.append(line(left + plotW + 16, ly, left + plotW + 36, ly, stroke: colour))
            nodes.append(label(s.name, x: left + plotW + 40, y: ly + 4, anchor: "start"))
        }
        return root(title, width: left + plotW + 40 + legendW, height: top + plotH + 50, nodes)
    }
}

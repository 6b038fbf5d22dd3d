import Foundation

/// The three renderings of an evaluation: an aligned table, JSON (a contract) and CSV.
extension EvalReport {

    /// Results in table order: run order, or sorted by the first metric for a grid search
    /// (ascending for errors such as RMSE, descending otherwise; undefined values last).
    public var orderedResults: [EvalResult] {
        guard isGrid, let first = metrics.first else { return results }
        let lower = first.kind.lowerIsBetter
        return results.enumerated().sorted { a, b in
            let x = a.element.metrics[first.name] ?? .nan, y = b.element.metrics[first.name] ?? .nan
            if x.isNaN != y.isNaN { return !x.isNaN }
            if x != y && !x.isNaN { return lower ? x < y : x > y }
            return a.offset < b.offset
        }.map(\.element)
    }

    var showsParams: Bool { results.contains { !$0.overrides.isEmpty } }
    var showsColdStart: Bool { results.contains { $0.coldStart != nil } }

    static func paramsText(_ r: EvalResult) -> String {
        r.overrides.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    static func number(_ x: Double, digits: Int) -> String {
        x.isNaN ? "-" : String(format: "%.\(digits)f", x)
    }

    /// An aligned text table, one row per result, with a summary line below.
    public func table() -> String {
        var header = ["algorithm"]
        if showsParams { header.append("params") }
        if showsColdStart { header.append("ratings") }
        header += metrics.map(\.name) + ["fit s", "predict s"]
        var rows: [[String]] = []
        for r in orderedResults {
            var row = [r.algorithm]
            if showsParams { row.append(Self.paramsText(r)) }
            if showsColdStart { row.append(r.coldStart.map(String.init) ?? "") }
            row += metrics.map { Self.number(r.metrics[$0.name] ?? .nan, digits: 4) }
            row += [Self.number(r.fitSeconds, digits: 3), Self.number(r.predictSeconds, digits: 3)]
            rows.append(row)
        }
        let textColumns = 1 + (showsParams ? 1 : 0)
        var widths = header.map(\.count)
        for row in rows { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c < textColumns ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        let folds = results.first?.folds ?? 0
        var summary = "dataset \(dataset) · split \(split)"
        if folds > 1 { summary += " (\(folds) folds, means)" }
        summary += " · seed \(seed)"
        if let f = results.first?.perFold.first {
            summary += " · \(f.usersEvaluated) users evaluated, \(f.usersSkipped) skipped"
            if folds > 1 { summary += " (fold 1)" }
        }
        out.append(summary)
        return out.joined(separator: "\n") + "\n"
    }

    /// CSV with a header: algorithm, params, [cold_start,] metrics…, fit_seconds, predict_seconds, folds.
    public func csv() -> String {
        var header = ["algorithm", "params"]
        if showsColdStart { header.append("cold_start") }
        header += metrics.map(\.name) + ["fit_seconds", "predict_seconds", "folds"]
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for r in orderedResults {
            var row = [r.algorithm, Self.paramsText(r)]
            if showsColdStart { row.append(r.coldStart.map(String.init) ?? "") }
            row += metrics.map { v in Self.jsonNumber(r.metrics[v.name] ?? .nan, digits: 6, null: "") }
            row += [Self.jsonNumber(r.fitSeconds, digits: 4, null: ""), Self.jsonNumber(r.predictSeconds, digits: 4, null: ""),
                    String(r.folds)]
            lines.append(row.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The JSON contract:
    /// `{"dataset", "split", "seed", "results": [{"algorithm", "params", "metrics", "fit_seconds",
    /// "predict_seconds", "folds", "per_fold": [{"fold", "metrics", "fit_seconds", "predict_seconds",
    /// "users_evaluated", "users_skipped"}]}]}` — metric means per fold; undefined values are null.
    /// `"cold_start"` is present in results of `--cold-start` runs.
    public func json() -> String {
        var out = "{\n"
        out += "  \"dataset\": \(Self.jsonString(dataset)),\n"
        out += "  \"split\": \(Self.jsonString(split)),\n"
        out += "  \"seed\": \(seed),\n"
        out += "  \"results\": ["
        for (n, r) in results.enumerated() {
            out += n == 0 ? "\n" : ",\n"
            out += "    {\n"
            out += "      \"algorithm\": \(Self.jsonString(r.algorithm)),\n"
            out += "      \"params\": \(Self.jsonParams(r.params)),\n"
            if let c = r.coldStart { out += "      \"cold_start\": \(c),\n" }
            out += "      \"metrics\": \(jsonMetrics(r.metrics)),\n"
            out += "      \"fit_seconds\": \(Self.jsonNumber(r.fitSeconds, digits: 4)),\n"
            out += "      \"predict_seconds\": \(Self.jsonNumber(r.predictSeconds, digits: 4)),\n"
            out += "      \"folds\": \(r.folds),\n"
            out += "      \"per_fold\": ["
            for (k, f) in r.perFold.enumerated() {
                out += k == 0 ? "\n" : ",\n"
                out += "        {\"fold\": \(Self.jsonString(f.fold)), \"metrics\": \(jsonMetrics(f.metrics)), "
                out += "\"fit_seconds\": \(Self.jsonNumber(f.fitSeconds, digits: 4)), "
                out += "\"predict_seconds\": \(Self.jsonNumber(f.predictSeconds, digits: 4)), "
                out += "\"users_evaluated\": \(f.usersEvaluated), \"users_skipped\": \(f.usersSkipped)}"
            }
            out += r.perFold.isEmpty ? "]\n" : "\n      ]\n"
            out += "    }"
        }
        out += results.isEmpty ? "]\n" : "\n  ]\n"
        out += "}\n"
        return out
    }

    func jsonMetrics(_ m: [String: Double]) -> String {
        "{" + metrics.map { "\(Self.jsonString($0.name)): \(Self.jsonNumber(m[$0.name] ?? .nan, digits: 6))" }
            .joined(separator: ", ") + "}"
    }

    /// Parameters with numbers as numbers and flags as booleans, keys sorted.
    static func jsonParams(_ p: Parameters) -> String {
        "{" + p.values.keys.sorted().map { key -> String in
            let v = p.values[key]!
            let value: String
            if v == "true" || v == "false" {
                value = v
            } else if let d = Double(v), d.isFinite, v.first != "+", !v.hasPrefix("0x") {
                value = Int(v) != nil ? v : jsonNumber(d, digits: 10)
            } else {
                value = jsonString(v)
            }
            return "\(jsonString(key)): \(value)"
        }.joined(separator: ", ") + "}"
    }

    /// A number with at most `digits` decimals (trailing zeros trimmed); `null` for NaN/∞.
    static func jsonNumber(_ x: Double, digits: Int, null: String = "null") -> String {
        guard x.isFinite else { return null }
        var s = String(format: "%.\(digits)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}

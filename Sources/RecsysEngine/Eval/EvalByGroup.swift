import Foundation

/// Accuracy per demographic group (`eval --by age|gender|occupation|region`): is a model as good for
/// everyone?
///
/// Each algorithm is fitted once per fold on the whole training data; then its test users are split by
/// the attribute (``Demographics`` vocabulary; users who did not say form the group `unknown`) and the
/// same metrics are computed within each group. Group sizes are reported beside the metrics because a
/// small group's figure swings with a handful of users (see docs/metrics.md).
public enum EvalByGroup {
    public struct GroupResult: Sendable {
        /// The attribute value ("25-34"), or "unknown".
        public var value: String
        /// Test users in the group (with at least one test rating).
        public var users: Int
        /// Per algorithm (configuration order): metric name → mean over folds.
        public var metrics: [String: [String: Double]]
    }

    /// Runs every algorithm of `configuration` (first parameter combination each) on `folds`.
    ///
    /// - Throws: `EvalError` for an unknown attribute, `ParameterError` for bad parameters.
    public static func run(folds: [EvalFold], configuration c: EvalConfiguration, attribute: String) throws
        -> [GroupResult] {
        guard let a = Demographics.attributes.firstIndex(of: attribute) else {
            throw EvalError("--by \(attribute): expected one of \(Demographics.attributes.joined(separator: ", "))")
        }
        let values = Demographics.values(of: attribute) ?? []
        let labels = values + ["unknown"]
        var sums = [[String: [String: Double]]](repeating: [:], count: labels.count)
        var counts = [[String: [String: Int]]](repeating: [:], count: labels.count)
        var users = [Int](repeating: 0, count: labels.count)
        for fold in folds {
            let attrs = fold.train.userAttributes
            let test = fold.test
            let group: [Int] = (0..<test.userCount).map { u in
                guard u < attrs.count, let code = Demographics.codes(of: attrs[u])[a] else { return values.count }
                return code
            }
            var members = [Int](repeating: 0, count: labels.count)
            for u in 0..<test.userCount where test.rowCount(Int32(u)) > 0 { members[group[u]] += 1 }
            for g in labels.indices { users[g] = max(users[g], members[g]) }
            for name in c.algorithms {
                var p = Parameters()
                for (k, v) in c.parameters.combinations(for: name).first ?? [] { p[k] = v }
                let model = try Algorithms.make(name, parameters: p)
                try model.fit(fold.train, context: FitContext(seed: c.seed, threads: c.threads))
                for g in labels.indices where members[g] > 0 {
                    var keep = [Bool](repeating: false, count: test.count)
                    for u in 0..<test.userCount where group[u] == g {
                        for q in test.rowStart[u]..<test.rowStart[u + 1] { keep[q] = true }
                    }
                    let sub = EvalFold(name: fold.name, train: fold.train, test: test.filter { keep[$0] })
                    let r = try EvalRunner.evaluate(model: model, fold: sub, configuration: c, isFitted: true)
                    for (metric, value) in r.metrics where value.isFinite {
                        sums[g][name, default: [:]][metric, default: 0] += value
                        counts[g][name, default: [:]][metric, default: 0] += 1
                    }
                }
            }
        }
        return labels.indices.filter { users[$0] > 0 }.map { g in
            var metrics: [String: [String: Double]] = [:]
            for name in c.algorithms {
                var m: [String: Double] = [:]
                for spec in c.metrics {
                    let n = counts[g][name]?[spec.name] ?? 0
                    m[spec.name] = n > 0 ? (sums[g][name]?[spec.name] ?? 0) / Double(n) : .nan
                }
                metrics[name] = m
            }
            return GroupResult(value: labels[g], users: users[g], metrics: metrics)
        }
    }

    /// A table: one row per group and algorithm, with the group's size.
    public static func table(_ groups: [GroupResult], attribute: String, configuration c: EvalConfiguration) -> String {
        let names = c.metrics.map(\.name)
        let w = max(attribute.count, groups.map(\.value.count).max() ?? 0)
        let aw = max(9, c.algorithms.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var lines = [pad(attribute, w) + "  " + lpad("users", 5) + "  " + pad("algorithm", aw) + "  "
            + names.map { lpad($0, 9) }.joined(separator: "  ")]
        for g in groups {
            for name in c.algorithms {
                let row = names.map { m -> String in
                    let v = g.metrics[name]?[m] ?? .nan
                    return lpad(v.isFinite ? String(format: "%.4f", v) : "-", 9)
                }
                lines.append(pad(g.value, w) + "  " + lpad(String(g.users), 5) + "  " + pad(name, aw) + "  "
                    + row.joined(separator: "  ") + (g.users < 30 ? "  (small group)" : ""))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON: `{"by": ATTRIBUTE, "groups": [{"value", "users", "results": [{"algorithm", "metrics"}]}]}`.
    public static func json(_ groups: [GroupResult], attribute: String, configuration c: EvalConfiguration,
                            dataset: String, split: String) -> String {
        func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6f", v) : "null" }
        let body = groups.map { g in
            let results = c.algorithms.map { name in
                let m = c.metrics.map { "\(JSONText.quoted($0.name)): \(number(g.metrics[name]?[$0.name] ?? .nan))" }
                return "{\"algorithm\": \(JSONText.quoted(name)), \"metrics\": {\(m.joined(separator: ", "))}}"
            }
            return "{\"value\": \(JSONText.quoted(g.value)), \"users\": \(g.users), \"results\": [\(results.joined(separator: ", "))]}"
        }
        return "{\"dataset\": \(JSONText.quoted(dataset)), \"split\": \(JSONText.quoted(split)), \"seed\": \(c.seed), "
            + "\"by\": \(JSONText.quoted(attribute)), \"groups\": [\(body.joined(separator: ", "))]}\n"
    }
}

import Foundation
import RecsysEngine
import RecsysUI

// The handout's lab and class sections.
extension HandoutBuilder {
    /// How to get a lab result into the handout (the keys of `Keymap`'s lab table).
    public static let noLabText = "No lab run is kept for this profile yet. In the explorer, press v (evaluation lab), "
        + "choose algorithms and metrics with Space, press o for a cold-start curve or s for a grid search, then r to run. "
        + "When the run finishes it is kept for your profile, and the next 'recsys-tui report' charts it here."

    static func lab(_ input: HandoutInput) -> Handout.Section {
        let title = "Your last evaluation-lab run"
        guard let record = input.lab else {
            return Handout.Section(id: "lab", title: title, blocks: [.paragraph(noLabText)])
        }
        guard let report = try? record.report() else {
            return Handout.Section(id: "lab", title: title, blocks: [
                .paragraph("The kept lab run names a metric this version does not know; run the lab again (v, then r)."),
            ])
        }
        let when = Date(timeIntervalSince1970: TimeInterval(record.savedAt))
        var blocks: [Handout.Block] = [.paragraph(
            "Split \(record.split) of \(record.dataset), seed \(record.seed), run on \(Self.dateText(when))"
                + (record.dataset == input.dataset.name ? "." : " (another dataset than this handout's)."))]
        let names = report.results.map(labRunName)
        let metricNames = report.metrics.map(\.name)
        blocks.append(.table(Handout.Table(
            header: ["Run"] + metricNames + ["Fit s"],
            rows: zip(report.results, names).map { r, name in
                Handout.Table.Row([name] + metricNames.map { m in
                    let v = r.metrics[m] ?? .nan
                    return v.isFinite ? String(format: "%.4f", v) : "–"
                } + [String(format: "%.2f", r.fitSeconds)])
            },
            numeric: Set(1...(metricNames.count + 1)))))
        if let curve = LabCurve.of(report) {
            blocks.append(.chart(Handout.Chart(
                file: "lab-curve", title: curve.title + curve.note,
                kind: .lines(series: curve.series.map { s in
                    Handout.Chart.Series(name: s.name, x: s.points.map(\.x), y: s.points.map(\.y))
                }, xLabel: curve.xLabel, yLabel: curve.metric))))
        }
        for (k, m) in report.metrics.enumerated() {
            let values = report.results.map { $0.metrics[m.name] ?? .nan }
            guard values.contains(where: \.isFinite) else { continue }
            blocks.append(.chart(Handout.Chart(
                file: "lab-\(k + 1)", title: m.name + (m.kind.lowerIsBetter ? " (lower is better)" : " (higher is better)"),
                kind: .bars(labels: names, values: values, valueDecimals: 3))))
        }
        return Handout.Section(id: "lab", title: title, blocks: blocks)
    }

    static func dateText(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: d)
    }

    static func classTable(_ input: HandoutInput, _ learners: [LearnerSummary]) -> Handout.Section {
        var blocks: [Handout.Block] = [.paragraph(
            "Every learner of the class, as 'recsys-tui class summary' reports them: the nearest classmate (cosine of "
                + "the two rating vectors), the favourite genre, and which algorithm's top 10, made from the first 70% "
                + "of their ratings, found most of the films they rated 4★ or more afterwards.")]
        if learners.isEmpty {
            blocks.append(.note("No learner has rated a film of \(input.dataset.name) yet."))
        } else {
            blocks.append(.table(Handout.Table(
                header: ["Learner", "Ratings", "Nearest classmate", "Favourite genre", "Best top 10 (later 4★+ found)"],
                rows: learners.map { l in
                    let near = l.nearest.map { n in n + (l.nearestSimilarity.map { String(format: " (%.2f)", $0) } ?? "") }
                    return Handout.Table.Row([l.name, String(l.ratings), near ?? "–", l.favouriteGenre ?? "–", l.bestText],
                                             mark: l.name == input.profileName ? .you : nil)
                },
                numeric: [1])))
            var rows: [(String, Double?, Int)] = input.classAlgorithms.map { a in
                let scored = learners.compactMap { $0.algorithms[a]?.recall }
                return (a, scored.isEmpty ? nil : scored.reduce(0, +) / Double(scored.count), scored.count)
            }
            rows.sort { ($0.1 ?? -1, $1.0) > ($1.1 ?? -1, $0.0) }
            blocks.append(.heading("Algorithms over the class"))
            blocks.append(.table(Handout.Table(
                header: ["Algorithm", "Mean recall@10", "Learners scored"],
                rows: rows.map { Handout.Table.Row([$0.0, $0.1.map { String(format: "%.3f", $0) } ?? "–", String($0.2)]) },
                numeric: [1, 2])))
        }
        for s in input.classSkipped { blocks.append(.note("skipped: " + s)) }
        return Handout.Section(id: "class", title: "The class", blocks: blocks)
    }
}

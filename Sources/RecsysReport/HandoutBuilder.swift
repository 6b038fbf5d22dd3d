import Foundation
import RecsysEngine
import RecsysUI

/// What a handout is made from: the learner's profile, the fitted models, the last lab run and,
/// in class mode, the class summary. The caller (the `report` command, or a test) loads and fits;
/// `HandoutBuilder.build` only arranges, through the same renderers the explorer uses
/// (`Listings`/`ExplanationText` for reasons, `FormulaText` for formulas, `CompareOverlap`,
/// `LabCurve`).
public struct HandoutInput: Sendable {
    /// The dataset the models were fitted on (with the classmates as users in class mode).
    public var dataset: Dataset
    public var profileName: String
    /// The learner's ratings, folded in (items of `dataset`).
    public var profile: Profile
    /// Fitted models in the order to show them.
    public var models: [any Recommender]
    public var seed: UInt64
    /// The profile's last lab run, if one was kept.
    public var lab: LabRecord?
    /// Class mode: the class summary's learners (nil: not class mode).
    public var classLearners: [LearnerSummary]?
    public var classAlgorithms: [String]
    /// Where the class came from ("class.sqlite", "class/").
    public var classSource: String
    /// Files of a class folder that were skipped, one line each.
    public var classSkipped: [String]
    /// "2026-11-30 10:15 UTC": when it was made (given, so a test can fix it).
    public var made: String
    /// Items listed per algorithm.
    public var count: Int

    public init(dataset: Dataset, profileName: String, profile: Profile, models: [any Recommender], seed: UInt64,
                lab: LabRecord? = nil, classLearners: [LearnerSummary]? = nil, classAlgorithms: [String] = [],
                classSource: String = "", classSkipped: [String] = [], made: String = "", count: Int = 10) {
        self.dataset = dataset
        self.profileName = profileName
        self.profile = profile
        self.models = models
        self.seed = seed
        self.lab = lab
        self.classLearners = classLearners
        self.classAlgorithms = classAlgorithms
        self.classSource = classSource
        self.classSkipped = classSkipped
        self.made = made
        self.count = count
    }
}

/// Arranges a `HandoutInput` into a `Handout`: ratings, histogram, top 10s with reasons, the
/// overlap heatmap, one worked formula per family, the lab results and the class table.
public enum HandoutBuilder {
    /// The families of the course, each with its algorithms; the first fitted one of a family
    /// gives its worked formula. An algorithm in no family is a family of its own.
    public static let families: [(name: String, algorithms: [String])] = [
        ("Popularity and biases", ["popularity", "baseline"]),
        ("Content-based", ["content"]),
        ("User-based neighbours", ["user-knn"]),
        ("Item-based neighbours", ["item-knn"]),
        ("Matrix factorisation (ratings)", ["svd", "svdpp"]),
        ("Implicit feedback", ["als", "bpr", "ease"]),
        ("Neural (TFRS-style)", ["two-tower", "ranking"]),
        ("Hybrid", ["hybrid"]),
        ("Demographic", ["demographic"]),
    ]

    /// The width formulas are wrapped to (characters of the monospaced block).
    public static let formulaWidth = 96

    public static func build(_ input: HandoutInput) -> Handout {
        let ds = input.dataset
        var meta = ["Profile \(input.profileName) · \(ds.name) (\(ds.catalog.count) films) · "
                    + "\(input.profile.count) rating\(input.profile.count == 1 ? "" : "s")",
                    "Models fitted on the whole dataset with seed \(input.seed); your ratings are folded in."]
        if let learners = input.classLearners {
            meta.append("Class mode: \(learners.count) learner\(learners.count == 1 ? "" : "s") from \(input.classSource).")
        }
        if !input.made.isEmpty { meta.append("Made by recsys-tui report on \(input.made).") }
        let lists = input.models.map {
            (model: $0, listing: Listings.recommendations($0, profile: input.profile, dataset: ds, count: input.count))
        }
        var sections = [ratings(input), histogram(input), topLists(lists, dataset: ds), overlap(lists),
                        formulas(input, lists: lists), lab(input)]
        if let learners = input.classLearners { sections.append(classTable(input, learners)) }
        return Handout(title: "Your recommender handout: \(input.profileName)", meta: meta, sections: sections)
    }

    // MARK: Ratings

    /// "★★★★ 4", "★★★½ 3.5".
    public static func stars(_ v: Float) -> String {
        let whole = Int(v.rounded(.down)), half = v - Float(whole) >= 0.5
        return String(repeating: "★", count: max(0, whole)) + (half ? "½" : "") + " " + FormulaNumber.short(v)
    }

    static func ratings(_ input: HandoutInput) -> Handout.Section {
        let ds = input.dataset, p = input.profile
        let feedback = Feedback(.standard, scale: ds.scale)
        let weights = feedback.weights(p.ratings)
        let order = p.items.indices.sorted { a, b in
            p.ratings[a] != p.ratings[b] ? p.ratings[a] > p.ratings[b] : ds.catalog[p.items[a]].title < ds.catalog[p.items[b]].title
        }
        let rows = order.map { k -> Handout.Table.Row in
            let item = ds.catalog[p.items[k]]
            let w = weights[k]
            let mark: Handout.Table.Mark = w > 0 ? .like : (w < 0 ? .dislike : .neutral)
            return Handout.Table.Row([item.title, item.year.map(String.init) ?? "–", item.genres.joined(separator: ", "),
                                      stars(p.ratings[k]), mark.rawValue], mark: mark)
        }
        var blocks: [Handout.Block] = []
        if rows.isEmpty {
            blocks.append(.paragraph("You have not rated a film yet: open the explorer with 'recsys-tui --profile "
                                     + input.profileName + "' and rate a few (keys 1–5)."))
        } else {
            let dislikes = rows.filter { $0.mark == .dislike }.count
            blocks.append(.paragraph("The \(rows.count) film\(rows.count == 1 ? "" : "s") you rated, best first. "
                                     + "\(dislikes) dislike\(dislikes == 1 ? "" : "s") (marked): the models read a rating of "
                                     + "3★ or more as a like and 1.5★ or less as a dislike (feedback threshold:3)."))
            blocks.append(.table(Handout.Table(header: ["Film", "Year", "Genres", "Your rating", "Read as"], rows: rows,
                                               numeric: [1])))
        }
        return Handout.Section(id: "ratings", title: "Your ratings", blocks: blocks)
    }

    static func histogram(_ input: HandoutInput) -> Handout.Section {
        let scale = input.dataset.scale
        var levels: [Float] = []
        var v = scale.min
        while v <= scale.max + 1e-4 && levels.count < 40 {
            levels.append(v)
            v += max(scale.step, 0.5)
        }
        let counts = levels.map { level in Double(input.profile.ratings.filter { abs($0 - level) < 1e-3 }.count) }
        let chart = Handout.Chart(file: "hist", title: "Your ratings by stars",
                                  kind: .bars(labels: levels.map { FormulaNumber.short($0) + "★" }, values: counts,
                                              valueDecimals: 0))
        let mean = input.profile.ratings.isEmpty ? nil
            : input.profile.ratings.reduce(0, +) / Float(input.profile.ratings.count)
        let dsMean = input.dataset.ratings.globalMean
        return Handout.Section(id: "histogram", title: "How you rate", blocks: [
            .note(mean.map { "Your mean rating: \(FormulaNumber.short($0, decimals: 2))★; everyone's in \(input.dataset.name): "
                + "\(FormulaNumber.short(dsMean, decimals: 2))★." } ?? "No ratings yet."),
            .chart(chart),
        ])
    }

    // MARK: Top 10s and overlap

    typealias Listed = (model: any Recommender, listing: (items: [ListedItem], explanations: [Explanation], notes: [String]))

    static func topLists(_ lists: [Listed], dataset: Dataset) -> Handout.Section {
        var blocks: [Handout.Block] = [.paragraph(
            "Each algorithm's top \(lists.first?.listing.items.count ?? 10) for you, with the reason its explanation gives "
                + "(the same words as the explorer and 'recsys-tui recommend').")]
        for (m, l) in lists {
            var group: [Handout.Block] = [.heading(m.name)]
            for n in l.notes { group.append(.note(n)) }
            if l.items.isEmpty {
                group.append(.note("no recommendation"))
            } else {
                group.append(.table(Handout.Table(
                    header: ["#", "Film", "Score", "Why"],
                    rows: l.items.map { Handout.Table.Row([String($0.rank), $0.title, JSONText.number($0.score), $0.reason]) },
                    numeric: [0, 2])))
            }
            blocks.append(.group(group))
        }
        return Handout.Section(id: "top10", title: "Your top 10 from every algorithm", blocks: blocks)
    }

    static func overlap(_ lists: [Listed]) -> Handout.Section {
        let shown = lists.filter { !$0.listing.items.isEmpty }
        guard shown.count >= 2 else {
            return Handout.Section(id: "overlap", title: "How much the algorithms agree", blocks: [
                .paragraph("Fewer than two algorithms have a list: nothing to compare."),
            ])
        }
        let names = shown.map(\.model.name)
        let tops = shown.map { $0.listing.explanations.map(\.item) }
        let matrix = CompareOverlap.matrix(tops)
        var pairs: [(String, String, Double)] = []
        for a in names.indices { for b in names.indices where b > a { pairs.append((names[a], names[b], matrix[a][b])) } }
        let most = pairs.max { $0.2 < $1.2 }, least = pairs.min { $0.2 < $1.2 }
        var blocks: [Handout.Block] = [
            .paragraph("Overlap of two top 10s = films in both ÷ films in either (Jaccard), as on the Compare screen (c): "
                       + "1 means the same ten films, 0 none in common."),
            .chart(Handout.Chart(file: "overlap", title: "Overlap of the top 10s (Jaccard)",
                                 kind: .heatmap(labels: names, values: matrix))),
        ]
        if let most, let least {
            blocks.append(.note("Most alike: \(most.0) and \(most.1) (\(String(format: "%.2f", most.2))); "
                                + "least: \(least.0) and \(least.1) (\(String(format: "%.2f", least.2)))."))
        }
        return Handout.Section(id: "overlap", title: "How much the algorithms agree", blocks: blocks)
    }

    // MARK: Formulas

    static func formulas(_ input: HandoutInput, lists: [Listed]) -> Handout.Section {
        let text = FormulaText(unicode: true, names: ExplanationText(dataset: input.dataset))
        var blocks: [Handout.Block] = [.paragraph(
            "One worked formula per family of algorithms: the model's formula for its top film, with your own numbers "
                + "filled in, ending in the model's score (the formula view, f on the Explain screen).")]
        let known = Set(families.flatMap(\.algorithms))
        let all = families + lists.map(\.model.name).filter { !known.contains($0) }.map { ($0, [$0]) }
        for family in all {
            guard let (m, l) = lists.first(where: { family.algorithms.contains($0.model.name) && !$0.listing.items.isEmpty })
            else { continue }
            let item = l.explanations[0].item
            let f = m.workedFormula(input.profile, item: item)
            let what = f.meaning == .predictedRating ? "predicted rating" : "ranking score"
            blocks.append(.group([
                .heading("\(family.name): \(m.name) on \(input.dataset.catalog[item].title)"),
                .preformatted(text.lines(f, width: formulaWidth).map(\.text)),
                .note("Result: \(what) \(text.number(f.value)) — the number \(m.name) ranks it by."),
            ]))
        }
        return Handout.Section(id: "formulas", title: "The formulas, with your numbers", blocks: blocks)
    }
}

/// Short numbers for the handout's text: "4", "3.5", "3.72".
enum FormulaNumber {
    static func short(_ v: Float, decimals: Int = 1) -> String {
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: "%.\(decimals)f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

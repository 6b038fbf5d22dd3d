import RecsysEngine

/// Compare's class row: how personal each algorithm's lists are across the class.
public struct ClassCompare: Sendable {
    /// The profile generation the learner's own lists belong to.
    public var generation: Int
    /// Learners compared (the classmates plus the learner).
    public var learners: Int
    /// Per algorithm: personalization = 1 − mean Jaccard overlap of the top 10 over every pair of
    /// learners (1: nobody shares a film, 0: everyone gets the same list), and the mean overlap
    /// of the learner's own top 10 with each classmate's.
    public var rows: [String: (personalization: Double, overlap: Double)]
}

/// Computes `ClassCompare`: every classmate's top 10 under each fitted model, folded in from their
/// ratings in `dataset` (fold-in, not the training row: a model fitted before the classmate joined
/// has no row for them), against the learner's own lists.
///
/// Complexity: models × classmates × one `recommend`, plus O(learners² · 10) per model.
public struct ClassCompareJob: Sendable {
    public var generation: Int
    public var dataset: Dataset
    public var models: [NamedModel]
    /// The learner's own top 10 per algorithm.
    public var mine: [String: [Int32]]

    public init(generation: Int, dataset: Dataset, models: [NamedModel], mine: [String: [Int32]]) {
        self.generation = generation
        self.dataset = dataset
        self.models = models
        self.mine = mine
    }

    public func run() -> ClassCompare {
        let profiles = dataset.roster.users.map { u -> Profile in
            let row = dataset.ratings.row(u)
            return Profile(zip(row.items, row.ratings))
        }
        var rows: [String: (Double, Double)] = [:]
        for nm in models {
            guard let own = mine[nm.name] else { continue }
            let theirs = profiles.map { p in nm.model.recommend(p, count: 10).map(\.item) }
            let all = theirs + [own]
            var sum = 0.0, pairs = 0
            for a in 0..<all.count {
                for b in (a + 1)..<all.count {
                    sum += Double(Metrics.overlap(all[a], all[b]))
                    pairs += 1
                }
            }
            let personalization = pairs > 0 ? 1 - sum / Double(pairs) : 0
            let overlap = theirs.isEmpty ? 0 : theirs.map { Double(Metrics.overlap(own, $0)) }.reduce(0, +) / Double(theirs.count)
            rows[nm.name] = (personalization, overlap)
        }
        return ClassCompare(generation: generation, learners: profiles.count + 1, rows: rows)
    }
}

/// Asks for the class row when Compare is open in class mode and the learner's lists are current.
func requestClassCompare(_ state: inout AppState, effects: inout [Effect]) {
    guard state.classMode.on, state.screen == .compare, !state.dataset.roster.isEmpty,
          state.resultsGeneration == state.generation, state.classMode.compareAsked != state.generation else { return }
    state.classMode.compareAsked = state.generation
    let mine = state.results.mapValues { Array($0.rows.prefix(10).map(\.item)) }
    effects.append(.classCompare(ClassCompareJob(generation: state.generation, dataset: state.dataset,
                                                 models: state.fittedModels, mine: mine)))
}

/// Compare's class lines: one row per algorithm (personalization, overlap with the learner).
func classCompareLines(_ state: AppState, width: Int, theme: Theme) -> [Line] {
    guard state.classMode.on else { return [] }
    var lines: [Line] = [Line("Class (\(state.dataset.roster.count) classmates + you, top 10)", theme.title)]
    guard let c = state.classMode.compare else {
        lines.append(Line(state.dataset.roster.isEmpty ? "no classmate has rated yet" : "comparing the class's lists…", theme.dim))
        return lines
    }
    let labelW = min(12, (state.algorithms.map { DisplayWidth.of($0) }.max() ?? 4) + 1)
    lines.append(Line([Span(DisplayWidth.pad("", to: labelW)), Span(" personalization  overlap with you", theme.dim)]))
    for name in state.algorithms {
        guard let r = c.rows[name] else { continue }
        lines.append(Line([Span(DisplayWidth.pad(name, to: labelW), theme.dim),
                           Span(fixed(r.personalization, 2, width: 16) + " " + fixed(r.overlap, 2, width: 8))]))
    }
    for l in wrap("personalization: 1 − mean Jaccard overlap of every pair of learners' top 10 · "
                  + "overlap: mean Jaccard of your top 10 with each classmate's", width: width) {
        lines.append(Line(l, theme.dim))
    }
    return lines
}

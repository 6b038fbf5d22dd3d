// The kNN rating path (`mode=rating`, `prediction=baseline`, the default prediction) as its formula:
// r̂_ui = μ + b_u + b_i + Σ_n ω_n · d_n with d_n the neighbour's centred rating (its rating minus
// its baseline) and ω_n = s_n / (β + Σ s) its weight. Top-N and the other predictions are read
// from the explanation's terms (`WorkedFormula.fromTerms`).

extension WorkedFormula {
    /// μ + b_u + b_i + Σ w·c over the neighbours used, clamped to the scale, with the neighbour table.
    static func knnRating(_ e: Explanation, biases: BiasModel, userBias bu: Float, item: Int32,
                          neighbours: [(subject: Subject, sim: Float, rating: Float, centred: Float)], damping: Float,
                          index: String, kind: TableKind) -> WorkedFormula {
        let den = neighbours.reduce(Float(0)) { $0 + $1.sim } + damping
        let w = FormulaSymbol("ω", index), c = FormulaSymbol("d", index)
        let terms = neighbours.map { FormulaNode.product([.leaf(w, den > 0 ? $0.sim / den : 0), .leaf(c, $0.centred)]) }
        let series = FormulaSeries.largest(index: index, template: .product([.leaf(w, 0), .leaf(c, 0)]), terms: terms,
                                           limit: shownTerms)
        let rows = neighbours.map { n in
            Row(n.subject, [n.sim, n.rating, n.centred, den > 0 ? n.sim / den : 0, den > 0 ? n.sim / den * n.centred : 0])
        }.sorted { abs($0.cells[4] ?? 0) > abs($1.cells[4] ?? 0) }
        let table = Table(kind: kind, columns: [FormulaSymbol("s", index), FormulaSymbol("r", index), c, w, FormulaSymbol("t")],
                          rows: Array(rows.prefix(tableRows)), hidden: max(0, rows.count - tableRows))
        let f = WorkedFormula(algorithm: e.algorithm, item: item, meaning: .predictedRating, target: FormulaSymbol("r̂", "ui"),
                              expression: .sum([.v("μ", "", biases.globalMean), .v("b", "u", bu),
                                                .v("b", "i", biases.bias(of: item)), .series(series)]),
                              tables: [table], notes: e.notes, score: e.score)
        let clamped = f.clamped(to: biases.scale)
        // Only when the formula reproduces the model (it always should); else the terms, with their remainder.
        return abs(clamped.value - e.score) <= 1e-4 * max(1, abs(e.score)) ? clamped : fromTerms(e)
    }
}

extension UserKNNRecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let e = explain(profile, item: item)
        guard knn.mode == .rating, knn.prediction == .baseline, item >= 0, Int(item) < matrix.itemCount,
              !e.notes.contains(.fallbackEstimate), !profile.isEmpty else { return .fromTerms(e) }
        let nb = usedNeighbours(profile, item: item)
        guard nb.count >= knn.minK else { return .fromTerms(e) }
        let used = nb.map { n -> (subject: WorkedFormula.Subject, sim: Float, rating: Float, centred: Float) in
            (.user(n.user), n.sim, n.rating, n.rating - (biases.globalMean + biases.userBias[Int(n.user)] + biases.bias(of: item)))
        }
        return .knnRating(e, biases: biases, userBias: biases.userBias(profile), item: item, neighbours: used,
                          damping: knn.damping, index: "v", kind: .neighbours)
    }
}

extension ItemKNNRecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let e = explain(profile, item: item)
        guard knn.mode == .rating, knn.prediction == .baseline, item >= 0, Int(item) < biases.itemBias.count,
              !e.notes.contains(.fallbackEstimate), !profile.isEmpty else { return .fromTerms(e) }
        let bu = biases.userBias(profile)
        let nb = usedNeighbours(item, dense: denseRatings(profile, itemCount: biases.itemBias.count))
        guard nb.count >= knn.minK else { return .fromTerms(e) }
        let used = nb.map { n -> (subject: WorkedFormula.Subject, sim: Float, rating: Float, centred: Float) in
            (.item(n.item), n.sim, n.rating, n.rating - (biases.globalMean + bu + biases.bias(of: n.item)))
        }
        return .knnRating(e, biases: biases, userBias: bu, item: item, neighbours: used, damping: knn.damping,
                          index: "j", kind: .ratedItems)
    }
}

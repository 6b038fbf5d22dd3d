// Each family's worked formula where the explanation's terms do not carry every number
// (popularity's counts, the factors p_uf and q_if, the TF-IDF weights, the tower outputs).
// The others (kNN, EASE, hybrid, demographic) are read from their explanations' terms.

extension WorkedFormula {
    /// Wraps the expression in the scale's clamp when the model clamped its prediction, dropping
    /// the explanation's remainder (the clamp is what it stood for).
    func clamped(to scale: RatingScale) -> WorkedFormula {
        guard meaning == .predictedRating else { return self }
        var out = self
        if case .sum(var xs) = expression {
            xs.removeAll { if case .leaf(let s, _) = $0, s == FormulaSymbol("ε") { return true }; return false }
            out.expression = .sum(xs)
        }
        let raw = out.expression.value
        if raw < scale.min || raw > scale.max { out.expression = .clamp(out.expression, lower: scale.min, upper: scale.max) }
        // Keep the remainder if the clamp does not account for it.
        return abs(out.value - score) <= 1e-4 * max(1, abs(score)) ? out : self
    }

    /// Σ_f a_f · b_f over `k` factors: the largest terms and a table of them.
    static func dot(_ a: FormulaSymbol, _ x: [Float], _ b: FormulaSymbol, _ y: [Float], index: String, k: Int,
                    kind: TableKind = .factors) -> (FormulaNode, Table) {
        let n = min(k, x.count, y.count)
        let nodes = (0..<n).map { FormulaNode.product([.leaf(a, x[$0]), .leaf(b, y[$0])]) }
        let series = FormulaSeries.largest(index: index, template: .product([.leaf(a, 0), .leaf(b, 0)]), terms: nodes,
                                           limit: shownTerms)
        let size: [Float] = (0..<n).map { abs(x[$0] * y[$0]) }
        let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in size[a] != size[b] ? size[a] > size[b] : a < b }
        let picked = kind == .towerOutputs ? Array(0..<min(n, tableRows)) : Array(order.prefix(tableRows))
        let rows = picked.map { f in
            Row(kind == .towerOutputs ? .dimension(f + 1) : .factor(f + 1), [x[f], y[f], x[f] * y[f]])
        }
        return (.series(series), Table(kind: kind, columns: [a, b, FormulaSymbol("t")], rows: rows,
                                       hidden: max(0, n - rows.count)))
    }

    /// The rated films whose item vectors lie nearest the scored film's (cosine), as a table.
    static func nearestRated(_ profile: Profile, item: Int32, vector: (Int32) -> [Float]?) -> Table {
        guard let yi = vector(item) else { return Table(kind: .nearestRated, columns: [], rows: []) }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            var d: Float = 0, na: Float = 0, nb: Float = 0
            for (x, y) in zip(a, b) { d += x * y; na += x * x; nb += y * y }
            return na > 0 && nb > 0 ? d / (na * nb).squareRoot() : 0
        }
        var rows: [Row] = []
        for (j, r) in zip(profile.items, profile.ratings) where j != item {
            if let yj = vector(j) { rows.append(Row(.item(j), [r, cosine(yi, yj)])) }
        }
        rows.sort { ($0.cells[1] ?? 0) > ($1.cells[1] ?? 0) }
        return Table(kind: .nearestRated, columns: [FormulaSymbol("r", "uj"), FormulaSymbol("cos", "ij")],
                     rows: Array(rows.prefix(5)), hidden: max(0, rows.count - 5))
    }
}

extension BaselineRecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        WorkedFormula.fromTerms(explain(profile, item: item)).clamped(to: biases.scale)
    }
}

extension PopularityRecommender {
    /// by=count: |U_i| + r̄_i/(max + 1); by=mean: r̄_i = (Σ r + m·μ)/(|U_i| + m).
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let i = Int(item)
        guard i >= 0, i < counts.count else { return .fromTerms(explain(profile, item: item)) }
        let m = parameters.float("damping")
        let n = Float(counts[i])
        let sum = means[i] * (n + m) - m * globalMean
        let mean: FormulaNode = .quotient(.sum([.v("Σr", "i", sum), .product([.v("m", "", m), .v("μ", "", globalMean)])]),
                                          .sum([.v("|U|", "i", n), .v("m", "", m)]))
        let expression: FormulaNode = parameters.string("by") == "count"
            ? .sum([.v("|U|", "i", n), .quotient(mean, .v("max+1", "", scale.max + 1))]) : mean
        return WorkedFormula(algorithm: Self.name, item: item, meaning: .popularity, target: FormulaSymbol("s", "i"),
                             expression: expression, score: itemScores[i])
    }
}

extension BiasedFactorModel {
    /// μ + b_u + b_i + Σ_f p_uf·q_if, clamped to the scale.
    func workedFormula(_ user: FactorUser, profile: Profile, item: Int32, explanation e: Explanation) -> WorkedFormula {
        guard biases.knows(item), !profile.isEmpty else { return WorkedFormula.fromTerms(e).clamped(to: biases.scale) }
        let k = items.factors
        let p = (0..<k).map { user.vector[$0 / 8][$0 % 8] }
        let q = (0..<k).map { items.value(Int(item), $0) }
        let (series, table) = WorkedFormula.dot(FormulaSymbol("p", "uf"), p, FormulaSymbol("q", "if"), q, index: "f", k: k)
        let expression: FormulaNode = .sum([.v("μ", "", biases.globalMean), .v("b", "u", user.bias),
                                            .v("b", "i", biases.bias(of: item)), series])
        let f = WorkedFormula(algorithm: e.algorithm, item: item, meaning: .predictedRating, target: FormulaSymbol("r̂", "ui"),
                              expression: expression, tables: [table], notes: e.notes, score: e.score)
        return f.clamped(to: biases.scale)
    }
}

extension SVDRecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let u = user(profile)
        return model.workedFormula(u, profile: profile, item: item,
                                   explanation: model.explain(u, profile: profile, item: item, algorithm: Self.name))
    }
}

extension SVDppRecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        model.workedFormula(user(profile), profile: profile, item: item, explanation: explain(profile, item: item))
    }
}

extension ContentRecommender {
    /// s_i = Σ_f p_f·v_if / ‖p‖ (+ the popularity tie-break): the features the film shares with the profile.
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let e = explain(profile, item: item)
        guard !profile.isEmpty, item >= 0, Int(item) < catalog.count else { return .fromTerms(e) }
        let (p, norm) = profileVector(profile)
        guard norm > 1e-9 else { return .fromTerms(e) }
        var names: [String] = [], pf: [Float] = [], vf: [Float] = []
        for q in itemStart[Int(item)]..<itemStart[Int(item) + 1] where p[Int(itemFeatures[q])] != 0 {
            names.append(featureNames[Int(itemFeatures[q])])
            pf.append(p[Int(itemFeatures[q])])
            vf.append(itemWeights[q])
        }
        let (series, _) = WorkedFormula.dot(FormulaSymbol("p", "f"), pf, FormulaSymbol("v", "if"), vf, index: "f", k: pf.count)
        var parts: [FormulaNode] = [.quotient(series, .v("‖p‖", "", norm))]
        let tie = tieBreak(Int(item))
        if tie > 0 { parts.append(.v("π", "i", tie)) }
        let order = pf.indices.sorted { abs(pf[$0] * vf[$0]) > abs(pf[$1] * vf[$1]) }
        let rows = order.prefix(WorkedFormula.tableRows).map {
            WorkedFormula.Row(.feature(names[$0]), [pf[$0], vf[$0], pf[$0] * vf[$0] / norm])
        }
        let table = WorkedFormula.Table(kind: .features, columns: [FormulaSymbol("p", "f"), FormulaSymbol("v", "if"),
                                                                   FormulaSymbol("t")],
                                        rows: rows, hidden: max(0, pf.count - rows.count))
        return WorkedFormula(algorithm: Self.name, item: item, meaning: e.meaning, target: FormulaSymbol("s", "ui"),
                             expression: parts.count == 1 ? parts[0] : .sum(parts), tables: [table], notes: e.notes,
                             score: e.score)
    }
}

extension EASERecommender {
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        .fromTerms(explain(profile, item: item), symbols: .ease)
    }
}

extension WorkedFormula {
    /// s_ui = x_uᵀy_i (+ b_i) = Σ_f x_uf·y_if (+ b_i), for the factor models that score by the dot product of a
    /// user vector and item factors (ALS, BPR), with the rated films whose y_j lie nearest y_i.
    /// `factors` holds `itemCount` rows of `ld` floats, the first `k` of each used.
    static func userItemDot(_ m: some Recommender, _ profile: Profile, item: Int32, user: (Profile) -> [Float]?,
                            factors: [Float], ld: Int, k: Int, itemCount: Int, itemBias: [Float]? = nil,
                            notes: [Explanation.Note]) -> WorkedFormula {
        guard Int(item) >= 0, Int(item) < itemCount, let x = user(profile) else {
            return .fromTerms(m.explain(profile, item: item))
        }
        func row(_ j: Int32) -> [Float]? { j >= 0 && Int(j) < itemCount ? Array(factors[Int(j) * ld..<Int(j) * ld + k]) : nil }
        let (series, table) = dot(FormulaSymbol("x", "uf"), x, FormulaSymbol("y", "if"), row(item) ?? [], index: "f", k: k)
        let near = nearestRated(profile, item: item, vector: row)
        let expression = itemBias.map { FormulaNode.sum([series, .v("b", "i", $0[Int(item)])]) } ?? series
        return WorkedFormula(algorithm: m.name, item: item, meaning: .rankingScore, target: FormulaSymbol("s", "ui"),
                             expression: expression, tables: [table, near], notes: notes,
                             score: m.scores(profile)[Int(item)])
    }
}

extension ALSRecommender {
    /// s_ui = x_uᵀy_i = Σ_f x_uf·y_if, and the rated films whose y_j lie nearest y_i.
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        .userItemDot(self, profile, item: item, user: userVector, factors: itemFactors, ld: ld, k: k,
                     itemCount: itemCount, notes: feedback.notes)
    }
}

extension BPRRecommender {
    /// s_ui = x_uᵀy_i + b_i, and the rated films whose y_j lie nearest y_i.
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        .userItemDot(self, profile, item: item, user: userVector, factors: itemFactors, ld: ld, k: k,
                     itemCount: itemCount, itemBias: itemBias, notes: feedback.notes)
    }
}

extension TowerRecommenderBase {
    /// The two tower outputs q_u and c_i (their first dimensions in the table).
    func towerOutputs(_ profile: Profile, item: Int32) -> (q: [Float], c: [Float])? {
        guard let net = network, item >= 0, Int(item) < itemCount, let q = query(profile) else { return nil }
        let d = net.config.dim
        return (q, Array(net.itemEmbeddings[Int(item) * d..<Int(item) * d + d]))
    }
}

extension TwoTowerRecommender {
    /// s_ui = q_u · c_i = Σ_d q_ud·c_id.
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        let e = explain(profile, item: item)
        guard !(profile.isEmpty && profile.trainingUser == nil), let (q, c) = towerOutputs(profile, item: item) else {
            return .fromTerms(e)
        }
        let (series, table) = WorkedFormula.dot(FormulaSymbol("q", "ud"), q, FormulaSymbol("c", "id"), c, index: "d",
                                                k: q.count, kind: .towerOutputs)
        return WorkedFormula(algorithm: Self.name, item: item, meaning: .rankingScore, target: FormulaSymbol("s", "ui"),
                             expression: series, tables: [table], notes: e.notes, score: e.score)
    }
}

extension RankingRecommender {
    /// r̂ = μ + b_i (+ b_u) + MLP([q; c; q⊙c]), with the tower outputs' first dimensions.
    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        var f = WorkedFormula.fromTerms(explain(profile, item: item))
        if let (q, c) = towerOutputs(profile, item: item) {
            let n = min(q.count, WorkedFormula.tableRows)
            f.tables.append(WorkedFormula.Table(kind: .towerOutputs, columns: [FormulaSymbol("q", "ud"), FormulaSymbol("c", "id")],
                                                rows: (0..<n).map { WorkedFormula.Row(.dimension($0 + 1), [q[$0], c[$0]]) },
                                                hidden: q.count - n))
        }
        return f
    }
}

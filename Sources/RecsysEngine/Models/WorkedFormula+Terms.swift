/// The symbols a model's itemised terms are written with: the two factors of a rated-item term
/// (w_j · S_ji for item-kNN, x_uj · B_ji for EASE) and of a neighbour term (s_uv · f_vi).
public struct TermSymbols: Sendable {
    public var index: String
    public var signal: FormulaSymbol
    public var weight: FormulaSymbol
    public var neighbourIndex: String
    public var similarity: FormulaSymbol
    public var neighbourSignal: FormulaSymbol

    public init(index: String = "j", signal: FormulaSymbol = FormulaSymbol("w", "j"),
                weight: FormulaSymbol = FormulaSymbol("S", "ji"), neighbourIndex: String = "v",
                similarity: FormulaSymbol = FormulaSymbol("s", "uv"), neighbourSignal: FormulaSymbol = FormulaSymbol("f", "vi")) {
        self.index = index
        self.signal = signal
        self.weight = weight
        self.neighbourIndex = neighbourIndex
        self.similarity = similarity
        self.neighbourSignal = neighbourSignal
    }

    public static let standard = TermSymbols()
    /// EASE: Σ_j x_uj · B_ji.
    public static let ease = TermSymbols(signal: FormulaSymbol("x", "uj"), weight: FormulaSymbol("B", "ji"))
    /// ALS (implicit's explain): Σ_j c_j p_j · y_iᵀA_u⁻¹y_j, the weight being the confidence.
    public static let als = TermSymbols(signal: FormulaSymbol("p", "j"), weight: FormulaSymbol("c", "j"))
}

extension WorkedFormula {
    /// How many terms of a sum are written out; the rest are "the other k terms".
    public static let shownTerms = 4
    /// How many rows a table keeps.
    public static let tableRows = 8

    /// The worked formula read from an explanation's terms: the biases, then one Σ per kind of
    /// itemised term (rated films, neighbours, features, factors, components, groups), then the
    /// leaves that have no finer reading (an embedding, popularity, what is not itemised).
    /// A term whose two factors multiply to its value is written as that product.
    public static func fromTerms(_ e: Explanation, symbols: TermSymbols = .standard) -> WorkedFormula {
        var parts: [FormulaNode] = []
        var tables: [Table] = []
        let limit = shownTerms
        func product(_ a: FormulaSymbol, _ x: Float?, _ b: FormulaSymbol, _ y: Float?, value: Float,
                     otherwise: FormulaSymbol) -> FormulaNode {
            if let x, let y, abs(x * y - value) <= 1e-5 * max(1, abs(value)) {
                return .product([.leaf(a, x), .leaf(b, y)])
            }
            return .leaf(otherwise, value)
        }
        for t in e.terms where t.kind == .bias { parts.append(.leaf(biasSymbol(t.name), t.value)) }

        let rated = e.terms.filter { $0.kind == .ratedItem || $0.kind == .dislike }
        if !rated.isEmpty {
            let j = symbols.index
            let termSymbol = FormulaSymbol("t", j)
            let nodes = rated.map {
                product(symbols.signal, $0.signal, symbols.weight, $0.weight, value: $0.value, otherwise: termSymbol)
            }
            let products = nodes.allSatisfy { if case .product = $0 { return true }; return false }
            let template: FormulaNode = products ? .product([.leaf(symbols.signal, 0), .leaf(symbols.weight, 0)])
                : .leaf(termSymbol, 0)
            parts.append(.series(.largest(index: j, template: template, terms: nodes, limit: limit)))
            tables.append(table(.ratedItems, rated, columns: [FormulaSymbol("r", "u" + j), symbols.signal, symbols.weight]) {
                ($0.item.map(Subject.item) ?? .symbol(termSymbol), [$0.rating, $0.signal, $0.weight])
            })
        }

        let neighbours = e.terms.filter { $0.kind == .neighbour }
        if !neighbours.isEmpty {
            let v = symbols.neighbourIndex
            let termSymbol = FormulaSymbol("t", v)
            let nodes = neighbours.map {
                product(symbols.similarity, $0.weight, symbols.neighbourSignal, $0.signal, value: $0.value, otherwise: termSymbol)
            }
            let products = nodes.allSatisfy { if case .product = $0 { return true }; return false }
            let template: FormulaNode = products
                ? .product([.leaf(symbols.similarity, 0), .leaf(symbols.neighbourSignal, 0)]) : .leaf(termSymbol, 0)
            parts.append(.series(.largest(index: v, template: template, terms: nodes, limit: limit)))
            tables.append(table(.neighbours, neighbours,
                                columns: [symbols.similarity, FormulaSymbol("r", v + "i"), symbols.neighbourSignal]) {
                ($0.user.map(Subject.user) ?? .symbol(termSymbol), [$0.weight, $0.rating, $0.signal])
            })
        }

        let features = e.terms.filter { $0.kind == .feature }
        if !features.isEmpty {
            let nodes = features.map { FormulaNode.leaf(FormulaSymbol("t", "f"), $0.value) }
            parts.append(.series(.largest(index: "f", template: .leaf(FormulaSymbol("t", "f"), 0), terms: nodes, limit: limit)))
            tables.append(table(.features, features, columns: [FormulaSymbol("p", "f"), FormulaSymbol("n", "f")]) {
                (.feature($0.name ?? ""), [$0.weight, $0.count.map(Float.init)])
            })
        }

        let factors = e.terms.filter { $0.kind == .factor }
        if !factors.isEmpty {
            let nodes = factors.map { FormulaNode.leaf(FormulaSymbol("p·q", "f"), $0.value) }
            parts.append(.series(.largest(index: "f", template: .leaf(FormulaSymbol("p·q", "f"), 0), terms: nodes, limit: limit)))
        }

        let components = e.terms.filter { $0.kind == .component }
        if !components.isEmpty {
            let nodes = components.map { t -> FormulaNode in
                guard let w = t.weight, w != 0 else { return .leaf(FormulaSymbol("t", "c"), t.value) }
                return .product([.leaf(FormulaSymbol("w", "c"), w), .leaf(FormulaSymbol("z", "c"), t.value / w)])
            }
            parts.append(.series(FormulaSeries(index: "c", template: .product([.leaf(FormulaSymbol("w", "c"), 0),
                                                                                .leaf(FormulaSymbol("z", "c"), 0)]),
                                               shown: nodes)))
            tables.append(table(.components, components, columns: [FormulaSymbol("w", "c"), FormulaSymbol("z", "c")]) {
                t in (.component(t.name ?? ""), [t.weight, t.weight.flatMap { $0 != 0 ? t.value / $0 : nil }])
            })
        }

        let groups = e.terms.filter { $0.kind == .group }
        if !groups.isEmpty {
            for g in groups {
                let name = g.name == "everyone" ? "all" : "g"
                if let w = g.weight, w != 0 {
                    parts.append(.product([.leaf(FormulaSymbol("λ", name), w), .leaf(FormulaSymbol("p", name), g.value / w)]))
                } else {
                    parts.append(.leaf(FormulaSymbol("p", name), g.value))
                }
            }
            tables.append(table(.groups, groups, columns: [FormulaSymbol("n", "liked"), FormulaSymbol("n"), FormulaSymbol("λ")]) {
                (.group($0.name ?? ""), [$0.count.map(Float.init), $0.total.map(Float.init), $0.weight])
            })
        }

        for t in e.terms {
            switch t.kind {
            case .embedding: parts.append(.leaf(embeddingSymbol(t.name), t.value))
            case .popularity: parts.append(.leaf(FormulaSymbol("π", "i"), t.value))
            case .remainder: parts.append(.leaf(FormulaSymbol("ε"), t.value))
            default: break
            }
        }
        let expression: FormulaNode = parts.count == 1 ? parts[0] : .sum(parts)
        return WorkedFormula(algorithm: e.algorithm, item: e.item, meaning: e.meaning, target: target(for: e.meaning),
                             expression: expression, tables: tables, notes: e.notes, score: e.score)
    }

    /// A table of the largest terms: each row's cells, then the term itself.
    static func table(_ kind: TableKind, _ terms: [Explanation.Term], columns: [FormulaSymbol],
                      row: (Explanation.Term) -> (Subject, [Float?])) -> Table {
        let sorted = terms.enumerated().sorted { abs($0.element.value) != abs($1.element.value)
            ? abs($0.element.value) > abs($1.element.value) : $0.offset < $1.offset }.map(\.element)
        let rows = sorted.prefix(tableRows).map { t -> Row in
            let (s, cells) = row(t)
            return Row(s, cells + [t.value])
        }
        return Table(kind: kind, columns: columns + [FormulaSymbol("term")], rows: rows,
                     hidden: max(0, terms.count - tableRows))
    }

    /// μ, b_u, b_i, μ_i, μ_u as symbols.
    static func biasSymbol(_ name: String?) -> FormulaSymbol {
        guard let name else { return FormulaSymbol("b") }
        let parts = name.split(separator: "_", maxSplits: 1)
        return parts.count == 2 ? FormulaSymbol(String(parts[0]), String(parts[1])) : FormulaSymbol(name)
    }

    static func embeddingSymbol(_ name: String?) -> FormulaSymbol {
        switch name {
        case "user": return FormulaSymbol("e·c", "u")
        case "MLP": return FormulaSymbol("MLP")
        default: return FormulaSymbol(name ?? "e")
        }
    }
}

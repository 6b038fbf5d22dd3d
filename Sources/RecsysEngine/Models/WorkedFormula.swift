/// A model's prediction for one profile and film as its formula with every number filled in.
///
/// It is data, not text: `expression` is a tree of symbols with their values, so the UI can write
/// it symbolically ("r̂_ui = μ + b_u + b_i"), with the numbers ("= 3.53 + 0.21 + 0.40") and the
/// result, in Unicode or ASCII. `value` evaluates the tree from its leaves, so the numbers shown
/// really compute the result; the conformance suite checks that it equals the model's score.
/// `tables` hold the rows behind a sum (the neighbour table, the shared features, the factors).
public struct WorkedFormula: Sendable, Equatable {
    /// A table's rows and columns (the UI names the table by its kind).
    public enum TableKind: String, Sendable, Equatable {
        case neighbours, ratedItems, features, factors, towerOutputs, nearestRated, components, groups, popularity
    }

    public struct Table: Sendable, Equatable {
        public var kind: TableKind
        /// Column headers as symbols (s_uv, r_vi, …).
        public var columns: [FormulaSymbol]
        public var rows: [Row]
        /// Rows not listed (the table keeps the largest).
        public var hidden: Int

        public init(kind: TableKind, columns: [FormulaSymbol], rows: [Row], hidden: Int = 0) {
            self.kind = kind
            self.columns = columns
            self.rows = rows
            self.hidden = hidden
        }
    }

    public struct Row: Sendable, Equatable {
        public var subject: Subject
        /// One cell per column; nil when the column does not apply.
        public var cells: [Float?]

        public init(_ subject: Subject, _ cells: [Float?]) {
            self.subject = subject
            self.cells = cells
        }
    }

    /// What a row is about.
    public enum Subject: Sendable, Equatable {
        case item(Int32), user(Int32), feature(String), factor(Int), dimension(Int), component(String)
        case group(String), symbol(FormulaSymbol)
    }

    public var algorithm: String
    public var item: Int32
    public var meaning: Explanation.ScoreMeaning
    /// The left-hand side: r̂_ui for a predicted rating, s_ui for a ranking score.
    public var target: FormulaSymbol
    public var expression: FormulaNode
    public var tables: [Table]
    public var notes: [Explanation.Note]
    /// The model's own score (the explanation's), which `value` must equal.
    public var score: Float

    public init(algorithm: String, item: Int32, meaning: Explanation.ScoreMeaning, target: FormulaSymbol,
                expression: FormulaNode, tables: [Table] = [], notes: [Explanation.Note] = [], score: Float) {
        self.algorithm = algorithm
        self.item = item
        self.meaning = meaning
        self.target = target
        self.expression = expression
        self.tables = tables
        self.notes = notes
        self.score = score
    }

    /// The result, evaluated from the leaves.
    public var value: Float { expression.value }

    /// The usual left-hand side for a meaning.
    public static func target(for meaning: Explanation.ScoreMeaning) -> FormulaSymbol {
        meaning == .predictedRating ? FormulaSymbol("r̂", "ui") : FormulaSymbol("s", "ui")
    }
}

/// A mathematical symbol: a base ("μ", "b", "sim", "‖p‖") and an optional subscript ("u", "ui", "uf").
/// The UI writes the subscript with Unicode subscript letters where every letter has one, else as "_ui".
public struct FormulaSymbol: Sendable, Equatable, Hashable {
    public var base: String
    public var sub: String

    public init(_ base: String, _ sub: String = "") {
        self.base = base
        self.sub = sub
    }
}

/// A node of a worked formula: symbols with values, combined by sums, products and quotients.
public indirect enum FormulaNode: Sendable, Equatable {
    /// A named number: μ = 3.53.
    case leaf(FormulaSymbol, Float)
    case sum([FormulaNode])
    case product([FormulaNode])
    case difference(FormulaNode, FormulaNode)
    case quotient(FormulaNode, FormulaNode)
    /// Σ over an index, its largest terms shown and the others summed.
    case series(FormulaSeries)
    /// The inner value clamped to the rating scale [lower, upper].
    case clamp(FormulaNode, lower: Float, upper: Float)

    /// The node's value computed from its leaves.
    public var value: Float {
        switch self {
        case .leaf(_, let v): return v
        case .sum(let xs): return xs.reduce(0) { $0 + $1.value }
        case .product(let xs): return xs.reduce(1) { $0 * $1.value }
        case .difference(let a, let b): return a.value - b.value
        case .quotient(let a, let b):
            let d = b.value
            return d == 0 ? 0 : a.value / d
        case .series(let s): return s.value
        case .clamp(let x, let lo, let hi): return min(max(x.value, lo), hi)
        }
    }

    /// Every leaf, depth first (for tests and renderers).
    public var leaves: [(FormulaSymbol, Float)] {
        switch self {
        case .leaf(let s, let v): return [(s, v)]
        case .sum(let xs), .product(let xs): return xs.flatMap(\.leaves)
        case .difference(let a, let b), .quotient(let a, let b): return a.leaves + b.leaves
        case .series(let s): return s.shown.flatMap(\.leaves)
        case .clamp(let x, _, _): return x.leaves
        }
    }
}

/// Σ_index template: the largest terms with their numbers, and "the other k terms" as one sum.
public struct FormulaSeries: Sendable, Equatable {
    /// The summation index ("f", "v", "j").
    public var index: String
    /// The symbolic term (its values are not used): p_uf · q_if.
    public var template: FormulaNode
    /// The largest terms, numbers filled in.
    public var shown: [FormulaNode]
    /// How many terms are not shown, and their sum.
    public var otherCount: Int
    public var otherSum: Float

    public init(index: String, template: FormulaNode, shown: [FormulaNode], otherCount: Int = 0, otherSum: Float = 0) {
        self.index = index
        self.template = template
        self.shown = shown
        self.otherCount = otherCount
        self.otherSum = otherSum
    }

    public var value: Float { shown.reduce(0) { $0 + $1.value } + otherSum }

    /// A series of `terms`, keeping the `limit` largest by magnitude (in that order) and summing the rest.
    public static func largest(index: String, template: FormulaNode, terms: [FormulaNode], limit: Int) -> FormulaSeries {
        let order = terms.indices.sorted { abs(terms[$0].value) != abs(terms[$1].value)
            ? abs(terms[$0].value) > abs(terms[$1].value) : $0 < $1 }
        let keep = order.prefix(limit).map { terms[$0] }
        let rest = order.dropFirst(limit).reduce(Float(0)) { $0 + terms[$1].value }
        return FormulaSeries(index: index, template: template, shown: keep, otherCount: max(0, terms.count - limit),
                             otherSum: rest)
    }
}

extension FormulaNode {
    /// A leaf from a symbol's parts.
    public static func v(_ base: String, _ sub: String = "", _ value: Float) -> FormulaNode {
        .leaf(FormulaSymbol(base, sub), value)
    }
}

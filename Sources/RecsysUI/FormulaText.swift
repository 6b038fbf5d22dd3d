import RecsysEngine

/// Writes a `WorkedFormula` (data from the engine) as text: the formula in symbols, the same
/// formula with the numbers filled in, the result, a "where" line naming each symbol, and the
/// tables behind the sums. With `unicode` it uses Σ, ·, ‖ ‖ and subscript letters; without it,
/// plain ASCII of the same layout (sum, *, |p|, _ui), for terminals or locales that cannot show them.
/// It lives beside `ExplanationText` so every surface that shows a formula (today the Explain
/// screen's `f`) writes it the same way.
public struct FormulaText: Sendable {
    public var unicode: Bool
    public var names: ExplanationText

    public init(unicode: Bool, names: ExplanationText) {
        self.unicode = unicode
        self.names = names
    }

    /// Whether the locale can show Unicode: LC_ALL, else LC_CTYPE, else LANG names UTF-8.
    public static func unicodeLocale(_ environment: [String: String]) -> Bool {
        let value = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let v = value.lowercased()
        return v.contains("utf-8") || v.contains("utf8")
    }

    // MARK: Symbols

    private static let subscripts: [Character: Character] = [
        "a": "ₐ", "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ", "o": "ₒ",
        "p": "ₚ", "r": "ᵣ", "s": "ₛ", "t": "ₜ", "u": "ᵤ", "v": "ᵥ", "x": "ₓ",
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
    ]

    private static let asciiBases: [String: String] = [
        "μ": "mu", "r̂": "r^", "‖p‖": "|p|", "Σr": "sum r", "π": "pop", "ε": "rest", "λ": "lambda",
        "p·q": "p*q", "e·c": "e*c", "σ": "sigma",
    ]

    /// "bᵤ", "r̂ᵤᵢ", "p_uf" (f has no subscript letter); ASCII "b_u", "r^_ui".
    public func symbol(_ s: FormulaSymbol) -> String {
        let base = unicode ? s.base : ascii(Self.asciiBases[s.base] ?? s.base)
        guard !s.sub.isEmpty else { return base }
        if unicode, s.sub.allSatisfy({ Self.subscripts[$0] != nil }) {
            return base + String(s.sub.map { Self.subscripts[$0]! })
        }
        return base + "_" + (unicode ? s.sub : ascii(s.sub))
    }

    /// Operators and marks in the chosen alphabet.
    private var times: String { unicode ? "·" : "*" }
    private var minus: String { unicode ? "−" : "-" }
    private var ellipsis: String { unicode ? "…" : "..." }
    private func sigma(_ index: String) -> String {
        unicode ? "Σ" + (index.allSatisfy { Self.subscripts[$0] != nil } ? String(index.map { Self.subscripts[$0]! }) : "_" + index)
            : "sum_" + index
    }

    /// Replaces the few non-ASCII letters the engine's symbols use; anything else becomes "?".
    func ascii(_ s: String) -> String {
        let table: [Character: String] = ["μ": "mu", "Σ": "sum", "·": "*", "−": "-", "‖": "|", "π": "pi", "λ": "lambda",
                                          "ε": "eps", "ᵀ": "'", "⁻": "-", "¹": "1", "½": "1/2", "ω": "w", "β": "beta",
                                          "σ": "sigma", "…": "...", "≈": "~", "̂": "^", "⊙": "o", "∞": "inf"]
        var out = ""
        for ch in s {
            if let a = ch.asciiValue, a >= 0x20, a < 0x7F { out.append(ch) } else if let t = table[ch] { out += t } else {
                let scalars = ch.unicodeScalars.map { table[Character($0)] ?? (($0.isASCII) ? String($0) : "?") }
                out += scalars.joined()
            }
        }
        return out
    }

    /// A number as the formula shows it: up to four significant decimals, minus sign in the alphabet.
    public func number(_ v: Float) -> String {
        let a = abs(v)
        let s: String
        if a >= 100 { s = fixed(Double(a), 1) } else if a >= 1 { s = fixed(Double(a), 3) } else if a >= 0.001 || a == 0 {
            s = fixed(Double(a), 4)
        } else { s = fixed(Double(a), 6) }
        return (v < 0 && s.contains(where: { $0 != "0" && $0 != "." }) ? minus : "") + s
    }

    // MARK: Expressions

    /// The formula in symbols: "μ + bᵤ + bᵢ + Σ_f pᵤf·qᵢf".
    public func symbolic(_ n: FormulaNode) -> String {
        switch n {
        case .leaf(let s, _): return symbol(s)
        case .sum(let xs): return xs.map(symbolic).joined(separator: " + ")
        case .product(let xs): return xs.map { wrapSymbolic($0) }.joined(separator: times)
        case .difference(let a, let b): return symbolic(a) + " " + minus + " " + wrapSymbolic(b)
        case .quotient(let a, let b): return wrapSymbolic(a) + " / " + wrapSymbolic(b)
        case .series(let s): return sigma(s.index) + " " + symbolic(s.template)
        case .clamp(let x, let lo, let hi): return "clamp[\(formatRating(lo)),\(formatRating(hi))](" + symbolic(x) + ")"
        }
    }

    private func wrapSymbolic(_ n: FormulaNode) -> String {
        switch n {
        case .sum, .difference, .quotient, .series: return "(" + symbolic(n) + ")"
        default: return symbolic(n)
        }
    }

    /// The same formula with the numbers: "3.530 + 0.2100 − 0.1000 + (0.31·0.52 + … + 46 more 0.12)".
    public func numeric(_ n: FormulaNode) -> String {
        switch n {
        case .leaf(_, let v): return number(v)
        case .sum(let xs): return joinSigned(xs.map(numeric))
        case .product(let xs): return xs.map { wrapNumeric($0) }.joined(separator: times)
        case .difference(let a, let b): return numeric(a) + " " + minus + " " + wrapNumeric(b)
        case .quotient(let a, let b): return wrapNumeric(a) + " / " + wrapNumeric(b)
        case .series(let s):
            var parts = s.shown.map(numeric)
            if s.otherCount > 0 { parts.append("\(ellipsis)\(s.otherCount) more " + number(s.otherSum)) }
            if parts.isEmpty { return "0" }
            return "(" + joinSigned(parts) + ")"
        case .clamp(let x, let lo, let hi): return "clamp[\(formatRating(lo)),\(formatRating(hi))](" + numeric(x) + ")"
        }
    }

    /// "a + b", and "a − b" when b is written with a leading minus.
    private func joinSigned(_ parts: [String]) -> String {
        var out = ""
        for (k, p) in parts.enumerated() {
            if k == 0 { out = p; continue }
            if p.hasPrefix(minus) { out += " " + minus + " " + p.dropFirst(minus.count) } else { out += " + " + p }
        }
        return out
    }

    private func wrapNumeric(_ n: FormulaNode) -> String {
        switch n {
        case .sum, .difference, .quotient: return "(" + numeric(n) + ")"
        case .leaf(_, let v) where v < 0: return "(" + number(v) + ")"
        default: return numeric(n)
        }
    }

    // MARK: Words

    /// What each symbol means, for the "where" line.
    public func meaning(_ s: FormulaSymbol) -> String? {
        switch (s.base, s.sub) {
        case ("μ", ""): return "global mean"
        case ("μ", "u"): return "your mean"
        case ("μ", "i"): return "the film's mean"
        case ("b", "u"): return "your bias"
        case ("b", "i"): return "the film's bias"
        case ("p", "uf"): return "your factor f"
        case ("q", "if"): return "the film's factor f"
        case ("x", "uf"): return "your vector"
        case ("y", "if"): return "the film's vector"
        case ("q", "ud"): return "query tower output"
        case ("c", "id"): return "candidate tower output"
        case ("p", "f"): return "your profile's weight of feature f"
        case ("v", "if"): return "the film's TF-IDF weight of f"
        case ("‖p‖", ""): return "length of your profile"
        case ("π", "i"): return "popularity tie-break"
        case ("w", "j"), ("x", "uj"), ("p", "j"): return "your like (+) or dislike (−) of film j"
        case ("S", "ji"): return "similarity of j and this film"
        case ("B", "ji"): return "EASE weight from j to this film"
        case ("c", "j"): return "confidence of your rating"
        case ("s", "uv"): return "similarity to neighbour v"
        case ("f", "vi"): return "v's like (+) or dislike (−) of the film"
        case ("w", "c"): return "blend weight"
        case ("z", "c"): return "component's standardised score"
        case ("|U|", "i"): return "number of ratings"
        case ("Σr", "i"): return "sum of its ratings"
        case ("m", ""): return "pseudo-ratings (shrinkage)"
        case ("max+1", ""): return "top of the scale + 1"
        case ("ε", ""): return "not itemised (non-linear or clamp)"
        case ("ω", _): return "neighbour weight s/(β + Σs)"
        case ("d", _): return "neighbour's rating minus its baseline (centred)"
        case ("MLP", ""): return "MLP head output"
        case ("λ", _): return "shrinkage weight"
        case ("p", "g"): return "share of your group who liked it"
        case ("p", "all"): return "share of everyone who liked it"
        default: return nil
        }
    }

    func tableTitle(_ k: WorkedFormula.TableKind) -> String {
        switch k {
        case .neighbours: return "Neighbours who rated it (largest terms)"
        case .ratedItems: return "Your rated films in the sum (largest terms)"
        case .features: return "Features it shares with your profile"
        case .factors: return "Largest factor terms"
        case .towerOutputs: return "Tower outputs (first dimensions)"
        case .nearestRated: return "Your rated films whose vectors lie nearest (context)"
        case .components: return "Components of the blend"
        case .groups: return "Groups"
        case .popularity: return "Popularity"
        }
    }

    func subject(_ s: WorkedFormula.Subject) -> String {
        switch s {
        case .item(let i): return names.title(i)
        case .user(let u): return names.user(u)
        case .feature(let f): return ExplanationText.featureLabel(f)
        case .factor(let f): return "f\(f)"
        case .dimension(let d): return "d\(d)"
        case .component(let c): return c
        case .group(let g): return g
        case .symbol(let s): return symbol(s)
        }
    }

    // MARK: The whole view

    /// The formula view as plain lines at `width` columns: formula, numbers, result, where, tables.
    public func lines(_ f: WorkedFormula, width: Int) -> [FormulaLine] {
        var out: [FormulaLine] = []
        let lhs = symbol(f.target) + " = "
        let indent = String(repeating: " ", count: DisplayWidth.of(lhs) - 2)
        func add(_ text: String, _ kind: FormulaLine.Kind, first: String, rest: String) {
            let w = max(10, width - DisplayWidth.of(first))
            for (k, part) in wrap(text, width: w).enumerated() { out.append(FormulaLine((k == 0 ? first : rest) + part, kind)) }
        }
        add(symbolic(f.expression), .formula, first: lhs, rest: indent + "  ")
        add(numeric(f.expression), .numbers, first: indent + "= ", rest: indent + "  ")
        out.append(FormulaLine(indent + "= " + number(f.value), .result))
        var seen: [FormulaSymbol] = []
        for (s, _) in f.expression.leaves where !seen.contains(s) { seen.append(s) }
        let legend = seen.compactMap { s in meaning(s).map { symbol(s) + " " + $0 } }
        if !legend.isEmpty {
            let text = legend.joined(separator: "; ")
            add(unicode ? text : ascii(text), .legend, first: "where ", rest: "      ")
        }
        for t in f.tables where !t.rows.isEmpty {
            out.append(FormulaLine("", .blank))
            out.append(FormulaLine(unicode ? tableTitle(t.kind) : ascii(tableTitle(t.kind)), .heading))
            let cellW = 10
            let labelW = max(12, min(30, width - 2 - cellW * t.columns.count))
            out.append(FormulaLine("  " + DisplayWidth.pad("", to: labelW)
                + t.columns.map { DisplayWidth.pad(symbol($0), to: cellW, alignRight: true) }.joined(), .header))
            for r in t.rows {
                let cells = r.cells.map { DisplayWidth.pad($0.map(number) ?? "–", to: cellW, alignRight: true) }.joined()
                out.append(FormulaLine("  " + DisplayWidth.pad(DisplayWidth.truncate(subject(r.subject), to: labelW - 1),
                                                               to: labelW) + cells, .row))
            }
            if t.hidden > 0 { out.append(FormulaLine("  \(ellipsis) \(t.hidden) more rows", .legend)) }
        }
        return out
    }
}

/// One line of the formula view and what it is, so each surface can style it.
public struct FormulaLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case formula, numbers, result, legend, heading, header, row, blank }
    public var text: String
    public var kind: Kind
    public init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

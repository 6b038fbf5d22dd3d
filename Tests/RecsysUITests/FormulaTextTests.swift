import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// The formula writer (issue 14.3): Unicode math with subscripts where the letters exist, an ASCII
/// fallback of the same layout, numbers that are the tree's own, and lines that fit the screen.
final class FormulaTextTests: XCTestCase {
    let names = ExplanationText(title: { "film \($0)" }, user: { "user \($0)" })

    func testSubscriptsWhereEveryLetterHasOne() {
        let u = FormulaText(unicode: true, names: names)
        XCTAssertEqual(u.symbol(FormulaSymbol("b", "u")), "bᵤ")
        XCTAssertEqual(u.symbol(FormulaSymbol("r̂", "ui")), "r̂ᵤᵢ")
        XCTAssertEqual(u.symbol(FormulaSymbol("p", "uf")), "p_uf", "f has no subscript letter")
        let a = FormulaText(unicode: false, names: names)
        XCTAssertEqual(a.symbol(FormulaSymbol("r̂", "ui")), "r^_ui")
        XCTAssertEqual(a.symbol(FormulaSymbol("μ")), "mu")
        XCTAssertEqual(a.symbol(FormulaSymbol("‖p‖")), "|p|")
    }

    func baselineFormula() -> WorkedFormula {
        let series = FormulaSeries.largest(index: "f", template: .product([.v("p", "uf", 0), .v("q", "if", 0)]),
                                           terms: (0..<10).map { .product([.v("p", "uf", Float($0) / 10 - 0.45), .v("q", "if", 0.5)]) },
                                           limit: 4)
        return WorkedFormula(algorithm: "svd", item: 3, meaning: .predictedRating, target: FormulaSymbol("r̂", "ui"),
                             expression: .sum([.v("μ", "", 3.5), .v("b", "u", -0.25), .v("b", "i", 0.125), .series(series)]),
                             score: 3.375)
    }

    func testNumbersAreTheTreesAndSignsRead() {
        let f = baselineFormula()
        XCTAssertEqual(f.value, 3.375 + (0..<10).reduce(Float(0)) { $0 + (Float($1) / 10 - 0.45) * 0.5 }, accuracy: 1e-6)
        let u = FormulaText(unicode: true, names: names)
        XCTAssertEqual(u.symbolic(f.expression), "μ + bᵤ + bᵢ + Σ_f p_uf·q_if")
        let n = u.numeric(f.expression)
        XCTAssertTrue(n.hasPrefix("3.500 − 0.2500 + 0.1250 + ("), n)
        XCTAssertTrue(n.contains("…6 more"), "the other k terms: \(n)")
        XCTAssertTrue(n.contains("0.4500·0.5000"), "the largest term first: \(n)")
    }

    func testASCIIFallbackIsPureASCIIAndKeepsTheLayout() {
        let f = baselineFormula()
        let u = FormulaText(unicode: true, names: names).lines(f, width: 60)
        let a = FormulaText(unicode: false, names: names).lines(f, width: 60)
        for l in a { XCTAssertTrue(l.text.allSatisfy { $0.isASCII }, "not ASCII: \(l.text)") }
        XCTAssertEqual(u.map(\.kind).prefix(3), a.map(\.kind).prefix(3))
        for l in u + a { XCTAssertLessThanOrEqual(DisplayWidth.of(l.text), 60, l.text) }
        XCTAssertTrue(a.contains { $0.text.contains("sum_f p_uf*q_if") })
    }

    func testUnicodeFromTheLocale() {
        XCTAssertTrue(FormulaText.unicodeLocale(["LANG": "en_US.UTF-8"]))
        XCTAssertTrue(FormulaText.unicodeLocale(["LC_ALL": "C.utf8", "LANG": "C"]))
        XCTAssertFalse(FormulaText.unicodeLocale(["LC_ALL": "C", "LANG": "en_US.UTF-8"]), "LC_ALL wins")
        XCTAssertFalse(FormulaText.unicodeLocale([:]))
    }

    /// `f` toggles the formula view on Explain only; on Explore it is still the genre filter.
    func testFKeyTogglesTheFormulaOnExplainOnly() {
        let d = Driver()
        d.select("Alien"); d.key(.char("5"))
        d.select("Aliens")
        d.key(.char("e"))
        XCTAssertFalse(d.state.explain.showFormula)
        d.key(.char("f"))
        XCTAssertTrue(d.state.explain.showFormula)
        XCTAssertNotNil(d.state.explain.result?.formula)
        let screen = view(d.state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("Formula ·"), screen)
        XCTAssertTrue(screen.contains("f formula"), "the hint line names the key")
        d.key(.char("f"))
        XCTAssertFalse(d.state.explain.showFormula)
        d.key(.escape)
        d.key(.char("f"))
        guard case .genrePicker? = d.state.overlay else { return XCTFail("f on Explore should open the genre filter") }
    }

    /// Every algorithm's formula view fits 80 columns and its result line shows the model's number.
    func testEveryAlgorithmsFormulaViewFits80Columns() {
        let d = Driver()
        d.select("Alien"); d.key(.char("5"))
        d.select("Casablanca"); d.key(.char("2"))
        d.select("Aliens")
        d.key(.char("e"))
        d.key(.char("f"))
        for _ in d.state.algorithms {
            guard let f = d.state.explain.result?.formula else { XCTFail("no formula for \(d.state.activeAlgorithm ?? "")"); return }
            let lines = view(d.state).lines
            XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
            let writer = FormulaText(unicode: true, names: names)
            XCTAssertTrue(lines.contains { $0.contains("= " + writer.number(f.value)) }, "\(f.algorithm): result line missing")
            d.key(.right)
        }
    }
}

import RecsysEngine
@testable import RecsysUI
import XCTest

/// Issue 17.9: an Explain term's detail is never cut mid-word or mid-number at the box's edge.
final class ExplainWrapTests: XCTestCase {
    private let text = ExplanationText(title: { _ in "Alien (1979)" }, user: { "user \($0)" })

    private func plain(_ lines: [Line]) -> [String] {
        lines.map { $0.spans.map(\.text).joined() }
    }

    func testADetailTooLongForTheRowMovesWholeOntoWrappedLinesBelow() {
        let t = Explanation.Term(kind: .ratedItem, value: 0.667, item: 1, rating: 5, signal: 1, weight: 0.3333)
        let detail = text.detail(t)
        let narrow = plain(termLines(t, text: text, scale: 1, labelW: 26, half: 9, width: 80, theme: Theme(colour: false)))
        XCTAssertGreaterThan(narrow.count, 1, "\(narrow)")
        XCTAssertFalse(narrow[0].contains(detail.prefix(8)), "the detail leaves the bar's row")
        let words = narrow.dropFirst().joined(separator: " ").split(separator: " ").map(String.init)
        XCTAssertEqual(words, detail.split(separator: " ").map(String.init), "every word and number whole, in order")
        XCTAssertTrue(narrow.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(narrow)")
        // Where it fits, it stays on the row.
        let wide = plain(termLines(t, text: text, scale: 1, labelW: 16, half: 4, width: 200, theme: Theme(colour: false)))
        XCTAssertEqual(wide.count, 1)
        XCTAssertTrue(wide[0].hasSuffix(detail), wide[0])
    }
}

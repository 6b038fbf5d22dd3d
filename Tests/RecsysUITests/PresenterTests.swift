import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Presenter mode (issue 15.2): the block font, Tab through the panes, the key caption, Space
/// revealing an explanation term by term, and a theme with nothing dim.
final class PresenterTests: XCTestCase {
    func testBlockFontDrawsEveryGlyphThreeRowsHigh() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.,:!?'()/+&*=#_\""
        var seen = Set<[String]>()
        for c in alphabet {
            let rows = BlockFont.render(String(c), width: 80)
            XCTAssertEqual(rows.count, BlockFont.height)
            XCTAssertTrue(rows.allSatisfy { $0.count == 3 }, "\(c): \(rows)")
            XCTAssertTrue(seen.insert(rows).inserted, "\(c) looks like another glyph")
            XCTAssertTrue(rows.joined().contains { "█▀▄".contains($0) }, "\(c) draws nothing")
        }
        XCTAssertEqual(BlockFont.render("svd", width: 80), BlockFont.render("SVD", width: 80), "lower case as upper")
        XCTAssertEqual(BlockFont.render("é", width: 80), BlockFont.render("E", width: 80), "accents dropped")
        // A line of big type is cut to the width: 4 columns a character, no trailing gap.
        let long = BlockFont.render(String(repeating: "A", count: 40), width: 78)
        XCTAssertEqual(long[0].count, BlockFont.capacity(78) * 4 - 1)
        XCTAssertLessThanOrEqual(long[0].count, 78)
        XCTAssertTrue(BlockFont.render("HI", width: 80, unicode: false).joined().allSatisfy { $0 == "#" || $0 == " " })
    }

    func testTabCyclesThePanesAndTheCaptionNamesTheKey() {
        let d = Driver()
        d.key(.char("P"))
        XCTAssertEqual(d.state.presenter?.pane, .recommendations)
        XCTAssertEqual(d.state.presenter?.caption, "P → presenter mode: Tab switches pane, Space reveals, P leaves")
        d.key(.tab)
        XCTAssertEqual(d.state.presenter?.pane, .catalog)
        XCTAssertEqual(d.state.focus, .catalog)
        XCTAssertEqual(d.state.presenter?.caption, "Tab → showing the catalog")
        d.select("Alien")
        d.key(.char("5"))
        XCTAssertEqual(d.state.presenter?.caption, "5 → rated Alien (1979) 5★")
        XCTAssertTrue(view(d.state).lines.contains { $0.contains("5 → rated Alien (1979) 5★") })
        d.key(.tab)
        XCTAssertEqual(d.state.presenter?.pane, .explanation)
        d.key(.backTab)
        XCTAssertEqual(d.state.presenter?.pane, .catalog)
        d.key(.char("P"))
        XCTAssertNil(d.state.presenter)
        XCTAssertEqual(d.state.focus, .catalog, "leaving keeps the focused pane")
    }

    func testSpaceRevealsTheExplanationTermByTerm() throws {
        let d = Driver()
        for t in ["Alien", "Toy Story", "Casablanca"] { d.select(t); d.key(.char(t == "Casablanca" ? "2" : "5")) }
        d.key(.char("P"))
        d.key(.tab); d.key(.tab)
        let e = try XCTUnwrap(d.state.explain.result?.whyNot.explanation)
        XCTAssertEqual(d.state.explain.item, d.state.recommendationItems.first)
        XCTAssertEqual(d.state.presenter?.revealed, 1)
        func termRows() -> Int { view(d.state).lines.filter { $0.range(of: #"^│ [+−] "#, options: .regularExpression) != nil }.count }
        XCTAssertEqual(termRows(), 1)
        d.key(.char(" "))
        XCTAssertEqual(d.state.presenter?.revealed, min(2, e.terms.count))
        XCTAssertEqual(termRows(), min(2, e.terms.count))
        XCTAssertEqual(d.state.presenter?.caption, "Space → next term of the explanation")
        for _ in 0..<20 { d.key(.char(" ")) }
        XCTAssertEqual(d.state.presenter?.revealed, e.terms.count, "never past the last term")
        XCTAssertTrue(view(d.state).lines.contains { $0.contains("the score") })
        // ↓ moves to the next recommendation and starts its explanation from the first term.
        d.key(.down)
        XCTAssertEqual(d.state.presenter?.revealed, 1)
        XCTAssertEqual(d.state.explain.item, d.state.recommendationItems.dropFirst().first)
    }

    func testHighContrastHasNothingDim() {
        for colour in [true, false] {
            let t = Theme(colour: colour, highContrast: true)
            for s in [t.dim, t.border, t.negative, t.inactiveSelection, t.title, t.text] {
                XCTAssertFalse(s.dim, "dim style in high contrast (colour \(colour))")
                XCTAssertNotEqual(s.foreground, .brightBlack)
                XCTAssertNotEqual(s.background, .brightBlack)
            }
        }
        let d = Driver(colour: true)
        d.key(.char("P"))
        let buffer = view(d.state)
        for y in 0..<buffer.height { for x in 0..<buffer.width {
            XCTAssertFalse(buffer[x, y].style.dim, "dim cell at \(x),\(y)")
            XCTAssertNotEqual(buffer[x, y].style.foreground, .brightBlack, "grey cell at \(x),\(y)")
        } }
    }
}

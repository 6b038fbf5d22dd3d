import XCTest
@testable import RecsysUI

final class LineChartTests: XCTestCase {
    func testDiagonalRendersToExactBrailleCells() {
        // 2×2 cells = 4×8 dots; (0,0) → dot (0,7), (1,1) → dot (3,0), joined by a Bresenham line
        // through (0,6) (1,5) (1,4) (2,3) (2,2) (3,1): each occupied cell gets dots
        // left row 3 (0x40) + left row 2 (0x04) + right row 1 (0x10) + right row 0 (0x08) = U+285C.
        let chart = LineChart(series: [.init(name: "a", points: [(0, 0), (1, 1)])], xLabel: "N", decimals: 1)
        let text = chart.lines(width: 2, height: 2).map(\.text)
        XCTAssertEqual(text, [
            "1.0┤\u{2800}\u{285C}",
            "0.0┤\u{285C}\u{2800}",
            "   └──",
            "    0",          // "1" would touch "0" at this width, so it is left out
            "    N",
            "● a",
        ])
    }

    func testFlatSeriesIsCentredAndLegendListsEverySeries() {
        // A single y value goes to dot row 4·1/2 = 2 → left 0x04 + right 0x20 = U+2824 in every cell.
        let chart = LineChart(series: [.init(name: "flat", points: [(1, 2), (10, 2)]),
                                       .init(name: "none", points: [])], decimals: 0)
        let text = chart.lines(width: 5, height: 1).map(\.text)
        XCTAssertEqual(text[0], "2┤" + String(repeating: "\u{2824}", count: 5))
        XCTAssertEqual(text[1], " └─────")
        XCTAssertEqual(text[2], "  1   10")   // 10 → dot 9 → cell 4, pulled left so it fits under the axis
        XCTAssertEqual(text.last, "● flat  ● none")
        XCTAssertEqual(text.count, 4, "no caption line without an x label")
    }

    func testNonFiniteValuesAreSkipped() {
        let chart = LineChart(series: [.init(name: "s", points: [(0, .nan), (1, 3), (2, 1)])], decimals: 0)
        let text = chart.lines(width: 4, height: 1).map(\.text)
        XCTAssertEqual(text[0].prefix(2), "3┤")
        XCTAssertFalse(text[0].contains("nan"))
        XCTAssertEqual(text[2], "  1  2")
    }
}

import Foundation
import RecsysEngine
import XCTest
@testable import RecsysUI
import RecsysTestSupport

final class WidgetTests: XCTestCase {
    func testBlockDrawsBorderAndTitle() {
        var b = ScreenBuffer(width: 12, height: 3)
        Block(title: "Hi", rightTitle: "3").render(b.area, into: &b)
        XCTAssertEqual(b.lines, ["┌ Hi ── 3 ─┐", "│          │", "└──────────┘"])
    }

    func testListScrollsToSelection() {
        var b = ScreenBuffer(width: 6, height: 3)
        var s = ListState(selected: 7)
        ListView(count: 10, highlight: Style(reverse: true)) { Line("row \($0)") }.render(b.area, into: &b, state: &s)
        XCTAssertEqual(b.lines, ["row 5", "row 6", "row 7"])
        XCTAssertEqual(s.offset, 5)
        XCTAssertTrue(b[0, 2].style.reverse)
        XCTAssertFalse(b[0, 1].style.reverse)
    }

    func testListStateMoves() {
        var s = ListState()
        s.move(by: 5, count: 3)
        XCTAssertEqual(s.selected, 2)
        s.move(by: -9, count: 3)
        XCTAssertEqual(s.selected, 0)
        s.jump(toEnd: true, count: 40)
        XCTAssertEqual(s.selected, 39)
        s.scroll(by: -10, count: 40, height: 10)
        XCTAssertEqual(s.offset, 0)
        XCTAssertEqual(s.selected, 9, "selection follows the scrolled view")
        s.clamp(count: 0)
        XCTAssertNil(s.selected)
    }

    func testBarsAndSparkline() {
        XCTAssertEqual(Bars.horizontal(0.5, width: 4), "██  ")
        XCTAssertEqual(Bars.horizontal(1, width: 3), "███")
        XCTAssertEqual(Bars.horizontal(1.0 / 16, width: 2), "▏ ")
        XCTAssertEqual(Bars.sparkline([0, 1, 2, 4]), " ▂▄█")
        let (l, r) = SignedBar.text(-1, scale: 2, halfWidth: 4)
        XCTAssertEqual(l, "  ██")
        XCTAssertEqual(r, "    ")
    }

    func testTabsRanges() {
        let t = Tabs(titles: ["svd", "popularity"], selected: 1)
        XCTAssertEqual(t.ranges(), [0..<5, 6..<18])
        var b = ScreenBuffer(width: 20, height: 1)
        t.render(b.area, into: &b)
        XCTAssertEqual(b.lines, [" svd │ popularity"])
        XCTAssertTrue(b[7, 0].style.reverse)
    }

    func testTabsScrollToTheSelectedTab() {
        let names = ["popularity", "baseline", "svd", "svdpp", "user-knn", "item-knn", "content", "als", "bpr", "ease"]
        var b = ScreenBuffer(width: 40, height: 1)
        Tabs(titles: names, selected: 0).render(b.area, into: &b)
        XCTAssertEqual(b.lines, [" popularity │ baseline │ svd │ svdpp   ›"])
        b = ScreenBuffer(width: 40, height: 1)
        let t = Tabs(titles: names, selected: 8)
        t.render(b.area, into: &b)
        XCTAssertEqual(b.lines, ["‹  item-knn │ content │ als │ bpr      ›"])
        XCTAssertTrue(b.line(0).contains(" bpr "))
        let shown = t.visibleRanges(width: 40)
        XCTAssertTrue(shown.contains { $0.index == 8 })
        XCTAssertEqual(shown.first?.range.lowerBound, 2)
        b = ScreenBuffer(width: 40, height: 1)
        Tabs(titles: names, selected: 9).render(b.area, into: &b)
        XCTAssertTrue(b.lines[0].hasSuffix(" ease"), b.lines[0])
    }

    func testWideCharactersAreMeasured() {
        XCTAssertEqual(DisplayWidth.of("千と千尋"), 8)
        XCTAssertEqual(DisplayWidth.pad("千と千尋", to: 5), "千と…")
        XCTAssertEqual(DisplayWidth.pad("千と", to: 5), "千と ")
        var b = ScreenBuffer(width: 6, height: 1)
        b.write("千と千尋", x: 0, y: 0)
        XCTAssertEqual(b.lines, ["千と千"])
    }

    func testFixedMatchesPrintf() {
        for v in [0.0, 1.0, -1.5, 3.14159, 0.005, 0.0049, 12345.678, -0.0004, 99.995, 4.26] {
            for d in 0...3 {
                XCTAssertEqual(fixed(v, d), String(format: "%.\(d)f", v).replacingOccurrences(of: "-0.000", with: "0.000")
                    .replacingOccurrences(of: "-0.00", with: "0.00").replacingOccurrences(of: "-0.0", with: "0.0")
                    .replacingOccurrences(of: "-0", with: "0"), "\(v) \(d)")
            }
        }
        XCTAssertEqual(fixed(2.5, 1, width: 6), "   2.5")
        XCTAssertEqual(fixed(.nan, 2), "–")
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.write("千尋", x: 0, y: 0)
        b.write("│", x: 1, y: 0)   // over the right half of 千
        XCTAssertEqual(b.line(0), " │尋  ")
        b.write("a", x: 2, y: 0)   // over the left half of 尋
        XCTAssertEqual(b.line(0), " │a   ")
        XCTAssertFalse(b.cells.contains { $0.isContinuation })
        b.write("千", x: 3, y: 0)
        b.write("尋", x: 2, y: 0)  // a wide character over a narrow one and the head of another
        XCTAssertEqual(b.line(0), " │尋  ")
        XCTAssertEqual(b.cells.filter(\.isContinuation).count, 1)
    }

    func testFoldAndWrap() {
        XCTAssertEqual(SearchText.fold("Amélie ÆØ Straße"), "amelie aeo strasse")
        XCTAssertEqual(SearchText.fold("Łódź Ñandú Œuvre Čapek ŽIŽEK"), "lodz nandu oeuvre capek zizek")
        XCTAssertEqual(SearchText.fold("Phở Việt"), "pho viet")
        XCTAssertEqual(SearchText.fold("Ame\u{301}lie 千と千尋"), "amelie 千と千尋")
        // The table agrees with Unicode decomposition wherever that gives plain ASCII.
        for v in 0xC0...0x17F {
            let ch = String(Unicode.Scalar(v)!)
            let decomposed = ch.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.value < 0x80 }
            if ch.decomposedStringWithCanonicalMapping.unicodeScalars.count == 2, decomposed.count == 1 {
                XCTAssertEqual(SearchText.fold(ch), String(String.UnicodeScalarView(decomposed)).lowercased(), ch)
            }
        }
        XCTAssertEqual(wrap("the quick brown fox", width: 9), ["the quick", "brown fox"])
    }

    func testDiffReportsOnlyChangedCells() {
        var a = ScreenBuffer(width: 4, height: 2)
        a.write("abcd", x: 0, y: 0)
        var b = a
        b.write("X", x: 2, y: 1)
        XCTAssertEqual(b.changes(from: a), [CellChange(x: 2, y: 1, cell: Cell("X"))])
        XCTAssertEqual(b.changes(from: nil).count, 8)
    }

    func testFastDisplayTitleMatchesTheEngine() {
        let titles = ["Heat (1995)", "Heat", " Heat (1995)", "Heat  (1995)", "Twin Peaks (1990-1991)", "(1995)",
                      "M (1931)", "Amélie (2001)", "Se7en (199x)", "千と千尋の神隠し (2001)", "Up(2009)"]
        let items = titles.enumerated().map { Item(rawID: "\($0.offset)", title: $0.element) }
        for item in items { XCTAssertEqual(CatalogStats.displayTitle(item), item.displayTitle, item.title) }
    }

    func testListMetricsUseTheEngineDefinitions() {
        let ds = UIFixtures.dataset()
        let stats = CatalogStats(dataset: ds)
        // Star Wars (action, adventure, sci-fi; space, rebellion) vs Alien (horror, sci-fi; space, monster):
        // 2 features in common, cosine 2/√(5·4), distance 1 − 2/√20 (the same as `eval`'s diversity).
        let m = ListMetrics.of([0, 1], measures: stats.measures)
        XCTAssertEqual(m.diversity, 1 - 2 / 20.0.squareRoot(), accuracy: 1e-9)
        // Star Wars rated by 6 of 10 users, Alien by 3: novelty mean(−log2 .6, −log2 .3).
        XCTAssertEqual(m.novelty, (-log2(0.6) - log2(0.3)) / 2, accuracy: 1e-9)
        XCTAssertEqual(m.meanPopularity, 4.5)
        XCTAssertEqual(Metrics.overlap([1, 2, 3], [2, 3, 4]), 0.5)
        XCTAssertTrue(ListMetrics.of([], measures: stats.measures).diversity.isNaN)
    }

    func testListScoresCarryTheirUnit() throws {
        XCTAssertEqual(displayScore(4.34, unit: .stars, top: 4.9, scale: .wholeStars), "4.3★")
        XCTAssertEqual(displayScore(6.2, unit: .stars, top: 6.2, scale: .wholeStars), "5.0★", "clamped to the scale")
        XCTAssertEqual(displayScore(149, unit: .relative, top: 261, scale: .wholeStars), "57")
        XCTAssertEqual(displayScore(261, unit: .relative, top: 261, scale: .wholeStars), "100")
        XCTAssertEqual(displayScore(-1, unit: .relative, top: -0.5, scale: .wholeStars), "–")
        // A recompute carries each model's unit to the list.
        let ds = UIFixtures.dataset()
        var models: [NamedModel] = []
        for name in ["svd", "item-knn"] {
            let m = try Algorithms.make(name)
            try m.fit(ds, context: FitContext(seed: 1, threads: 1))
            models.append(NamedModel(name: name, model: m))
        }
        let job = RecomputeJob(generation: 1, profile: Profile([(0, 5), (1, 4)]), models: models, selectedItem: nil,
                               stats: CatalogStats(dataset: ds), threads: 1)
        XCTAssertEqual(job.run().algorithms.map(\.unit), [.stars, .relative])
        XCTAssertEqual(ScoreUnit.stars.title, "predicted ★")
    }
}

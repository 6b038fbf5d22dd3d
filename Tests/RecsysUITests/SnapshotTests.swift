import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Every screen rendered at 80×24 and 120×40, compared line by line with `Snapshots/*.txt`.
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter RecsysUITests.SnapshotTests`.
final class SnapshotTests: XCTestCase {
    static let sizes = [(80, 24), (120, 40)]

    /// Runs `setup` on a fresh driver at each size and compares the screen with `<name>-WxH.txt`.
    func snapshot(_ name: String, halfStars: Bool = false, file: StaticString = #filePath, line: UInt = #line,
                  _ setup: (Driver) -> Void) {
        for (w, h) in Self.sizes {
            let d = Driver(dataset: UIFixtures.dataset(halfStars: halfStars), width: w, height: h)
            setup(d)
            d.normalize()
            assertScreen(view(d.state), named: "\(name)-\(w)x\(h)", in: snapshotDirectory(), file: file, line: line)
        }
    }

    func rateThree(_ d: Driver) {
        d.select("Alien"); d.key(.char("5"))
        d.select("Casablanca"); d.key(.char("2"))
        d.select("Toy Story"); d.key(.char("4"))
    }

    func testExploreEmptyProfileShowsQuickStart() {
        snapshot("explore-quickstart") { _ in }
    }

    func testExploreAfterRating() {
        snapshot("explore-rated") { d in
            rateThree(d)
            d.key(.tab)
            d.key(.down)
        }
    }

    /// After three ratings, `d` hides the quick start: the algorithm's list with movement markers.
    func testExplorePersonalListAfterDismissingQuickStart() {
        snapshot("explore-personal") { d in
            rateThree(d)
            d.key(.char("d"))
            d.key(.tab)
            d.key(.down)
        }
    }

    func testRatingHalfStars() {
        snapshot("rating-half", halfStars: true) { d in
            d.select("Heat"); d.key(.char(".")); d.key(.char("4"))
        }
    }

    func testSearch() {
        snapshot("search") { d in
            d.key(.char("/")); d.type("ali")
        }
    }

    func testGenrePicker() {
        snapshot("genre-picker") { d in
            d.key(.char("f")); d.key(.down); d.key(.down)
        }
    }

    func testHelp() {
        snapshot("help") { d in d.key(.char("?")) }
    }

    func testCommandLine() {
        snapshot("command") { d in d.key(.char(":")); d.type("set item-knn.k 20") }
    }

    func testCompare() {
        snapshot("compare") { d in
            rateThree(d)
            d.key(.char("c"))
        }
    }

    func testExplain() {
        snapshot("explain") { d in
            rateThree(d)
            d.select("Aliens")
            d.key(.char("e"))
        }
    }

    /// `f` on Explain: svd's prediction as μ + b_u + b_i + Σ_f p_uf·q_if with the numbers, in Unicode.
    func testExplainFormula() {
        snapshot("explain-formula") { d in
            rateThree(d)
            d.select("Aliens")
            d.key(.char("e"))
            for _ in 0..<4 { d.key(.right) }
            d.key(.char("f"))
        }
    }

    /// The same view in ASCII (a locale without UTF-8): same layout, no Σ or subscripts.
    func testExplainFormulaASCII() {
        snapshot("explain-formula-ascii") { d in
            d.state.unicode = false
            rateThree(d)
            d.select("Aliens")
            d.key(.char("e"))
            d.key(.right)
            d.key(.char("f"))
        }
    }

    /// Presenter mode (issue 15.2): big-type heading, the caption of the last key, one pane.
    func testPresenterRecommendations() {
        snapshot("presenter-recommendations") { d in
            rateThree(d)
            d.key(.char("P"))
            d.key(.down)
        }
    }

    /// The explanation pane after two Spaces: three terms revealed, the running sum.
    func testPresenterExplanation() {
        snapshot("presenter-explanation") { d in
            rateThree(d)
            d.key(.char("P"))
            d.key(.tab); d.key(.tab)
            d.key(.char(" ")); d.key(.char(" "))
        }
    }

    func testSimilar() {
        snapshot("similar") { d in
            d.select("Heat")
            d.key(.char("m"))
        }
    }

    func testUsers() {
        snapshot("users") { d in
            d.key(.char("U")); d.key(.down)
        }
    }

    func testTooSmall() {
        let d = Driver(width: 60, height: 15)
        assertScreen(view(d.state), named: "too-small-60x15", in: snapshotDirectory())
    }

    func testMonochromeUsesNoColours() {
        let d = Driver(width: 120, height: 40, colour: false)
        rateThree(d)
        for c in view(d.state).cells {
            XCTAssertEqual(c.style.foreground, .default)
            XCTAssertEqual(c.style.background, .default)
        }
        d.state.colour = true
        XCTAssertTrue(view(d.state).cells.contains { $0.style.foreground != .default })
    }
}

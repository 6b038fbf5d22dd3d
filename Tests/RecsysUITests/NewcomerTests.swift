import RecsysEngine
import RecsysTestSupport
import XCTest

@testable import RecsysUI

/// Issue 17's onboarding and papercut items, as a learner meets them.
final class NewcomerTests: XCTestCase {
    /// Item 4: behind "terminal too small" only quit and resize act.
    func testKeysDoNothingBehindTheTooSmallScreen() {
        let d = Driver()
        d.select("Alien")
        let before = d.state.profile.count
        let effects = d.effects.count
        d.send(.input(.resize(width: 60, height: 20)))
        XCTAssertTrue(d.screenText().contains("q quits"), d.screenText())
        for k: Key in [.char("3"), .char("x"), .char("u"), .char("/"), .char(":"), .tab, .char("f"), .char("v"), .enter,
                       .char("j"), .escape, .char("C")] {
            d.key(k)
        }
        d.send(.input(.mouse(.click(x: 5, y: 5))))
        XCTAssertEqual(d.state.profile.count, before, "no rating was made behind the screen")
        XCTAssertEqual(d.effects.count, effects, "nothing was asked of the engine or the store")
        XCTAssertEqual(d.state.mode, .normal)
        XCTAssertNil(d.state.overlay)
        XCTAssertEqual(d.state.screen, .explore)
        XCTAssertEqual(d.state.selectedItem, d.item("Alien"))
        d.send(.input(.resize(width: 80, height: 24)))
        XCTAssertFalse(d.screenText().contains("too small"))
        d.send(.input(.resize(width: 60, height: 20)))
        d.key(.char("q"))
        XCTAssertTrue(d.state.shouldQuit, "q still quits")
    }
}

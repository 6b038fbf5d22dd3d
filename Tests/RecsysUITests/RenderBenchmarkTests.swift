import Foundation
import RecsysEngine
import RecsysRuntime
import RecsysTestSupport
import XCTest
@testable import RecsysUI

final class RenderBenchmarkTests: XCTestCase {
    /// The benchmark runs key presses through update + view + diff and reports percentiles (timing is
    /// reported by `recsys-tui bench` in release, not asserted here).
    func testMeasureRunsKeyPressFrames() {
        let d = Driver(width: 120, height: 40)
        let r = RenderBenchmark.measure(state: d.state, iterations: 20)
        XCTAssertEqual(r.iterations, 20)
        XCTAssertLessThanOrEqual(r.p50, r.p99)
        XCTAssertLessThanOrEqual(r.p99, r.max)
    }

    /// Moving the selection changes only some cells: the diff is smaller than the screen.
    func testKeyRedrawDiffIsPartial() {
        let d = Driver(width: 120, height: 40)
        let before = view(d.state)
        d.key(.down)
        let after = view(d.state)
        let changes = after.changes(from: before)
        XCTAssertGreaterThan(changes.count, 0)
        XCTAssertLessThan(changes.count, 120 * 40 / 2)
    }
}

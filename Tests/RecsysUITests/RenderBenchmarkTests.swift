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

    /// Release-mode figure on a MovieLens-latest-small-sized synthetic catalog; runs only with RECSYS_UI_BENCH=1.
    func testRenderTimingAtScale() throws {
        guard ProcessInfo.processInfo.environment["RECSYS_UI_BENCH"] == "1" else { throw XCTSkip("set RECSYS_UI_BENCH=1") }
        let ds = UIFixtures.synthetic()
        let t0 = Date()
        var state = AppState(dataset: ds, width: 120, height: 40)
        _ = view(state)
        let first = Date().timeIntervalSince(t0) * 1000
        let inbox = Inbox()
        for e in update(&state, .started) { EffectRunner(store: nil).run(e, send: inbox.append) }
        for m in inbox.drain() { for e in update(&state, m) { EffectRunner(store: nil).run(e, send: inbox.append) } }
        for m in inbox.drain() { _ = update(&state, m) }
        let r = RenderBenchmark.measure(state: state, iterations: 500)
        print(String(format: "ui-bench: first frame %.1f ms; key redraw 120x40 p50 %.3f ms p99 %.3f ms max %.3f ms",
                     first, r.p50, r.p99, r.max))
    }
}

import RecsysUI
import XCTest

@testable import RecsysTerminal

final class ColorTableTests: XCTestCase {
    func testMonochromeKeepsAttributesAndUsesNoPairs() {
        var t = ColorTable(capabilities: ColorCapabilities(enabled: false, colors: 8, pairs: 64))
        let a = t.attributes(for: Style(foreground: .red, background: .blue, bold: true, reverse: true))
        XCTAssertEqual(a, TerminalAttributes(bold: true, reverse: true, pair: 0))
        XCTAssertTrue(t.takePendingInits().isEmpty)
    }

    func testPairsAreAllocatedOnceAndInitialised() {
        var t = ColorTable(capabilities: ColorCapabilities(enabled: true, colors: 256, pairs: 256))
        let a = t.attributes(for: Style(foreground: .red))
        let b = t.attributes(for: Style(foreground: .red, bold: true))
        let c = t.attributes(for: Style(foreground: .green, background: .black))
        XCTAssertEqual(a.pair, 1)
        XCTAssertEqual(b.pair, 1)
        XCTAssertEqual(c.pair, 2)
        let inits = t.takePendingInits()
        XCTAssertEqual(inits.map(\.pair), [1, 2])
        XCTAssertEqual(inits.map(\.fg), [1, 2])  // red = 1, green = 2 (curses numbering)
        XCTAssertEqual(inits.map(\.bg), [-1, 0])  // default background = -1, black = 0
        XCTAssertTrue(t.takePendingInits().isEmpty)
        XCTAssertEqual(t.attributes(for: .plain).pair, 0, "default colours need no pair")
    }

    func testBrightColoursOnEightColourTerminalsBecomeBold() {
        var t = ColorTable(capabilities: ColorCapabilities(enabled: true, colors: 8, pairs: 64))
        let a = t.attributes(for: Style(foreground: .brightYellow))
        XCTAssertTrue(a.bold)
        XCTAssertEqual(t.takePendingInits().first?.fg, 3)  // yellow
        var t16 = ColorTable(capabilities: ColorCapabilities(enabled: true, colors: 256, pairs: 256))
        let b = t16.attributes(for: Style(foreground: .brightYellow))
        XCTAssertFalse(b.bold)
        XCTAssertEqual(t16.takePendingInits().first?.fg, 11)
    }

    func testRunningOutOfPairsFallsBackToTheForegroundPair() {
        var t = ColorTable(capabilities: ColorCapabilities(enabled: true, colors: 8, pairs: 3))
        XCTAssertEqual(t.attributes(for: Style(foreground: .red)).pair, 1)
        XCTAssertEqual(t.attributes(for: Style(foreground: .green)).pair, 2)
        XCTAssertEqual(t.attributes(for: Style(foreground: .red, background: .blue)).pair, 1)
        XCTAssertEqual(t.attributes(for: Style(foreground: .cyan, background: .blue)).pair, 0)
    }

    func testNoColorConvention() {
        XCTAssertTrue(ColorCapabilities.noColorRequested(environment: ["NO_COLOR": "1"]))
        XCTAssertFalse(ColorCapabilities.noColorRequested(environment: ["NO_COLOR": ""]))
        XCTAssertFalse(ColorCapabilities.noColorRequested(environment: [:]))
    }
}

final class FrameStatsTests: XCTestCase {
    func testQuantilesByNearestRank() {
        let v: [Double] = [5, 1, 4, 2, 3, 10, 6, 7, 8, 9]
        XCTAssertEqual(FrameStats.quantile(v, 0.5), 5)
        XCTAssertEqual(FrameStats.quantile(v, 0.95), 10)
        XCTAssertEqual(FrameStats.quantile(v, 0.1), 1)
        XCTAssertEqual(FrameStats.quantile([], 0.5), 0)
    }

    func testSummaryReportsKeyFramesSeparately() {
        var s = FrameStats()
        s.record(viewMs: 1, diffMs: 0.5, drawMs: 2)
        s.record(viewMs: 3, diffMs: 1.5, drawMs: 4)
        s.keyCPUMs = [2, 4]
        s.keyTotalMs = [3, 9]
        s.firstFrameMs = 12
        let line = s.summary
        XCTAssertTrue(line.contains("frames=2 first_frame_ms=12.00 view_avg_ms=2.00 view_max_ms=3.00"), line)
        XCTAssertTrue(line.contains("key_frames=2 key_cpu_p50_ms=2.00 key_cpu_p95_ms=4.00 key_cpu_max_ms=4.00"), line)
        XCTAssertTrue(line.contains("key_total_max_ms=9.00"), line)
        XCTAssertTrue(line.contains("key_cpu_p99_ms=4.00"), line)
    }
}

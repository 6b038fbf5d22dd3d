import RecsysEngine
import RecsysUI
import XCTest

@testable import RecsysTerminal

final class FrameDiffTests: XCTestCase {
    let red = Style(foreground: .red)

    /// Replays runs onto a model terminal (a ScreenBuffer) the way curses would draw them.
    func apply(_ runs: [DrawRun], to screen: inout ScreenBuffer) {
        for r in runs { screen.write(r.text, x: r.x, y: r.y, style: r.style) }
    }

    func testFirstFrameDrawsEveryRow() {
        var b = ScreenBuffer(width: 10, height: 3)
        b.write("hello", x: 0, y: 0)
        let runs = FrameDiff.runs(from: nil, to: b)
        XCTAssertEqual(runs.count, 3)
        XCTAssertEqual(runs[0], DrawRun(x: 0, y: 0, text: "hello     ", width: 10, style: .plain))
        XCTAssertEqual(runs.map(\.width).reduce(0, +), 30)
    }

    func testIdenticalFramesDrawNothing() {
        var b = ScreenBuffer(width: 20, height: 5)
        b.write("same text 漢字", x: 1, y: 2, style: red)
        XCTAssertEqual(FrameDiff.runs(from: b, to: b), [])
    }

    func testOnlyChangedCellsAreDrawn() {
        var a = ScreenBuffer(width: 20, height: 3)
        a.write("rating: 3", x: 0, y: 1)
        var b = a
        b.write("4", x: 8, y: 1)
        XCTAssertEqual(FrameDiff.runs(from: a, to: b), [DrawRun(x: 8, y: 1, text: "4", width: 1, style: .plain)])
    }

    func testStyleChangeAloneIsARedraw() {
        var a = ScreenBuffer(width: 10, height: 1)
        a.write("abc", x: 0, y: 0)
        var b = a
        b.setStyle(red, in: Rect(x: 1, y: 0, width: 2, height: 1))
        XCTAssertEqual(FrameDiff.runs(from: a, to: b), [DrawRun(x: 1, y: 0, text: "bc", width: 2, style: red)])
    }

    func testRunsSplitAtStyleBoundaries() {
        let a = ScreenBuffer(width: 10, height: 1)
        var b = a
        b.write("ab", x: 0, y: 0)
        b.write("cd", x: 2, y: 0, style: red)
        XCTAssertEqual(FrameDiff.runs(from: a, to: b), [
            DrawRun(x: 0, y: 0, text: "ab", width: 2, style: .plain),
            DrawRun(x: 2, y: 0, text: "cd", width: 2, style: red),
        ])
    }

    func testWideCharacterIsDrawnWhole() {
        let a = ScreenBuffer(width: 10, height: 1)
        var b = a
        b.write("x漢y", x: 0, y: 0)
        let runs = FrameDiff.runs(from: a, to: b)
        XCTAssertEqual(runs, [DrawRun(x: 0, y: 0, text: "x漢y", width: 4, style: .plain)])
    }

    func testChangedContinuationRedrawsItsWideCharacter() {
        // Previous frame: "ab" at 0-1. New frame: "漢" at 0 (covering 0-1). Both cells changed.
        var a = ScreenBuffer(width: 4, height: 1)
        a.write("ab", x: 0, y: 0)
        var b = ScreenBuffer(width: 4, height: 1)
        b.write("漢", x: 0, y: 0)
        XCTAssertEqual(FrameDiff.runs(from: a, to: b), [DrawRun(x: 0, y: 0, text: "漢", width: 2, style: .plain)])
        // And back: the wide character is replaced by two narrow ones.
        XCTAssertEqual(FrameDiff.runs(from: b, to: a), [DrawRun(x: 0, y: 0, text: "ab", width: 2, style: .plain)])
    }

    func testContinuationStyleChangeRedrawsOwner() {
        var a = ScreenBuffer(width: 4, height: 1)
        a.write("漢", x: 1, y: 0)
        var b = a
        b.setStyle(red, in: Rect(x: 2, y: 0, width: 1, height: 1))  // only the continuation cell
        let runs = FrameDiff.runs(from: a, to: b)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0].x, 1)
        XCTAssertEqual(runs[0].text, "漢")
    }

    func testSizeChangeRedrawsEverything() {
        let a = ScreenBuffer(width: 5, height: 2)
        let b = ScreenBuffer(width: 6, height: 2)
        XCTAssertEqual(FrameDiff.runs(from: a, to: b).map(\.width).reduce(0, +), 12)
    }

    func testSanitizeRepairsBrokenWideCells() {
        var b = ScreenBuffer(width: 4, height: 1)
        b[0, 0] = Cell("", isContinuation: true)  // orphan continuation
        b[3, 0] = Cell("漢")  // wide character at the last column, no room for its right half
        b[1, 0] = Cell("\u{7}")  // a control character
        let s = FrameDiff.sanitized(b)
        XCTAssertEqual(s[0, 0], Cell(" "))
        XCTAssertEqual(s[1, 0], Cell(" "))
        XCTAssertEqual(s[3, 0], Cell(" "))
        // A well-formed frame is unchanged.
        var ok = ScreenBuffer(width: 4, height: 1)
        ok.write("a漢", x: 0, y: 0)
        XCTAssertEqual(FrameDiff.sanitized(ok), ok)
    }

    /// Property: drawing the diff of any two frames over the first yields the second.
    func testDiffReplayReproducesTheTargetFrame() {
        var rng = SplitMix64(seed: 7)
        let alphabet: [String] = ["a", "b", " ", "漢", "é", "字"]
        let styles = [Style.plain, red, Style(bold: true), Style(reverse: true)]
        func randomFrame() -> ScreenBuffer {
            var b = ScreenBuffer(width: 12, height: 4)
            for y in 0..<4 {
                var x = 0
                while x < 12 {
                    let t = alphabet[rng.nextInt(alphabet.count)]
                    x += b.write(t, x: x, y: y, style: styles[rng.nextInt(styles.count)])
                    if DisplayWidth.of(t) == 2 && x >= 11 { break }
                }
            }
            return b
        }
        for _ in 0..<200 {
            let a = randomFrame(), b = randomFrame()
            var screen = a
            apply(FrameDiff.runs(from: a, to: b), to: &screen)
            XCTAssertEqual(screen.lines, b.lines)
            XCTAssertEqual(screen.cells.map(\.style), b.cells.map(\.style))
        }
    }
}

import RecsysUI
import XCTest

@testable import RecsysTerminal

final class KeyDecoderTests: XCTestCase {
    let decoder = KeyDecoder(codes: .ncurses)
    let codes = CursesKeyCodes.ncurses

    /// Decodes `first` with `rest` already waiting; returns the result and how many waiting reads were consumed.
    func decode(_ first: RawInput, _ rest: [RawInput] = []) -> (DecodedInput, Int) {
        var queue = rest[...]
        let result = decoder.decode(first, next: { queue.popFirst() }, unread: { queue.insert($0, at: queue.startIndex) })
        return (result, rest.count - queue.count)
    }

    func char(_ c: Character) -> RawInput { .character(c.unicodeScalars.first!.value) }

    func testKeyCodesMapToNavigationKeys() {
        let table: [(Int32, Key)] = [
            (codes.up, .up), (codes.down, .down), (codes.left, .left), (codes.right, .right),
            (codes.home, .home), (codes.end, .end), (codes.pageUp, .pageUp), (codes.pageDown, .pageDown),
            (codes.backspace, .backspace), (codes.delete, .delete), (codes.enter, .enter), (codes.backTab, .backTab),
            (codes.a1, .home), (codes.c1, .end), (codes.a3, .pageUp), (codes.c3, .pageDown),
        ]
        for (code, key) in table {
            XCTAssertEqual(decode(.keyCode(code)).0, .key(key), "code \(code)")
        }
    }

    func testFunctionKeysAreNumbered() {
        XCTAssertEqual(decode(.keyCode(codes.f0 + 1)).0, .key(.function(1)))
        XCTAssertEqual(decode(.keyCode(codes.f0 + 12)).0, .key(.function(12)))
        XCTAssertEqual(decode(.keyCode(codes.f0)).0, .ignored, "F0 does not exist on keyboards")
    }

    func testResizeAndMouseAreHandedBack() {
        XCTAssertEqual(decode(.keyCode(codes.resize)).0, .resize)
        XCTAssertEqual(decode(.keyCode(codes.mouse)).0, .mouse)
    }

    func testControlCharacters() {
        XCTAssertEqual(decode(.character(9)).0, .key(.tab))
        XCTAssertEqual(decode(.character(10)).0, .key(.enter))
        XCTAssertEqual(decode(.character(13)).0, .key(.enter))
        XCTAssertEqual(decode(.character(127)).0, .key(.backspace))
        XCTAssertEqual(decode(.character(8)).0, .key(.backspace))
        XCTAssertEqual(decode(.character(1)).0, .key(.ctrl("a")))
        XCTAssertEqual(decode(.character(3)).0, .key(.ctrl("c")))
        XCTAssertEqual(decode(.character(26)).0, .key(.ctrl("z")))
        XCTAssertEqual(decode(.character(0)).0, .ignored)
    }

    func testPrintableAndWideCharacters() {
        XCTAssertEqual(decode(char("q")).0, .key(.char("q")))
        XCTAssertEqual(decode(char("/")).0, .key(.char("/")))
        XCTAssertEqual(decode(char("é")).0, .key(.char("é")))
        XCTAssertEqual(decode(char("漢")).0, .key(.char("漢")))
        XCTAssertEqual(decode(.character(0x1F600)).0, .key(.char("😀")))
        XCTAssertEqual(decode(.character(0xD800)).0, .ignored, "a lone surrogate is not a scalar")
    }

    func testLoneEscapeIsEscape() {
        let (r, used) = decode(.character(27))
        XCTAssertEqual(r, .key(.escape))
        XCTAssertEqual(used, 0)
    }

    func testAltChordIsConsumedNotReadAsEscapeThenKey() {
        let (r, used) = decode(.character(27), [char("x"), char("y")])
        XCTAssertEqual(r, .ignored)
        XCTAssertEqual(used, 1, "only the chord's key is consumed; y is a new key")
    }

    func testUnknownCSISequenceIsSwallowedToItsFinalByte() {
        // ESC [ 1 ; 5 P  (Ctrl-F1 on some terminals) followed by a real key "j".
        let (r, used) = decode(.character(27), [char("["), char("1"), char(";"), char("5"), char("P"), char("j")])
        XCTAssertEqual(r, .ignored)
        XCTAssertEqual(used, 5)
    }

    func testKeyCodeAfterEscapeIsHandedBack() {
        // Esc pressed just before a resize (or an arrow curses already decoded): both must survive.
        var queue: [RawInput] = [.keyCode(codes.resize)]
        var unread: [RawInput] = []
        let r = decoder.decode(.character(27), next: { queue.isEmpty ? nil : queue.removeFirst() },
                               unread: { unread.append($0) })
        XCTAssertEqual(r, .key(.escape))
        XCTAssertEqual(unread, [.keyCode(codes.resize)])
    }

    func testDoubleEscapeIsOneEscape() {
        XCTAssertEqual(decode(.character(27), [.character(27)]).0, .key(.escape))
    }

    func testMouseMasks() {
        let m = MouseMasks.ncurses
        XCTAssertEqual(m.decode(x: 3, y: 4, state: m.button1Pressed), .click(x: 3, y: 4))
        XCTAssertEqual(m.decode(x: 3, y: 4, state: m.button1Clicked), .click(x: 3, y: 4))
        XCTAssertEqual(m.decode(x: 1, y: 2, state: m.wheelUp), .wheelUp(x: 1, y: 2))
        XCTAssertEqual(m.decode(x: 1, y: 2, state: m.wheelDown), .wheelDown(x: 1, y: 2))
        XCTAssertNil(m.decode(x: 1, y: 2, state: 0))
        XCTAssertNotEqual(m.wheelDown, 0, "this ncurses reports wheel-down as button 5")
    }

    func testTerminalPreconditions() {
        let ok = ["TERM": "xterm-256color"]
        XCTAssertNil(TerminalError.check(stdinIsTTY: true, stdoutIsTTY: true, environment: ok))
        XCTAssertEqual(TerminalError.check(stdinIsTTY: false, stdoutIsTTY: true, environment: ok), .stdinNotATerminal)
        XCTAssertEqual(TerminalError.check(stdinIsTTY: true, stdoutIsTTY: false, environment: ok), .stdoutNotATerminal)
        XCTAssertEqual(TerminalError.check(stdinIsTTY: true, stdoutIsTTY: true, environment: [:]), .termNotSet)
        XCTAssertEqual(TerminalError.check(stdinIsTTY: true, stdoutIsTTY: true, environment: ["TERM": ""]), .termNotSet)
        XCTAssertEqual(TerminalError.check(stdinIsTTY: true, stdoutIsTTY: true, environment: ["TERM": "dumb"]),
                       .unknownTerminal("dumb"))
        XCTAssertFalse(TerminalError.stdinNotATerminal.description.contains("\n"))
    }
}

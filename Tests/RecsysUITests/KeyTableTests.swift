import RecsysEngine
import RecsysTestSupport
import XCTest

@testable import RecsysUI

/// The key tables are the one source of dispatch, Help and the hint line.
final class KeyTableTests: XCTestCase {
    let allScreens: [Screen] = [.explore, .compare, .explain, .similar, .users, .embeddingMap, .evalLab]

    func testEveryScreenHasATableAndEveryHintNamesAKeyBoundThere() {
        for screen in allScreens {
            let table = Keymap.table(screen)
            XCTAssertEqual(table.screen, screen)
            XCTAssertFalse(table.hints.isEmpty, "\(screen) has a hint line")
            for hint in table.hints + (table.busyHints ?? []) {
                XCTAssertTrue(table.bindings.contains { $0.action == hint.action },
                              "\(screen): hint '\(hint.text)' names an action bound on the screen")
                XCTAssertNotNil(table.label(of: hint))
            }
        }
    }

    func testTheHintLabelIsTheBoundKey() {
        // Not written by hand: the label follows the table.
        let map = Keymap.table(.embeddingMap)
        XCTAssertEqual(map.label(of: KeyHint(.map(.centre), "centre")), "c")
        XCTAssertEqual(map.label(of: KeyHint(.back, "back")), "Esc")
        XCTAssertEqual(Keymap.hints(.embeddingMap, busy: false).map(\.key), ["←↑↓→", "+/-", "Enter", "Tab", "c", "Esc", "q"])
        XCTAssertEqual(Keymap.hints(.evalLab, busy: true).map(\.key), ["Esc", "c", "U", "q"])
        XCTAssertEqual(Keymap.hints(.evalLab, busy: false).map(\.text), ["move", "toggle", "split", "run", "back", "quit"])
    }

    func testDispatchGoesThroughTheScreensOwnTableFirst() {
        for screen in allScreens {
            let table = Keymap.table(screen)
            var seen: Set<Key> = []
            for b in table.own {
                for k in b.keys where !seen.contains(k) {
                    seen.insert(k)
                    XCTAssertEqual(Keymap.ownAction(for: k, on: screen), b.action, "\(screen) \(k)")
                }
            }
        }
        XCTAssertEqual(Keymap.ownAction(for: .char("l"), on: .embeddingMap), .map(.panRight))
        XCTAssertNil(Keymap.ownAction(for: .char("l"), on: .explore))
        XCTAssertEqual(Keymap.action(for: .char("l"), on: .explore), .nextTab)
    }

    func testHelpListsEveryScreensOwnKeys() {
        let lines = Keymap.helpLines()
        for table in Keymap.screens where !table.own.isEmpty {
            XCTAssertNotNil(table.group)
            for b in table.own {
                XCTAssertTrue(lines.contains { $0.group == table.group && $0.help == b.help }, "help lists '\(b.help)'")
            }
        }
        let d = Driver(width: 120, height: 40)
        d.key(.char("?"))
        var text = ""
        for _ in 0..<12 { text += d.screenText(); d.key(.pageDown) }
        XCTAssertTrue(text.contains("Embedding map (M)"))
        XCTAssertTrue(text.contains("parameter grid search on/off"))
    }

    func testTheMapDeclinesItsKeysUntilItIsBuilt() {
        let d = Driver(algorithms: ["popularity"], extraModels: false)
        d.key(.char("M"))
        XCTAssertEqual(d.state.screen, .embeddingMap)
        XCTAssertNil(d.state.embeddingMap, "popularity has no item vectors")
        // With no map, `c` is the shared key: compare.
        d.key(.char("c"))
        XCTAssertEqual(d.state.screen, .compare)
    }

    func testLabMessagesWithoutALabAreDropped() {
        let d = Driver(algorithms: ["popularity"], extraModels: false)
        XCTAssertNil(d.state.evalLab)
        d.send(.evalLab(.failed(run: 1, "boom")))
        XCTAssertNil(d.state.evalLab)
        XCTAssertFalse(d.state.status.text.contains("boom"))
    }

    func testCommandHelpComesFromTheCommandTable() {
        XCTAssertEqual(Keymap.commands.map(\.0), [":algo NAME", ":set ALGO.KEY VALUE", ":params [ALGO]", ":models [ALGO]", ":profile NAME", ":about age=25-34 …", ":lesson N", ":export FILE",
                                                   ":sort KEY", ":genre NAME", ":colour on|off", ":class on|off", ":q"])
        for (usage, _) in Keymap.commands {
            let name = String(usage.dropFirst().prefix { $0 != " " })
            XCTAssertNotNil(ColonCommands.command(named: name), usage)
        }
        let d = Driver()
        d.key(.char(":")); d.type("export"); d.key(.enter)
        XCTAssertEqual(d.state.status.text, "usage: :export FILE")
    }
}

import Foundation
import RecsysEngine
import XCTest
@testable import RecsysUI

/// Issue 14: the `formula:` checkpoint ("open Explain on a user-knn recommendation and press the key that
/// shows its formula"): how it is written, and that it holds only while Explain shows that algorithm's formula.
final class LessonFormulaCheckTests: XCTestCase {
    func testTheFormulaCheckpointParsesAndRefusesAnUnknownAlgorithm() throws {
        let names = Algorithms.names
        XCTAssertEqual(try LessonParser.checkpoint("formula: user-knn", file: "a.md", line: 7, algorithms: names),
                       .formula(algorithm: "user-knn"))
        XCTAssertEqual(try LessonParser.checkpoint("formula: any", file: "a.md", line: 7, algorithms: names),
                       .formula(algorithm: nil))
        XCTAssertThrowsError(try LessonParser.checkpoint("formula: warp", file: "a.md", line: 7, algorithms: names)) { e in
            XCTAssertEqual((e as? LessonError)?.line, 7)
            XCTAssertTrue("\(e)".hasPrefix("a.md:7: unknown algorithm 'warp'"), "\(e)")
        }
        XCTAssertThrowsError(try LessonParser.checkpoint("formula: {algorithm: svd}", file: "a.md", line: 3, algorithms: names)) { e in
            XCTAssertEqual("\(e)", "a.md:3: expected 'formula: ALGORITHM' or 'formula: any'")
        }
    }

    func testItHoldsOnlyWhileExplainShowsThatAlgorithmsFormula() throws {
        let d = Driver(algorithms: ["popularity", "user-knn"], extraModels: false)
        let check = Checkpoint.formula(algorithm: "user-knn")
        func holds() -> Bool { d.state.holds(check, since: 0) }
        let f = try XCTUnwrap(Keymap.table(.explain).own.first { $0.action == .showFormula }?.keys.first)
        // Explain under popularity, formula shown: not user-knn's.
        d.key(.char("e"))
        XCTAssertEqual(d.state.screen, .explain)
        d.key(f)
        XCTAssertTrue(d.state.explain.showFormula)
        XCTAssertEqual(d.state.explain.result?.algorithm, "popularity")
        XCTAssertFalse(holds())
        XCTAssertTrue(d.state.holds(.formula(algorithm: nil), since: 0), "formula: any holds for any algorithm")
        d.key(.escape)
        // Under user-knn: Explain alone (the terms) does not hold; f does; f again (back to the terms) does not.
        d.key(.char(":"))
        d.type("algo user-knn")
        d.key(.enter)
        XCTAssertEqual(d.state.activeAlgorithm, "user-knn")
        d.key(.char("e"))
        XCTAssertFalse(d.state.explain.showFormula, "a new Explain opens on the terms")
        XCTAssertFalse(holds())
        d.key(f)
        XCTAssertEqual(d.state.explain.result?.algorithm, "user-knn")
        XCTAssertNotNil(d.state.explain.result?.formula)
        XCTAssertTrue(holds())
        XCTAssertEqual(d.state.progressText(check, since: 0), "show user-knn's formula (Explain, f)")
        d.key(f)
        XCTAssertFalse(holds())
        d.key(f)
        d.key(.escape)
        XCTAssertNotEqual(d.state.screen, .explain)
        XCTAssertFalse(holds(), "only while Explain is open")
    }
}

import XCTest
import RecsysEngine

final class CLIPlaceholderTests: XCTestCase {
    func testAlgorithmsRegistryRejectsUnknownNames() {
        XCTAssertThrowsError(try Algorithms.make("nope")) { e in
            XCTAssertTrue("\(e)".contains("popularity"))
        }
    }
}

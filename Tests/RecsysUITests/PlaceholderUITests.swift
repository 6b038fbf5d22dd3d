import XCTest
@testable import RecsysUI

final class UIModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(RecsysUIModule.self as Any) }
}

import XCTest
@testable import RecsysStore

final class StoreModuleTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(RecsysStoreModule.self as Any) }
}

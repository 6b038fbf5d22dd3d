import Foundation
import XCTest
@testable import RecsysRuntime

/// Fits run on a thread of lowered priority, and the caller's priority is untouched.
final class LowPriorityThreadTests: XCTestCase {
    func testWorkRunsNicerAndTheCallerIsUntouched() throws {
        #if os(Linux)
        let before = LowPriorityThread.currentNice()
        try XCTSkipIf(before >= 19, "already at the lowest priority")
        final class Box: @unchecked Sendable { var nice: Int32 = -100; var ran = false }
        let box = Box()
        LowPriorityThread.run {
            box.nice = LowPriorityThread.currentNice()
            box.ran = true
        }
        XCTAssertTrue(box.ran, "run waits for the work")
        XCTAssertEqual(box.nice, min(19, before + LowPriorityThread.fitIncrement))
        XCTAssertEqual(LowPriorityThread.currentNice(), before, "only the fit's own thread is lowered")
        #endif
    }
}

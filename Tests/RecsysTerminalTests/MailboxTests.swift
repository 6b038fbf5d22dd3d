import Foundation
import XCTest

@testable import RecsysTerminal

final class MailboxTests: XCTestCase {
    func testDrainReturnsMessagesInOrderAndEmpties() {
        let box = Mailbox<Int>()
        box.post(1)
        box.post(2)
        XCTAssertEqual(box.drain(), [1, 2])
        XCTAssertTrue(box.isEmpty)
        XCTAssertEqual(box.drain(), [])
    }

    func testCoalescingReplacesUndeliveredMessageInPlace() {
        let box = Mailbox<String>()
        box.post("progress 1", coalescingKey: "fit")
        box.post("done")
        box.post("progress 2", coalescingKey: "fit")
        XCTAssertEqual(box.drain(), ["progress 2", "done"])
    }

    func testConcurrentPostsAreAllDelivered() {
        let box = Mailbox<Int>()
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for k in 0..<500 { box.post(t * 1000 + k) }
        }
        let all = box.drain()
        XCTAssertEqual(all.count, 4000)
        XCTAssertEqual(Set(all).count, 4000)
    }
}

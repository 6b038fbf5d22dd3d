import Dispatch
import Foundation
import XCTest

@testable import RecsysRuntime

final class BackgroundWorkTests: XCTestCase {
    /// A thread-safe list for results written from the work queues.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func testSupersededJobsAreSkippedButTheNewestRuns() {
        let work = BackgroundWork()
        let log = Log()
        let gate = DispatchSemaphore(value: 0)
        // Block the queue so the next three jobs are all waiting at once.
        work.run(on: "engine") { gate.wait() }
        for k in 1...3 { work.run(on: "engine", supersede: "recompute") { log.add("recompute \(k)") } }
        work.run(on: "engine") { log.add("plain") }
        gate.signal()
        work.wait(for: "engine")
        XCTAssertEqual(log.all, ["recompute 3", "plain"])
        XCTAssertEqual(work.skippedCount, 2)
    }

    func testQueuesRunIndependently() {
        let work = BackgroundWork()
        let log = Log()
        let gate = DispatchSemaphore(value: 0)
        work.run(on: "fit") { gate.wait(); log.add("fit done") }
        work.run(on: "engine") { log.add("recompute") }
        work.wait(for: "engine")
        XCTAssertEqual(log.all, ["recompute"], "a long fit must not hold back recomputation")
        gate.signal()
        work.wait(for: "fit")
        XCTAssertEqual(log.all, ["recompute", "fit done"])
    }
}

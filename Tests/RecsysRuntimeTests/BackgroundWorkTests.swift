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

    /// Fits run niced on a thread of their own: the body runs to the end before the call returns,
    /// at a lower priority than the caller, and the caller's priority is left as it was.
    func testLowPriorityWorkRunsNicedAndLeavesTheCallerAlone() {
        #if canImport(Glibc)
        let mine = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        final class Box: @unchecked Sendable { var value: Int32 = -100; var ran = false }
        let seen = Box()
        BackgroundWork.runAtLowPriority {
            Thread.sleep(forTimeInterval: 0.05)
            seen.value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            seen.ran = true
        }
        XCTAssertTrue(seen.ran, "the call waits for the body")
        XCTAssertEqual(seen.value, min(19, mine + LowPriorityThread.engineIncrement))
        XCTAssertEqual(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), mine)
        #endif
    }
}

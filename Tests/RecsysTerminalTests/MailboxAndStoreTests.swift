import Foundation
import RecsysEngine
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

final class JSONLinesProfileStoreTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "recsys-store-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testRatingsSurviveReopening() throws {
        let path = dir + "/nested/profiles.jsonl"
        do {
            let s = try JSONLinesProfileStore(path: path)
            XCTAssertEqual(try s.ratings(profile: "alice"), [])
            try s.setRating(profile: "alice", item: "50", value: 5, timestamp: 10)
            try s.setRating(profile: "alice", item: "7", value: 3.5, timestamp: 11)
            try s.setRating(profile: "alice", item: "50", value: 4, timestamp: 12)
            try s.setRating(profile: "bob", item: "1", value: 2, timestamp: 13)
            try s.removeRating(profile: "alice", item: "7")
        }
        let again = try JSONLinesProfileStore(path: path)
        XCTAssertEqual(try again.ratings(profile: "alice"), [StoredRating(item: "50", value: 4, timestamp: 12)])
        XCTAssertEqual(try again.ratings(profile: "bob").map(\.item), ["1"])
        XCTAssertEqual(try again.profileNames(), ["alice", "bob"])
    }

    func testTornLastLineIsCutOffAndLaterWritesStayReadable() throws {
        let path = dir + "/p.jsonl"
        do {
            let s = try JSONLinesProfileStore(path: path)
            try s.setRating(profile: "p", item: "1", value: 4, timestamp: 1)
        }
        // Simulate a crash mid-write: half a line without its newline.
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(Data("{\"op\":\"set\",\"profile\":\"p\",\"it".utf8))
        h.closeFile()
        do {
            let s = try JSONLinesProfileStore(path: path)
            XCTAssertEqual(try s.ratings(profile: "p").map(\.item), ["1"])
            try s.setRating(profile: "p", item: "2", value: 3, timestamp: 2)
        }
        let s = try JSONLinesProfileStore(path: path)
        XCTAssertEqual(try s.ratings(profile: "p").map(\.item), ["1", "2"])
    }

    func testCorruptLineInTheMiddleIsAnErrorWithItsLineNumber() throws {
        let path = dir + "/bad.jsonl"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{\"op\":\"profile\",\"profile\":\"p\"}\nnot json\n{\"op\":\"profile\",\"profile\":\"q\"}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try JSONLinesProfileStore(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ":2: "), "\(error)")
        }
    }
}

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

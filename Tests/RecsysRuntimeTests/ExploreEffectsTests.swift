import Dispatch
import Foundation
import RecsysEngine
import RecsysTestSupport
import RecsysUI
import XCTest

@testable import RecsysRuntime

final class ExploreEffectsTests: XCTestCase {
    /// A store whose writes fail, to check the failure reply.
    final class BrokenStore: ProfileStoring, @unchecked Sendable {
        struct Broken: Error {}
        func ratings(profile: String) throws -> [StoredRating] { [] }
        func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws { throw Broken() }
        func removeRating(profile: String, item: String) throws { throw Broken() }
        func profileNames() throws -> [String] { [] }
        func noteDataset(profile: String, dataset: String) throws {}
    }

    /// A store that records which thread wrote and can hold writes back, to see where and in what order they run.
    final class GatedStore: ProfileStoring, @unchecked Sendable {
        let inner = InMemoryProfileStore()
        let gate = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var log: [String] = []
        private(set) var onMainThread = false
        var writes: [String] { lock.lock(); defer { lock.unlock() }; return log }
        func ratings(profile: String) throws -> [StoredRating] { try inner.ratings(profile: profile) }
        func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws {
            gate.wait()
            if Thread.isMainThread { onMainThread = true }
            try inner.setRating(profile: profile, item: item, value: value, timestamp: timestamp)
            lock.lock(); log.append("set \(item)"); lock.unlock()
        }
        func removeRating(profile: String, item: String) throws {
            gate.wait()
            try inner.removeRating(profile: profile, item: item)
            lock.lock(); log.append("remove \(item)"); lock.unlock()
        }
        func profileNames() throws -> [String] { try inner.profileNames() }
        func noteDataset(profile: String, dataset: String) throws {}
    }

    /// Collects posted messages.
    final class Posted: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Message] = []
        func add(_ m: Message, _ key: String?) { lock.lock(); items.append(m); lock.unlock() }
        var all: [Message] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func testStoreEffectsRunOffTheUIThreadInOrderAndReplyOnlyWhenOnDisk() throws {
        let store = GatedStore()
        let effects = ExploreEffects(store: store, now: { 1_700_000_000 })
        let posted = Posted()
        effects.schedule(.saveRating(profile: "p", item: "7", value: 4.5), post: posted.add, quit: {})
        effects.schedule(.removeRating(profile: "p", item: "7"), post: posted.add, quit: {})
        // `schedule` returned while the write is still held back: the UI thread never waits on the store,
        // and nothing says saved yet.
        XCTAssertTrue(posted.all.isEmpty)
        XCTAssertEqual(store.writes, [])
        store.gate.signal()
        store.gate.signal()
        effects.finish()
        XCTAssertEqual(store.writes, ["set 7", "remove 7"], "rate then undo land in that order")
        XCTAssertFalse(store.onMainThread)
        let saved = posted.all.compactMap { m -> String? in if case .saved(let item) = m { return item }; return nil }
        XCTAssertEqual(saved, ["7", "7"])
        XCTAssertEqual(try store.ratings(profile: "p"), [])
    }

    func testTheReplyComesAfterTheWrite() throws {
        let store = InMemoryProfileStore()
        let effects = ExploreEffects(store: store)
        final class Seen: @unchecked Sendable { var ratingsWhenSaved: [Float]? }
        let seen = Seen()
        effects.schedule(.saveRating(profile: "p", item: "7", value: 4.5), post: { m, _ in
            if case .saved = m { seen.ratingsWhenSaved = (try? store.ratings(profile: "p"))?.map(\.value) }
        }, quit: {})
        effects.finish()
        XCTAssertEqual(seen.ratingsWhenSaved, [4.5])
    }

    func testFailedSaveSaysSo() {
        let effects = ExploreEffects(store: BrokenStore())
        let posted = Posted()
        effects.schedule(.saveRating(profile: "p", item: "1", value: 3), post: posted.add, quit: {})
        effects.finish()
        guard case .saveFailed(let text) = posted.all.first else { return XCTFail("expected .saveFailed, got \(posted.all)") }
        XCTAssertTrue(text.contains("not") || text.contains("could"), text)
    }

    func testQuitEndsTheLoop() {
        var quit = false
        let posted = Posted()
        ExploreEffects(store: InMemoryProfileStore()).schedule(.quit, post: posted.add, quit: { quit = true })
        XCTAssertTrue(quit)
        XCTAssertTrue(posted.all.isEmpty)
    }

    func testEngineWorkRunsInTheBackgroundAndPostsItsResult() throws {
        let data = UIFixtures.dataset()
        let model = try Algorithms.make("popularity")
        try model.fit(data, context: FitContext(seed: 1))
        let effects = ExploreEffects(store: InMemoryProfileStore())
        let posted = Posted()
        let job = PredictJob(generation: 3, item: 0, profile: Profile(), models: [NamedModel(name: "popularity", model: model)])
        effects.schedule(.predict(job), post: posted.add, quit: {})
        effects.work.wait(for: "engine")
        guard case .predictionsReady(let item, let generation, let predictions) = posted.all.first else {
            return XCTFail("expected .predictionsReady, got \(posted.all)")
        }
        XCTAssertEqual(item, 0)
        XCTAssertEqual(generation, 3)
        XCTAssertNotNil(predictions["popularity"])
    }

    /// A scheduled fit and a scheduled engine job each run lowered by one increment, not two (two
    /// layers of +10 once left fits at nice 19), and a fit more than an engine job.
    func testFitsAndEngineJobsAreLoweredOnceNotTwice() throws {
        #if os(Linux)
        let mine = LowPriorityThread.currentNice()
        try XCTSkipIf(mine + 2 * LowPriorityThread.fitIncrement > 17, "too low a priority already to tell once from twice")
        final class Seen: @unchecked Sendable {
            private let lock = NSLock()
            private var values: [String: Int32] = [:]
            func note(_ k: String) { lock.lock(); values[k] = LowPriorityThread.currentNice(); lock.unlock() }
            subscript(_ k: String) -> Int32? { lock.lock(); defer { lock.unlock() }; return values[k] }
        }
        let seen = Seen()
        let data = UIFixtures.dataset()
        let effects = ExploreEffects(store: InMemoryProfileStore())
        // Messages are posted from the thread that did the work: its nice value is the job's.
        effects.schedule(.fitModels(FitJob(dataset: data, requests: [FitRequest(algorithm: "popularity")], seed: 1)),
                         post: { m, _ in if case .modelFitted = m { seen.note("fit") } }, quit: {})
        effects.schedule(.predict(PredictJob(generation: 1, item: 0, profile: Profile(), models: [])),
                         post: { _, _ in seen.note("engine") }, quit: {})
        // The queues' own threads, unlowered (libdispatch may give a queue's thread a nice value of its QoS).
        effects.work.run(on: "fit") { seen.note("fit queue") }
        effects.work.run(on: "engine") { seen.note("engine queue") }
        effects.work.wait(for: "fit")
        effects.work.wait(for: "engine")
        let fitBase = try XCTUnwrap(seen["fit queue"]), engineBase = try XCTUnwrap(seen["engine queue"])
        XCTAssertEqual(seen["fit"], min(19, fitBase + LowPriorityThread.fitIncrement))
        XCTAssertEqual(seen["engine"], min(19, engineBase + LowPriorityThread.engineIncrement))
        XCTAssertLessThan(LowPriorityThread.engineIncrement, LowPriorityThread.fitIncrement,
                          "a recompute a learner waits for beats a fit")
        XCTAssertEqual(LowPriorityThread.currentNice(), mine, "the caller is untouched")
        #endif
    }

    func testFittingRunsOnItsOwnQueueAndProgressIsCoalesced() {
        let data = UIFixtures.dataset()
        let job = FitJob(dataset: data, requests: [FitRequest(algorithm: "popularity")], seed: 1)
        XCTAssertEqual(ExploreEffects.placement(of: .fitModels(job)).queue, "fit")
        XCTAssertNil(ExploreEffects.placement(of: .fitModels(job)).supersede, "fitting is never skipped")
        let recompute = Effect.recompute(RecomputeJob(generation: 1, profile: Profile(), models: [], selectedItem: nil,
                                                      stats: CatalogStats(dataset: data)))
        XCTAssertEqual(ExploreEffects.placement(of: recompute).queue, "engine")
        XCTAssertEqual(ExploreEffects.placement(of: recompute).supersede, "recompute")
        XCTAssertEqual(ExploreEffects.placement(of: .saveRating(profile: "p", item: "1", value: 1)).queue, "store")
        XCTAssertEqual(ExploreEffects.placement(of: .export(path: "/x", contents: "", count: 0)).queue, "store")
        let progress = Message.fitProgress(algorithm: "svd", FitProgress(fraction: 0.5, message: "epoch 10/20"))
        XCTAssertEqual(ExploreEffects.coalescingKey(of: progress), "fit:svd")
        XCTAssertNil(ExploreEffects.coalescingKey(of: .tick))

        // The whole fit, end to end: a model arrives through `post`.
        let effects = ExploreEffects(store: InMemoryProfileStore())
        let posted = Posted()
        effects.schedule(.fitModels(job), post: posted.add, quit: {})
        effects.work.wait(for: "fit")
        let fitted = posted.all.contains { if case .modelFitted("popularity", _, _, _, _) = $0 { return true }; return false }
        XCTAssertTrue(fitted)
    }

    func testExportWritesTheFileAndSaysHowMany() throws {
        let path = NSTemporaryDirectory() + "recsys-export-\(getpid()).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let posted = Posted()
        EffectRunner(store: nil).run(.export(path: path, contents: "item,title,rating\n1,A,4\n", count: 1)) { posted.add($0, nil) }
        guard case .exported(let p, 1) = posted.all.first else { return XCTFail("expected .exported, got \(posted.all)") }
        XCTAssertEqual(p, path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "item,title,rating\n1,A,4\n")
    }
}

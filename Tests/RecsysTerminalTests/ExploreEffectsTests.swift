import Foundation
import RecsysEngine
import RecsysTestSupport
import RecsysUI
import XCTest

@testable import RecsysTerminal

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

    func testSaveIsOnDiskWhenItsReplyIsReturned() throws {
        let store = InMemoryProfileStore()
        let effects = ExploreEffects(store: store)
        let context = EffectContext<Message>(mailbox: Mailbox())
        let replies = effects.perform(.saveRating(profile: "p", item: "7", value: 4.5), context: context)
        // The reply comes back synchronously (applied before the next frame), and the write has happened.
        XCTAssertEqual(replies.count, 1)
        guard case .saved(let item) = replies.first else { return XCTFail("expected .saved, got \(replies)") }
        XCTAssertEqual(item, "7")
        XCTAssertEqual(try store.ratings(profile: "p").map(\.value), [4.5])
        XCTAssertTrue(context.mailbox.isEmpty, "store replies never go through the mailbox")

        let removed = effects.perform(.removeRating(profile: "p", item: "7"), context: context)
        guard case .saved = removed.first else { return XCTFail("expected .saved, got \(removed)") }
        XCTAssertEqual(try store.ratings(profile: "p"), [])
    }

    func testFailedSaveSaysSo() {
        let effects = ExploreEffects(store: BrokenStore())
        let replies = effects.perform(.saveRating(profile: "p", item: "1", value: 3),
                                      context: EffectContext(mailbox: Mailbox()))
        guard case .saveFailed(let text) = replies.first else { return XCTFail("expected .saveFailed, got \(replies)") }
        XCTAssertTrue(text.contains("not") || text.contains("could"), text)
    }

    func testQuitEndsTheLoop() {
        let context = EffectContext<Message>(mailbox: Mailbox())
        XCTAssertFalse(context.quitRequested)
        XCTAssertTrue(ExploreEffects(store: InMemoryProfileStore()).perform(.quit, context: context).isEmpty)
        XCTAssertTrue(context.quitRequested)
    }

    func testEngineWorkRunsInTheBackgroundAndPostsItsResult() throws {
        let data = UIFixtures.dataset()
        let model = try Algorithms.make("popularity")
        try model.fit(data, context: FitContext(seed: 1))
        let effects = ExploreEffects(store: InMemoryProfileStore())
        let context = EffectContext<Message>(mailbox: Mailbox())
        let job = PredictJob(generation: 3, item: 0, profile: Profile(), models: [NamedModel(name: "popularity", model: model)])
        XCTAssertTrue(effects.perform(.predict(job), context: context).isEmpty, "engine effects reply later")
        effects.work.wait(for: "engine")
        let posted = context.mailbox.drain()
        guard case .predictionsReady(let item, let generation, let predictions) = posted.first else {
            return XCTFail("expected .predictionsReady, got \(posted)")
        }
        XCTAssertEqual(item, 0)
        XCTAssertEqual(generation, 3)
        XCTAssertNotNil(predictions["popularity"])
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
        let progress = Message.fitProgress(algorithm: "svd", FitProgress(fraction: 0.5, message: "epoch 10/20"))
        XCTAssertEqual(ExploreEffects.coalescingKey(of: progress), "fit:svd")
        XCTAssertNil(ExploreEffects.coalescingKey(of: .tick))

        // The whole fit, end to end: a model arrives through the mailbox.
        let effects = ExploreEffects(store: InMemoryProfileStore())
        let context = EffectContext<Message>(mailbox: Mailbox())
        _ = effects.perform(.fitModels(job), context: context)
        effects.work.wait(for: "fit")
        let fitted = context.mailbox.drain().contains { if case .modelFitted("popularity", _, _, _) = $0 { return true }; return false }
        XCTAssertTrue(fitted)
    }
}

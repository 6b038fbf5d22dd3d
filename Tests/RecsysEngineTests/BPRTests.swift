import XCTest
@testable import RecsysEngine

final class BPRTests: XCTestCase {
    func fitted(data: Dataset = BlockFixture.make(), seed: UInt64 = 3) throws -> BPRRecommender {
        let m = try BPRRecommender(parameters: Parameters(["factors": "8", "iterations": "60", "learning_rate": "0.05"]))
        try m.fit(data, context: FitContext(seed: seed))
        return m
    }

    func testWithheldItemRanksFirstForTrainedAndFoldedInUser() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        XCTAssertEqual(m.recommend(Profile.training(0, in: ds.ratings), count: 1).first?.item, 0)
        XCTAssertEqual(m.recommend(Profile.training(10, in: ds.ratings), count: 1).first?.item, 6)
        XCTAssertEqual(m.recommend(BlockFixture.foldIn(0, ds), count: 1).first?.item, 0)
        XCTAssertEqual(m.recommend(BlockFixture.foldIn(10, ds), count: 1).first?.item, 6)
    }

    func testSeededFitAndFoldInAreReproducible() throws {
        let ds = BlockFixture.make()
        let a = try fitted(data: ds), b = try fitted(data: ds), c = try fitted(data: ds, seed: 4)
        let p = BlockFixture.foldIn(2, ds)
        XCTAssertEqual(a.scores(p), b.scores(p))
        XCTAssertEqual(a.scores(p), a.scores(p), "fold-in must not depend on earlier calls")
        XCTAssertNotEqual(a.scores(p), c.scores(p))
    }

    func testColdStartAndExplanation() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        XCTAssertEqual(m.explain(Profile(), item: 3).notes, [.coldStart])
        let p = BlockFixture.foldIn(0, ds)
        let e = m.explain(p, item: 0)
        XCTAssertEqual(e.score, m.scores(p)[0], accuracy: 1e-4)
        // The factor part plus the bias add up to the score; rated items are context.
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), e.score, accuracy: 1e-3)
        XCTAssertTrue(e.terms.contains { $0.kind == .bias })
        XCTAssertFalse(e.related.isEmpty)
    }

    func testDegenerateDataGivesFiniteScores() throws {
        for ds in [BlockFixture.degenerate(), BlockFixture.degenerate(items: 3, users: 2)] {
            let m = try fitted(data: ds)
            XCTAssertTrue(m.scores(Profile.training(0, in: ds.ratings)).allSatisfy(\.isFinite))
            XCTAssertTrue(m.scores(Profile([(Int32(0), Float(5))])).allSatisfy(\.isFinite))
        }
    }
}

import XCTest
@testable import RecsysEngine

final class HybridTests: XCTestCase {
    /// ALS and SVD are left out: their defaults are slow in debug builds.
    func fitted(_ params: [String: String] = [:], data: Dataset = BlockFixture.make()) throws -> HybridRecommender {
        let m = try HybridRecommender(parameters: Parameters(["cold_threshold": "3", "w_als": "0", "w_svd": "0", "w_svdpp": "0"].merging(params) { $1 }))
        try m.fit(data, context: FitContext(seed: 5))
        return m
    }

    func testComponentsAreTheRegisteredOnesAndWeightsAreFitted() throws {
        XCTAssertTrue(try HybridRecommender(parameters: Parameters()).componentNames.contains("als"))
        let m = try fitted()
        XCTAssertTrue(m.componentNames.allSatisfy { Algorithms.type(named: $0) != nil })
        XCTAssertTrue(m.componentNames.contains("ease"))
        XCTAssertFalse(m.componentNames.contains("bpr"), "bpr is off by default")
        XCTAssertEqual(m.weights.count, m.componentNames.count)
        XCTAssertTrue(m.weights.allSatisfy { $0 >= 0 } && m.weights.contains { $0 > 0 })
    }

    func testWithheldItemRanksFirst() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        XCTAssertEqual(m.recommend(Profile.training(0, in: ds.ratings), count: 1).first?.item, 0)
        XCTAssertEqual(m.recommend(BlockFixture.foldIn(10, ds), count: 1).first?.item, 6)
    }

    func testUserWeightsAreHonouredAndBadOnesRejected() throws {
        let m = try fitted(["w_ease": "2", "w_content": "0.5", "w_popularity": "0"])
        XCTAssertFalse(m.componentNames.contains("als"))
        XCTAssertEqual(m.weights[m.componentNames.firstIndex(of: "ease")!], 2)
        XCTAssertEqual(m.weights[m.componentNames.firstIndex(of: "content")!], 0.5)
        XCTAssertThrowsError(try HybridRecommender(parameters: Parameters(["w_ease": "-3"])))
        XCTAssertThrowsError(try HybridRecommender(parameters: Parameters(["nope": "1"])))
    }

    func testColdProfilesLeanOnContentAndPopularity() throws {
        let m = try fitted(["w_ease": "1", "w_content": "1", "w_popularity": "1"])
        let names = m.componentNames
        let cold = m.effectiveWeights(ratingCount: 1), warm = m.effectiveWeights(ratingCount: 3)
        let e = names.firstIndex(of: "ease")!, c = names.firstIndex(of: "content")!
        XCTAssertLessThan(cold[e], warm[e])
        XCTAssertGreaterThan(cold[c], warm[c])
        XCTAssertEqual(warm, m.weights)
        XCTAssertEqual(m.explain(Profile(), item: 0).notes, [.coldStart])
        XCTAssertTrue(m.explain(Profile([(Int32(1), Float(5))]), item: 2).notes.contains(.fewRatings(1)))
    }

    func testExplanationHasOneTermPerComponentSummingToScore() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        let p = Profile.training(0, in: ds.ratings)
        let e = m.explain(p, item: 0)
        XCTAssertEqual(e.parts.count, e.terms.count)
        XCTAssertEqual(Set(e.terms.compactMap(\.name)), Set(zip(m.componentNames, m.weights).filter { $0.1 != 0 }.map(\.0)))
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), m.scores(p)[0], accuracy: 1e-3)
    }

    func testRatingBlendStaysOnScaleAndSimilarItemsAreFinite() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        let pr = m.predict(Profile.training(0, in: ds.ratings), items: [0, 7])
        XCTAssertTrue(pr.allSatisfy { (1...5).contains($0.value) })
        XCTAssertTrue(m.similarItems(to: 1, count: 3).allSatisfy { $0.item < 6 })
    }

    func testDegenerateData() throws {
        let ds = BlockFixture.degenerate(items: 3, users: 2)
        let m = try fitted(data: ds)
        XCTAssertTrue(m.scores(Profile.training(0, in: ds.ratings)).allSatisfy(\.isFinite))
    }
}

import XCTest
import RecsysTestSupport
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

/// Issue 13, item 4: new users start from who they are and hand over to the blend with a fitted n₀.
final class HybridNewUserGateTests: XCTestCase {
    static let light = Parameters(["w_svd": "0", "w_als": "0", "w_svdpp": "0"])

    func testNewUsersStartFromTheirDemographicsWithAFittedHandOver() throws {
        var board = Conformance.checkerboard()
        board.data.userAttributes = (0..<board.data.userCount).map { UserAttributes(gender: $0 % 2 == 0 ? "F" : "M") }
        let h = try HybridRecommender(parameters: Self.light)
        try h.fit(board.data, context: FitContext(seed: 3))
        XCTAssertGreaterThan(h.gateHalfway, 0, "demographics decide everything at N = 0 here: the gate must open")
        XCTAssertEqual(h.gate(ratingCount: 0), 0)
        XCTAssertLessThan(h.gate(ratingCount: 1), h.gate(ratingCount: 5), "smooth: more ratings, more blend")
        var woman = Profile()
        woman.attributes = UserAttributes(gender: "F")
        let top = h.recommend(woman, count: 8).map(\.item)
        XCTAssertTrue(top.allSatisfy { $0 % 2 == 0 }, "a new woman gets the women's (even) items: \(top)")
        let e = h.explain(woman, item: top[0])
        guard case .gateBlend(let n, _, let g)? = e.notes.first else { return XCTFail("\(e.notes)") }
        XCTAssertEqual(n, 0)
        XCTAssertEqual(g, 0)
        XCTAssertEqual(e.terms.first?.kind, .component)
        XCTAssertEqual(e.terms.first?.name, "demographic")
        XCTAssertEqual(e.parts.first?.algorithm, "demographic")
        XCTAssertTrue(e.parts.first?.terms.contains { $0.kind == .group } == true, "\(e.parts)")
        XCTAssertEqual(e.termTotal, e.score, accuracy: 1e-4)
        // A training user is served by the blend as before.
        let trained = Profile.training(0, in: board.data.ratings)
        XCTAssertEqual(h.scores(trained), h.blendScores(trained))
    }

    func testWithoutDemographicsNothingChanges() throws {
        let board = Conformance.checkerboard()
        let h = try HybridRecommender(parameters: Self.light)
        try h.fit(board.data, context: FitContext(seed: 3))
        XCTAssertEqual(h.gateHalfway, 0)
        XCTAssertEqual(h.gate(ratingCount: 0), 1)
        let p = Profile([(Int32(0), Float(5)), (Int32(2), Float(4))])
        XCTAssertEqual(h.scores(p), h.blendScores(p))
        XCTAssertFalse(h.explain(p, item: 4).notes.contains { if case .gateBlend = $0 { return true }; return false })
    }
}

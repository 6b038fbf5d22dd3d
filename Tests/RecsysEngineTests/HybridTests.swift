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
        XCTAssertTrue(m.componentNames.contains("bpr"), "bpr is on by default (it leads at 1–3 ratings on ml-100k)")
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

    func testNewProfilesUseTheWeightsFittedForTheirSize() throws {
        let m = try fitted()
        XCTAssertEqual(m.sizeWeights.map(\.level), [0, 1, 2], "the levels below cold_threshold = 3")
        XCTAssertTrue(m.sizeWeights.allSatisfy { $0.weights.count == m.componentNames.count }, "no demographics: no extra slot")
        XCTAssertEqual(m.effectiveWeights(ratingCount: 1), m.sizeWeights[1].weights)
        XCTAssertEqual(m.effectiveWeights(ratingCount: 3), m.weights, "from cold_threshold on: the warm weights")
        let one = Profile([(Int32(1), Float(5))])
        let notes = m.explain(one, item: 2).notes
        XCTAssertEqual(notes.first, .sizeWeights(ratings: 1, level: 1))
        XCTAssertTrue(notes.contains(.fewRatings(1)))
        XCTAssertTrue(notes.contains { if case .sizeWeightsFitted(let users, let levels, _) = $0 { return users > 0 && levels == [0, 1, 2] }
                                       return false }, "\(notes)")
        // A dataset user is always served by the warm blend.
        let trained = Profile.training(3, in: BlockFixture.make().ratings)
        XCTAssertEqual(m.scores(trained), m.blendScores(trained))
        // Weights given by hand are used at every size.
        let fixed = try fitted(["w_ease": "1", "w_content": "1", "w_popularity": "1", "w_item_knn": "0", "w_user_knn": "0",
                                "w_baseline": "0", "w_bpr": "0"])
        XCTAssertTrue(fixed.sizeWeights.isEmpty)
        XCTAssertEqual(fixed.effectiveWeights(ratingCount: 1), fixed.weights)
        XCTAssertEqual(fixed.explain(Profile(), item: 0).notes, [.coldStart])
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

/// Issue 13, item 4: new users start from who they are and hand over to the collaborative models with
/// weights fitted for each profile size.
final class HybridNewUserGateTests: XCTestCase {
    static let light = Parameters(["w_svd": "0", "w_als": "0", "w_svdpp": "0", "cold_threshold": "10"])

    /// 120 users: women (even users) love the even films, men the odd ones, and each dislikes two of the other's.
    static func genderBoard() -> Dataset {
        var triples: [(Int, Int, Float)] = []
        for u in 0..<120 {
            let parity = u % 2
            for i in stride(from: parity, to: 16, by: 2) { triples.append((u, i, (u + i) % 3 == 0 ? 4 : 5)) }
            for t in 0..<2 { triples.append((u, ((u / 2 + t * 3) % 8) * 2 + (1 - parity), 1)) }
        }
        var data = Conformance.dataset("gender-board", users: 120, items: 16, triples)
        data.userAttributes = (0..<120).map { UserAttributes(gender: $0 % 2 == 0 ? "F" : "M") }
        return data
    }

    func testNewUsersStartFromTheirDemographicsWithWeightsFittedBySize() throws {
        let data = Self.genderBoard()
        let h = try HybridRecommender(parameters: Self.light)
        try h.fit(data, context: FitContext(seed: 3))
        XCTAssertEqual(h.sizeWeights.map(\.level), [0, 1, 2, 3, 5])
        XCTAssertTrue(h.sizeWeights.allSatisfy { $0.weights.count == h.componentNames.count + 1 }, "the demographic slot")
        XCTAssertGreaterThan(h.demographicWeight(ratingCount: 0), 0, "demographics decide everything at N = 0 here")
        XCTAssertEqual(h.demographicWeight(ratingCount: 10), 0, "from cold_threshold on: the warm blend")
        var woman = Profile()
        woman.attributes = UserAttributes(gender: "F")
        let top = h.recommend(woman, count: 8).map(\.item)
        XCTAssertTrue(top.allSatisfy { $0 % 2 == 0 }, "a new woman gets the women's (even) items: \(top)")
        let e = h.explain(woman, item: top[0])
        XCTAssertEqual(e.notes.first, .sizeWeights(ratings: 0, level: 0))
        let k = try XCTUnwrap(e.terms.firstIndex { $0.name == "demographic" }, "\(e.terms)")
        XCTAssertEqual(e.terms[k].kind, .component)
        XCTAssertEqual(e.parts[k].algorithm, "demographic")
        XCTAssertTrue(e.parts[k].terms.contains { $0.kind == .group }, "\(e.parts)")
        XCTAssertEqual(e.termTotal, e.score, accuracy: 1e-4)
        XCTAssertEqual(e.score, h.scores(woman)[Int(top[0])], accuracy: 1e-5)
        // A training user is served by the blend as before.
        let trained = Profile.training(0, in: data.ratings)
        XCTAssertEqual(h.scores(trained), h.blendScores(trained))
    }

    func testWithoutDemographicsNoDemographicTerm() throws {
        let board = Conformance.checkerboard()
        let h = try HybridRecommender(parameters: Self.light)
        try h.fit(board.data, context: FitContext(seed: 3))
        XCTAssertEqual(h.demographicWeight(ratingCount: 0), 0)
        XCTAssertTrue(h.sizeWeights.allSatisfy { $0.weights.count == h.componentNames.count })
        let p = Profile([(Int32(0), Float(5)), (Int32(2), Float(4))])
        XCTAssertFalse(h.explain(p, item: 4).terms.contains { $0.name == "demographic" })
        XCTAssertEqual(h.explain(p, item: 4).termTotal, h.scores(p)[4], accuracy: 1e-4)
    }
}

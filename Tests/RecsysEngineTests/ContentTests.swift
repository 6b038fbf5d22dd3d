import XCTest
@testable import RecsysEngine

final class ContentTests: XCTestCase {
    func fitted(_ weighting: String = "tfidf", data: Dataset = BlockFixture.make()) throws -> ContentRecommender {
        let m = try ContentRecommender(parameters: Parameters(["weighting": weighting]))
        try m.fit(data, context: FitContext())
        return m
    }

    func testLikedFeaturesRankFirstAndDislikedOnesLast() throws {
        let ds = BlockFixture.make()
        for w in ["tfidf", "bm25"] {
            let m = try fitted(w, data: ds)
            // 5★ for two Sci-Fi films, 1★ for a Romance.
            let p = Profile([(1, 5), (2, 5), (7, 1)])
            let top = m.recommend(p, count: 9)
            XCTAssertTrue(top.prefix(4).allSatisfy { $0.item < 6 }, "\(w): \(top)")
            XCTAssertTrue(top.suffix(5).allSatisfy { $0.item >= 6 }, "\(w): \(top)")
            XCTAssertLessThan(m.scores(p)[8], 0)
        }
    }

    func testWithheldItemRanksFirstAndFoldInEqualsTraining() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        XCTAssertEqual(m.scores(Profile.training(0, in: ds.ratings)), m.scores(BlockFixture.foldIn(0, ds)))
        XCTAssertEqual(m.recommend(Profile.training(0, in: ds.ratings), count: 1).first?.item, 0)
        XCTAssertEqual(m.recommend(Profile.training(10, in: ds.ratings), count: 1).first?.item, 6)
    }

    /// A single rating is centred on a mean damped towards the global mean: 5★ is liked, 1★ disliked.
    func testSingleRatingsHaveASign() throws {
        let m = try fitted()
        XCTAssertGreaterThan(m.scores(Profile([(Int32(1), Float(5))]))[3], 0)
        XCTAssertLessThan(m.scores(Profile([(Int32(1), Float(1))]))[3], 0)
    }

    func testExplanationNamesMatchingFeatures() throws {
        let m = try fitted()
        let p = Profile([(1, 5), (2, 5), (7, 1)])
        let e = m.explain(p, item: 4)
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), m.scores(p)[4], accuracy: 1e-5)
        XCTAssertTrue(e.terms.contains { (t: Explanation.Term) in
            t.name == "genre:Sci-Fi" && t.value > 0 && t.kind == .feature
        })
        XCTAssertEqual(m.explain(Profile(), item: 4).notes, [.coldStart])
    }

    func testPredictionsFollowSimilarRatings() throws {
        let m = try fitted()
        let p = Profile([(1, 5), (2, 5), (7, 1), (8, 2)])
        let pr = m.predict(p, items: [3, 9, 11])
        XCTAssertGreaterThan(pr[0].value, 4)
        XCTAssertLessThan(pr[1].value, 3)
        XCTAssertFalse(pr[0].isImpossible)
        XCTAssertTrue(pr.allSatisfy { (1...5).contains($0.value) })
    }

    func testSimilarItemsShareFeatures() throws {
        let m = try fitted()
        let sim = m.similarItems(to: 0, count: 5)
        XCTAssertEqual(sim.count, 5)
        XCTAssertTrue(sim.allSatisfy { $0.item < 6 && $0.item != 0 }, "\(sim)")
    }

    func testItemsWithoutFeaturesAndDegenerateData() throws {
        let ds = BlockFixture.degenerate(items: 3, users: 2)
        let m = try fitted(data: ds)
        XCTAssertTrue(m.scores(Profile([(Int32(0), Float(5))])).allSatisfy(\.isFinite))
        XCTAssertTrue(m.predict(Profile([(Int32(0), Float(5))]), items: [1])[0].isImpossible)
        XCTAssertTrue(m.similarItems(to: 0, count: 3).isEmpty)
    }

    func testTitleSearchIgnoresCaseAndAccentsAndListsAmbiguity() {
        let c = Catalog(items: [
            Item(rawID: "1", title: "Amélie (2001)"), Item(rawID: "2", title: "Star Wars (1977)"),
            Item(rawID: "3", title: "Star Trek (1979)"), Item(rawID: "4", title: "Star Wars (1997)"),
        ])
        XCTAssertEqual(TitleSearch.find("AMELIE", in: c), [0])
        XCTAssertEqual(TitleSearch.find("star wars (1977)", in: c), [1])
        XCTAssertEqual(TitleSearch.find("Star Wars", in: c), [1, 3])
        XCTAssertEqual(TitleSearch.find("star", in: c), [1, 2, 3])
        XCTAssertEqual(TitleSearch.find("zzz", in: c), [])
    }
}

import XCTest
@testable import RecsysEngine

/// Small datasets for the top-N family's tests, built in code.
enum BlockFixture {
    /// Two taste groups. Users 0..<10 rate items 0..<6 (Sci-Fi, 1970s) with 4–5★, users 10..<20 rate
    /// items 6..<12 (Romance, 1990s); each user also gives one item of the other group 1★.
    /// User 0 has not rated item 0 (the withheld item, which should rank first for them) and user 10
    /// has not rated item 6.
    static func make() -> Dataset {
        var items: [Item] = []
        for i in 0..<12 {
            let scifi = i < 6
            items.append(Item(rawID: "\(100 + i)", title: scifi ? "Space \(i) (197\(i % 10))" : "Love \(i) (199\(i % 10))",
                              year: scifi ? 1970 + i : 1990 + i % 10,
                              genres: scifi ? ["Sci-Fi", i % 2 == 0 ? "Action" : "Adventure"] : ["Romance", "Drama"],
                              keywords: scifi ? ["space"] : ["love"], director: scifi ? "Lucas" : "Ephron"))
        }
        let catalog = Catalog(items: items)
        var users = Vocabulary()
        var t: [RatingTriple] = []
        for u in 0..<20 {
            users.insert("u\(u)")
            let group = u < 10 ? 0..<6 : 6..<12
            for i in group {
                if (u == 0 && i == 0) || (u == 10 && i == 6) { continue }
                t.append(RatingTriple(user: Int32(u), item: Int32(i), rating: Float(4 + (u + i) % 2)))
            }
            let other = u < 10 ? 6 + u % 6 : (u - 10) % 6
            t.append(RatingTriple(user: Int32(u), item: Int32(other), rating: 1))
        }
        let m = RatingMatrix(userCount: 20, itemCount: 12, triples: t)
        return Dataset(name: "block", catalog: catalog, users: users, ratings: m, scale: .wholeStars)
    }

    /// One user who rated one item, with a constant rating.
    static func degenerate(items: Int = 1, users: Int = 1) -> Dataset {
        var t: [RatingTriple] = []
        for u in 0..<users { for i in 0..<items { t.append(RatingTriple(user: Int32(u), item: Int32(i), rating: 3)) } }
        let catalog = Catalog(items: (0..<items).map { Item(rawID: "\($0)", title: "Only \($0)") })
        return Dataset(name: "tiny", catalog: catalog, users: Vocabulary((0..<users).map { "u\($0)" }),
                       ratings: RatingMatrix(userCount: users, itemCount: items, triples: t), scale: .wholeStars)
    }

    /// The profile of a training user with its training mark removed (a fold-in).
    static func foldIn(_ u: Int32, _ ds: Dataset) -> Profile {
        let p = Profile.training(u, in: ds.ratings)
        return Profile(zip(p.items, p.ratings))
    }
}

final class ALSTests: XCTestCase {
    func fitted(_ params: [String: String] = [:], data: Dataset = BlockFixture.make()) throws -> ALSRecommender {
        let m = try ALSRecommender(parameters: Parameters(["factors": "3", "regularization": "1", "iterations": "10"].merging(params) { $1 }))
        try m.fit(data, context: FitContext(seed: 7))
        return m
    }

    func testWithheldItemRanksFirstForTrainedAndFoldedInUser() throws {
        let ds = BlockFixture.make()
        for solver in ["cg", "cholesky"] {
            let m = try fitted(["solver": solver], data: ds)
            XCTAssertEqual(m.recommend(Profile.training(0, in: ds.ratings), count: 1).first?.item, 0, solver)
            XCTAssertEqual(m.recommend(BlockFixture.foldIn(0, ds), count: 1).first?.item, 0, solver)
            XCTAssertEqual(m.recommend(BlockFixture.foldIn(10, ds), count: 1).first?.item, 6, solver)
        }
    }

    func testDeterministicUnderSeedAndDifferentUnderAnother() throws {
        let ds = BlockFixture.make()
        let a = try fitted(data: ds), b = try fitted(data: ds)
        let p = Profile.training(3, in: ds.ratings)
        XCTAssertEqual(a.scores(p), b.scores(p))
        let c = try ALSRecommender(parameters: Parameters(["factors": "3", "regularization": "1", "iterations": "10"]))
        try c.fit(ds, context: FitContext(seed: 8))
        XCTAssertNotEqual(a.scores(p), c.scores(p))
    }

    /// The explanation's item terms sum to the folded-in score (the decomposition is exact).
    func testExplanationTermsSumToScore() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        let p = BlockFixture.foldIn(0, ds)
        let e = m.explain(p, item: 0)
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), m.scores(p)[0], accuracy: 1e-3)
        XCTAssertEqual(e.score, m.scores(p)[0], accuracy: 1e-3)
        let why = e.reasonsFor.compactMap(\.item).map { ds.catalog[$0].title }
        XCTAssertTrue(why.first?.hasPrefix("Space") ?? false, "\(why)")
        XCTAssertTrue(e.terms.first { $0.value > 0 }.flatMap(\.item).map { $0 < 6 } ?? false, "\(e.terms)")
    }

    func testEmptyProfileIsColdStartPopularity() throws {
        let m = try fitted()
        let top = m.recommend(Profile(), count: 3)
        XCTAssertEqual(top.count, 3)
        XCTAssertEqual(m.explain(Profile(), item: top[0].item).notes, [.coldStart])
        XCTAssertTrue(m.predict(Profile(), items: [0])[0].isImpossible)
    }

    func testSimilarItemsStayInTheGroup() throws {
        let m = try fitted()
        let sim = m.similarItems(to: 1, count: 3)
        XCTAssertEqual(sim.count, 3)
        XCTAssertTrue(sim.allSatisfy { $0.item < 6 && $0.item != 1 }, "\(sim)")
    }

    func testDegenerateDataGivesFiniteScores() throws {
        for ds in [BlockFixture.degenerate(), BlockFixture.degenerate(items: 3, users: 2)] {
            let m = try fitted(data: ds)
            XCTAssertTrue(m.scores(Profile.training(0, in: ds.ratings)).allSatisfy(\.isFinite))
            XCTAssertTrue(m.scores(Profile([(Int32(0), Float(5))])).allSatisfy(\.isFinite))
        }
    }

    func testBadParameterNamesTheRange() {
        XCTAssertThrowsError(try ALSRecommender(parameters: Parameters(["factors": "0"]))) { e in
            XCTAssertTrue("\(e)".contains("1...1024"), "\(e)")
        }
    }
}

import XCTest
@testable import RecsysEngine

/// Retrieval, then ranking: `ranking` re-scores the top candidates of a two-tower stage.
final class RankingCandidateTests: XCTestCase {
    /// 40 users × 60 films in three taste groups (seeded), so a 15-candidate stage leaves most films out.
    static func dataset() -> Dataset {
        let genres = ["Action", "Comedy", "Drama"]
        let items = (0..<60).map { i in
            Item(rawID: "m\(i)", title: "Film \(i)", year: 1960 + i % 50, genres: [genres[i % 3]], keywords: ["k\(i % 7)"])
        }
        var rng = SplitMix64(seed: 11)
        var triples: [RatingTriple] = []
        for u in 0..<40 {
            for i in 0..<60 where rng.nextInt(10) < 3 {
                let liked = i % 3 == u % 3
                triples.append(RatingTriple(user: Int32(u), item: Int32(i),
                                            rating: Float(liked ? 4 + rng.nextInt(2) : 1 + rng.nextInt(3))))
            }
        }
        return Dataset(name: "ranking", catalog: Catalog(items: items), users: Vocabulary((0..<40).map { "u\($0)" }),
                       ratings: RatingMatrix(userCount: 40, itemCount: 60, triples: triples), scale: .wholeStars)
    }

    static let params = Parameters(["dim": "4", "epochs": "2", "head": "4", "candidates": "15"])

    /// The default-parameter model, fitted once for the tests that only read it (a fit takes seconds in debug builds).
    static let shared: (RankingRecommender, Dataset) = {
        let data = dataset()
        let m = try! RankingRecommender(parameters: params)
        try! m.fit(data, context: FitContext(seed: 5))
        return (m, data)
    }()

    func fitted(_ params: Parameters = params) throws -> (RankingRecommender, Dataset) {
        if params == Self.params { return Self.shared }
        let data = Self.dataset()
        let m = try RankingRecommender(parameters: params)
        try m.fit(data, context: FitContext(seed: 5))
        return (m, data)
    }

    func profiles(_ data: Dataset) -> [Profile] {
        [Profile([(0, 5), (3, 4), (7, 1), (10, 2)]), Profile.training(2, in: data.ratings), Profile.training(17, in: data.ratings)]
    }

    func testTopNIsTheMLPRescoringOfTheRetrievalStagesTopCandidates() throws {
        let (m, data) = try fitted()
        let stage = try XCTUnwrap(m.retrieval)
        for p in profiles(data) {
            let candidates = topK(stage.scores(p), k: 15) { !p.contains($0) }.map(\.item)
            XCTAssertEqual(candidates.count, 15)
            let rescored = zip(candidates, m.predict(p, items: candidates).map(\.value))
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            XCTAssertEqual(m.recommend(p, count: 10).map(\.item), rescored.prefix(10).map(\.0))
            XCTAssertEqual(m.candidates(p)?.map(\.item), candidates)
            // Every other unrated film scores below every candidate.
            let s = m.scores(p)
            let lowest = candidates.map { s[Int($0)] }.min()!
            for j in 0..<Int32(data.itemCount) where !p.contains(j) && !candidates.contains(j) {
                XCTAssertLessThan(s[Int(j)], lowest)
            }
        }
    }

    /// The stage is two-tower itself: the same scores as a two-tower fitted alone with the same seed.
    func testTheRetrievalStageIsTwoTowerWithItsDefaults() throws {
        let (m, data) = try fitted()
        let alone = try TwoTowerRecommender(parameters: Parameters(["feedback": m.parameters.string("feedback")]))
        try alone.fit(data, context: FitContext(seed: 5))
        for p in profiles(data) { XCTAssertEqual(m.retrieval?.scores(p), alone.scores(p)) }
        XCTAssertEqual(m.fitLimits, [.epochs(2), .candidates(count: 15, total: 60, retrieval: "two-tower")])
    }

    func testZeroCandidatesScoresTheWholeCatalogWithTheMLP() throws {
        var values = Self.params.values
        values["candidates"] = "0"
        let (m, data) = try fitted(Parameters(values))
        XCTAssertNil(m.retrieval)
        let p = profiles(data)[0]
        XCTAssertEqual(m.scores(p), m.predict(p, items: (0..<Int32(data.itemCount)).map { $0 }).map(\.value))
        XCTAssertEqual(m.fitLimits, [.epochs(2)])
    }

    /// Explain says which stage did what: the retrieval rank, inside or outside the candidates.
    func testExplainNamesTheStages() throws {
        let (m, data) = try fitted()
        let p = profiles(data)[0]
        let top = m.recommend(p, count: 1)[0].item
        let outside = (0..<Int32(data.itemCount)).first { !p.contains($0) && !(m.candidates(p)!.map(\.item)).contains($0) }!
        func stage(_ item: Int32) -> (rank: Int?, candidates: Int)? {
            for n in m.explain(p, item: item).notes {
                if case .retrievalStage(let name, let rank, let c, let total) = n {
                    XCTAssertEqual(name, "two-tower")
                    XCTAssertEqual(total, 60)
                    return (rank, c)
                }
            }
            return nil
        }
        let inside = try XCTUnwrap(stage(top))
        XCTAssertLessThanOrEqual(try XCTUnwrap(inside.rank), 15)
        XCTAssertGreaterThan(try XCTUnwrap(stage(outside)?.rank), 15)
        XCTAssertNil(stage(0)?.rank, "a rated film has no retrieval rank")
        // The batch form (the explorer's recompute) computes the retrieval scores once, with the same answers.
        XCTAssertEqual(m.explain(p, items: [top, outside, 0]), [m.explain(p, item: top), m.explain(p, item: outside),
                                                               m.explain(p, item: 0)])
    }

    /// Progress covers both stages within 0…1, the retrieval stage last.
    func testProgressCoversBothStages() throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var events: [FitProgress] = []
            func add(_ p: FitProgress) { lock.lock(); events.append(p); lock.unlock() }
        }
        let log = Log()
        let m = try RankingRecommender(parameters: Self.params)
        try m.fit(Self.dataset(), context: FitContext(seed: 5, progress: log.add))
        XCTAssertTrue(log.events.allSatisfy { $0.fraction >= 0 && $0.fraction <= 1 })
        XCTAssertTrue(log.events.contains { $0.message.hasPrefix("retrieval ") && $0.fraction >= 0.7 })
        XCTAssertTrue(log.events.filter { !$0.message.hasPrefix("retrieval ") }.allSatisfy { $0.fraction <= 0.7 })
    }
}

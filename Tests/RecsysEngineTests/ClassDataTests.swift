import Foundation
@testable import RecsysEngine
import RecsysTestSupport
import XCTest

/// Class mode's data: learners appended as named users, replay's timeline, the summary's split.
final class ClassDataTests: XCTestCase {
    let base = UIFixtures.dataset()

    func member(_ name: String, _ pairs: [(String, Float)], from t0: Int64 = 1_700_000_000) -> ClassMember {
        ClassMember(name: name, ratings: pairs.enumerated().map { k, p in
            StoredRating(item: p.0, value: p.1, timestamp: t0 + Int64(k) * 60)
        })
    }

    func testLearnersAreAppendedAfterTheDatasetUsersWithTheirNames() {
        let alice = member("alice", [("1", 5), ("2", 4), ("nope", 3)])
        let ghost = member("ghost", [("not-a-film", 5)])
        let clash = member("u3", [("6", 2)])
        let ds = base.withClass([alice, ghost, clash])
        XCTAssertEqual(ds.userCount, base.userCount + 2, "the learner with no known film is left out")
        XCTAssertEqual(ds.roster.first, Int32(base.userCount))
        XCTAssertEqual(ds.roster.names, ["alice", "u3"])
        // The dataset's own users keep their indices and rows.
        for u in 0..<Int32(base.userCount) {
            XCTAssertEqual(ds.users.id(at: u), base.users.id(at: u))
            XCTAssertEqual(Array(ds.ratings.row(u).items), Array(base.ratings.row(u).items))
        }
        let a = ds.roster.user(named: "alice")!
        XCTAssertEqual(ds.ratings.row(a).items.map { ds.catalog[$0].rawID }, ["1", "2"])
        XCTAssertEqual(Array(ds.ratings.row(a).ratings), [5, 4])
        // A learner named like a dataset user gets a unique raw id but keeps their display name.
        let c = ds.roster.user(named: "u3")!
        XCTAssertEqual(ds.users.id(at: c), "u3~2")
        XCTAssertEqual(ds.roster.name(of: c), "u3")
        XCTAssertNil(ds.roster.name(of: 0))
        XCTAssertEqual(ds.userAttributes.count, ds.userCount, "demographics stay one per user")
        XCTAssertTrue(ds.ratings.checkInvariants())
        XCTAssertEqual(ds.ratings.count, base.ratings.count + 3)
        // Column view: film 1 now has alice among its raters.
        XCTAssertTrue(ds.ratings.column(ds.catalog.index(of: "1")!).users.contains(a))
    }

    func testReplayRebuildsTheProfileEventByEvent() throws {
        let events = [RatingEvent(at: 10, item: "1", value: 5), RatingEvent(at: 20, item: "6", value: 2),
                      RatingEvent(at: 30, item: "1", value: 3), RatingEvent(at: 40, item: "6", value: nil),
                      RatingEvent(at: 50, item: "zzz", value: 4)]
        let p = Replay.profile(after: events[...], catalog: base.catalog)
        XCTAssertEqual(p.items.map { base.catalog[$0].rawID }, ["1"])
        XCTAssertEqual(p.ratings, [3])
        let model = try PopularityRecommender()
        try model.fit(base, context: FitContext())
        let steps = Replay.timeline(events: events, catalog: base.catalog, models: [("popularity", model)], count: 3)
        XCTAssertEqual(steps.count, events.count + 1)
        XCTAssertNil(steps[0].event)
        XCTAssertEqual(steps.map(\.ratingCount), [0, 1, 2, 2, 1, 1])
        XCTAssertNil(steps[5].item, "an item the catalog lacks is a step that changes nothing")
        // Each step's list is the model's list for the profile as it was then.
        for (k, s) in steps.enumerated() {
            let then = Replay.profile(after: events[..<k], catalog: base.catalog)
            XCTAssertEqual(s.lists[0].entries.map(\.item), model.recommend(then, count: 3).map(\.item), "step \(k)")
        }
        // Rating film 1 removes it from the list: the films below move up, a new one enters.
        let before = steps[0].lists[0].entries.map(\.item), after = steps[1].lists[0].entries
        if let k = before.firstIndex(of: base.catalog.index(of: "1")!) {
            for e in after where before.contains(e.item) {
                let old = before.firstIndex(of: e.item)!
                XCTAssertEqual(e.movement, old - (e.rank - 1))
                if old > k { XCTAssertEqual(e.movement, 1) }
            }
            XCTAssertTrue(after.contains { $0.movement == nil }, "a film enters the top 3")
        }
    }

    func testTheSummarySplitsEachHistoryByTime() {
        let ratings = [StoredRating(item: "b", value: 5, timestamp: 30), StoredRating(item: "a", value: 4, timestamp: 10),
                       StoredRating(item: "c", value: 1, timestamp: 20), StoredRating(item: "d", value: 5, timestamp: 40),
                       StoredRating(item: "e", value: 4, timestamp: 40)]
        let (earlier, later) = ClassSummary.split(ratings)
        XCTAssertEqual(earlier.map(\.item), ["a", "c", "b"], "the first 70% by time (3 of 5)")
        XCTAssertEqual(later.map(\.item), ["d", "e"], "ties in time go by item id")
        XCTAssertEqual(ClassSummary.split([ratings[0]]).later, [])
    }

    func testTheSummaryScoresEachAlgorithmOnLaterLikes() throws {
        // alice likes sci-fi early (1, 2, 3) and later rates 4 and 5 (sci-fi, liked by the sci-fi users).
        let alice = member("alice", [("1", 5), ("2", 5), ("3", 4), ("4", 5), ("5", 4)])
        let bob = member("bob", [("8", 5), ("10", 4), ("11", 5), ("13", 4)])
        let out = try ClassSummary.build(base: base, members: [alice, bob], algorithms: ["popularity", "item-knn"]) { name, d in
            let m = try Algorithms.make(name, parameters: Parameters())
            try m.fit(d, context: FitContext(seed: 1))
            return m
        }
        XCTAssertEqual(out.map(\.name), ["alice", "bob"])
        let a = out[0]
        XCTAssertEqual(a.ratings, 5)
        XCTAssertEqual(a.earlier, 3)
        XCTAssertEqual(a.laterLiked, 2)
        XCTAssertEqual(a.nearest, "bob")
        XCTAssertEqual(a.favouriteGenre, ClassSummary.favouriteGenre(alice.ratings, catalog: base.catalog))
        XCTAssertEqual(Set(a.algorithms.keys), ["popularity", "item-knn"])
        XCTAssertGreaterThan(a.algorithms["item-knn"]!.hits, 0, "sci-fi neighbours of 1–3 find 4 or 5")
        XCTAssertEqual(a.algorithms["item-knn"]!.recall, Double(a.algorithms["item-knn"]!.hits) / 2)
    }
}

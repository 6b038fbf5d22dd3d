import RecsysEngine
import RecsysTestSupport
import XCTest

/// `explain(_:items:)` (one fold-in per list, used by recommend, similar and serve) gives exactly
/// what `explain(_:item:)` gives item by item, for every registered algorithm.
final class BatchExplainTests: XCTestCase {
    func testBatchedExplanationsEqualOneByOne() throws {
        let data = UIFixtures.dataset()
        let folded = Profile([(0, 5), (1, 4), (5, 1)])
        let training = Profile.training(2, in: data.ratings)
        for type in Algorithms.all {
            let m = try Algorithms.make(type.name)
            try m.fit(data, context: FitContext(seed: 42, threads: 2))
            for profile in [folded, training, Profile()] {
                let items = m.recommend(profile, count: 6).map(\.item) + [0]
                let batch = m.explain(profile, items: items)
                XCTAssertEqual(batch.count, items.count, type.name)
                for (e, item) in zip(batch, items) {
                    let one = m.explain(profile, item: item)
                    XCTAssertEqual(e.item, item, type.name)
                    XCTAssertEqual(e.notes, one.notes, "\(type.name) item \(item)")
                    XCTAssertEqual(e.score.bitPattern, one.score.bitPattern, "\(type.name) item \(item)")
                    XCTAssertEqual(e.terms, one.terms, "\(type.name) item \(item)")
                    XCTAssertEqual(e.notes, one.notes, "\(type.name) item \(item)")
                }
            }
        }
    }
}

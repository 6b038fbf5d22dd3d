import XCTest
import RecsysEngine
import RecsysTestSupport

/// Each model's stated score unit is true: `.stars` models' scores are their predicted ratings.
final class ScoreUnitTests: XCTestCase {
    func testRelativeScoreWorkedOutByHand() {
        XCTAssertEqual(ScoreUnit.relative(261, top: 261), 100)
        XCTAssertEqual(ScoreUnit.relative(149, top: 261), 57)   // 100 · 149/261 = 57.09
        XCTAssertEqual(ScoreUnit.relative(-3, top: 261), 0)
        XCTAssertNil(ScoreUnit.relative(1, top: 0))
        XCTAssertNil(ScoreUnit.relative(.nan, top: 2))
    }

    func testStarModelsScoreWithTheirPredictionsAndTheOthersSayRelative() throws {
        let data = UIFixtures.dataset()
        let profile = Profile([(0, 5), (1, 4), (5, 2)])
        var stars: [String] = []
        for name in Algorithms.names {
            let model = try Algorithms.make(name)
            try model.fit(data, context: FitContext(seed: 1, threads: 1))
            guard model.scoreUnit == .stars else { continue }
            stars.append(name)
            let s = model.scores(profile)
            let items = (0..<Int32(data.itemCount)).filter { !profile.contains($0) }
            for (i, p) in zip(items, model.predict(profile, items: items)) where !p.isImpossible {
                XCTAssertEqual(data.scale.clamp(s[Int(i)]), p.value, accuracy: 1e-3, "\(name) item \(i)")
            }
        }
        XCTAssertEqual(Set(stars), ["baseline", "svd", "svdpp", "ranking"])
        // The kNN models predict ratings only on their rating path; popularity only when ranking by mean.
        func make(_ name: String, _ key: String, _ value: String) throws -> any Recommender {
            var p = Parameters()
            p[key] = value
            return try Algorithms.make(name, parameters: p)
        }
        XCTAssertEqual(try make("item-knn", "mode", "rating").scoreUnit, .stars)
        XCTAssertEqual(try make("user-knn", "mode", "rating").scoreUnit, .stars)
        XCTAssertEqual(try Algorithms.make("item-knn").scoreUnit, .relative)
        XCTAssertEqual(try make("popularity", "by", "mean").scoreUnit, .stars)
        XCTAssertEqual(try Algorithms.make("popularity").scoreUnit, .relative)
        // The stars path of item-knn, popularity by mean: scores are predictions too.
        for model in [try make("item-knn", "mode", "rating"), try make("popularity", "by", "mean")] {
            try model.fit(data, context: FitContext(seed: 1, threads: 1))
            let s = model.scores(profile)
            for (i, p) in zip(Int32(2)..<4, model.predict(profile, items: [2, 3])) where !p.isImpossible {
                XCTAssertEqual(data.scale.clamp(s[Int(i)]), p.value, accuracy: 1e-3, "\(model.name) item \(i)")
            }
        }
    }
}

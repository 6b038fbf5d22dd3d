import XCTest
import RecsysEngine
import RecsysTestSupport

/// The dislike suite (see `Conformance.dislikeReport`) for every registered algorithm, on a fixture
/// with genre structure: disliking 10 popular films of a genre never raises that genre's share of the
/// top 20 by more than 0.05, and no reason cites a 1★ film.
final class DislikeSuiteTests: XCTestCase {
    /// Small models so the debug build stays fast; the defaults are measured on the sample and ml-100k.
    static let quick: [String: Parameters] = [
        "svd": Parameters(["factors": "8", "epochs": "20"]),
        "svdpp": Parameters(["factors": "8", "epochs": "10"]),
        "als": Parameters(["factors": "16", "iterations": "8"]),
        "bpr": Parameters(["factors": "16", "iterations": "40"]),
        "two-tower": Parameters(["dim": "16", "epochs": "3"]),
        "ranking": Parameters(["dim": "16", "epochs": "4"]),
        "hybrid": Parameters(["w_svd": "0", "w_svdpp": "0", "w_als": "0"]),
    ]

    func testEveryAlgorithmOnTheGenreFixture() throws {
        let data = Conformance.genreFixture()
        for name in Algorithms.names {
            let m = try Algorithms.make(name, parameters: Self.quick[name] ?? Parameters())
            try m.fit(data, context: FitContext(seed: 3))
            for (liked, disliked) in [("Romance", "Sci-Fi"), ("Western", "Horror")] {
                let r = Conformance.dislikeReport(m, data: data, liked: liked, disliked: disliked)
                XCTAssertTrue(r.passes, r.description)
            }
        }
    }

    /// The suite can fail: under `feedback=binary` a 1★ counts as a like, so item-knn cites the
    /// disliked films as reasons and counts them as likes.
    func testBinaryFeedbackFailsTheSuite() throws {
        let data = Conformance.genreFixture()
        let m = try Algorithms.make("item-knn", parameters: Parameters(["feedback": "binary"]))
        try m.fit(data, context: FitContext(seed: 3))
        let r = Conformance.dislikeReport(m, data: data, liked: "Romance", disliked: "Sci-Fi")
        XCTAssertFalse(r.passes, r.description)
        XCTAssertFalse(r.citingReasons.isEmpty, r.description)
        XCTAssertGreaterThan(r.likeTerms, 0, r.description)
    }
}

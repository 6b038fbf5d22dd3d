import XCTest
import RecsysEngine
import RecsysTestSupport

/// Every algorithm against the shared conformance suite (see `Conformance`): one line each.
final class ConformanceTests: XCTestCase {
    private func check(_ name: String, _ options: ConformanceOptions = ConformanceOptions(),
                       file: StaticString = #filePath, line: UInt = #line) {
        for failure in Conformance.run(name, options) { XCTFail(failure, file: file, line: line) }
    }

    /// SGD models need more passes over a 240-rating fixture than over MovieLens.
    private static let smallSGD = Parameters(["factors": "4", "epochs": "60", "lr": "0.05"])

    func testPopularity() { check("popularity", .init(personalized: false, honoursCancellation: false)) }
    func testBaseline() { check("baseline", .init(personalized: false)) }
    func testSVD() { check("svd", .init(parameters: Self.smallSGD)) }
    func testSVDpp() { check("svdpp", .init(parameters: Parameters(["factors": "4", "epochs": "40", "lr": "0.05"]))) }
    func testUserKNN() { check("user-knn", .init(foldInReproduces: true)) }
    func testUserKNNRatingMode() { check("user-knn", .init(parameters: Parameters(["mode": "rating"]), foldInReproduces: true)) }
    func testItemKNN() { check("item-knn", .init(foldInReproduces: true)) }
    func testItemKNNRatingMode() { check("item-knn", .init(parameters: Parameters(["mode": "rating"]), foldInReproduces: true)) }
    func testALS() { check("als", .init(parameters: Parameters(["factors": "8", "iterations": "10"]), implicitFeedback: true)) }
    func testBPR() { check("bpr", .init(parameters: Parameters(["factors": "8", "iterations": "200", "learning_rate": "0.05"]), implicitFeedback: true)) }
    func testEASE() { check("ease", .init(parameters: Parameters(["lambda": "10"]))) }
    /// The fixture's items have no features, so content-based ranking cannot personalize here.
    func testContent() { check("content", .init(personalized: false, foldInReproduces: true)) }
    /// Without its slowest components (svd, svdpp, als) so the debug test stays fast.
    func testHybrid() { check("hybrid", .init(parameters: Parameters(["w_svd": "0", "w_als": "0", "w_svdpp": "0"]))) }
    /// A 24×16 fixture wants a small, regularised embedding (parity is one dimension).
    func testTwoTower() { check("two-tower", .init(parameters: Parameters(["dim": "4", "epochs": "40", "batch": "32", "lr": "0.02", "reg": "0.05"]))) }
    func testRanking() { check("ranking", .init(parameters: Parameters(["dim": "8", "epochs": "40", "batch": "16"]))) }

    /// Every registered algorithm has its line above: a new model is not done until it is here.
    func testEveryRegisteredAlgorithmIsChecked() {
        let checked: Set = ["popularity", "baseline", "svd", "svdpp", "user-knn", "item-knn", "als", "bpr", "ease",
                            "content", "hybrid", "two-tower", "ranking"]
        XCTAssertEqual(Set(Algorithms.names), checked)
    }

    /// The exact per-row solver with the rating-weighted confidence.
    func testALSCholesky() {
        check("als", .init(parameters: Parameters(["factors": "8", "iterations": "10", "solver": "cholesky"]),
                           implicitFeedback: true))
    }
}

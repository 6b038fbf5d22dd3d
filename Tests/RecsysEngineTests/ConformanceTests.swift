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
}

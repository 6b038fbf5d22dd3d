import XCTest
import RecsysEngine
import RecsysTestSupport
@testable import RecsysUI

/// FitLimitText is the one writer of fit limits: the models panel, Explain and `bench` all read it.
final class FitLimitTextTests: XCTestCase {
    func testPassesUseTheParametersOwnWord() {
        XCTAssertEqual(FitLimitText.text(.epochs(20)), "20 epochs")
        XCTAssertEqual(FitLimitText.text(.epochs(1)), "1 epoch")
        XCTAssertEqual(FitLimitText.text(.epochs(15, key: "iterations")), "15 iterations")
        XCTAssertEqual(FitLimitText.cause(.epochs(15, key: "iterations")), "iterations")
    }

    func testCapsSayWhatWasKeptAndWhy() {
        let ease = FitLimit(kind: .itemCap, kept: 20_000, total: 62_423, cause: .parameter("max_items"))
        XCTAssertEqual(FitLimitText.text(ease), "20,000 most-rated of 62,423 films")
        XCTAssertEqual(FitLimitText.cause(ease), "max_items")
        let knn = FitLimit(kind: .neighbourCap, kept: 975, total: 1_000, cause: .memoryBudget(1 << 30))
        XCTAssertEqual(FitLimitText.text(knn), "975 neighbours kept of 1,000 (memory budget)")
        XCTAssertEqual(FitLimitText.phrase(knn), "975 neighbours kept of 1,000")
        XCTAssertTrue(FitLimitText.cause(knn).hasPrefix("memory budget "), FitLimitText.cause(knn))
        let sample = FitLimit(kind: .coRatingSample, kept: 22_613_231, total: 25_000_000, cause: .parameter("max_user_ratings"))
        XCTAssertEqual(FitLimitText.text(sample), "similarities from 22,613,231 of 25,000,000 ratings (heavy users sampled)")
        XCTAssertEqual(FitLimitText.cause(sample), "max_user_ratings")
    }

    func testFittedModelsReportTheirPasses() throws {
        let data = UIFixtures.dataset()
        let als = try Algorithms.make("als", parameters: Parameters(["factors": "4", "iterations": "3"]))
        try als.fit(data, context: FitContext(seed: 1))
        XCTAssertEqual(FitLimitText.summary(als), "3 iterations")
    }

    func testHybridsRowDoesNotRepeatItsComponentsPasses() throws {
        let data = UIFixtures.dataset()
        let hybrid = try Algorithms.make("hybrid")
        try hybrid.fit(data, context: FitContext(seed: 1))
        // Its components report their passes on their own rows; the hybrid row would list them unlabelled.
        XCTAssertEqual(FitLimitText.summary(hybrid), "")
        let als = try Algorithms.make("als")
        try als.fit(data, context: FitContext(seed: 1))
        XCTAssertEqual(FitLimitText.summary(als), "15 iterations")
    }
}

import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// `explore --model FILE`: a loaded model is served instead of being fitted at start.
final class PrefittedModelTests: XCTestCase {
    private func fitted(_ message: Message) -> (any Recommender)? {
        if case .modelFitted(_, let model, _, _, _) = message { return model }
        return nil
    }

    func testStartUsesThePrefittedModelAndSetRefits() throws {
        let data = UIFixtures.dataset()
        let saved = try Algorithms.make("popularity")
        try saved.fit(data, context: FitContext())
        var state = AppState(dataset: data, algorithms: ["popularity"], seed: 42)
        state.prefitted["popularity"] = saved
        let effects = update(&state, .started)
        var jobs: [FitJob] = []
        for e in effects { if case .fitModels(let j) = e { jobs.append(j) } }
        let job = try XCTUnwrap(jobs.first, "start fits models")
        XCTAssertEqual(job.requests.map(\.algorithm), ["popularity"])
        let first = try XCTUnwrap(fitted(job.fit(job.requests[0])))
        XCTAssertTrue(first === saved, "the loaded model is used, not a new fit")
        // A parameter set with :set means a different model: it is fitted.
        let changed = try XCTUnwrap(fitted(job.fit(FitRequest(algorithm: "popularity",
                                                               parameters: Parameters(["by": "mean"])))))
        XCTAssertFalse(changed === saved)
        XCTAssertEqual(changed.parameters.string("by"), "mean")
    }

    func testWithoutPrefittedModelsStartFits() throws {
        var state = AppState(dataset: UIFixtures.dataset(), algorithms: ["popularity"], seed: 42)
        var jobs: [FitJob] = []
        for e in update(&state, .started) { if case .fitModels(let j) = e { jobs.append(j) } }
        let job = try XCTUnwrap(jobs.first)
        XCTAssertTrue(job.prefitted.isEmpty)
        XCTAssertNotNil(fitted(job.fit(job.requests[0])))
    }
}

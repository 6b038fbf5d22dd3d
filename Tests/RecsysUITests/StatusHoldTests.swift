import RecsysEngine
@testable import RecsysUI
import RecsysTestSupport
import XCTest

/// Background news (a model became ready) must not wipe out the answer to the learner's own key
/// before it can be read: "quick start hidden" or "exported 2 ratings to …" stays for a moment.
final class StatusHoldTests: XCTestCase {
    private func fitted() throws -> any Recommender {
        let m = try PopularityRecommender()
        try m.fit(UIFixtures.dataset(), context: FitContext())
        return m
    }

    func testAFreshAnswerToAKeyOutlivesAModelBecomingReady() throws {
        var state = AppState(dataset: UIFixtures.dataset(), algorithms: ["popularity"], seed: 42)
        state.status = StatusMessage("quick start hidden")
        _ = update(&state, .modelFitted(algorithm: "popularity", model: try fitted(), seconds: 0.01, coverage: nil))
        XCTAssertEqual(state.status.text, "quick start hidden")
        XCTAssertEqual(state.fitStatus["popularity"].map { if case .ready = $0 { return true }; return false }, true,
                       "the model is ready all the same")
        // The news is held, not lost: once the answer has been readable for a while, it shows.
        for _ in 0..<(StatusMessage.ownAnswerHold - 1) { _ = update(&state, .tick) }
        XCTAssertEqual(state.status.text, "quick start hidden")
        _ = update(&state, .tick)
        XCTAssertTrue(state.status.text.hasPrefix("popularity ready in"), state.status.text)
        XCTAssertNil(state.heldNews)
        // Later news replaces it at once.
        _ = update(&state, .modelFitted(algorithm: "popularity", model: try fitted(), seconds: 0.02, coverage: nil))
        XCTAssertEqual(state.status.text, "popularity ready in 20 ms")
    }

    func testBackgroundNewsReplacesBackgroundNewsAtOnce() throws {
        var state = AppState(dataset: UIFixtures.dataset(), algorithms: ["popularity"], seed: 42)
        state.status = StatusMessage("fitting 2 models…", isBackground: true)
        _ = update(&state, .modelFitted(algorithm: "popularity", model: try fitted(), seconds: 0.01, coverage: nil))
        XCTAssertTrue(state.status.text.hasPrefix("popularity ready in"), state.status.text)
    }
}

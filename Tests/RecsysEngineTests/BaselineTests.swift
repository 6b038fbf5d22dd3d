import XCTest
@testable import RecsysEngine
import RecsysTestSupport

final class BaselineTests: XCTestCase {
    /// Two users, two items: the ALS fixed point computed by hand for one epoch.
    func testOneEpochMatchesClosedForm() throws {
        let d = Conformance.dataset("tiny", users: 2, items: 2, [(0, 0, 5), (0, 1, 3), (1, 0, 4)])
        let m = try BaselineRecommender(parameters: Parameters(["epochs": "1", "reg_u": "1", "reg_i": "2"]))
        try m.fit(d, context: FitContext())
        let mu: Float = 4
        // Items first (b_u = 0): b_0 = (1 + 0)/(2 + 2) = 0.25, b_1 = (−1)/(2 + 1) = −1/3.
        let b0: Float = 0.25, b1: Float = -1.0 / 3
        XCTAssertEqual(m.biases.itemBias[0], b0, accuracy: 1e-6)
        XCTAssertEqual(m.biases.itemBias[1], b1, accuracy: 1e-6)
        // Then users: b_u0 = ((5 − 4 − b0) + (3 − 4 − b1))/(1 + 2).
        XCTAssertEqual(m.biases.userBias[0], ((1 - b0) + (-1 - b1)) / 3, accuracy: 1e-6)
        XCTAssertEqual(m.biases.userBias[1], (0 - b0) / 2, accuracy: 1e-6)
        let p = m.predict(Profile.training(0, in: d.ratings), items: [1])[0]
        XCTAssertEqual(p.value, mu + m.biases.userBias[0] + b1, accuracy: 1e-5)
        XCTAssertFalse(p.isImpossible)
    }

    func testFoldInOfTrainingUserReproducesItsBias() throws {
        let board = Conformance.checkerboard().data
        let m = try BaselineRecommender()
        try m.fit(board, context: FitContext())
        for u in Int32(0)..<5 {
            var p = Profile.training(u, in: board.ratings)
            let trained = m.predict(p, items: [0, 1, 2])
            p.trainingUser = nil
            XCTAssertEqual(m.predict(p, items: [0, 1, 2]), trained)
        }
        // A new 5★ rating raises the folded-in user's predictions.
        var p = Profile.training(0, in: board.ratings)
        let before = m.predict(p, items: [15])[0].value
        p.set(1, rating: 5)
        XCTAssertGreaterThan(m.predict(p, items: [15])[0].value, before)
    }

    func testExplainNamesTheBiasTerms() throws {
        let board = Conformance.checkerboard().data
        let m = try BaselineRecommender()
        try m.fit(board, context: FitContext())
        let e = m.explain(Profile.training(0, in: board.ratings), item: 3)
        XCTAssertEqual(e.terms.prefix(3).map(\.name), ["μ", "b_u", "b_i"])
        XCTAssertEqual(e.terms[0].value + e.terms[1].value + e.terms[2].value, e.score, accuracy: 1e-4)
        XCTAssertTrue(e.related.contains { $0.kind == .ratedItem || $0.kind == .dislike })
    }

    func testBadParameterNamesTheRange() {
        XCTAssertThrowsError(try BaselineRecommender(parameters: Parameters(["reg_u": "-1"]))) { e in
            XCTAssertEqual("\(e)", "baseline.reg_u must be a number in 0.0...10000.0 (got '-1')")
        }
    }
}

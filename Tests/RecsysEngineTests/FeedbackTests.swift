import XCTest
import RecsysEngine
import RecsysTestSupport

/// The one meaning of feedback: the three rules, their parameter, and that every ranking model takes it.
final class FeedbackTests: XCTestCase {
    func testCenteredIsRatingMinusTheDampedMeanOverHalfTheScale() {
        let f = Feedback(.centered, scale: .wholeStars)
        // c = (5 + 1 + 3·3) / (2 + 3) = 3, h = 2.
        XCTAssertEqual(f.centre([5, 1]), 3, accuracy: 1e-6)
        XCTAssertEqual(f.weights([5, 1]), [1, -1])
        // One 5★ rating: c = (5 + 9) / 4 = 3.5, w = 0.75: the small-profile fallback to the midpoint.
        XCTAssertEqual(f.weights([5])[0], 0.75, accuracy: 1e-6)
        // Many ratings: the centre tends to the user's own mean (4.5 here), so a 4★ is a mild dislike.
        let generous = [Float](repeating: 5, count: 30) + [Float](repeating: 4, count: 30)
        XCTAssertEqual(f.centre(generous), (270 + 9) / 63, accuracy: 1e-5)
        XCTAssertLessThan(f.weights(generous).last!, 0)
    }

    func testOnlyOneStarRatingsHaveNoPositives() {
        for rule in [FeedbackRule.centered, .threshold(4)] {
            let w = Feedback(rule, scale: .wholeStars).weights([1, 1, 1])
            XCTAssertTrue(w.allSatisfy { $0 < 0 }, "\(rule): \(w)")
        }
        XCTAssertEqual(Feedback(.binary, scale: .wholeStars).weights([1, 1]), [1, 1])
    }

    func testThresholdHasAnIgnoredBand() {
        let f = Feedback(.threshold(4), scale: .wholeStars)
        XCTAssertEqual(f.weights([5, 4, 3, 2.5, 2, 1]), [1, 1, 0, -1, -1, -1])
        let half = Feedback(.threshold(3.5), scale: .halfStars)
        XCTAssertEqual(half.weights([3.5, 3, 2.5, 2]), [1, 0, 0, -1])
    }

    func testParsingAndTheParameter() throws {
        XCTAssertEqual(FeedbackRule("centered"), .centered)
        XCTAssertEqual(FeedbackRule("binary"), .binary)
        XCTAssertEqual(FeedbackRule("threshold:3.5"), .threshold(3.5))
        XCTAssertEqual(FeedbackRule.threshold(4).description, "threshold:4")
        XCTAssertNil(FeedbackRule("threshold:"))
        XCTAssertNil(FeedbackRule("signed"))
        XCTAssertThrowsError(try Algorithms.make("ease", parameters: Parameters(["feedback": "liked"]))) { e in
            XCTAssertEqual("\(e)", "ease.feedback must be one of centered, binary, threshold:T (T a number) (got 'liked')")
        }
        let m = try Algorithms.make("als", parameters: Parameters(["feedback": "threshold:4"]))
        XCTAssertEqual(m.parameters.string("feedback"), "threshold:4")
    }

    func testEveryModelThatRanksFromRatingsTakesTheRule() {
        let readers = ["user-knn", "item-knn", "content", "als", "bpr", "ease", "hybrid", "two-tower", "ranking"]
        for name in readers {
            let specs = Algorithms.type(named: name)!.parameterSpecs
            XCTAssertEqual(specs.first { $0.key == "feedback" }?.defaultValue, "threshold:3", name)
        }
    }

    /// A training user and the same ratings folded in read the same signals: the matrix path
    /// (`rowWeights`, used at fit) and the profile path (`signals`) agree.
    func testMatrixAndProfilePathsAgree() {
        let data = Conformance.checkerboard().data
        let f = Feedback(.centered, scale: data.scale)
        let rows = f.rowWeights(data.ratings), cols = f.columnWeights(data.ratings)
        for u in 0..<Int32(data.userCount) {
            let p = Profile.training(u, in: data.ratings)
            let start = data.ratings.rowStart[Int(u)]
            for (k, x) in f.signals(p).enumerated() {
                XCTAssertEqual(rows[start + k], x.weight)
                let col = data.ratings.column(x.item)
                let at = data.ratings.colStart[Int(x.item)] + col.users.firstIndex(of: u)! - col.users.startIndex
                XCTAssertEqual(cols[at], x.weight)
            }
        }
    }

    /// A disliked film lowers the films like it, under every signed rule, for the linear models.
    func testADislikeLowersItsNeighbours() throws {
        let ds = BlockFixture.make()
        for name in ["item-knn", "ease", "content"] {
            let m = try Algorithms.make(name)
            try m.fit(ds, context: FitContext())
            let liked = Profile([(Int32(7), Float(5))])
            let both = Profile([(Int32(7), Float(5)), (Int32(1), Float(1))])
            let before = m.scores(liked), after = m.scores(both)
            XCTAssertLessThan(after[0], before[0], "\(name): disliking item 1 must lower item 0 (same block)")
            let e = m.explain(both, item: 0)
            XCTAssertTrue(e.dislikesAgainst.contains { $0.item == 1 } || name == "content", "\(name): \(e.terms)")
            XCTAssertFalse(e.reasonsFor.contains { $0.item == 1 }, "\(name) cites the dislike as a reason")
        }
    }
}

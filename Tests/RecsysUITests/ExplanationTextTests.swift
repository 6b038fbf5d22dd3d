import XCTest
import RecsysEngine
@testable import RecsysUI

/// The one renderer: reasons cite likes only, dislikes are named as terms that pull down.
final class ExplanationTextTests: XCTestCase {
    let text = ExplanationText(title: { ["Toy Story (1995)", "Alien (1979)", "Aliens (1986)"][Int($0)] },
                               user: { "user \($0)" })

    func testADislikeIsNeverAReasonFor() {
        let e = Explanation(algorithm: "ease", item: 2, score: 0.9, formula: "score(i) = Σ_j w_j B_ji", terms: [
            // Toy Story is disliked and anti-linked to Aliens, so it pushes Aliens up, harder than the like.
            .init(kind: .dislike, value: 0.6, item: 0, rating: 1, signal: -1, weight: -0.6),
            .init(kind: .ratedItem, value: 0.3, item: 1, rating: 5, signal: 1, weight: 0.3),
        ], notes: [.feedback(.centered)])
        XCTAssertEqual(text.reason(e), "because you liked Alien (1979)")
        XCTAssertEqual(text.label(e.terms[0]), "you rated Toy Story (1995) 1★")
        XCTAssertTrue(text.detail(e.terms[0]).contains("unlike it, so it rises"), text.detail(e.terms[0]))
    }

    func testOnlyDislikesGivePopularityHeldDown() {
        let e = Explanation(algorithm: "item-knn", item: 2, score: -0.4, terms: [
            .init(kind: .dislike, value: -0.41, item: 0, rating: 1, signal: -0.75, weight: 0.55),
            .init(kind: .popularity, value: 1e-5, item: 2, count: 120),
        ], notes: [.noLikes])
        XCTAssertEqual(text.reason(e), "popular (120 ratings); nothing you liked yet, held down by what you disliked")
        XCTAssertEqual(e.dislikesAgainst.map(\.item), [0])
        XCTAssertTrue(text.detail(e.terms[0]).contains("pulls down films like it"))
    }

    func testBinaryFeedbackSaysRatedAndThatItCannotUseDislikes() {
        let e = Explanation(algorithm: "ease", item: 2, score: 0.5, terms: [
            .init(kind: .ratedItem, value: 0.5, item: 0, rating: 1, signal: 1, weight: 0.5),
        ], notes: [.feedback(.binary), .ignoresDislikes])
        XCTAssertEqual(text.reason(e), "because you rated Toy Story (1995)")
        XCTAssertTrue(text.note(.ignoresDislikes, algorithm: "ease").contains("cannot use dislikes"))
    }

    func testOneStarFormatter() {
        XCTAssertEqual(starText(4), "4★")
        XCTAssertEqual(starText(3.5), "3.5★")
    }

    /// The one rating formatter (the CLI prints with it too): whole and one-decimal values short, any other
    /// value with every digit it has, never rounded away.
    func testRatingFormatterNeverRoundsAnEnteredRating() {
        XCTAssertEqual(formatRating(4), "4")
        XCTAssertEqual(formatRating(0.5), "0.5")
        XCTAssertEqual(formatRating(-1.5), "-1.5")
        XCTAssertEqual(formatRating(3.25), "3.25")
        XCTAssertEqual(formatRating(2.2), "2.2")
        XCTAssertEqual(formatRating((3.6666 * 10).rounded() / 10), "3.7", "a prediction rounded to one decimal")
        XCTAssertEqual(formatRating(2e9), "2e+09")
        XCTAssertEqual(formatRating(.nan), "–")
        XCTAssertEqual(formatRating(.infinity), "–")
    }
}

import Foundation
import RecsysEngine
import XCTest
@testable import RecsysUI

/// Issue 14, lesson 1: "using `info`'s figures for the loaded dataset". The placeholders of lesson text are
/// filled with the loaded data's counts, written as `recsys-tui info` writes them (thousands grouped with
/// commas, density with three decimals), so a learner comparing the panel with `info` sees the same numbers.
final class LessonFiguresTests: XCTestCase {
    func testPlaceholdersAreTheLoadedDatasetsFiguresAsInfoWritesThem() throws {
        let ds = try LessonWalkTests.sample().0
        let state = AppState(dataset: ds, width: 80, height: 24)
        let grouped = NumberFormatter()
        grouped.locale = Locale(identifier: "en_US")
        grouped.numberStyle = .decimal
        func g(_ n: Int) -> String { grouped.string(from: NSNumber(value: n))! }
        let density = String(format: "%.3f%%", 100 * Double(ds.ratings.count) / (Double(ds.userCount) * Double(ds.itemCount)))
        XCTAssertEqual(state.lessonText("{dataset}: {ratings} ratings, {users} users, {items} films, {density}"),
                       "\(ds.name): \(g(ds.ratings.count)) ratings, \(g(ds.userCount)) users, \(g(ds.itemCount)) films, \(density)")
        XCTAssertTrue(state.lessonText("{ratings}").contains(","), "the sample has more than 999 ratings: grouped")
        XCTAssertEqual(state.lessonText("{genres}"), String(state.stats.genreNames.count))
        // The count exercise accepts the figure as the panel writes it, and without the separators.
        let spec = AnswerSpec(kind: .count, what: "ratings")
        let accepted = try XCTUnwrap(state.expectedAnswer(spec)).accepted
        XCTAssertTrue(accepted.contains(normalisedAnswer(state.lessonText("{ratings}"))))
        XCTAssertTrue(accepted.contains(normalisedAnswer(String(ds.ratings.count))))
    }
}

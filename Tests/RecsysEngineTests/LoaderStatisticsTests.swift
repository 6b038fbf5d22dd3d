import Foundation
import XCTest
@testable import RecsysEngine

/// `DatasetStatistics` on a fixture whose values are worked out by hand below.
final class LoaderStatisticsTests: XCTestCase {
    /// 3 users, 4 movies (one unrated), 6 ratings.
    func fixture(_ dir: LoaderFixtureDir) throws -> Dataset {
        dir.write("stats/movies.csv", "movieId,title,genres\n1,A (1990),Action|Drama\n2,B (1991),Drama\n3,C (1992),Comedy\n4,D (1993),Comedy\n")
        dir.write("stats/ratings.csv", """
            userId,movieId,rating,timestamp
            1,1,5,946684800
            1,2,4,946771200
            1,3,3,946857600
            2,1,4,951782400
            2,2,2,951868800
            3,1,1,978307200

            """)
        return try DatasetLoader.load(path: dir.path("stats"))
    }

    func testValuesWorkedOutByHand() throws {
        let dir = LoaderFixtureDir()
        let s = try fixture(dir).statistics()
        XCTAssertEqual(s.name, "stats")
        XCTAssertEqual([s.users, s.items, s.ratedItems, s.ratings], [3, 4, 3, 6])
        XCTAssertEqual(s.density, 0.5, accuracy: 1e-12)  // 6 / (3 · 4)
        XCTAssertEqual(s.ratingScale, .wholeStars)
        XCTAssertEqual(s.meanRating, 19.0 / 6.0, accuracy: 1e-9)
        XCTAssertEqual(s.histogram.map(\.value), [1, 2, 3, 4, 5])
        XCTAssertEqual(s.histogram.map(\.count), [1, 1, 1, 2, 1])
        // Per user: 3, 2, 1.  Per item: 3, 2, 1, 0.
        XCTAssertEqual(s.ratingsPerUser, .init(min: 1, median: 2, mean: 2, max: 3))
        XCTAssertEqual(s.ratingsPerItem, .init(min: 0, median: 1.5, mean: 1.5, max: 3))
        // Drama: items 1, 2 → 3 + 2 ratings; Action: item 1 → 3; Comedy: items 3, 4 → 1.
        XCTAssertEqual(s.topGenres.map(\.genre), ["Drama", "Action", "Comedy"])
        XCTAssertEqual(s.topGenres.map(\.ratings), [5, 3, 1])
        XCTAssertEqual(s.topGenres.map(\.items), [2, 1, 2])
        // 80% of 6 = 4.8: items with 3 and 2 ratings are needed.
        XCTAssertEqual(s.longTail.items, 2)
        XCTAssertEqual(s.longTail.shareOfRatedItems, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(s.longTail.shareOfCatalog, 0.5, accuracy: 1e-12)
        let t = try XCTUnwrap(s.timeSpan)
        XCTAssertEqual([t.firstDate, t.lastDate], ["2000-01-01", "2001-01-01"])
        XCTAssertEqual(t.days, 366)
        XCTAssertEqual([s.duplicateRatings, s.placeholderItems, s.skippedLines], [0, 0, 0])
    }

    func testJSONKeys() throws {
        let dir = LoaderFixtureDir()
        let data = try JSONEncoder().encode(try fixture(dir).statistics())
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["name", "users", "items", "ratings", "density", "rating_scale", "histogram", "ratings_per_user",
                    "ratings_per_item", "top_genres", "long_tail", "time_span"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["users"] as? Int, 3)
        let scale = try XCTUnwrap(object["rating_scale"] as? [String: Any])
        XCTAssertEqual(scale["max"] as? Double, 5)
        XCTAssertEqual(scale["step"] as? Double, 1)
    }

    func testNoTimestampsHalfStarsAndMedianOfOddCounts() throws {
        let dir = LoaderFixtureDir()
        let ds = try DatasetLoader.load(path: dir.write("r.csv", "a,x,0.5\na,y,1.5\nb,x,5\n"))
        let s = ds.statistics()
        XCTAssertNil(s.timeSpan)
        XCTAssertEqual(s.ratingScale, RatingScale(min: 0.5, max: 5, step: 0.5))
        XCTAssertEqual(s.histogram.count, 10)
        XCTAssertEqual(s.histogram.first, .init(value: 0.5, count: 1))
        XCTAssertEqual(s.histogram[2], .init(value: 1.5, count: 1))
        XCTAssertEqual(s.histogram.last, .init(value: 5, count: 1))
        XCTAssertEqual(s.ratingsPerItem.median, 1.5)  // counts 2, 1
        XCTAssertEqual(s.topGenres, [])
        // A wide generic scale is grouped into at most 20 bars.
        let wide = try DatasetLoader.load(path: dir.write("w.csv", "a,x,0\na,y,1000\nb,x,500\n")).statistics()
        XCTAssertEqual(wide.histogram.count, DatasetStatistics.maxHistogramBins)
        XCTAssertEqual(wide.histogram.map(\.count).reduce(0, +), 3)
    }

    func testCivilDates() {
        XCTAssertEqual(DatasetStatistics.date(0), "1970-01-01")
        XCTAssertEqual(DatasetStatistics.date(951_782_400), "2000-02-29")
        XCTAssertEqual(DatasetStatistics.date(-1), "1969-12-31")
        XCTAssertEqual(DatasetStatistics.date(4_102_444_800), "2100-01-01")
        XCTAssertEqual(DatasetStatistics.date(1_574_327_703), "2019-11-21")
    }
}

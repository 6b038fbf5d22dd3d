import Foundation
@testable import RecsysEngine
import XCTest

/// Issue 17 item 1: what a profile remembers of its dataset, and matching films across catalogs.
final class DatasetIdentityTests: XCTestCase {
    func folder(links: Bool, ratings: String = "userId,movieId,rating,timestamp\n1,1,4,1\n2,2,3,2\n") throws -> String {
        let dir = NSTemporaryDirectory() + "recsys-identity-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        try "movieId,title,genres\n1,Toy Story (1995),Animation\n2,Heat (1995),Crime\n"
            .write(toFile: dir + "/movies.csv", atomically: true, encoding: .utf8)
        try ratings.write(toFile: dir + "/ratings.csv", atomically: true, encoding: .utf8)
        if links { try "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113277,949\n".write(toFile: dir + "/links.csv", atomically: true, encoding: .utf8) }
        return dir
    }

    func testTheKeyIsTheCatalogNotTheRatings() throws {
        let a = DatasetIdentity(try DatasetLoader.load(path: try folder(links: true)))
        let b = DatasetIdentity(try DatasetLoader.load(path: try folder(links: true, ratings: "userId,movieId,rating,timestamp\n9,2,5,1\n")))
        XCTAssertEqual(a.key, b.key, "more or other ratings do not change what an id means")
        XCTAssertEqual(a.idScheme, DatasetIdentity.movieLensMovieID)
        let sampleLike = DatasetIdentity(try DatasetLoader.load(path: try folder(links: false)))
        XCTAssertNil(sampleLike.idScheme, "without links.csv the ids are the folder's own (the sample)")
        XCTAssertEqual(sampleLike.key, a.key)
        XCTAssertTrue(a.key.hasPrefix("catalog:2:"))
    }

    func testTitlesMatchAcrossStylesAndAmbiguityIsNotGuessed() {
        let target = Catalog(items: [
            Item(rawID: "10", title: "Godfather, The (1972)"), Item(rawID: "11", title: "Amélie (2001)"),
            Item(rawID: "12", title: "Heat (1995)"), Item(rawID: "13", title: "Heat (1995)"),
            Item(rawID: "14", title: "Alien (1979)"),
        ])
        let m = TitleYearMatcher(target)
        XCTAssertEqual(m.match(title: "The Godfather (1972)"), 0)
        XCTAssertEqual(m.match(title: "amelie (2001)"), 1)
        XCTAssertNil(m.match(title: "Heat (1995)"), "two films of that title and year: not guessed")
        XCTAssertNil(m.match(title: "Alien (1986)"), "another year is another film")
        XCTAssertNil(m.match(title: "Aliens (1986)"))
    }
}

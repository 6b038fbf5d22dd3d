import Foundation
import XCTest

final class SimilarCommandTests: XCTestCase {
    func testSimilarByItemStaysInTheTasteGroup() throws {
        let data = try CLI.blockRatingsFile()
        let r = try CLI.run(["similar", "--data", data, "--item", "101", "--algorithm", "ease", "-n", "3",
                             "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["item"] as? String, "101")
        let items = try XCTUnwrap(j["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 3)
        for it in items {
            let id = Int(it["item"] as? String ?? "") ?? -1
            XCTAssertTrue((100...105).contains(id) && id != 101, "\(it)")
        }
    }

    func testTitleMatchingIsCaseInsensitiveAndAmbiguityIsListed() throws {
        let data = try CLI.blockRatingsFile()
        // Titles of items without an items file are "Item <id>".
        let one = try CLI.run(["similar", "--data", data, "--title", "ITEM 107", "--algorithm", "ease",
                               "--format", "csv", "-n", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(one.stdout.split(separator: "\n").count, 3)
        let many = try CLI.run(["similar", "--data", data, "--title", "item 10"])
        XCTAssertEqual(many.status, 2)
        XCTAssertTrue(many.stderr.contains("matches 10 movies"), many.stderr)
        XCTAssertTrue(many.stderr.contains("Item 105"), many.stderr)
        XCTAssertEqual(many.stdout, "")
        let none = try CLI.run(["similar", "--data", data, "--title", "zzz"])
        XCTAssertEqual(none.status, 2)
    }
}

/// Issue 17 item 10: `similar --title alien` names *Alien (1979)* and the other titles containing "alien".
final class SimilarQueryTests: XCTestCase {
    func testTheMatchedMovieAndItsAlternativesAreNamed() throws {
        let json = try CLI.run(["similar", "--title", "alien", "--algorithm", "content", "-n", "2", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let j = try CLI.json(json.stdout)
        let query = try XCTUnwrap(j["query"] as? [String: Any])
        XCTAssertEqual(query["title"] as? String, "Alien (1979)")
        XCTAssertEqual(query["item"] as? String, j["item"] as? String)
        let alternatives = try XCTUnwrap(j["alternatives"] as? [[String: Any]])
        XCTAssertEqual(alternatives.compactMap { $0["title"] as? String }, ["Aliens (1986)"])
        let text = try CLI.run(["similar", "--title", "alien", "--algorithm", "content", "-n", "2"])
        let lines = text.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "similar to Alien (1979) (item \(query["item"] as? String ?? "?"))")
        XCTAssertTrue(lines[1].hasPrefix("also matching 'alien': Aliens (1986)"), String(lines[1]))
        // By id: the query is named, and there are no alternatives.
        let byID = try CLI.json(try CLI.run(["similar", "--item", "335", "-n", "1", "--format", "json"]).stdout)
        XCTAssertEqual((byID["query"] as? [String: Any])?["title"] as? String, "Aliens (1986)")
        XCTAssertNil(byID["alternatives"])
    }
}

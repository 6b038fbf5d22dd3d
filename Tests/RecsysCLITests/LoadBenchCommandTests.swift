import Foundation
import XCTest

/// `loadbench --generate` with an exact shape: --shape ml-32m scales MovieLens 32M's sizes,
/// --users / --movies / --rated-movies set them exactly, and every generated movie id is distinct.
final class LoadBenchCommandTests: XCTestCase {
    func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loadbench-\(UUID().uuidString)").path
    }

    func testExactUsersAndFilmsAreGeneratedAndLoaded() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["loadbench", "--generate", dir, "--rows", "3000", "--users", "37", "--movies", "410",
                             "--rated-movies", "300", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["ratings"] as? Int, 3000)
        XCTAssertEqual(j["users"] as? Int, 37)
        XCTAssertEqual(j["items"] as? Int, 410)
        XCTAssertTrue(r.stderr.contains("37 users, 300 rated of 410 movies"), r.stderr)
        // The rated films are exactly 300 distinct ids of the 410.
        let ratings = try String(contentsOfFile: dir + "/ratings.csv", encoding: .utf8)
        let rated = Set(ratings.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] })
        XCTAssertLessThanOrEqual(rated.count, 300)
        XCTAssertGreaterThan(rated.count, 200, "a Zipf law over 300 films still reaches most of them in 3,000 ratings")
    }

    func testTheMovieLens32MShapeScalesToRows() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 320,000 of 32,000,204 ratings: 200,948 users → 2,009, 84,432 rated → 844, 87,585 films → 876.
        let r = try CLI.run(["loadbench", "--generate", dir, "--shape", "ml-32m", "--rows", "320000", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["ratings"] as? Int, 320_000)
        XCTAssertEqual(j["users"] as? Int, 2009)
        XCTAssertEqual(j["items"] as? Int, 876)
        XCTAssertTrue(r.stderr.contains("2009 users, 844 rated of 876 movies"), r.stderr)
    }

    /// Beyond 69,723 films the old id rule (step 2 plus a jitter of up to 2) gave two films one id.
    func testLargeCatalogsGetDistinctIncreasingMovieIDs() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["loadbench", "--generate", dir, "--rows", "500", "--users", "5", "--movies", "87585",
                             "--rated-movies", "84432", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try CLI.json(r.stdout)["items"] as? Int, 87585)
        let movies = try String(contentsOfFile: dir + "/movies.csv", encoding: .utf8)
        let ids = movies.split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! }
        XCTAssertEqual(ids.count, 87585)
        XCTAssertTrue(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids strictly increasing")
    }

    func testMoreRatedFilmsThanFilmsIsOneLineAndExit2() throws {
        let r = try CLI.run(["loadbench", "--generate", folder(), "--rows", "100", "--movies", "50", "--rated-movies", "60"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--rated-movies 60 is more than the 50 films of --movies"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        let bad = try CLI.run(["loadbench", "--generate", folder(), "--shape", "ml-40m"])
        XCTAssertEqual(bad.status, 2)
    }
}

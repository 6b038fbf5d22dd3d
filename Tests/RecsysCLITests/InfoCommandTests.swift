import Foundation
import XCTest

/// Runs the built `recsys-tui info` from another working directory.
final class InfoCommandTests: XCTestCase {
    /// Runs the binary from /tmp (not the package root), with the tests' private XDG home.
    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, in: "/tmp") }

    /// A small dataset folder (latest layout) in a temporary directory.
    func fixture() throws -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("recsys-info-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))/tiny-lens")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        try "movieId,title,genres\n1,\"Thing, The (1982)\",Horror|Sci-Fi\n2,Heat (1995),Crime\n3,Up (2009),Animation\n"
            .write(toFile: dir + "/movies.csv", atomically: true, encoding: .utf8)
        try "userId,movieId,rating,timestamp\n1,1,4.5,946684800\n1,2,3.0,946684900\n2,1,5.0,978307200\n"
            .write(toFile: dir + "/ratings.csv", atomically: true, encoding: .utf8)
        return dir
    }

    func testInfoJSONFromAnotherDirectory() throws {
        let dir = try fixture()
        let r = try run(["info", "--data", dir, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, "tiny-lens")
        XCTAssertEqual(object["users"] as? Int, 2)
        XCTAssertEqual(object["items"] as? Int, 3)
        XCTAssertEqual(object["ratings"] as? Int, 3)
        XCTAssertEqual(object["density"] as? Double ?? 0, 0.5, accuracy: 1e-12)
        let scale = try XCTUnwrap(object["rating_scale"] as? [String: Double])
        XCTAssertEqual(scale, ["min": 0.5, "max": 5, "step": 0.5])  // MovieLens CSV: documented half stars
    }

    func testInfoTextDrawsTheHistogram() throws {
        let dir = try fixture()
        let r = try run(["info", "--data", dir])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("tiny-lens"), r.stdout)
        XCTAssertTrue(r.stdout.contains("█"), r.stdout)
        XCTAssertTrue(r.stdout.contains("rating histogram"))
        XCTAssertTrue(r.stdout.contains("2000-01-01 → 2001-01-01"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Horror"))
    }

    func testErrorsPrintOneLineAndExit2() throws {
        let missing = try run(["info", "--data", "/tmp/definitely-not-here-\(UInt32.random(in: 0...UInt32.max))"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no such file"), missing.stderr)
        XCTAssertEqual(missing.stdout, "")

        let dir = try fixture()
        try "userId,movieId,rating,timestamp\n1,1,4.5,946684800\n1,2,7,946684900\n"
            .write(toFile: dir + "/ratings.csv", atomically: true, encoding: .utf8)
        let bad = try run(["info", "--data", dir, "--format", "json"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("ratings.csv:3:3: expected a half-star rating"), bad.stderr)
        let skipped = try run(["info", "--data", dir, "--format", "json", "--skip-bad-lines"])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stdout.contains("\"skipped_lines\" : 1"), skipped.stdout)
    }
}

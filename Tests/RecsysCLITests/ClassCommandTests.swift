import Foundation
import RecsysTestSupport
import XCTest

/// `class summary` and `replay` on the command line: JSON and CSV shapes, bad class files, bad input.
final class ClassCommandTests: XCTestCase {
    var dir = ""
    var db: String { dir + "/p.sqlite" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "recsys-cli-class-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/class", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Sample films (ids 1–40): alice likes the early ones, bob the later ones.
    func writeClass() throws {
        var alice = "user,item,rating,timestamp\n", bob = alice
        for k in 0..<12 {
            alice += "alice,\(1 + k),\(k % 3 == 0 ? 3 : 5),\(1_700_000_000 + k * 60)\n"
            bob += "bob,\(20 + k),\(k % 2 == 0 ? 4 : 2),\(1_700_000_000 + k * 60)\n"
        }
        try alice.write(toFile: dir + "/class/alice.csv", atomically: true, encoding: .utf8)
        try bob.write(toFile: dir + "/class/bob.csv", atomically: true, encoding: .utf8)
        try "user,item,rating\ncarl,5,5\ncarl,6,five\n".write(toFile: dir + "/class/carl.csv", atomically: true, encoding: .utf8)
    }

    func testClassSummaryFromAFolderSkipsTheBadFileWithOneLine() throws {
        try writeClass()
        let r = try CLI.run(["class", "summary", dir + "/class", "--algorithms", "popularity,item-knn", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "recsys-tui: skipped \(dir)/class/carl.csv:3:3: expected a rating number, found \"five\"\n")
        let doc = try CLI.json(r.stdout)
        let learners = try XCTUnwrap(doc["learners"] as? [[String: Any]])
        XCTAssertEqual(learners.compactMap { $0["name"] as? String }, ["alice", "bob"])
        let alice = learners[0]
        XCTAssertEqual(alice["ratings"] as? Int, 12)
        XCTAssertEqual(alice["earlier"] as? Int, 8, "70% of 12, rounded down")
        XCTAssertEqual(alice["laterLiked"] as? Int, 3, "ratings 9–12 by time: 5, 5, 3, 5")
        XCTAssertEqual(alice["nearest"] as? String, "bob")
        XCTAssertNotNil(alice["favouriteGenre"] as? String)
        let algos = try XCTUnwrap(alice["algorithms"] as? [String: [String: Any]])
        XCTAssertEqual(Set(algos.keys), ["popularity", "item-knn"])
        for (_, v) in algos {
            let hits = try XCTUnwrap(v["hits"] as? Int), recall = try XCTUnwrap(v["recall"] as? Double)
            XCTAssertEqual(recall, Double(hits) / 3, accuracy: 1e-4)
        }
        let summary = try XCTUnwrap(doc["algorithms"] as? [String: [String: Any]])
        XCTAssertEqual(summary["popularity"]?["learners"] as? Int, 2)
        XCTAssertEqual(doc["skipped"] as? [String], ["\(dir)/class/carl.csv:3:3: expected a rating number, found \"five\""])

        let table = try CLI.run(["class", "summary", dir + "/class", "--algorithms", "popularity"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("class of 2 on sample-data"), table.stdout)
        XCTAssertTrue(table.stdout.contains("skipped: \(dir)/class/carl.csv:3:3"), table.stdout)
    }

    func testClassSummaryReadsTheDatabaseToo() throws {
        try writeClass()
        for name in ["alice", "bob"] {
            let r = try CLI.run(["profile", "import", name, dir + "/class/\(name).csv", "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let r = try CLI.run(["class", "summary", "--db", db, "--algorithms", "popularity", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let learners = try XCTUnwrap(try CLI.json(r.stdout)["learners"] as? [[String: Any]])
        XCTAssertEqual(learners.compactMap { $0["name"] as? String }, ["alice", "bob"])
    }

    func testBadClassInputIsOneLineAndExitTwo() throws {
        let missing = try CLI.run(["class", "summary", dir + "/nope", "--algorithms", "popularity"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "recsys-tui: \(dir)/nope: no such folder (expected a folder of 'profile export' files)\n")
        let both = try CLI.run(["class", "summary", dir + "/class", "--db", db])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.stderr.contains("give a class folder or --db, not both"), both.stderr)
        let algo = try CLI.run(["class", "summary", dir + "/class", "--algorithms", "magic"])
        XCTAssertEqual(algo.status, 2)
        XCTAssertTrue(algo.stderr.contains("unknown algorithm 'magic'"), algo.stderr)
    }

    func testReplayWritesTheWholeTimeline() throws {
        try writeClass()
        XCTAssertEqual(try CLI.run(["profile", "import", "alice", dir + "/class/alice.csv", "--db", db]).status, 0)
        let csv = try CLI.run(["replay", "--profile", "alice", "--db", db, "--algorithms", "popularity,baseline", "-n", "3",
                               "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "step,at,time,event_item,event_title,rating,algorithm,rank,item,title,score,movement")
        let steps = Set(lines.dropFirst().map { $0.split(separator: ",")[0] })
        XCTAssertEqual(lines.count - 1, steps.count * 2 * 3, "every step × 2 algorithms × 3 ranks")
        XCTAssertGreaterThanOrEqual(steps.count, 13, "step 0 and one per rating")

        let json = try CLI.run(["replay", "--profile", "alice", "--db", db, "--algorithms", "popularity", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let doc = try CLI.json(json.stdout)
        XCTAssertEqual(doc["profile"] as? String, "alice")
        let s = try XCTUnwrap(doc["steps"] as? [[String: Any]])
        XCTAssertEqual(s.count, steps.count)
        XCTAssertEqual(s[1]["item"] as? String, "1")
        XCTAssertEqual(s[1]["time"] as? String, "2023-11-14 22:13:20 UTC")
        XCTAssertEqual(s[1]["rating"] as? Double, 3)
        let top = try XCTUnwrap((s[1]["lists"] as? [String: [[String: Any]]])?["popularity"])
        XCTAssertEqual(top.count, 5)
        XCTAssertFalse(top.contains { $0["item"] as? String == "1" }, "a rated film leaves the list")

        let none = try CLI.run(["replay", "--profile", "zed", "--db", db])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("no profile named \"zed\""), none.stderr)
    }
}

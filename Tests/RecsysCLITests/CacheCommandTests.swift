import Foundation
import RecsysTestSupport
import XCTest

/// `cache list|clear`, `--no-cache`, and the caches seen from `recommend`: each test has its own
/// XDG_CACHE_HOME, so no test depends on another's entries (or touches ~/.cache).
final class CacheCommandTests: XCTestCase {
    private var home = ""

    override func setUp() {
        home = NSTemporaryDirectory() + "recsys-cache-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Runs the binary with this test's own data and cache home.
    private func run(_ args: [String]) throws -> CLI.Result { try BinaryRunner(home: home).run(args) }

    private func entries() throws -> [[String: Any]] {
        let r = try run(["cache", "list", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["cache"] as? String, home + "/cache/recsys-tui")
        return try XCTUnwrap(j["entries"] as? [[String: Any]])
    }

    private func recommend(_ data: String, _ algorithm: String, _ extra: [String] = []) throws -> CLI.Result {
        try run(["recommend", "--data", data, "--user", "1", "--algorithm", algorithm, "-n", "3", "--format", "json"] + extra)
    }

    func testRecommendFillsTheCacheAndASecondRunReadsIt() throws {
        let data = try CLI.blockRatingsFile()
        XCTAssertEqual(try entries().count, 0)
        let first = try recommend(data, "svd")
        XCTAssertEqual(first.status, 0, first.stderr)
        let listed = try entries()
        XCTAssertEqual(listed.compactMap { $0["kind"] as? String }.sorted(), ["dataset", "model"])
        let model = try XCTUnwrap(listed.first { $0["kind"] as? String == "model" })
        XCTAssertEqual(model["algorithm"] as? String, "svd")
        XCTAssertEqual(model["dataset"] as? String, "ratings")
        XCTAssertGreaterThan(model["bytes"] as? Int ?? 0, 0)
        XCTAssertTrue((model["entry"] as? String)?.hasPrefix("svd-") == true)
        XCTAssertTrue((model["detail"] as? String)?.contains("factors=") == true)
        let second = try recommend(data, "svd")
        XCTAssertEqual(second.stdout, first.stdout, "the cached model answers as the fitted one")
        XCTAssertEqual(second.stderr, "")
        let table = try run(["cache", "list"])
        XCTAssertTrue(table.stdout.hasPrefix("cache: \(home)/cache/recsys-tui (2 entries, "), table.stdout)
        XCTAssertTrue(table.stdout.contains("entry") && table.stdout.contains("age"), table.stdout)
    }

    func testNoCacheWritesNothing() throws {
        let data = try CLI.blockRatingsFile()
        let r = try recommend(data, "ease", ["--no-cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try entries().count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/cache"))
    }

    func testClearByAlgorithmThenByDataset() throws {
        let data = try CLI.blockRatingsFile()
        XCTAssertEqual(try recommend(data, "svd").status, 0)
        XCTAssertEqual(try recommend(data, "ease").status, 0)
        XCTAssertEqual(try entries().count, 3)
        let svd = try run(["cache", "clear", "--algorithm", "svd"])
        XCTAssertEqual(svd.status, 0, svd.stderr)
        let lines = svd.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, svd.stdout)
        XCTAssertTrue(lines[0].hasPrefix("removed svd-") && lines[0].contains("(model ratings svd, "), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("removed 1 entry, "), lines[1])
        XCTAssertEqual(try entries().compactMap { $0["algorithm"] as? String }.sorted(), ["", "ease"])
        let rest = try run(["cache", "clear", "--dataset", "ratings"])
        XCTAssertTrue(rest.stdout.contains("removed 2 entries"), rest.stdout)
        XCTAssertEqual(try entries().count, 0)
        let bad = try run(["cache", "clear", "--algorithm", "nope"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unknown algorithm 'nope'"), bad.stderr)
    }

    func testCorruptEntryIsRefittedWithOneLine() throws {
        let data = try CLI.blockRatingsFile()
        let first = try recommend(data, "svd")
        let model = try XCTUnwrap(try entries().first { $0["kind"] as? String == "model" })
        let path = home + "/cache/recsys-tui/models/" + (model["entry"] as? String ?? "")
        var bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: path)))
        bytes[bytes.count - 20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let again = try recommend(data, "svd")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stderr, "recsys-tui: cache entry for svd was corrupt: refitting\n")
        XCTAssertEqual(again.stdout, first.stdout)
        XCTAssertEqual(try recommend(data, "svd").stderr, "", "the entry was replaced by a good one")
    }

    func testChangedRatingsFileIsReadAgain() throws {
        let data = try CLI.blockRatingsFile()
        XCTAssertEqual(try recommend(data, "popularity").status, 0)
        // A new user appears in the file: a stale image would not know them.
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: data))
        try h.seekToEnd()
        try h.write(contentsOf: Data("77\t100\t5\t880009999\n".utf8))
        try h.close()
        let r = try run(["recommend", "--data", data, "--user", "77", "--algorithm", "popularity", "-n", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}

import Foundation
import RecsysTestSupport
import XCTest

/// The CLI tests' helpers: every run of the binary goes through `BinaryRunner` (a private XDG home).
enum CLI {
    typealias Result = BinaryRunner.Result

    /// Runs the binary with the test process's private data and cache home.
    static func run(_ args: [String], in directory: String? = nil) throws -> Result {
        try BinaryRunner.shared.run(args, in: directory)
    }

    /// A ratings file with two taste groups: users 1–10 rate items 100–105, users 11–20 rate 106–111
    /// (4–5★), each also gives one item of the other group 1★. User 1 has not rated item 100.
    static func blockRatingsFile() throws -> String {
        var lines: [String] = []
        for u in 0..<20 {
            let group = u < 10 ? 0..<6 : 6..<12
            for i in group where !(u == 0 && i == 0) {
                lines.append("\(u + 1)\t\(100 + i)\t\(4 + (u + i) % 2)\t\(880000000 + u * 100 + i)")
            }
            let other = u < 10 ? 6 + u % 6 : (u - 10) % 6
            lines.append("\(u + 1)\t\(100 + other)\t1\t\(880000000 + u * 100 + 50)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("ratings.tsv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func json(_ s: String) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: Data(s.utf8))
        return try XCTUnwrap(obj as? [String: Any], "not a JSON object: \(s)")
    }
}

final class RecommendCommandTests: XCTestCase {
    func testRecommendForUserAsJSON() throws {
        let data = try CLI.blockRatingsFile()
        let r = try CLI.run(["recommend", "--data", data, "--user", "1", "--algorithm", "ease", "-n", "3",
                             "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["algorithm"] as? String, "ease")
        XCTAssertEqual(j["user"] as? String, "1")
        let items = try XCTUnwrap(j["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items.map { $0["rank"] as? Int }, [1, 2, 3])
        XCTAssertEqual(items[0]["item"] as? String, "100", "the one Sci-Fi item user 1 has not rated")
        XCTAssertNotNil(items[0]["score"] as? Double)
        XCTAssertTrue((items[0]["reason"] as? String ?? "").hasPrefix("because you liked"), "\(items[0])")
        XCTAssertNotNil(items[0]["title"] as? String)
    }

    func testEmptyProfileGetsColdStartAsCSV() throws {
        let data = try CLI.blockRatingsFile()
        let args = ["recommend", "--data", data, "--profile", "newcomer", "--algorithm", "content",
                    "-n", "2", "--format", "csv"]
        XCTAssertEqual(try CLI.run(args).status, 2, "recommend reads; it does not make the profile (issue 17 item 2)")
        // Read-only commands never create a profile, so the empty profile is made first, on this dataset.
        let empty = (data as NSString).deletingLastPathComponent + "/empty-profile.csv"
        try "user,item,rating,timestamp\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let made = try CLI.run(["profile", "import", "newcomer", empty, "--data", data])
        XCTAssertEqual(made.status, 0, made.stderr)
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "rank,item,title,score,reason")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines.count > 1 && lines[1].contains("cold start"), r.stdout)
    }

    func testBadInputExitsWithOneLineMessage() throws {
        let data = try CLI.blockRatingsFile()
        let unknownUser = try CLI.run(["recommend", "--data", data, "--user", "999"])
        XCTAssertEqual(unknownUser.status, 2)
        XCTAssertTrue(unknownUser.stderr.contains("unknown user '999'"), unknownUser.stderr)
        let both = try CLI.run(["recommend", "--data", data, "--user", "1", "--profile", "x"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("exactly one of --user"), both.stderr)
        let algo = try CLI.run(["recommend", "--data", data, "--user", "1", "--algorithm", "nope"])
        XCTAssertNotEqual(algo.status, 0)
        XCTAssertTrue(algo.stderr.contains("ease"), algo.stderr)
        let param = try CLI.run(["recommend", "--data", data, "--user", "1", "--algorithm", "ease",
                                 "--param", "lambda=-4"])
        XCTAssertEqual(param.status, 2)
        XCTAssertTrue(param.stderr.contains("ease.lambda must be a number in"), param.stderr)
    }

    /// A model saved by `train` serves the same list as fitting on the spot; its algorithm is reported.
    func testSavedModelServesTheSameList() throws {
        let data = try CLI.blockRatingsFile()
        let file = (data as NSString).deletingLastPathComponent + "/ease.model"
        let t = try CLI.run(["train", "--data", data, "--algorithm", "ease", "--out", file, "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let fitted = try CLI.run(["recommend", "--data", data, "--user", "3", "--algorithm", "ease", "--format", "json"])
        let loaded = try CLI.run(["recommend", "--data", data, "--user", "3", "--model", file, "--format", "json"])
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertEqual(loaded.stdout, fitted.stdout)
        let wrong = try CLI.run(["recommend", "--data", data, "--user", "3", "--model", file, "--algorithm", "als"])
        XCTAssertEqual(wrong.status, 2, wrong.stdout)
    }
}

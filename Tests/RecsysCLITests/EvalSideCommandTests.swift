import Foundation
import XCTest

/// `sample generate --synthetic-movies`, and `eval`'s taste-agreement on data with and without tastes.
final class EvalSideCommandTests: XCTestCase {
    func testSyntheticCatalogFolderLoadsWithTastesAndEvalReportsTasteAgreement() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-synth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = try CLI.run(["sample", "generate", "--synthetic-movies", "300", "--users", "40", "--seed", "7", "--out", dir])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        XCTAssertTrue(gen.stdout.contains("over 300 movies"), gen.stdout)
        for f in ["movies.csv", "ratings.csv", "tastes.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + f), f)
        }
        // Default metrics gain taste-agreement@10 when the data has tastes.
        let e = try CLI.run(["eval", "--data", dir, "--algorithm", "popularity", "--format", "csv", "--quiet"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.hasPrefix("algorithm,params,rmse,mae,precision@10,recall@10,ndcg@10,coverage,taste-agreement@10,"),
                      e.stdout)
    }

    func testBadInputIsOneLineAndStatusTwo() throws {
        let bad = try CLI.run(["sample", "generate", "--synthetic-movies", "0", "--out", "/tmp/never"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--synthetic-movies must be between 1 and 200000"), bad.stderr)
        // No tastes in a plain ratings file: taste-agreement is refused, naming what is missing.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-plain-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "u1,i1,5\nu1,i2,3\nu2,i1,4\nu2,i3,2\nu3,i2,5\nu3,i3,1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["eval", "--data", file, "--algorithm", "popularity", "--metrics", "taste-agreement@5",
                             "--split", "holdout:0.3", "--quiet"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("needs the users' true tastes"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
}

import Foundation
import RecsysTestSupport
import XCTest

/// Issue 17 items 1, 2, 11 and 12, replayed on the command line: profiles bound to their dataset,
/// mistyped names, export formats, and the help and argument papercuts.
final class ProfileDatasetCommandTests: XCTestCase {
    /// A MovieLens-100K-shaped folder whose ids 1–40 are sample films under other ids (see its README).
    static let tiny = try! FixtureFolder.materialize(
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RecsysStoreTests/Fixtures/tiny-ml100k").path)

    var dir = ""
    var db: String { dir + "/p.sqlite" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "recsys-cli-profiles-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// `default` on the sample: 537 Pirates…, 524 Spider-Man, 466 The Thin Red Line (also in tiny, under
    /// other ids) and 1, 2 (All Quiet…, City Lights: not in tiny, where ids 1 and 2 are other films).
    func rateOnSample() throws {
        let file = dir + "/mine.csv"
        try "user,item,rating,timestamp\nme,537,5,10\nme,524,4,11\nme,466,5,12\nme,1,1,13\nme,2,2,14\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["profile", "import", "default", file, "--data", "sample-data", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testAProfileOfTheSampleIsNeverReadByIDOnAnotherDataset() throws {
        try rateOnSample()
        // The steps: `recommend --data ml-100k --profile default` used the sample's ids.
        let r = try CLI.run(["recommend", "--data", Self.tiny, "--profile", "default", "--db", db, "-n", "3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        let line = r.stderr.trimmingCharacters(in: .newlines)
        XCTAssertFalse(line.contains("\n"), line)
        XCTAssertTrue(line.contains("profile \"default\" belongs to sample-data"), line)
        XCTAssertTrue(line.contains("--profile NEW"), line)
        XCTAssertTrue(line.contains("profile copy default --to-data \(Self.tiny)"), line)

        // `profile list` names the profile's own dataset, not the last one it was shown with.
        let list = try CLI.run(["profile", "list", "--db", db])
        XCTAssertEqual(list.status, 0, list.stderr)
        let row = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix("default") })
        XCTAssertTrue(row.hasSuffix("sample-data"), String(row))
        XCTAssertTrue(row.contains("      5  "), String(row))

        // The way out: a copy by title and year, with counts.
        let copy = try CLI.run(["profile", "copy", "default", "--to-data", Self.tiny, "--db", db])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        XCTAssertTrue(copy.stdout.contains("by title and year: 3 matched, 2 unmatched"), copy.stdout)
        XCTAssertTrue(copy.stdout.contains("All Quiet on the Western Front (1930)"), copy.stdout)
        let show = try CLI.run(["profile", "show", "default", "--dataset", "tiny-ml100k", "--db", db, "--format", "json"])
        XCTAssertEqual(show.status, 0, show.stderr)
        let shown = try XCTUnwrap(try CLI.json(show.stdout)["ratings"] as? [[String: Any]])
        // Titles come from the profile's own dataset without --data; "The Thin Red Line" matched "Thin Red Line, The".
        XCTAssertEqual(Set(shown.compactMap { $0["title"] as? String }), [
            "Pirates of the Caribbean: The Curse of the Black Pearl (2003)", "Spider-Man (2002)", "Thin Red Line, The (1998)",
        ])
        XCTAssertEqual(shown.first { ($0["title"] as? String) == "Thin Red Line, The (1998)" }?["item"] as? String, "7")
        let rec = try CLI.run(["recommend", "--data", Self.tiny, "--profile", "default", "--db", db, "-n", "3",
                               "--format", "json"])
        XCTAssertEqual(rec.status, 0, rec.stderr)
        let items = try XCTUnwrap(try CLI.json(rec.stdout)["items"] as? [[String: Any]])
        XCTAssertFalse(items.contains { ["1", "2", "7"].contains($0["item"] as? String ?? "") }, "rated films are not recommended")

        // The sample's profile is untouched, and titles come from the sample.
        let sampleShow = try CLI.run(["profile", "show", "default", "--dataset", "sample-data", "--db", db])
        XCTAssertEqual(sampleShow.status, 0, sampleShow.stderr)
        XCTAssertTrue(sampleShow.stdout.contains("All Quiet on the Western Front (1930)"), sampleShow.stdout)
        XCTAssertTrue(sampleShow.stdout.contains("5 ratings"), sampleShow.stdout)
    }

    func testAMistypedProfileIsNotCreated() throws {
        try rateOnSample()
        // The steps: `recommend --profile nosuch` printed popularity, exit 0, and created it.
        let r = try CLI.run(["recommend", "--profile", "defualt", "--db", db])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("no profile named \"defualt\" — profiles: default"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        for args in [["profile", "show", "nosuch"], ["profile", "export", "nosuch"], ["profile", "undo", "nosuch"]] {
            let x = try CLI.run(args + ["--db", db])
            XCTAssertEqual(x.status, 2, "\(args)")
            XCTAssertTrue(x.stderr.contains("no profile named \"nosuch\""), x.stderr)
        }
        let list = try CLI.run(["profile", "list", "--db", db, "--format", "json"])
        let names = try XCTUnwrap(try CLI.json(list.stdout)["profiles"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["default"])
    }

    func testExportTakesItsFormatFromTheExtensionOrRefusesAMismatch() throws {
        try rateOnSample()
        let json = dir + "/exp.json"
        let r = try CLI.run(["profile", "export", "default", "--out", json, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8)), text)
        let csv = dir + "/exp.csv"
        XCTAssertEqual(try CLI.run(["profile", "export", "default", "--out", csv, "--db", db]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("user,item,rating,timestamp"))
        let clash = try CLI.run(["profile", "export", "default", "--format", "csv", "--out", dir + "/x.json", "--db", db])
        XCTAssertEqual(clash.status, 2)
        XCTAssertTrue(clash.stderr.contains("--format csv does not match --out"), clash.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x.json"))
    }

    func testNegativeCountAndAnItemsFileAsRatingsGetTheRightMessage() throws {
        let neg = try CLI.run(["recommend", "--user", "1", "-n", "-5"])
        XCTAssertEqual(neg.status, 2)
        XCTAssertTrue(neg.stderr.contains("-n must be at least 1 (got -5)"), neg.stderr)
        let items = try CLI.run(["recommend", "--user", "1", "--data", "sample-data/movies.csv"])
        XCTAssertEqual(items.status, 2)
        XCTAssertTrue(items.stderr.contains("sample-data/movies.csv:2:"), items.stderr)
        XCTAssertTrue(items.stderr.contains("--items"), items.stderr)
        XCTAssertEqual(items.stderr.split(separator: "\n").count, 1)
    }

    /// Help paragraphs break only where the 80-column wrap needs to, never mid-sentence.
    func testHelpTextWrapsOnlyAtTheLineWidth() throws {
        for path in try CommandStructureTests.commandTree().map(\.path) {
            let command = path.joined(separator: " ")
            let r = try CLI.run(["help"] + path)
            XCTAssertEqual(r.status, 0, command)
            let body = r.stdout.components(separatedBy: "USAGE:")[0].components(separatedBy: "\n")
            // A line may end a sentence early; inside a sentence it ends only where the next word would pass 79 columns.
            for (a, b) in zip(body, body.dropFirst()) where !a.isEmpty && !b.isEmpty && !b.hasPrefix(" ")
                && !a.hasSuffix(".") && !a.hasSuffix(":") {
                let next = b.split(separator: " ").first.map(String.init) ?? ""
                XCTAssertGreaterThanOrEqual(a.count + 1 + next.count, 80, "\(command): a break before \"\(next)\" after \"\(a)\"")
            }
        }
    }
}

import Foundation
import RecsysTestSupport
import XCTest

/// `recsys-tui report` on the command line: the handout's lists are `recommend`'s, the Markdown
/// variant writes its charts beside it, class mode adds the class table, bad input is one line.
final class ReportCommandTests: XCTestCase {
    var dir = ""
    var db: String { dir + "/p.sqlite" }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "recsys-cli-report-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/class", withIntermediateDirectories: true)
        // Sample films: sam likes the early ones and dislikes two.
        var sam = "user,item,rating,timestamp\n"
        for k in 0..<10 { sam += "sam,\(1 + k),\(k == 2 || k == 7 ? 1 : 4 + k % 2),\(1_700_000_000 + k * 60)\n" }
        try sam.write(toFile: dir + "/class/sam.csv", atomically: true, encoding: .utf8)
        var kim = "user,item,rating,timestamp\n"
        for k in 0..<8 { kim += "kim,\(20 + k),\(3 + k % 3),\(1_700_000_000 + k * 60)\n" }
        try kim.write(toFile: dir + "/class/kim.csv", atomically: true, encoding: .utf8)
        let r = try CLI.run(["profile", "import", "sam", dir + "/class/sam.csv", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testTheHandoutsListsAreRecommendsForTheSameProfile() throws {
        let r = try CLI.run(["report", "--profile", "sam", "--db", db, "--algorithms", "popularity,item-knn",
                             "--out", dir + "/sam.html"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "wrote \(dir)/sam.html: 6 sections, 2 charts\n")
        let root = try XMLTree.parse(try String(contentsOfFile: dir + "/sam.html", encoding: .utf8))
        let top = try XCTUnwrap(root.all("section").first { $0.attributes["id"] == "top10" })
        XCTAssertEqual(top.all("h3").map(\.allText), ["popularity", "item-knn"])
        for (k, algorithm) in ["popularity", "item-knn"].enumerated() {
            let rec = try CLI.run(["recommend", "--profile", "sam", "--db", db, "--algorithm", algorithm, "--format", "json"])
            XCTAssertEqual(rec.status, 0, rec.stderr)
            let items = try XCTUnwrap(try CLI.json(rec.stdout)["items"] as? [[String: Any]])
            let rows = (top.all("table")[k].all("tbody").first?.all("tr") ?? []).map { $0.all("td").map(\.allText) }
            XCTAssertEqual(rows.map { $0[1] }, items.compactMap { $0["title"] as? String }, algorithm)
            XCTAssertEqual(rows.map { $0[3] }, items.compactMap { $0["reason"] as? String }, algorithm)
            for (row, item) in zip(rows, items) {
                XCTAssertEqual(Double(row[2])!, try XCTUnwrap(item["score"] as? Double), accuracy: 1e-9, algorithm)
            }
            XCTAssertEqual(rows.count, 10)
        }
        // The ratings table marks the two 1★ films as dislikes.
        let ratings = try XCTUnwrap(root.all("section").first { $0.attributes["id"] == "ratings" })
        XCTAssertEqual(ratings.all("tr").filter { $0.attributes["class"] == "dislike" }.count, 2)
    }

    func testMarkdownWritesEachChartBesideIt() throws {
        let r = try CLI.run(["report", "--profile", "sam", "--db", db, "--algorithms", "popularity,item-knn",
                             "--out", dir + "/sam.md"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOfFile: dir + "/sam.md", encoding: .utf8)
        XCTAssertTrue(md.hasPrefix("# Your recommender handout: sam\n"), md)
        for chart in ["sam-hist.svg", "sam-overlap.svg"] {
            XCTAssertTrue(md.contains("](\(chart))"), chart)
            let svg = try String(contentsOfFile: dir + "/" + chart, encoding: .utf8)
            XCTAssertEqual(try XMLTree.parse(svg).name, "svg")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/sam.html"))
        // --format md wins over the extension.
        let forced = try CLI.run(["report", "--profile", "sam", "--db", db, "--algorithms", "popularity",
                                  "--format", "md", "--out", dir + "/forced.txt"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/forced-hist.svg"))
    }

    func testClassModeAddsTheClassTable() throws {
        let r = try CLI.run(["report", "--profile", "sam", "--db", db, "--class", dir + "/class", "--algorithms", "popularity",
                             "--out", dir + "/c.html"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XMLTree.parse(try String(contentsOfFile: dir + "/c.html", encoding: .utf8))
        let section = try XCTUnwrap(root.all("section").first { $0.attributes["id"] == "class" })
        let rows = section.all("table").first?.all("tbody").first?.all("tr") ?? []
        XCTAssertEqual(rows.map { $0.all("td").first?.allText ?? "" }, ["kim", "sam"])
        XCTAssertEqual(rows.filter { $0.attributes["class"] == "you" }.count, 1, "the learner's own row stands out")
    }

    func testBadInputIsOneLineAndExitTwo() throws {
        let missing = try CLI.run(["report", "--profile", "nobody", "--db", db, "--algorithms", "popularity",
                                   "--out", dir + "/x.html"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("nobody"), missing.stderr)

        let param = try CLI.run(["report", "--profile", "sam", "--db", db, "--param", "lambda=3", "--out", dir + "/x.html"])
        XCTAssertEqual(param.status, 2)
        XCTAssertTrue(param.stderr.contains("--param expects ALGO.KEY=VALUE"), param.stderr)

        let unwritable = try CLI.run(["report", "--profile", "sam", "--db", db, "--algorithms", "popularity",
                                      "--out", dir + "/no/such/folder/x.html"])
        XCTAssertEqual(unwritable.status, 2)
        XCTAssertTrue(unwritable.stderr.hasPrefix("recsys-tui: cannot write \(dir)/no/such/folder/x.html"), unwritable.stderr)
        XCTAssertEqual(unwritable.stderr.split(separator: "\n").count, 1)

        let algo = try CLI.run(["report", "--profile", "sam", "--db", db, "--algorithms", "nope", "--out", dir + "/x.html"])
        XCTAssertEqual(algo.status, 2)
        XCTAssertTrue(algo.stderr.contains("unknown algorithm 'nope'"), algo.stderr)
    }
}

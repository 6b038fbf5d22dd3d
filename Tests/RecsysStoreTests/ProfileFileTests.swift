import Foundation
import RecsysEngine
@testable import RecsysStore
import XCTest

final class ProfileFileTests: XCTestCase {
    private func parse(_ text: String, user: String? = nil) throws -> ProfileFile.Parsed {
        try ProfileFile.parse(Data(text.utf8), file: "/in/r.csv", user: user)
    }

    private func assertLoadError(_ text: String, line: Int, column: Int? = nil, contains: String, user: String? = nil,
                                 file: StaticString = #filePath, fileLine: UInt = #line) {
        XCTAssertThrowsError(try parse(text, user: user), file: file, line: fileLine) { e in
            guard let e = e as? LoadError else { return XCTFail("\(e)", file: file, line: fileLine) }
            XCTAssertEqual(e.file, "/in/r.csv", file: file, line: fileLine)
            XCTAssertEqual(e.line, line, e.description, file: file, line: fileLine)
            if let column { XCTAssertEqual(e.column, column, e.description, file: file, line: fileLine) }
            XCTAssertTrue(e.description.contains(contains), e.description, file: file, line: fileLine)
            XCTAssertFalse(e.description.contains("\n"), file: file, line: fileLine)
        }
    }

    func testExportThenImportRoundTripsInBothFormats() throws {
        let summary = ProfileSummary(name: "Ann, \"the\" critic", created: 9, dataset: "ml-100k", ratingCount: 3, lastRated: 30)
        let ratings = [StoredRating(item: "50", value: 5, timestamp: 30), StoredRating(item: "a,\"b\"", value: 3.5, timestamp: 10),
                       StoredRating(item: "tt0076759", value: 0.5, timestamp: 20)]
        let csv = String(decoding: ProfileFile.export(profile: summary, ratings: ratings, format: .csv), as: UTF8.self)
        XCTAssertEqual(csv.split(separator: "\n", omittingEmptySubsequences: false), [
            "user,item,rating,timestamp",
            #""Ann, ""the"" critic","a,""b""",3.5,10"#,
            #""Ann, ""the"" critic",tt0076759,0.5,20"#,
            #""Ann, ""the"" critic",50,5.0,30"#,
            "",
        ])
        let back = try parse(csv)
        XCTAssertEqual(back.ratings.sorted { $0.item < $1.item }, ratings.sorted { $0.item < $1.item })
        XCTAssertEqual(back.users, [summary.name])

        let json = ProfileFile.export(profile: summary, ratings: ratings, format: .json)
        let fromJSON = try ProfileFile.parse(json, file: "/in/p.json")
        XCTAssertEqual(fromJSON.ratings.sorted { $0.item < $1.item }, ratings.sorted { $0.item < $1.item })
    }

    func testAnExportedProfileLoadsAsARatingsFile() throws {
        let dir = makeTempDir(self)
        let ratings = (1...6).map { StoredRating(item: "\($0 * 10)", value: Float($0 % 5 + 1), timestamp: Int64($0)) }
        let summary = ProfileSummary(name: "ann", created: 0, dataset: nil, ratingCount: 6, lastRated: 6)
        let path = dir + "/ann.csv"
        try ProfileFile.export(profile: summary, ratings: ratings, format: .csv).write(to: URL(fileURLWithPath: path))
        let ds = try DatasetLoader.load(path: path)
        XCTAssertEqual(ds.userCount, 1)
        XCTAssertEqual(ds.itemCount, 6)
        XCTAssertEqual(ds.ratings.count, 6)
        let u = try XCTUnwrap(ds.users.index(of: "ann"))
        let i = try XCTUnwrap(ds.catalog.index(of: "30"))
        XCTAssertEqual(ds.ratings.rating(user: u, item: i), 4)
    }

    func testLayoutsHeadersAndUserSelection() throws {
        // MovieLens latest header, other column order.
        var p = try parse("movieId,rating,userId,timestamp\n10,4.5,7,100\n20,3,7,\n")
        XCTAssertEqual(p.ratings, [StoredRating(item: "10", value: 4.5, timestamp: 100), StoredRating(item: "20", value: 3, timestamp: 0)])
        // Tab, no header, several users: --user picks one; duplicates keep the last.
        let tsv = "1\t50\t5\t1\n2\t50\t1\t2\n1\t60\t2\t3\n1\t50\t4\t4\n"
        p = try parse(tsv, user: "1")
        XCTAssertEqual(p.ratings, [StoredRating(item: "50", value: 4, timestamp: 4), StoredRating(item: "60", value: 2, timestamp: 3)])
        XCTAssertEqual(p.duplicates, 1)
        XCTAssertEqual(p.otherUserRows, 1)
        // '::' and CRLF and a byte order mark.
        p = try parse("\u{FEFF}3::9::2::5\r\n3::8::1::6\r\n")
        XCTAssertEqual(p.ratings.map(\.item), ["9", "8"])
    }

    func testEveryProblemHasFileLineAndColumn() {
        assertLoadError("user,item,rating\nu,1,5\nu,2\n", line: 3, contains: "expected 3 fields")
        assertLoadError("u,1,5\nu,2,five\n", line: 2, column: 3, contains: "expected a rating number")
        assertLoadError("u,1,5\nu,2,nan\n", line: 2, column: 3, contains: "rating")
        assertLoadError("u,1,5\nu,2,inf\n", line: 2, column: 3, contains: "rating")
        assertLoadError("u,1,5,12\nu,2,4,soon\n", line: 2, column: 4, contains: "timestamp")
        assertLoadError("u,1,5\nu,\"2,4\n", line: 2, contains: "unterminated")
        assertLoadError("u,1,5\nu,,4\n", line: 2, column: 2, contains: "empty item id")
        assertLoadError("u,1,5\nu,a\u{0}b,4\n", line: 2, column: 2, contains: "control character")
        assertLoadError("1,1,5\n2,2,4\n", line: 0, contains: "--user")
        assertLoadError("1,1,5\n2,2,4\n", line: 0, contains: "no rows for user \"3\"", user: "3")
        assertLoadError("{\"profile\": \"x\", \"ratings\": [{\"item\": \"1\"}]}", line: 1, contains: "JSON lacks")
        XCTAssertThrowsError(try ProfileFile.parse(Data([0x75, 0x2C, 0x31, 0x2C, 0x35, 0x0A, 0x75, 0x2C, 0xFF, 0x2C, 0x35]), file: "/in/r.csv")) {
            XCTAssertEqual(($0 as? LoadError)?.line, 2)
            XCTAssertTrue("\($0)".contains("invalid UTF-8"))
        }
    }

    func testHugeLinesAndWideRowsAreHandled() throws {
        let wide = (0..<5000).map(String.init).joined(separator: ",")
        let p = try parse("u,1,5\nu,2,3," + wide + "\n")
        XCTAssertEqual(p.ratings.count, 2)
        let huge = String(repeating: "9", count: 600_000)
        assertLoadError("u,1,5\nu,2," + huge + "\n", line: 2, column: 3, contains: "rating")
        assertLoadError("u,1,5\nu," + huge + ",3\n", line: 2, column: 2, contains: "longer than 1000 bytes")
    }

    func testMissingFileAndFolderNameThePath() {
        XCTAssertThrowsError(try ProfileFile.read(path: "/nonexistent/r.csv")) {
            XCTAssertEqual("\($0)", "/nonexistent/r.csv: no such file")
        }
        XCTAssertThrowsError(try ProfileFile.read(path: NSTemporaryDirectory())) {
            XCTAssertTrue("\($0)".contains("is a folder"))
        }
    }
}

final class ProfileFileEdgeTests: XCTestCase {
    private func parse(_ bytes: [UInt8]) throws -> ProfileFile.Parsed {
        try ProfileFile.parse(Data(bytes), file: "/in/r.csv")
    }

    /// Fuzz campaign seed 1, case 8592: a 1 MB line of tabs and NULs was taken for a header and the
    /// import "succeeded" with nothing, after 2 s of splitting. Now it is refused at line 1.
    func testAGarbageFirstLineIsDataNotAHeader() {
        XCTAssertThrowsError(try parse([UInt8](repeating: 0x09, count: 200_000) + [0, 0, 0])) { e in
            XCTAssertEqual((e as? LoadError)?.line, 1, "\(e)")
        }
        XCTAssertThrowsError(try parse(Array("%%,##,!!\nu,1,5\n".utf8))) { XCTAssertEqual(($0 as? LoadError)?.line, 1) }
        XCTAssertEqual(try parse(Array("who,what,stars\nu,1,5\n".utf8)).ratings.count, 1, "a plain-names header is positional")
    }

    func testEmptyInputIsAnErrorButAHeaderOnlyFileIsAnEmptyProfile() throws {
        for empty in ["", "\n\n", "   \n"] {
            XCTAssertThrowsError(try parse(Array(empty.utf8))) { e in
                XCTAssertTrue("\(e)".hasPrefix("/in/r.csv: no ratings found"), "\(e)")
            }
        }
        XCTAssertEqual(try parse(Array("user,item,rating,timestamp\n".utf8)).ratings, [])
    }

    func testDoubleColonAndTabLinesSplitOnBytes() throws {
        XCTAssertEqual(try parse(Array("7::ä::4::1\n7::b::2::\n".utf8)).ratings.map(\.item), ["ä", "b"])
        XCTAssertEqual(try parse(Array("7\té\t4\n".utf8)).ratings, [StoredRating(item: "é", value: 4, timestamp: 0)])
    }
}

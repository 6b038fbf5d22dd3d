import Foundation
import XCTest
@testable import RecsysEngine

/// Bad input gives a typed, one-line error with its address; `skipBadLines` loads the rest.
final class LoaderErrorTests: XCTestCase {
    func testMissingPathAndUnrecognisedFolder() throws {
        let dir = LoaderFixtureDir()
        let missing = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("nope.csv")) })
        XCTAssertEqual(missing.file, dir.path("nope.csv"))
        XCTAssertTrue(missing.message.contains("no such file"), missing.message)
        dir.write("folder/readme.txt", "hello")
        let folder = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("folder")) })
        XCTAssertTrue(folder.message.contains("u.data"), folder.message)
        let empty = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: "") })
        XCTAssertTrue(empty.message.contains("no such"))
        // A device never ends: refused instead of read forever.
        if FileManager.default.fileExists(atPath: "/dev/zero") {
            let device = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: "/dev/zero") })
            XCTAssertTrue(device.message.contains("regular file"), device.message)
            _ = dir.ml100K()
            let items = try XCTUnwrap(LoadError.of {
                try DatasetLoader.load(path: dir.path("ml-100k/u.data"), options: LoadOptions(itemsPath: "/dev/zero"))
            })
            XCTAssertEqual(items.file, "/dev/zero")
        }
    }

    func testEmptyFiles() throws {
        let dir = LoaderFixtureDir()
        for text in ["", "\n\n  \n", "\u{FEFF}"] {
            let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.write("empty.csv", text)) })
            XCTAssertTrue(e.message.hasPrefix("empty file"), e.message)
            XCTAssertEqual(e.line, 0)
        }
        // A header and nothing else.
        let header = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.write("h.csv", "user,item,rating\n")) })
        XCTAssertTrue(header.message.contains("no ratings"), header.message)
        // An empty items file in a folder.
        _ = dir.ml100K()
        dir.write("ml-100k/u.item", "")
        let item = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-100k")) })
        XCTAssertTrue(item.file.hasSuffix("u.item"))
        XCTAssertTrue(item.message.hasPrefix("empty file"))
    }

    func testMalformedLinesReportLineAndField() throws {
        let dir = LoaderFixtureDir()
        let cases: [(String, Int, Int, String)] = [
            ("u,i,4\nu,i,four\n", 2, 3, "rating"),
            ("u,i,4\nu,i\n", 2, 3, "at least 3"),
            ("u,i,4\n,i,3\n", 2, 1, "user id"),
            ("u,i,4\nu,,3\n", 2, 2, "item id"),
            ("u,i,4,1\nu,i,3,yesterday\n", 2, 4, "timestamp"),
            ("u,i,4\nu,i,nan\n", 2, 3, "rating"),
            ("u,i,4\nu,i,1e3\n", 2, 3, "rating"),
            ("u,i,4\n\"u,i,3\n", 2, 1, "unclosed quote"),
            ("u,i,4\n\"u\"x,i,3\n", 2, 1, "after a closing quote"),
            ("u\ti\t4\nu\ti\t3\t\t\n", 0, 0, ""),  // extra empty fields are fine
        ]
        for (text, line, column, words) in cases {
            let path = dir.write("bad.csv", text)
            if line == 0 {
                XCTAssertNoThrow(try DatasetLoader.load(path: path), text)
                continue
            }
            let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: path) }, text)
            XCTAssertEqual(e.file, path, text)
            XCTAssertEqual(e.line, line, text)
            XCTAssertEqual(e.column, column, text)
            XCTAssertTrue(e.message.contains(words), "\(text): \(e.message)")
            XCTAssertTrue(e.description.hasPrefix("\(path):\(line):\(column): expected") || words == "unclosed quote", e.description)
        }
    }

    func testMovieLensScalesAreEnforced() throws {
        let dir = LoaderFixtureDir()
        _ = dir.ml100K(data: "1\t1\t5\t881250949\n1\t2\t6\t881250950\n")
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-100k")) })
        XCTAssertEqual([e.line, e.column], [2, 3])
        XCTAssertTrue(e.message.contains("whole-star rating 1–5"), e.message)
        _ = dir.latest(ratings: "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,0,964981247\n")
        let z = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small")) })
        XCTAssertEqual([z.line, z.column], [3, 3])
        _ = dir.latest(ratings: "userId,movieId,rating,timestamp\n1,1,4.2,964982703\n")
        XCTAssertNotNil(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small")) })
        // A ratings.csv without its header is rejected.
        _ = dir.latest(ratings: "1,1,4.0,964982703\n")
        let h = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small")) })
        XCTAssertEqual(h.line, 1)
        XCTAssertTrue(h.message.contains("header"))
    }

    func testInvalidUTF8AndLatin1() throws {
        let dir = LoaderFixtureDir()
        // Invalid UTF-8 in a user id of a ratings file.
        let path = dir.write("bad-utf8.csv", bytes: Array("u,i,4\n".utf8) + [0xC3, 0x28] + Array(",i,3\n".utf8))
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: path) })
        XCTAssertEqual([e.line, e.column], [2, 1])
        XCTAssertTrue(e.message.contains("UTF-8"), e.message)
        // Invalid UTF-8 in movies.csv (only u.item and movies.dat may be Latin-1).
        _ = dir.latest()
        dir.write("ml-latest-small/movies.csv", bytes: Array("movieId,title,genres\n1,Toy Story (1995),Comedy\n2,Am".utf8) + [0xE9] + Array("lie (2001),Comedy\n".utf8))
        let m = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small")) })
        XCTAssertTrue(m.file.hasSuffix("movies.csv"))
        XCTAssertEqual([m.line, m.column], [3, 2])
        // Valid UTF-8 in u.item stays UTF-8 (a re-encoded copy).
        _ = dir.ml100K()
        dir.write("ml-100k/u.item", "1|Misérables, Les (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n")
        let ds = try DatasetLoader.load(path: dir.path("ml-100k"))
        XCTAssertEqual(ds.catalog[ds.catalog.index(of: "1")!].title, "Misérables, Les (1995)")
    }

    func testUnclosedQuoteInMoviesCSV() throws {
        let dir = LoaderFixtureDir()
        _ = dir.latest()
        dir.write("ml-latest-small/movies.csv", "movieId,title,genres\n1,Toy Story (1995),Comedy\n2,\"Thing, The (1982),Horror\n3,Heat (1995),Crime\n")
        for skip in [false, true] {
            let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small"), options: LoadOptions(skipBadLines: skip)) })
            XCTAssertEqual([e.line, e.column], [3, 2])
            XCTAssertTrue(e.message.contains("unclosed quote"))
        }
    }

    func testTagsFileProblems() throws {
        let dir = LoaderFixtureDir()
        _ = dir.latest()
        dir.write("ml-latest-small/tags.csv", bytes: Array("userId,movieId,tag,timestamp\n1,2,ok,1\n1,2\n1,2,".utf8) + [0xFF]
                  + Array(",1\n1,2,\"two\nlines\",5\n".utf8))
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-latest-small")) })
        XCTAssertTrue(e.file.hasSuffix("tags.csv"))
        XCTAssertEqual([e.line, e.column], [3, 3])
        let ds = try DatasetLoader.load(path: dir.path("ml-latest-small"), options: LoadOptions(skipBadLines: true))
        XCTAssertEqual(ds.loadReport.skippedExamples.map(\.line), [3, 4])
        XCTAssertEqual(ds.loadReport.skippedExamples.map(\.column), [3, 3])
        XCTAssertTrue(ds.loadReport.skippedExamples[1].message.contains("UTF-8"))
        XCTAssertEqual(ds.catalog[ds.catalog.index(of: "2")!].keywords, ["ok", "two\nlines"])
    }

    func testUItemProblems() throws {
        let dir = LoaderFixtureDir()
        _ = dir.ml100K()
        dir.write("ml-100k/u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n2|Short|x\n3|Flag (1990)||||0|0|2|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n")
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: dir.path("ml-100k")) })
        XCTAssertEqual([e.line, e.column], [2, 4])
        let ds = try DatasetLoader.load(path: dir.path("ml-100k"), options: LoadOptions(skipBadLines: true))
        XCTAssertEqual(ds.loadReport.skippedLines, 2)
        XCTAssertEqual(ds.loadReport.skippedExamples.map(\.line), [2, 3])
        XCTAssertEqual(ds.loadReport.skippedExamples[1].column, 8)
        XCTAssertEqual(ds.loadReport.placeholderItems, 2)  // items 2 and 3 are rated but were skipped
    }

    func testSkipBadLinesCountsAndKeepsTheFirstFew() throws {
        let dir = LoaderFixtureDir()
        var text = "user\titem\trating\n"
        var bad: [Int] = []
        for k in 0..<40 {
            if k % 4 == 1 {
                text += "u\(k)\tx\tbad\n"
                bad.append(k + 2)
            } else {
                text += "u\(k)\ti\(k % 7)\t\(1 + k % 5)\n"
            }
        }
        let path = dir.write("mixed.tsv", text)
        let strict = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: path) })
        XCTAssertEqual(strict.line, bad[0])
        let ds = try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: true))
        XCTAssertEqual(ds.ratings.count, 30)
        XCTAssertEqual(ds.loadReport.skippedLines, 10)
        XCTAssertEqual(ds.loadReport.skippedExamples.map(\.line), Array(bad.prefix(DatasetLoader.keptExamples)))
        XCTAssertTrue(ds.loadReport.skippedExamples.allSatisfy { $0.column == 3 })
        // Nothing valid at all is still an error.
        let none = dir.write("none.tsv", "a\tb\tc\td\n1\t2\tx\n")
        let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: none, options: LoadOptions(skipBadLines: true)) })
        XCTAssertTrue(e.message.contains("no valid ratings"), e.message)
    }

    func testRandomBytesNeverCrashOrHang() throws {
        let dir = LoaderFixtureDir()
        var rng = SplitMix64(seed: 2024)
        let alphabet = Array("0123456789,.\t :\"\n\r-|abc".utf8) + [0x00, 0xFF, 0xC3, 0xE9]
        _ = dir.ml100K()
        _ = dir.latest()
        let targets = ["ml-100k/u.item", "ml-100k/u.user", "ml-100k/u.genre", "ml-100k/u.data",
                       "ml-latest-small/movies.csv", "ml-latest-small/tags.csv", "ml-latest-small/ratings.csv"]
        for round in 0..<35 {
            let n = rng.nextInt(400)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                bytes.append(round % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[rng.nextInt(alphabet.count)])
            }
            let path = dir.write("fuzz.csv", bytes: bytes)
            for skip in [false, true] {
                do {
                    let ds = try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: skip))
                    XCTAssertTrue(ds.ratings.checkInvariants())
                    _ = ds.statistics()
                } catch let e as LoadError {
                    XCTAssertFalse(e.description.contains("\n"))
                }
            }
            // The same bytes as each file of a folder (restored afterwards).
            let target = targets[round % targets.count]
            let original = FileManager.default.contents(atPath: dir.path(target)) ?? Data()
            dir.write(target, bytes: bytes)
            let folder = dir.path((target as NSString).deletingLastPathComponent)
            do { _ = try DatasetLoader.load(path: folder, options: LoadOptions(skipBadLines: round % 2 == 0)) } catch is LoadError {}
            dir.write(target, bytes: [UInt8](original))
        }
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// Writes fixture folders and files for the loader tests into a fresh temporary folder.
final class LoaderFixtureDir {
    let root: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("recsys-loader-\(safe)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `contents` (UTF-8) at `relative` and returns the full path.
    @discardableResult
    func write(_ relative: String, _ contents: String) -> String {
        write(relative, bytes: Array(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) -> String {
        let path = (root as NSString).appendingPathComponent(relative)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)), path)
        return path
    }

    func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// A MovieLens 100K-style folder named `ml-100k`: 3 users, 3 items, Latin-1 u.item.
    func ml100K(data: String? = nil) -> String {
        write("ml-100k/u.data", data ?? "1\t1\t5\t881250949\n1\t2\t3\t881250950\n2\t1\t4\t891717742\n3\t3\t1\t878887116\n2\t3\t2\t880606923\n")
        var item = Array("1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n".utf8)
        item += Array("2|Mis".utf8) + [0xE9] + Array("rables, Les (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|1|0|0|0|0|0|1|0|0|0|0\n".utf8)
        item += Array("3|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n".utf8)
        write("ml-100k/u.item", bytes: item)
        write("ml-100k/u.genre", "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\nDocumentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n")
        write("ml-100k/u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n")
        return path("ml-100k")
    }

    /// A MovieLens latest-style folder with quoted titles, tags and links.
    func latest(ratings: String? = nil) -> String {
        write("ml-latest-small/movies.csv", """
            movieId,title,genres
            1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy
            2,"Thing, The (1982)",Horror|Sci-Fi
            3,"Movie ""Quoted"" Title (2001)",(no genres listed)
            10,"Multi
            Line (1999)",Drama

            """)
        write("ml-latest-small/ratings.csv", ratings ?? """
            userId,movieId,rating,timestamp
            1,1,4.0,964982703
            1,2,3.5,964981247
            2,2,0.5,1445714835
            2,10,5.0,1445714836
            2,99,2.5,1445714837

            """)
        write("ml-latest-small/tags.csv", """
            userId,movieId,tag,timestamp
            2,2,"creepy, icy",1445714994
            3,2,Antarctica,1445714996
            4,2,Creepy,1445714997
            5,2,"creepy, icy",1445714998
            5,77,orphan tag,1445714999

            """)
        write("ml-latest-small/links.csv", "movieId,imdbId,tmdbId\n1,0114709,862\n")
        return path("ml-latest-small")
    }
}

extension LoadError {
    /// The error of `body`, which must throw a ``LoadError``.
    static func of(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> LoadError? {
        do {
            _ = try body()
            XCTFail("expected a LoadError", file: file, line: line)
            return nil
        } catch let e as LoadError {
            XCTAssertFalse(e.description.contains("\n"), "error must be one line: \(e)", file: file, line: line)
            return e
        } catch {
            XCTFail("expected a LoadError, got \(error)", file: file, line: line)
            return nil
        }
    }
}

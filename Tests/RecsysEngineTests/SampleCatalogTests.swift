import Foundation
import XCTest
@testable import RecsysEngine

/// The bundled sample folder, found from this source file: Tests/RecsysEngineTests/ → package root.
enum BundledSample {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-data")
    static var moviesPath: String { folder.appendingPathComponent("movies.csv").path }
    static let movies: [SampleMovie] = (try? SampleCatalog.load(path: moviesPath)) ?? []
}

final class SampleCatalogTests: XCTestCase {
    func testBundledCatalogIsLargeAndCoversAllGenresAndDecades() throws {
        let movies = try SampleCatalog.load(path: BundledSample.moviesPath)
        XCTAssertGreaterThanOrEqual(movies.count, 400)
        // Unique ids 1..N.
        XCTAssertEqual(Set(movies.map(\.id)).count, movies.count)
        XCTAssertEqual(movies.map(\.id), (1...movies.count).map(String.init))
        // All 18 genres, several films each.
        var perGenre: [String: Int] = [:]
        for m in movies { for g in m.genres { perGenre[g, default: 0] += 1 } }
        XCTAssertEqual(Set(perGenre.keys), Set(SampleCatalog.genres))
        for g in ["Film-Noir", "Documentary", "Western", "Musical"] {
            XCTAssertGreaterThanOrEqual(perGenre[g] ?? 0, 10, g)
        }
        // Every decade 1930s–2020s.
        let decades = Set(movies.compactMap { $0.year.map { $0 / 10 * 10 } })
        for d in stride(from: 1930, through: 2020, by: 10) { XCTAssertTrue(decades.contains(d), "no film from the \(d)s") }
        for m in movies {
            XCTAssertNotNil(m.year, m.title)
            XCTAssertFalse(m.genres.isEmpty, m.title)
            XCTAssertTrue((4...10).contains(m.keywords.count), "\(m.title): \(m.keywords.count) keywords")
            XCTAssertEqual(Set(m.keywords).count, m.keywords.count, m.title)
            for k in m.keywords {
                XCTAssertEqual(k, k.lowercased(), m.title)
                XCTAssertFalse(k.contains(" "), m.title)
            }
            XCTAssertFalse(m.director.trimmingCharacters(in: .whitespaces).isEmpty, m.title)
        }
        // No (title) duplicates: the year is part of the title.
        XCTAssertEqual(Set(movies.map(\.title)).count, movies.count)
    }

    func testBundledKeywordsAreSharedAcrossFilms() throws {
        var counts: [String: Int] = [:]
        for m in BundledSample.movies { for k in m.keywords { counts[k, default: 0] += 1 } }
        let uses = counts.values.reduce(0, +)
        let sharedUses = counts.values.filter { $0 >= 5 }.reduce(0, +)
        // Content-based models need overlap: nearly every keyword use is of a word used by 5+ films.
        XCTAssertGreaterThan(Double(sharedUses) / Double(uses), 0.95)
        XCTAssertLessThan(counts.count, 300)
    }

    func testBundledCatalogHasQuotedFieldsThatRoundTrip() throws {
        let movies = BundledSample.movies
        let withComma = try XCTUnwrap(movies.first { $0.title == "The Good, the Bad and the Ugly (1966)" })
        XCTAssertEqual(withComma.year, 1966)
        XCTAssertEqual(withComma.director, "Sergio Leone")
        XCTAssertEqual(withComma.genres, ["Action", "Adventure", "Western"])
        let quoted = try XCTUnwrap(movies.first { $0.title.hasPrefix("Summer of Soul") })
        XCTAssertEqual(quoted.director, "Ahmir \"Questlove\" Thompson")
        let heat = try XCTUnwrap(movies.first { $0.title == "Heat (1995)" })
        XCTAssertEqual(heat.director, "Michael Mann")
        XCTAssertTrue(heat.keywords.contains("heist"))
    }

    func testParsesRFC4180Quoting() throws {
        let csv = """
            movieId,title,genres,keywords,director\r
            1,"Crouching Tiger, Hidden Dragon (2000)",Action|Drama,martial-arts|china,Ang Lee\r
            2,"Say ""Hi"" (1999)",Comedy,a|b,"Doe, Jane"\r
            3,"Two
            Lines (2001)",(no genres listed),,X\r

            """
        let movies = try SampleCatalog.parse(data: Data(csv.utf8), file: "t.csv")
        XCTAssertEqual(movies.count, 3)
        XCTAssertEqual(movies[0].title, "Crouching Tiger, Hidden Dragon (2000)")
        XCTAssertEqual(movies[0].year, 2000)
        XCTAssertEqual(movies[1].title, "Say \"Hi\" (1999)")
        XCTAssertEqual(movies[1].director, "Doe, Jane")
        XCTAssertEqual(movies[2].title, "Two\nLines (2001)")
        XCTAssertEqual(movies[2].genres, [])
        XCTAssertEqual(movies[2].keywords, [])
    }

    func testErrorsCarryFileLineAndColumn() {
        func error(_ text: String) -> LoadError? {
            do {
                _ = try SampleCatalog.parse(data: Data(text.utf8), file: "m.csv")
                return nil
            } catch let e as LoadError {
                return e
            } catch {
                return nil
            }
        }
        let h = "movieId,title,genres,keywords,director\n"
        XCTAssertEqual(error(""), LoadError(file: "m.csv", "empty file: expected a header line"))
        XCTAssertEqual(error("id,title\n")?.line, 1)
        let unclosed = error(h + "1,\"Open (1990),Drama,a,b\n")
        XCTAssertEqual(unclosed?.line, 2)
        XCTAssertEqual(unclosed?.column, 2)
        XCTAssertEqual(unclosed?.message, "unclosed quote")
        let short = error(h + "1,Fine (1990),Drama,a,b\n2,Short (1991),Drama\n")
        XCTAssertEqual(short?.line, 3)
        XCTAssertEqual(short?.column, 4)
        let genre = error(h + "1,X (1990),Drama|Space Opera,a,b\n")
        XCTAssertEqual(genre?.line, 2)
        XCTAssertEqual(genre?.column, 3)
        XCTAssertTrue(genre?.message.contains("Space Opera") ?? false)
        XCTAssertEqual(error(h + "1,X (1990),Drama,a,b\n1,Y (1991),Drama,a,b\n")?.message, "duplicate movieId 1")
        XCTAssertEqual(error(h + "1,X \"quoted\" (1990),Drama,a,b\n")?.column, 2)
        XCTAssertEqual(error(h + "1,\"X\" trailing,Drama,a,b\n")?.line, 2)
        XCTAssertEqual(error(h + ",X (1990),Drama,a,b\n")?.message, "expected a movieId")
        XCTAssertThrowsError(try SampleCatalog.parse(data: Data([0xFF, 0xFE, 0x00]), file: "bin"))
        XCTAssertThrowsError(try SampleCatalog.load(path: "/nonexistent/movies.csv"))
    }

    func testYearFromTitle() {
        XCTAssertEqual(SampleCatalog.year(inTitle: "Heat (1995)"), 1995)
        XCTAssertEqual(SampleCatalog.year(inTitle: "Summer of Soul (...Or, When) (2021)"), 2021)
        XCTAssertNil(SampleCatalog.year(inTitle: "Untitled"))
        XCTAssertNil(SampleCatalog.year(inTitle: "Film (19x5)"))
    }
}

import XCTest
@testable import RecsysEngine

/// The MovieLens-latest-shaped synthetic catalog: seeded, with clustered genres and recent-heavy years.
final class SyntheticCatalogTests: XCTestCase {
    func testSameSeedSameCatalogAndOtherSeedOther() {
        let a = SyntheticCatalog.generate(count: 300, seed: 5)
        XCTAssertEqual(a, SyntheticCatalog.generate(count: 300, seed: 5))
        XCTAssertNotEqual(a, SyntheticCatalog.generate(count: 300, seed: 6))
        XCTAssertEqual(a.map(\.id), (1...300).map(String.init))
        XCTAssertEqual(SyntheticCatalog.csv(a), SyntheticCatalog.csv(SyntheticCatalog.generate(count: 300, seed: 5)))
    }

    func testGenreStructureLooksLikeMovieLens() {
        let movies = SyntheticCatalog.generate(count: 5000, seed: 42)
        var count: [String: Int] = [:]
        for m in movies { for g in m.genres { count[g, default: 0] += 1 } }
        let order = count.sorted { $0.value > $1.value }.map(\.key)
        // Drama and Comedy lead, Film-Noir is rare, as in ml-latest-small.
        XCTAssertEqual(Array(order.prefix(2)), ["Drama", "Comedy"])
        XCTAssertLessThan(Double(count["Film-Noir"] ?? 0) / 5000, 0.03)
        let perFilm = Double(movies.reduce(0) { $0 + $1.genres.count }) / 5000
        XCTAssertTrue((1.7...2.8).contains(perFilm), "\(perFilm) genres per film")
        // Genres cluster: Animation comes with Children far more often than with Horror.
        func both(_ a: String, _ b: String) -> Int { movies.filter { $0.genres.contains(a) && $0.genres.contains(b) }.count }
        XCTAssertGreaterThan(both("Animation", "Children"), 5 * max(1, both("Animation", "Horror")))
        // Recent films dominate; every film has a keyword and a year in its title.
        XCTAssertGreaterThan(Double(movies.filter { ($0.year ?? 0) >= 1990 }.count) / 5000, 0.6)
        XCTAssertTrue(movies.allSatisfy { !$0.keywords.isEmpty && $0.title.hasSuffix("(\($0.year!))") })
    }

    func testTheCatalogParsesAndFeedsTheGenerator() throws {
        let movies = SyntheticCatalog.generate(count: 400, seed: 3)
        let parsed = try SampleCatalog.parse(data: SyntheticCatalog.csv(movies), file: "movies.csv")
        XCTAssertEqual(parsed.map(\.genres), movies.map(\.genres))
        let out = SampleGenerator.generate(movies: parsed, options: SampleGeneratorOptions(seed: 3, users: 30))
        XCTAssertGreaterThan(out.ratings.count, 30 * 20 - 1)
    }
}

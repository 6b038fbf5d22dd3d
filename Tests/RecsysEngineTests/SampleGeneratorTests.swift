import Foundation
import XCTest
@testable import RecsysEngine

final class SampleGeneratorTests: XCTestCase {
    /// One full-size run with the default options (seed 42, 720 users), shared by the shape tests.
    static let full: SampleOutput = SampleGenerator.generate(movies: BundledSample.movies)

    private func tempDir(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("recsys-sample-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        return dir.path
    }

    func testSameSeedWritesByteIdenticalFilesAndAnotherSeedDiffers() throws {
        let a = tempDir("a"), b = tempDir("b"), c = tempDir("c")
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        let small = SampleGeneratorOptions(seed: 7, users: 60)
        let sa = try SampleGenerator.run(moviesPath: BundledSample.moviesPath, outDirectory: a, options: small)
        _ = try SampleGenerator.run(moviesPath: BundledSample.moviesPath, outDirectory: b, options: small)
        var other = small
        other.seed = 8
        _ = try SampleGenerator.run(moviesPath: BundledSample.moviesPath, outDirectory: c, options: other)
        XCTAssertEqual(sa.users, 60)
        for name in ["ratings.csv", "tastes.csv", "users.csv", "demographic-effects.csv", "movies.csv"] {
            let da = try Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent(name))
            let db = try Data(contentsOf: URL(fileURLWithPath: b).appendingPathComponent(name))
            let dc = try Data(contentsOf: URL(fileURLWithPath: c).appendingPathComponent(name))
            XCTAssertFalse(da.isEmpty, name)
            XCTAssertEqual(da, db, "\(name) differs between two runs with the same seed")
            if name == "movies.csv" {
                XCTAssertEqual(da, try Data(contentsOf: URL(fileURLWithPath: BundledSample.moviesPath)))
            } else {
                XCTAssertNotEqual(da, dc, "\(name) is the same for seeds 7 and 8")
            }
        }
    }

    func testCommittedSampleFilesAreExactlyTheDefaultSeedOutput() throws {
        let folder = BundledSample.folder
        let ratings = try Data(contentsOf: folder.appendingPathComponent("ratings.csv"))
        let tastes = try Data(contentsOf: folder.appendingPathComponent("tastes.csv"))
        XCTAssertTrue(ratings == Self.full.ratingsCSV(),
                      "sample-data/ratings.csv is stale: run `recsys-tui sample generate --seed 42 --out sample-data`")
        XCTAssertTrue(tastes == Self.full.tastesCSV(), "sample-data/tastes.csv is stale")
    }

    func testUsersArePrefixStableAcrossPopulationSizes() {
        let small = SampleGenerator.generate(movies: BundledSample.movies, options: .init(seed: 42, users: 30))
        XCTAssertEqual(small.tastes, Array(Self.full.tastes.prefix(30)))
        XCTAssertEqual(small.ratings, Self.full.ratings.filter { $0.userId <= 30 })
    }

    func testFullSizeShape() {
        let out = Self.full
        XCTAssertEqual(out.tastes.count, 720)
        XCTAssertGreaterThanOrEqual(out.tastes.count, 600)
        XCTAssertGreaterThanOrEqual(out.ratings.count, 50_000)
        var perUser = [Int](repeating: 0, count: out.tastes.count + 1)
        var seen = Set<Int>()
        for r in out.ratings {
            XCTAssertTrue((1...5).contains(r.stars))
            XCTAssertTrue(seen.insert(r.userId * 10_000 + r.movie).inserted, "user \(r.userId) rated a film twice")
            perUser[r.userId] += 1
        }
        let counts = perUser.dropFirst().sorted()
        XCTAssertGreaterThanOrEqual(counts.first ?? 0, 20)
        let median = counts[counts.count / 2]
        XCTAssertTrue((20...60).contains(median), "median ratings per user \(median)")
        let heavy = counts.filter { $0 >= 200 }.count
        XCTAssertGreaterThanOrEqual(heavy, 5)
        XCTAssertLessThan(heavy, counts.count / 10, "only a few users should be very active")
        XCTAssertGreaterThan(counts.filter { (20...60).contains($0) }.count, counts.count / 2)
        // tastes.activity matches what was generated.
        for t in out.tastes { XCTAssertEqual(t.activity, perUser[t.userId]) }
        // Every star value is used.
        XCTAssertEqual(Set(out.ratings.map(\.stars)), [1, 2, 3, 4, 5])
    }

    func testPopularityHasALongTail() {
        var perItem = [Int](repeating: 0, count: Self.full.movies.count)
        for r in Self.full.ratings { perItem[r.movie] += 1 }
        let sorted = perItem.sorted(by: >)
        let total = sorted.reduce(0, +)
        var acc = 0, k = 0
        while acc < total * 8 / 10 {
            acc += sorted[k]
            k += 1
        }
        // Far fewer than 80 % of the films collect 80 % of the ratings.
        XCTAssertLessThan(Double(k) / Double(sorted.count), 0.45)
        XCTAssertGreaterThan(sorted[0], 10 * max(1, sorted[sorted.count / 2]) / 2)
    }

    func testTimestampsSpreadOverYearsAndNeverPrecedeRelease() throws {
        let out = Self.full
        let years = Set(out.ratings.map { SampleMath.isoDate($0.timestamp).prefix(4) })
        XCTAssertGreaterThanOrEqual(years.count, 6)
        let options = SampleGeneratorOptions()
        for r in out.ratings {
            XCTAssertGreaterThanOrEqual(r.timestamp, options.startTime)
            XCTAssertLessThanOrEqual(r.timestamp, options.endTime)
            let year = try XCTUnwrap(out.movies[r.movie].year)
            XCTAssertGreaterThanOrEqual(r.timestamp, Int64(SampleMath.days(year: year, month: 7, day: 1)) * 86_400)
        }
    }

    /// Users whose true taste strongly favours a genre rate that genre's films higher than the rest.
    func testRatingsCarryTheTrueTasteSignal() {
        let out = Self.full
        let genreIndex = Dictionary(uniqueKeysWithValues: SampleCatalog.genres.enumerated().map { ($1, $0) })
        var checked = 0
        for genre in ["Sci-Fi", "Horror", "Animation", "Film-Noir", "Western", "Musical", "Documentary", "Romance"] {
            let g = genreIndex[genre]!
            let fans = Set(out.tastes.filter { $0.genreTaste[g] >= 0.6 }.map(\.userId))
            var inSum = 0, inCount = 0, outSum = 0, outCount = 0
            for r in out.ratings where fans.contains(r.userId) {
                if out.movies[r.movie].genres.contains(genre) {
                    inSum += r.stars
                    inCount += 1
                } else {
                    outSum += r.stars
                    outCount += 1
                }
            }
            guard inCount >= 50 && outCount >= 50 else { continue }
            checked += 1
            let inMean = Double(inSum) / Double(inCount), outMean = Double(outSum) / Double(outCount)
            XCTAssertGreaterThan(inMean - outMean, 0.3, "\(genre) fans: \(inMean) on \(genre) vs \(outMean) elsewhere")
        }
        XCTAssertGreaterThanOrEqual(checked, 6)
        // And the fans of a genre watch more of it than everyone else does (choice follows taste).
        let g = genreIndex["Sci-Fi"]!
        func share(_ users: Set<Int>) -> Double {
            let mine = out.ratings.filter { users.contains($0.userId) }
            return Double(mine.filter { out.movies[$0.movie].genres.contains("Sci-Fi") }.count) / Double(mine.count)
        }
        let fans = Set(out.tastes.filter { $0.genreTaste[g] >= 0.6 }.map(\.userId))
        let haters = Set(out.tastes.filter { $0.genreTaste[g] <= -0.3 }.map(\.userId))
        XCTAssertGreaterThan(share(fans), 2 * share(haters))
    }

    func testTastesCSVShape() throws {
        let text = try XCTUnwrap(String(data: Self.full.tastesCSV(), encoding: .utf8))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 722)  // header + 720 + trailing empty
        XCTAssertEqual(lines[0], Substring(SampleOutput.tasteColumns.joined(separator: ",")))
        for line in lines.dropFirst().dropLast() {
            XCTAssertEqual(line.split(separator: ",", omittingEmptySubsequences: false).count,
                           SampleOutput.tasteColumns.count)
        }
        let ratings = try XCTUnwrap(String(data: Self.full.ratingsCSV(), encoding: .utf8))
        XCTAssertTrue(ratings.hasPrefix("userId,movieId,rating,timestamp\n"))
    }

    func testRunReportsBadCatalogAsLoadError() throws {
        let dir = tempDir("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let bad = (dir as NSString).appendingPathComponent("bad.csv")
        try Data("movieId,title,genres,keywords,director\n1,\"Broken (1990),Drama,a,b\n".utf8)
            .write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try SampleGenerator.run(moviesPath: bad, outDirectory: dir)) { error in
            let e = error as? LoadError
            XCTAssertEqual(e?.file, bad)
            XCTAssertEqual(e?.line, 2)
        }
    }

    // MARK: - Math helpers

    func testDeterministicExpMatchesLibm() {
        var x = -30.0
        while x <= 30 {
            let ours = SampleMath.exp(x), libm = Foundation.exp(x)
            XCTAssertEqual(ours, libm, accuracy: libm * 1e-13, "exp(\(x))")
            x += 0.37
        }
        XCTAssertEqual(SampleMath.exp(0), 1)
        XCTAssertEqual(SampleMath.exp(-800), 0)
    }

    func testFixedFormatting() {
        XCTAssertEqual(SampleMath.fixed(0.1234), "0.123")
        XCTAssertEqual(SampleMath.fixed(-0.0004), "0.000")
        XCTAssertEqual(SampleMath.fixed(-1.5), "-1.500")
        XCTAssertEqual(SampleMath.fixed(2.0005, 3), "2.001")
        XCTAssertEqual(SampleMath.fixed(1987.06, 1), "1987.1")
    }

    func testCalendarRoundTrip() {
        XCTAssertEqual(SampleMath.days(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(SampleMath.isoDate(0), "1970-01-01")
        XCTAssertEqual(SampleMath.isoDate(Int64(SampleMath.days(year: 2024, month: 2, day: 29)) * 86_400 + 3600),
                       "2024-02-29")
        XCTAssertEqual(SampleMath.days(year: 2015, month: 1, day: 1), 16_436)
    }

    func testFenwickSamplerDrawsEachItemOnceInWeightOrder() {
        var rng = SplitMix64(seed: 3)
        var sampler = FenwickSampler(weights: [5, 0, 1, 1000, 3])
        var drawn: [Int] = []
        while let i = sampler.draw(&rng) { drawn.append(i) }
        XCTAssertEqual(drawn.sorted(), [0, 2, 3, 4], "zero-weight items are never drawn, others exactly once")
        // The heavy item comes first almost always.
        var firstHeavy = 0
        for s in 0..<200 {
            var r = SplitMix64(seed: UInt64(s))
            var f = FenwickSampler(weights: [5, 0, 1, 1000, 3])
            if f.draw(&r) == 3 { firstHeavy += 1 }
        }
        XCTAssertGreaterThan(firstHeavy, 190)
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// Issue 13, item 1: the sample's synthetic demographics, `users.csv` beside `ratings.csv`, and the
/// shared vocabulary every dataset's attributes are mapped into.
final class DemographicsDataTests: XCTestCase {
    func testUsersCSVBesideRatingsIsReadAndMappedToTheVocabulary() throws {
        let dir = LoaderFixtureDir()
        let folder = dir.latest()
        dir.write("ml-latest-small/users.csv", """
            userId,age,gender,occupation,region
            1,25-34,F,student,west
            2,61,m,,

            """)
        let data = try DatasetLoader.load(path: folder)
        let u1 = data.userAttributes[Int(try XCTUnwrap(data.users.index(of: "1")))]
        let u2 = data.userAttributes[Int(try XCTUnwrap(data.users.index(of: "2")))]
        XCTAssertEqual(u1, UserAttributes(age: 25, gender: "F", occupation: "college/grad student", region: "west"))
        XCTAssertEqual(u2, UserAttributes(age: 61, gender: "M"))
        XCTAssertEqual(Demographics.codes(of: u2), [6, 1, nil, nil], "61 years is the 56+ bracket")
        let stats = data.statistics()
        XCTAssertEqual(stats.demographics, ["age", "gender", "occupation", "region"])
        XCTAssertEqual(stats.usersWithDemographics, 2)
        // Without users.csv: nothing.
        try FileManager.default.removeItem(atPath: dir.path("ml-latest-small/users.csv"))
        let plain = try DatasetLoader.load(path: folder).statistics()
        XCTAssertEqual(plain.demographics, [])
        XCTAssertEqual(plain.usersWithDemographics, 0)
    }

    func testBadUsersCSVNamesFileLineAndWhatWasExpected() throws {
        let dir = LoaderFixtureDir()
        let folder = dir.latest()
        let cases: [(String, Int, Int, String)] = [
            ("userId,age,shoeSize\n1,25-34,44\n", 1, 3, "unknown column \"shoeSize\""),
            ("age,gender\n25-34,F\n", 1, 1, "userId"),
            ("userId,age\n1,25-34\n2,25-34,F\n", 3, 3, "expected 2 fields"),
            ("userId,age\n1,twenty\n", 2, 2, "bracket"),
            ("userId,gender\n1,X\n", 2, 2, "F or M"),
            ("userId,occupation\n1,astronaut\n", 2, 2, "college/grad student"),
            ("userId,region\n1,mars\n", 2, 2, "northeast"),
        ]
        for (text, line, column, words) in cases {
            let path = dir.write("ml-latest-small/users.csv", text)
            let e = try XCTUnwrap(LoadError.of { try DatasetLoader.load(path: folder) }, text)
            XCTAssertEqual(e.file, path, text)
            XCTAssertEqual(e.line, line, text)
            XCTAssertEqual(e.column, column, text)
            XCTAssertTrue(e.message.contains(words), "\(text): \(e.message)")
            XCTAssertTrue(e.description.hasPrefix("\(path):\(line):"), e.description)
        }
    }

    func testML100KAttributesMapToBracketsOccupationsAndZipRegions() throws {
        let dir = LoaderFixtureDir()
        let data = try DatasetLoader.load(path: dir.ml100K())
        // u.user: 1|24|M|technician|85711, 2|53|F|other|94043, 3|23|M|writer|32067
        let codes = (0..<3).map { Demographics.codes(of: data.userAttributes[$0]) }
        let byRaw = Dictionary(uniqueKeysWithValues: zip(data.users.ids, codes))
        XCTAssertEqual(byRaw["1"]!, [1, 1, Demographics.occupations.firstIndex(of: "technician/engineer"), 3])
        XCTAssertEqual(byRaw["2"]!, [5, 0, 0, 3])
        XCTAssertEqual(byRaw["3"]!, [1, 1, Demographics.occupations.firstIndex(of: "writer"), 2])
        XCTAssertEqual(Demographics.region(fromZip: "02139"), "northeast")
        XCTAssertNil(Demographics.region(fromZip: "T8H1N"), "a Canadian postcode has no US region")
    }

    func testSampleDemographicsAreSeededTiedToArchetypesAndLeaveRatingsAlone() throws {
        let a = SampleGenerator.generate(movies: BundledSample.movies, options: .init(seed: 42, users: 720))
        let b = SampleGenerator.generate(movies: BundledSample.movies, options: .init(seed: 42, users: 720))
        let c = SampleGenerator.generate(movies: BundledSample.movies, options: .init(seed: 43, users: 720))
        XCTAssertEqual(a.usersCSV(), b.usersCSV())
        XCTAssertEqual(a.demographicEffectsCSV(), b.demographicEffectsCSV())
        XCTAssertNotEqual(a.usersCSV(), c.usersCSV())
        // Every user has all four attributes from the vocabulary; under-18s are K-12 students.
        for d in a.demographics {
            let codes = Demographics.codes(of: d)
            XCTAssertFalse(codes.contains { $0 == nil }, "\(d)")
            if codes[0] == 0 { XCTAssertEqual(d.occupation, "K-12 student") }
            if d.occupation == "retired" { XCTAssertGreaterThanOrEqual(d.age ?? 0, 50) }
        }
        // The tie to taste is real but modest: η² above its chance level, yet well under a quarter.
        let effects = String(decoding: a.demographicEffectsCSV(), as: UTF8.self).split(separator: "\n").dropFirst()
        var seen = Set<String>()
        for row in effects {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard seen.insert(f[0]).inserted else { continue }
            let eta2 = try XCTUnwrap(Double(f[4])), chance = try XCTUnwrap(Double(f[5]))
            XCTAssertGreaterThan(eta2, 1.5 * chance, "\(f[0]) should carry some signal")
            XCTAssertLessThan(eta2, 0.25, "\(f[0]) should explain only a little of taste")
        }
        XCTAssertEqual(seen, Set(Demographics.attributes))
        // Family-animation fans are over-represented among under-18s, well beyond chance.
        let kids = try XCTUnwrap(effects.first { $0.hasPrefix("age,under-18,") })
        XCTAssertTrue(kids.contains("family-animation:"), String(kids))
    }

    func testCommittedSampleUsersAreTheDefaultSeedOutputAndLoad() throws {
        let full = SampleGeneratorTests.full
        let folder = BundledSample.folder
        XCTAssertTrue(try Data(contentsOf: folder.appendingPathComponent("users.csv")) == full.usersCSV(),
                      "sample-data/users.csv is stale: run `recsys-tui sample generate --seed 42 --out sample-data`")
        XCTAssertTrue(try Data(contentsOf: folder.appendingPathComponent("demographic-effects.csv"))
                      == full.demographicEffectsCSV(), "sample-data/demographic-effects.csv is stale")
        let data = try DatasetLoader.load(path: folder.path)
        let stats = data.statistics()
        XCTAssertEqual(stats.users, 720)
        XCTAssertEqual(stats.ratings, 55_650)
        XCTAssertEqual(stats.usersWithDemographics, 720)
        XCTAssertEqual(stats.demographics, Demographics.attributes)
        for (k, raw) in data.users.ids.enumerated() {
            XCTAssertEqual(data.userAttributes[k], full.demographics[Int(raw)! - 1])
        }
    }
}

import Foundation
import XCTest

/// Issue 13 through the executable: `profile set`, `recommend --profile` with demographics, `info`.
final class DemographicsCommandTests: XCTestCase {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-data").path

    func db() -> String {
        let dir = NSTemporaryDirectory() + "recsys-demog-cli-\(getpid())-\(UUID().uuidString.prefix(6))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/p.sqlite"
    }

    func testProfileSetRefusesUnknownAttributesAndValuesWithStatus2() throws {
        let path = db()
        let bad = try CLI.run(["profile", "set", "ann", "shoe=42", "--db", path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("known: age, gender, occupation, region"), bad.stderr)
        let value = try CLI.run(["profile", "set", "ann", "occupation=astronaut", "--db", path])
        XCTAssertEqual(value.status, 2)
        XCTAssertTrue(value.stderr.contains("programmer"), value.stderr)
        let ok = try CLI.run(["profile", "set", "ann", "age=25-34", "occupation=student", "--db", path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "profile ann: age 25-34, occupation college/grad student\n")
        let show = try CLI.run(["profile", "show", "ann", "--db", path, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["demographics"] as? [String: String], ["age": "25-34", "occupation": "college/grad student"])
    }

    func testRecommendForAProfileUsesItsDemographics() throws {
        let path = db()
        XCTAssertEqual(try CLI.run(["profile", "set", "kid", "age=under-18", "occupation=K-12 student", "--db", path]).status, 0)
        XCTAssertEqual(try CLI.run(["profile", "set", "elder", "age=56+", "occupation=retired", "--db", path]).status, 0)
        func top(_ name: String) throws -> [String] {
            let r = try CLI.run(["recommend", "--profile", name, "--db", path, "--data", Self.sample,
                                 "--algorithm", "demographic", "-n", "10", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("popular with"), r.stdout)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let items = try XCTUnwrap(object["recommendations"] as? [[String: Any]] ?? object["items"] as? [[String: Any]])
            return items.compactMap { $0["title"] as? String }
        }
        let kid = try top("kid"), elder = try top("elder")
        XCTAssertEqual(kid.count, 10)
        XCTAssertNotEqual(kid, elder, "two different cells get two different lists")
    }

    func testInfoJSONOnTheSampleAddsDemographicsAndKeepsItsCounts() throws {
        let r = try CLI.run(["info", "--data", Self.sample, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["demographics"] as? [String], ["age", "gender", "occupation", "region"])
        XCTAssertEqual(object["users_with_demographics"] as? Int, 720)
        XCTAssertEqual(object["users_with_attributes"] as? Int, 0, "the existing key keeps its count (MovieLens user files only)")
        XCTAssertEqual(object["users"] as? Int, 720)
        XCTAssertEqual(object["ratings"] as? Int, 55_650)
        XCTAssertEqual(object["items"] as? Int, 786)
    }
}

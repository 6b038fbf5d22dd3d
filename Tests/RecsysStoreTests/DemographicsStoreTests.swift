import Foundation
import GRDB
import RecsysEngine
import XCTest
@testable import RecsysStore

/// Issue 13, item 3: profiles that say who they are, stored through the `demographics-v1` migration.
final class DemographicsStoreTests: XCTestCase {
    func testDemographicsArePersistedReplacedAndDeletedWithTheProfile() throws {
        let dir = makeTempDir(self)
        let path = dir + "/profiles.sqlite"
        do {
            let s = try SQLiteProfileStore(path: path)
            XCTAssertEqual(try s.demographics(profile: "ann"), UserAttributes(), "a profile that never said is unknown")
            try s.setRating(profile: "ann", item: "50", value: 5, timestamp: 1)
            try s.setDemographics(profile: "ann", UserAttributes(age: 25, gender: "F", occupation: "college/grad student",
                                                                  region: "west"))
        }
        // A new process sees them; ratings are untouched.
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.demographics(profile: "ann"),
                       UserAttributes(age: 25, gender: "F", occupation: "college/grad student", region: "west"))
        XCTAssertEqual(try s.existingRatings(profile: "ann").count, 1)
        let rows = try s.read { db in
            try Row.fetchAll(db, sql: "SELECT attribute, value FROM profile_attribute ORDER BY attribute")
                .map { "\($0["attribute"] as String)=\($0["value"] as String)" }
        }
        XCTAssertEqual(rows, ["age=25-34", "gender=F", "occupation=college/grad student", "region=west"])
        // Replacing drops what is no longer said.
        try s.setDemographics(profile: "ann", UserAttributes(age: 56))
        XCTAssertEqual(try s.demographics(profile: "ann"), UserAttributes(age: 56))
        // Renaming keeps them; deleting removes them.
        try s.renameProfile("ann", to: "anna")
        XCTAssertEqual(try s.demographics(profile: "anna"), UserAttributes(age: 56))
        try s.deleteProfile("anna")
        let left = try s.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profile_attribute") }
        XCTAssertEqual(left, 0)
    }

    func testAnOlderFileGainsTheTableAndKeepsItsProfiles() throws {
        let dir = makeTempDir(self)
        let path = dir + "/profiles.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(q, upTo: "v2")
            try q.write { db in
                try db.execute(sql: "INSERT INTO profile (id, name, created) VALUES (1, 'old', 5)")
                try db.execute(sql: "INSERT INTO rating VALUES (1, '50', 4.5, 99)")
            }
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.demographics(profile: "old"), UserAttributes(), "old profiles work exactly as before")
        XCTAssertEqual(try s.existingRatings(profile: "old").count, 1)
        try s.setDemographics(profile: "old", UserAttributes(gender: "M"))
        XCTAssertEqual(try s.demographics(profile: "old"), UserAttributes(gender: "M"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".bak-v2"), "migrated from a backup")
        XCTAssertTrue(Schema.versions.contains("demographics-v1"))
    }

    func testValuesOutsideTheVocabularyNameTheAllowedOnes() {
        XCTAssertThrowsError(try Demographics.attributes(from: [("shoe", "42")])) { e in
            XCTAssertEqual("\(e)", "unknown attribute 'shoe' (known: age, gender, occupation, region)")
        }
        XCTAssertThrowsError(try Demographics.attributes(from: [("age", "29")])) { e in
            XCTAssertTrue("\(e)".contains("under-18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+"), "\(e)")
        }
        XCTAssertThrowsError(try Demographics.attributes(from: [("region", "mars")])) { e in
            XCTAssertTrue("\(e)".contains("northeast, midwest, south, west"), "\(e)")
        }
        XCTAssertEqual(try Demographics.attributes(from: [("Occupation", "student"), ("gender", "female"), ("age", "")]),
                       UserAttributes(gender: "F", occupation: "college/grad student"))
    }
}

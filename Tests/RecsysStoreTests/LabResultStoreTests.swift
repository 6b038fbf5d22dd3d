import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Issue 15 (handout): the last lab run per profile (migration lab-results-v1).
final class LabResultStoreTests: XCTestCase {
    static func record(_ at: Int64, rmse: Double = 0.91) -> LabRecord {
        LabRecord(dataset: "sample-data", split: "holdout:0.2", seed: 42, metrics: ["rmse", "ndcg@10"], isGrid: false,
                  results: [
                      .init(algorithm: "svd", overrides: [["factors", "10"]], coldStart: 3,
                            metrics: ["rmse": rmse, "ndcg@10": 0.12], fitSeconds: 1.5),
                      .init(algorithm: "popularity", metrics: ["ndcg@10": 0.08]),
                  ], savedAt: at)
    }

    func testTheLastRunIsKeptPerProfileReplacedAndSurvivesReopening() throws {
        let path = makeTempDir(self) + "/profiles.sqlite"
        do {
            let s = try SQLiteProfileStore(path: path)
            XCTAssertNil(try s.labResult(profile: "ann"))
            try s.setLabResult(profile: "ann", Self.record(10))
            try s.setLabResult(profile: "bob", Self.record(11, rmse: 1.2))
            try s.setLabResult(profile: "ann", Self.record(12, rmse: 0.8))   // replaced, not added
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.labResult(profile: "ann"), Self.record(12, rmse: 0.8))
        XCTAssertEqual(try s.labResult(profile: "bob")?.results.first?.metrics["rmse"], 1.2)
        let rows = try s.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lab_result") }
        XCTAssertEqual(rows, 2)
        try s.deleteProfile("ann")
        let left = try s.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lab_result") }
        XCTAssertEqual(left, 1, "deleting a profile deletes its lab result")
    }

    func testAnOlderFileGainsTheTableFromABackup() throws {
        let path = makeTempDir(self) + "/profiles.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(q, upTo: "lesson-progress-v1")
            try q.write { db in
                try db.execute(sql: "INSERT INTO profile (id, name, created) VALUES (1, 'old', 5)")
                try db.execute(sql: "INSERT INTO rating (profileId, item, value, timestamp) VALUES (1, '7', 4, 6)")
            }
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(Schema.versions.last, "lab-results-v1")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".bak-lesson-progress-v1"), "migrated from a backup")
        XCTAssertEqual(try s.ratings(profile: "old").map(\.item), ["7"], "the old ratings are kept")
        XCTAssertNil(try s.labResult(profile: "old"))
        try s.setLabResult(profile: "old", Self.record(20))
        XCTAssertEqual(try s.labResult(profile: "old")?.savedAt, 20)
    }

    func testTheRecordFollowsTheDatasetsProfileAndReadsBackAsAReport() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        let a = DatasetIdentity(name: "a", key: "ka", idScheme: nil, source: "a")
        let onA = DatasetProfiles(store: s, dataset: a)
        let onB = DatasetProfiles(store: s, dataset: DatasetIdentity(name: "b", key: "kb", idScheme: nil, source: "b"))
        _ = try onA.ratings(profile: "default")
        _ = try onB.ratings(profile: "default")
        try onA.setLabResult(profile: "default", Self.record(30))
        XCTAssertEqual(try onA.labResult(profile: "default")?.savedAt, 30)
        XCTAssertNil(try onB.labResult(profile: "default"), "each dataset's default profile has its own")
        XCTAssertEqual(try s.readLabResult("default", on: a)?.savedAt, 30)
        XCTAssertThrowsError(try s.readLabResult("nobody", on: a)) { XCTAssertEqual(($0 as? StoreError)?.kind, .noSuchProfile) }

        let report = try Self.record(30).report()
        XCTAssertEqual(report.metrics.map(\.name), ["rmse", "ndcg@10"])
        XCTAssertEqual(report.results[0].overrides.map(\.key), ["factors"])
        XCTAssertEqual(report.results[0].coldStart, 3)
        XCTAssertTrue(report.results[1].metrics["rmse"]!.isNaN, "a metric the run could not measure is NaN again")
    }

    func testADamagedRecordIsOneClearError() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        try s.setLabResult(profile: "ann", Self.record(1))
        try s.write { db in try db.execute(sql: "UPDATE lab_result SET record = '{\"not\": 1}'") }
        XCTAssertThrowsError(try s.labResult(profile: "ann")) { error in
            let e = error as? StoreError
            XCTAssertEqual(e?.kind, .corrupted)
            XCTAssertTrue("\(error)".contains("run the lab again"), "\(error)")
        }
    }

    func testNaNIsLeftOutAndTheJSONRoundTrips() throws {
        var r = Self.record(5)
        r.results[0].metrics["rmse"] = .nan
        let report = try r.report()
        let back = LabRecord(report, savedAt: 5)
        XCTAssertNil(back.results[0].metrics["rmse"], "NaN is not stored")
        XCTAssertEqual(try LabRecord.decode(try back.json()), back)
    }
}

import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Damaged, foreign, newer, locked and read-only databases: each gives a one-line error
/// naming the file and what to do, and none is opened (or rewritten) as an empty profile.
final class SafetyTests: XCTestCase {
    private func assertRefused(_ path: String, _ kind: StoreError.Kind, mentions: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        let before = readBytes(path)
        XCTAssertThrowsError(try SQLiteProfileStore(path: path, busyTimeout: 0.2), file: file, line: line) { e in
            guard let e = e as? StoreError else { return XCTFail("not a StoreError: \(e)", file: file, line: line) }
            XCTAssertEqual(e.kind, kind, e.description, file: file, line: line)
            XCTAssertTrue(e.description.contains(path), "names the file: \(e)", file: file, line: line)
            XCTAssertFalse(e.hint.isEmpty, "says what to do: \(e)", file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
            if let mentions { XCTAssertTrue(e.description.contains(mentions), e.description, file: file, line: line) }
        }
        XCTAssertTrue(readBytes(path) == before, "the file is left untouched", file: file, line: line)
    }

    /// A store file with `n` ratings, closed (WAL checkpointed into the main file).
    private func makeDatabase(_ path: String, ratings n: Int) throws {
        let s = try SQLiteProfileStore(path: path)
        try s.importRatings(profile: "p", (0..<n).map { StoredRating(item: "item-\($0)-" + String(repeating: "x", count: 40),
                                                                     value: 3, timestamp: Int64($0)) })
        // Fold the WAL into the main file so the file alone holds the data the tests damage.
        try s.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try (s.writer as? DatabasePool)?.close()
        XCTAssertEqual(readBytes(path + "-wal").count, 0)
    }

    func testRandomBytesAreRefusedWhateverTheirSize() throws {
        let dir = makeTempDir(self)
        var rng = SplitMix64(seed: 7)
        for size in [1, 99, 511, 4096, 100_000] {
            let path = dir + "/random-\(size).sqlite"
            writeBytes(path, (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            assertRefused(path, .corrupted, mentions: "mv ")
        }
    }

    func testTruncatedAndDamagedDatabasesAreRefused() throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        try makeDatabase(path, ratings: 800)
        let good = readBytes(path)
        guard good.count > 40_000 else { return XCTFail("the database file holds \(good.count) bytes") }

        writeBytes(path, good.prefix(good.count / 2))
        assertRefused(path, .corrupted)

        var damaged = good
        var rng = SplitMix64(seed: 3)
        for k in 8192..<(good.count - 4096) where rng.nextInt(4) == 0 { damaged[k] = UInt8(truncatingIfNeeded: rng.next()) }
        writeBytes(path, damaged)
        assertRefused(path, .corrupted)

        writeBytes(path, good)
        XCTAssertEqual(try SQLiteProfileStore(path: path).existingRatings(profile: "p").count, 800, "the intact copy opens")
    }

    func testForeignAndNewerDatabasesAreRefused() throws {
        let dir = makeTempDir(self)
        let foreign = dir + "/other.sqlite"
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x')") }
        assertRefused(foreign, .notAProfileDatabase, mentions: "notes")

        let newer = dir + "/newer.sqlite"
        try makeDatabase(newer, ratings: 1)
        try DatabaseQueue(path: newer).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        assertRefused(newer, .newerVersion)
    }

    func testReadOnlyFileAndFolderAreRefused() throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        try makeDatabase(path, ratings: 5)
        XCTAssertEqual(chmod(path, 0o444), 0)
        assertRefused(path, .readOnly, mentions: "chmod")
        XCTAssertEqual(chmod(path, 0o644), 0)

        let sub = dir + "/ro"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try makeDatabase(sub + "/p.sqlite", ratings: 5)
        XCTAssertEqual(chmod(sub, 0o555), 0)
        assertRefused(sub + "/p.sqlite", .readOnly, mentions: "folder")
        XCTAssertThrowsError(try SQLiteProfileStore(path: sub + "/new.sqlite")) {
            XCTAssertEqual(($0 as? StoreError)?.kind, .readOnly)
        }
    }

    func testAFolderIsNotADatabase() throws {
        let dir = makeTempDir(self)
        XCTAssertThrowsError(try SQLiteProfileStore(path: dir)) { e in
            XCTAssertEqual((e as? StoreError)?.kind, .cannotOpen)
            XCTAssertTrue("\(e)".contains("is a folder"))
        }
    }

    func testALockedDatabaseFailsWithinTheTimeoutNamingTheFile() throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        try makeDatabase(path, ratings: 2)
        let store = try SQLiteProfileStore(path: path, busyTimeout: 0.3)
        // Another connection holds the write lock inside an open transaction until released.
        let other = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread {
            try? other.write { db in
                try db.execute(sql: "INSERT INTO profile (name, created) VALUES ('holder', 0)")
                locked.signal()
                release.wait()
                throw CancellationError()   // roll back
            }
            done.signal()
        }.start()
        locked.wait()
        let t0 = Date()
        XCTAssertThrowsError(try store.setRating(profile: "p", item: "new", value: 1, timestamp: 1)) { e in
            XCTAssertEqual((e as? StoreError)?.kind, .locked, "\(e)")
            XCTAssertTrue("\(e)".contains(path))
            XCTAssertTrue("\(e)".contains("close the other"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3, "waits about the busy timeout, then fails")
        // Readers are not blocked by the writer (WAL).
        XCTAssertEqual(try store.existingRatings(profile: "p").count, 2)
        release.signal()
        done.wait()
        try store.setRating(profile: "p", item: "new", value: 1, timestamp: 1)
        XCTAssertEqual(try store.existingRatings(profile: "p").count, 3)
    }

    func testAnEmptyFileBecomesANewDatabase() throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        writeBytes(path, [UInt8]())
        let s = try SQLiteProfileStore(path: path)
        try s.setRating(profile: "p", item: "1", value: 1, timestamp: 1)
        XCTAssertEqual(try s.existingRatings(profile: "p").count, 1)
    }

    func testMigratingAnOlderFileCopiesItAsideFirst() throws {
        let dir = makeTempDir(self)
        let path = dir + "/profiles.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(q, upTo: "v1")
            try q.write { db in
                try db.execute(sql: "INSERT INTO profile (id, name, created) VALUES (1, 'old', 5)")
                try db.execute(sql: "INSERT INTO rating VALUES (1, '50', 4.5, 99)")
            }
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.existingRatings(profile: "old"), [StoredRating(item: "50", value: 4.5, timestamp: 99)])
        let indexes = try s.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        XCTAssertTrue(indexes.contains("event_profile_live"), "v2 applied")

        let backup = path + ".bak-v1"
        let b = try DatabaseQueue(path: backup)
        let (migrations, rows) = try b.read { db in
            (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rating"))
        }
        XCTAssertEqual(migrations, ["v1"], "the backup is the file as it was before the migration")
        XCTAssertEqual(rows, 1)
        _ = try SQLiteProfileStore(path: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup + "-2"), "a current file is not backed up again")
    }
}

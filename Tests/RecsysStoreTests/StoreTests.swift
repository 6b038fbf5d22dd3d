import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

final class StoreTests: XCTestCase {
    func testRatingsPersistAcrossReopenWithOneRowPerItem() throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        do {
            let s = try SQLiteProfileStore(path: path, now: { 1000 })
            XCTAssertEqual(try s.ratings(profile: "ann"), [])
            try s.setRating(profile: "ann", item: "50", value: 4, timestamp: 10)
            try s.setRating(profile: "ann", item: "50", value: 5, timestamp: 11)   // replaces
            try s.setRating(profile: "ann", item: "tt01", value: 3.5, timestamp: 12)
            try s.setRating(profile: "bob", item: "50", value: 1, timestamp: 13)
            try s.removeRating(profile: "bob", item: "50")
            try s.noteDataset(profile: "ann", dataset: "ml-100k")
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.ratings(profile: "ann"), [
            StoredRating(item: "50", value: 5, timestamp: 11), StoredRating(item: "tt01", value: 3.5, timestamp: 12),
        ])
        XCTAssertEqual(try s.ratings(profile: "bob"), [])
        XCTAssertEqual(try s.profileNames(), ["ann", "bob"])
        let ann = try s.summary(profile: "ann")
        XCTAssertEqual(ann, ProfileSummary(name: "ann", created: 1000, dataset: "ml-100k", ratingCount: 2, lastRated: 12))
    }

    func testJournalIsWALAndSynchronousFull() throws {
        let dir = makeTempDir(self)
        let s = try SQLiteProfileStore(path: dir + "/p.sqlite")
        // The writer connection is the one whose commits must be synced (GRDB sets it to NORMAL).
        let (mode, sync) = try s.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        XCTAssertEqual(mode, "wal")
        XCTAssertEqual(sync, 2, "synchronous=FULL is 2")
        let readerSync = try s.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        XCTAssertEqual(readerSync, 2)
    }

    func testUndoWalksBackThroughSetsAndRemovals() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory, now: { 500 })
        try s.setRating(profile: "p", item: "a", value: 3, timestamp: 1)
        try s.setRating(profile: "p", item: "a", value: 5, timestamp: 2)
        try s.setRating(profile: "p", item: "b", value: 2, timestamp: 3)
        try s.removeRating(profile: "p", item: "a")
        try s.removeRating(profile: "p", item: "zzz")   // not rated: no event
        XCTAssertEqual(try s.history(profile: "p").map(\.kind), [.remove, .set, .set, .set])

        var e = try XCTUnwrap(s.undoLast(profile: "p"))             // the removal of a
        XCTAssertEqual(e.kind, .remove)
        XCTAssertEqual(try s.ratings(profile: "p").map(\.value), [5, 2])
        e = try XCTUnwrap(s.undoLast(profile: "p"))                 // b = 2
        XCTAssertEqual(e.item, "b")
        XCTAssertEqual(try s.ratings(profile: "p"), [StoredRating(item: "a", value: 5, timestamp: 2)])
        e = try XCTUnwrap(s.undoLast(profile: "p"))                 // a 3 → 5
        XCTAssertEqual(e.oldValue, 3)
        XCTAssertEqual(try s.ratings(profile: "p"), [StoredRating(item: "a", value: 3, timestamp: 1)])
        _ = try s.undoLast(profile: "p")                            // a unrated → 3
        XCTAssertEqual(try s.ratings(profile: "p"), [])
        XCTAssertNil(try s.undoLast(profile: "p"))
        XCTAssertNil(try s.undoLast(profile: "nobody"))
        XCTAssertTrue(try s.history(profile: "p").allSatisfy(\.undone))
    }

    func testImportIsOneTransactionAndCountsChanges() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        try s.setRating(profile: "p", item: "a", value: 3, timestamp: 1)
        try s.setRating(profile: "p", item: "old", value: 1, timestamp: 1)
        let r = try s.importRatings(profile: "p", [
            StoredRating(item: "a", value: 3, timestamp: 1),      // unchanged
            StoredRating(item: "b", value: 4, timestamp: 2),      // new
            StoredRating(item: "old", value: 2, timestamp: 3),    // changed
        ])
        XCTAssertEqual(r, ImportSummary(added: 1, changed: 1, unchanged: 1, removed: 0))
        let r2 = try s.importRatings(profile: "p", [StoredRating(item: "b", value: 4, timestamp: 2)], replace: true)
        XCTAssertEqual(r2, ImportSummary(added: 0, changed: 0, unchanged: 1, removed: 2))
        XCTAssertEqual(try s.ratings(profile: "p").map(\.item), ["b"])
        // A bad rating anywhere rejects the whole import: nothing is half-written.
        XCTAssertThrowsError(try s.importRatings(profile: "p", [
            StoredRating(item: "c", value: 1, timestamp: 1), StoredRating(item: "d", value: .nan, timestamp: 1),
        ]))
        XCTAssertEqual(try s.ratings(profile: "p").map(\.item), ["b"])
    }

    func testRenameAndDelete() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        try s.setRating(profile: "a", item: "1", value: 1, timestamp: 1)
        try s.setRating(profile: "b", item: "2", value: 2, timestamp: 2)
        XCTAssertThrowsError(try s.renameProfile("a", to: "b")) { XCTAssertEqual(($0 as? StoreError)?.kind, .profileExists) }
        XCTAssertThrowsError(try s.renameProfile("nope", to: "c")) { e in
            XCTAssertEqual((e as? StoreError)?.kind, .noSuchProfile)
            XCTAssertTrue("\(e)".contains("profiles: a, b"), "\(e)")
        }
        try s.renameProfile("a", to: "c")
        XCTAssertEqual(try s.existingRatings(profile: "c"), [StoredRating(item: "1", value: 1, timestamp: 1)])
        XCTAssertEqual(try s.history(profile: "c").count, 1, "history moves with the profile")
        try s.deleteProfile("c")
        XCTAssertEqual(try s.profileNames(), ["b"])
        XCTAssertThrowsError(try s.deleteProfile("c"))
        let leftovers = try s.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE item = '1'") }
        XCTAssertEqual(leftovers, 0, "deleting a profile removes its event log")
    }

    func testBadNamesItemsAndValuesAreRefused() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        for bad in ["", " x", "a\nb", "nul\0", String(repeating: "n", count: 201)] {
            XCTAssertThrowsError(try s.setRating(profile: bad, item: "1", value: 1, timestamp: 0)) {
                XCTAssertEqual(($0 as? StoreError)?.kind, .invalidName)
            }
        }
        XCTAssertThrowsError(try s.setRating(profile: "p", item: "a\0b", value: 1, timestamp: 0))
        XCTAssertThrowsError(try s.setRating(profile: "p", item: "a", value: .infinity, timestamp: 0))
        XCTAssertEqual(try s.profileNames(), [])
    }

    func testPathResolutionFollowsXDG() {
        XCTAssertEqual(StorePaths.resolve(db: nil, environment: ["HOME": "/h", "XDG_DATA_HOME": "/x"]),
                       "/x/recsys-tui/profiles.sqlite")
        XCTAssertEqual(StorePaths.resolve(db: nil, environment: ["HOME": "/h"]),
                       "/h/.local/share/recsys-tui/profiles.sqlite")
        XCTAssertEqual(StorePaths.resolve(db: nil, environment: ["HOME": "/h", "XDG_DATA_HOME": "rel"]),
                       "/h/.local/share/recsys-tui/profiles.sqlite", "relative XDG values are ignored")
        XCTAssertEqual(StorePaths.resolve(db: "~/p.db", environment: ["HOME": "/h"]), "/h/p.db")
        XCTAssertEqual(StorePaths.resolve(db: "/abs/p.db", environment: ["HOME": "/h"]), "/abs/p.db")
        XCTAssertEqual(StorePaths.resolve(db: ":memory:", environment: [:]), ":memory:")
        XCTAssertEqual(StorePaths.resolve(db: "rel.db", environment: ["HOME": "/h"]),
                       FileManager.default.currentDirectoryPath + "/rel.db")
    }

    func testDefaultLocationCreatesItsFolder() throws {
        let dir = makeTempDir(self)
        let path = StorePaths.resolve(db: nil, environment: ["HOME": "/nonexistent", "XDG_DATA_HOME": dir + "/xdg"])
        let s = try SQLiteProfileStore(path: path)
        try s.setRating(profile: "p", item: "1", value: 2, timestamp: 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/xdg/recsys-tui/profiles.sqlite"))
    }
}

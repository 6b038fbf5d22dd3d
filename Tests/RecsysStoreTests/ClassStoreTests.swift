import Foundation
import RecsysEngine
@testable import RecsysStore
import RecsysTestSupport
import XCTest

/// Class mode's sources (a shared database, a folder of exports) and replay's event log.
final class ClassStoreTests: XCTestCase {
    let data = UIFixtures.dataset()
    var here: DatasetIdentity { DatasetIdentity(data) }
    let elsewhere = DatasetIdentity(name: "other", key: "other-key", idScheme: nil, source: "/other")

    func testTheClassIsEveryOtherProfileOfThisDataset() throws {
        let dir = makeTempDir(self)
        let store = try SQLiteProfileStore(path: dir + "/p.sqlite")
        try store.createProfile("me", on: here)
        try store.setRating(profile: "me", item: "1", value: 5, timestamp: 1)
        try store.createProfile("alice", on: here)
        try store.importRatings(profile: "alice", [StoredRating(item: "1", value: 5, timestamp: 2),
                                                   StoredRating(item: "2", value: 4, timestamp: 3)])
        try store.importRatings(profile: "bob", [StoredRating(item: "6", value: 5, timestamp: 4)])  // unbound: imported
        try store.createProfile("carol", on: elsewhere)
        try store.setRating(profile: "carol", item: "1", value: 1, timestamp: 5)  // ids of another catalog
        let source = StoreClass(store: store, dataset: here)
        let snap = try source.load(excluding: "me")
        XCTAssertEqual(snap.members.map(\.name), ["alice", "bob"])
        XCTAssertEqual(snap.members[0].ratings.map(\.item), ["1", "2"])
        XCTAssertEqual(snap.problems, [])
        XCTAssertEqual(try source.load(excluding: "alice").members.map(\.name), ["me", "bob"])
    }

    func testTheFingerprintMovesWithClassmatesButNotWithMe() throws {
        let dir = makeTempDir(self)
        let store = try SQLiteProfileStore(path: dir + "/p.sqlite")
        let source = StoreClass(store: store, dataset: here)
        try store.setRating(profile: "alice", item: "1", value: 5, timestamp: 1)
        let f0 = try source.fingerprint(excluding: "me")
        XCTAssertEqual(try source.fingerprint(excluding: "me"), f0, "nothing changed: the same value")
        try store.setRating(profile: "me", item: "2", value: 5, timestamp: 2)
        let f1 = try source.fingerprint(excluding: "me")
        try store.setRating(profile: "alice", item: "2", value: 3, timestamp: 3)
        let f2 = try source.fingerprint(excluding: "me")
        XCTAssertNotEqual(f2, f1, "a classmate's rating")
        try store.undoLast(profile: "alice")
        let f3 = try source.fingerprint(excluding: "me")
        XCTAssertNotEqual(f3, f2, "a classmate's undo")
        try store.renameProfile("alice", to: "alicia")
        XCTAssertNotEqual(try source.fingerprint(excluding: "me"), f3, "a rename")
        // A second connection (another learner's process) sees the same.
        let other = try SQLiteProfileStore(path: dir + "/p.sqlite")
        try other.setRating(profile: "dan", item: "3", value: 4, timestamp: 4)
        XCTAssertEqual(try source.load(excluding: "me").members.map(\.name), ["alicia", "dan"])
        _ = f1
    }

    func testAFolderLoadsItsGoodFilesAndNamesEachBadOneOnce() throws {
        let dir = makeTempDir(self)
        let summary = { (name: String) in ProfileSummary(name: name, created: 0, dataset: nil, ratingCount: 0, lastRated: nil) }
        let r = [StoredRating(item: "1", value: 5, timestamp: 1), StoredRating(item: "4", value: 4, timestamp: 2)]
        writeBytes(dir + "/alice.csv", ProfileFile.export(profile: summary("alice"), ratings: r, format: .csv))
        writeBytes(dir + "/bob.json", ProfileFile.export(profile: summary("bob"), ratings: r, format: .json))
        writeBytes(dir + "/broken.csv", Array("user,item,rating,timestamp\ncarl,1,5,1\ncarl,2,lots,2\n".utf8))
        writeBytes(dir + "/again.csv", ProfileFile.export(profile: summary("alice"), ratings: r, format: .csv))
        writeBytes(dir + "/me.csv", ProfileFile.export(profile: summary("me"), ratings: r, format: .csv))
        writeBytes(dir + "/.DS_Store", [0, 1, 2])
        try FileManager.default.createDirectory(atPath: dir + "/old", withIntermediateDirectories: true)
        let source = FolderClass(folder: dir)
        let snap = try source.load(excluding: "me")
        XCTAssertEqual(snap.members.map(\.name).sorted(), ["alice", "bob"])
        XCTAssertEqual(snap.problems.count, 2, snap.problems.joined(separator: "\n"))
        let broken = try XCTUnwrap(snap.problems.first { $0.contains("broken.csv") })
        XCTAssertTrue(broken.hasPrefix(dir + "/broken.csv:3:3: expected a rating number"), broken)
        let again = try XCTUnwrap(snap.problems.first { $0.contains("again.csv") })
        XCTAssertTrue(again.contains("already loaded"), again)
        // The fingerprint follows the files.
        let f0 = try source.fingerprint(excluding: "me")
        writeBytes(dir + "/dan.csv", ProfileFile.export(profile: summary("dan"), ratings: r, format: .csv))
        XCTAssertNotEqual(try source.fingerprint(excluding: "me"), f0)
        XCTAssertThrowsError(try FolderClass(folder: dir + "/missing").load(excluding: "me")) { e in
            XCTAssertTrue("\(e)".contains("no such folder"), "\(e)")
        }
    }

    /// Replay reproduces each past state exactly: the lists after step k are the lists of the profile
    /// as the store held it right after that rating (read back and folded in at the time).
    func testReplayReproducesEveryPastStateOfTheProfile() throws {
        let dir = makeTempDir(self)
        let store = try SQLiteProfileStore(path: dir + "/p.sqlite")
        try store.createProfile("alice", on: here)
        var models: [(String, any Recommender)] = []
        for name in ["popularity", "item-knn", "user-knn", "ease", "svd", "content"] {
            let m = try Algorithms.make(name, parameters: Parameters())
            try m.fit(data, context: FitContext(seed: 3))
            models.append((name, m))
        }
        func lists() throws -> [[Int32]] {
            let p = Profile(try store.ratings(profile: "alice").map { (data.catalog.index(of: $0.item)!, $0.value) })
            return models.map { $0.1.recommend(p, count: 5).map(\.item) }
        }
        var states = [try lists()]
        try store.setRating(profile: "alice", item: "1", value: 5, timestamp: 100); states.append(try lists())
        try store.setRating(profile: "alice", item: "6", value: 2, timestamp: 110); states.append(try lists())
        try store.setRating(profile: "alice", item: "2", value: 4, timestamp: 120); states.append(try lists())
        try store.setRating(profile: "alice", item: "1", value: 3, timestamp: 130); states.append(try lists())
        try store.removeRating(profile: "alice", item: "6"); states.append(try lists())
        try store.setRating(profile: "alice", item: "8", value: 5, timestamp: 150)  // undone below: not history
        try store.undoLast(profile: "alice")
        try store.setRating(profile: "alice", item: "9", value: 4, timestamp: 160); states.append(try lists())

        let events = try store.readHistory("alice", on: here)
        XCTAssertEqual(events.map(\.item), ["1", "6", "2", "1", "6", "9"])
        XCTAssertEqual(events.map(\.value), [5, 2, 4, 3, nil, 4])
        XCTAssertEqual(events.first?.at, 100, "a rating's time is its timestamp")
        let steps = Replay.timeline(events: events, catalog: data.catalog, models: models)
        XCTAssertEqual(steps.count, states.count)
        for (k, s) in steps.enumerated() {
            XCTAssertEqual(s.lists.map { $0.entries.map(\.item) }, states[k], "step \(k)")
            XCTAssertEqual(s.lists.map(\.algorithm), models.map(\.0))
        }
        XCTAssertThrowsError(try store.readHistory("nobody", on: here))
    }
}

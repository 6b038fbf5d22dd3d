import Foundation
import RecsysTestSupport
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Issue 17 item 1's target: a database written by the release before profiles were bound to
/// datasets (Fixtures/profiles-0.1.0.sqlite, made by make-profiles-0.1.0.bash with that release's
/// explorer) migrates without losing or reinterpreting a rating.
final class MigrationFixtureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Row4: Hashable { var profile: String; var item: String; var value: Double; var timestamp: Int64 }

    static func ratingRows(_ path: String) throws -> Set<Row4> {
        var config = Configuration()
        config.readonly = true
        let q = try DatabaseQueue(path: path, configuration: config)
        defer { try? q.close() }
        return try q.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT p.name, r.item, r.value, r.timestamp FROM rating r JOIN profile p ON p.id = r.profileId")
                .map { Row4(profile: $0[0], item: $0[1], value: $0[2], timestamp: $0[3]) })
        }
    }

    func copyFixture() throws -> String {
        let path = makeTempDir(self) + "/profiles.sqlite"
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("profiles-0.1.0.sqlite").path, toPath: path)
        return path
    }

    func testNoRatingIsLostAndEachProfileKnowsWhereItWasUsed() throws {
        let path = try copyFixture()
        let before = try Self.ratingRows(path)
        XCTAssertEqual(before.count, 9, "the fixture as written by 0.1.0")
        let store = try SQLiteProfileStore(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".bak-v2"), "the old file is backed up before migrating")
        XCTAssertEqual(try Self.ratingRows(path + ".bak-v2"), before)
        XCTAssertEqual(try Self.ratingRows(path), before, "every rating kept, same item, value and time")
        let events = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") }
        XCTAssertEqual(events, 9, "the undo log is kept too")

        let listed = Dictionary(uniqueKeysWithValues: try store.profiles().map { ($0.name, $0) })
        XCTAssertEqual(listed.keys.sorted(), ["default", "fix", "imported", "nosuch", "sam"])
        XCTAssertEqual(listed["sam"]?.dataset, "sample-data")
        XCTAssertEqual(listed["fix"]?.dataset, "tiny-ml100k")
        XCTAssertNil(listed["imported"]?.dataset)
        XCTAssertEqual(listed.values.filter(\.bound).count, 0, "0.1.0 knew only the last dataset's name: nothing is bound yet")
    }

    func testOpeningOnADatasetBindsItsOwnProfilesAndRefusesTheOthers() throws {
        let path = try copyFixture()
        let before = try Self.ratingRows(path)
        let store = try SQLiteProfileStore(path: path)
        let sample = DatasetIdentity(try DatasetLoader.load(path: Self.root.appendingPathComponent("sample-data").path))
        let tiny = DatasetIdentity(try DatasetLoader.load(path: FixtureFolder.materialize(Self.fixtures.appendingPathComponent("tiny-ml100k").path)))
        func rows(_ name: String) -> [StoredRating] {
            before.filter { $0.profile == name }.sorted { $0.item < $1.item }
                .map { StoredRating(item: $0.item, value: Float($0.value), timestamp: $0.timestamp) }
        }

        // sam was rated on the sample: the sample gets it back as it was and binds it …
        let onSample = DatasetProfiles(store: store, dataset: sample)
        XCTAssertEqual(try onSample.ratings(profile: "sam"), rows("sam"))
        XCTAssertEqual(try store.summary(profile: "sam").datasetKey, sample.key)
        // … and tiny-ml100k, where items 478, 618 and 642 would be other films, refuses it.
        XCTAssertThrowsError(try DatasetProfiles(store: store, dataset: tiny).ratings(profile: "sam")) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .otherDataset)
        }
        XCTAssertEqual(try DatasetProfiles(store: store, dataset: tiny).ratings(profile: "fix"), rows("fix"))
        // A profile that never saw a dataset (imported) is taken by the first dataset that opens it.
        XCTAssertEqual(try onSample.ratings(profile: "imported"), rows("imported"))
        XCTAssertEqual(try store.summary(profile: "imported").dataset, "sample-data")
        XCTAssertEqual(try Self.ratingRows(path), before, "opening, binding and refusing changed no rating")
    }
}

extension MigrationFixtureTests {
    /// The fixture's `default` was rated on the sample, then opened once on tiny-ml100k by 0.1.0, which
    /// relabelled it. The sample opens a new, empty default (never tiny's reading of the ids); `bind` gives
    /// the old one back to the sample, replacing the empty default.
    func testAnOldProfileLastOpenedElsewhereIsKeptAndCanBeBoundBack() throws {
        let path = try copyFixture()
        let before = try Self.ratingRows(path)
        let store = try SQLiteProfileStore(path: path)
        let sample = DatasetIdentity(try DatasetLoader.load(path: Self.root.appendingPathComponent("sample-data").path))
        let onSample = DatasetProfiles(store: store, dataset: sample)
        XCTAssertEqual(try onSample.ratings(profile: "default"), [])
        XCTAssertEqual(onSample.created, ["default"])
        let old = try XCTUnwrap(try store.profileID(named: "default", dataset: "tiny-ml100k"))
        try store.bind(id: old, to: sample)
        XCTAssertEqual(try DatasetProfiles(store: store, dataset: sample).ratings(profile: "default").map(\.item), ["618", "642"])
        XCTAssertEqual(try store.profiles().filter { $0.name == "default" }.count, 1, "the empty default gave way")
        XCTAssertEqual(try Self.ratingRows(path), before)
    }
}

import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Issue 17 items 1 and 2: a profile belongs to its dataset; a read never creates one.
final class ProfileBindingTests: XCTestCase {
    let sample = DatasetIdentity(name: "sample-data", key: "catalog:786:aaaa", idScheme: nil, source: "/s/sample-data")
    let ml100k = DatasetIdentity(name: "ml-100k", key: "catalog:1682:bbbb", idScheme: nil, source: "/d/ml-100k")
    let small = DatasetIdentity(name: "ml-latest-small", key: "catalog:9742:cccc",
                                idScheme: DatasetIdentity.movieLensMovieID, source: "/d/ml-latest-small")
    let ml25m = DatasetIdentity(name: "ml-25m", key: "catalog:62423:dddd",
                                idScheme: DatasetIdentity.movieLensMovieID, source: "/d/ml-25m")

    func store() throws -> SQLiteProfileStore { try SQLiteProfileStore(path: makeTempDir(self) + "/p.sqlite", now: { 7 }) }

    func testEachDatasetHasItsOwnDefaultAndRatingsNeverJump() throws {
        let s = try store()
        let onSample = DatasetProfiles(store: s, dataset: sample)
        XCTAssertEqual(try onSample.ratings(profile: "default"), [])
        XCTAssertEqual(onSample.created, ["default"])
        try onSample.setRating(profile: "default", item: "50", value: 5, timestamp: 1)
        try onSample.setRating(profile: "default", item: "51", value: 1, timestamp: 2)

        // The issue's steps: the same profile name opened on ml-100k shows none of the sample's ratings.
        let on100k = DatasetProfiles(store: s, dataset: ml100k)
        XCTAssertEqual(try on100k.ratings(profile: "default"), [])
        XCTAssertEqual(on100k.created, ["default"], "ml-100k gets a default of its own, and the caller is told")
        try on100k.setRating(profile: "default", item: "50", value: 2, timestamp: 3)

        XCTAssertEqual(try DatasetProfiles(store: s, dataset: sample).ratings(profile: "default").map(\.value), [5, 1])
        let listed = try s.profiles()
        XCTAssertEqual(listed.map(\.name), ["default", "default"])
        XCTAssertEqual(Set(listed.map { "\($0.dataset ?? "-") \($0.ratingCount) \($0.bound)" }),
                       ["sample-data 2 true", "ml-100k 1 true"])
        XCTAssertEqual(listed.first { $0.dataset == "ml-100k" }?.datasetKey, ml100k.key)
        XCTAssertEqual(listed.first { $0.dataset == "ml-100k" }?.datasetSource, ml100k.source)
    }

    func testANamedProfileOfAnotherCatalogIsRefusedWithTheWayOut() throws {
        let s = try store()
        try DatasetProfiles(store: s, dataset: sample).setRating(profile: "alice", item: "50", value: 5, timestamp: 1)
        let on100k = DatasetProfiles(store: s, dataset: ml100k)
        XCTAssertThrowsError(try on100k.ratings(profile: "alice")) { error in
            let e = error as? StoreError
            XCTAssertEqual(e?.kind, .otherDataset)
            let line = e?.description ?? ""
            XCTAssertFalse(line.contains("\n"))
            XCTAssertTrue(line.contains("belongs to sample-data"), line)
            XCTAssertTrue(line.contains("--profile NEW"), line)
            XCTAssertTrue(line.contains("profile copy alice --to-data /d/ml-100k"), line)
        }
        XCTAssertThrowsError(try s.readProfile("alice", on: ml100k))
        XCTAssertEqual(try s.profiles().count, 1, "refusing creates nothing")
    }

    func testMovieLensReleasesShareMovieIDs() throws {
        let s = try store()
        try DatasetProfiles(store: s, dataset: small).setRating(profile: "bob", item: "318", value: 5, timestamp: 1)
        let on25m = DatasetProfiles(store: s, dataset: ml25m)
        XCTAssertEqual(try on25m.ratings(profile: "bob"), [StoredRating(item: "318", value: 5, timestamp: 1)])
        XCTAssertEqual(on25m.sharedDataset(of: "bob"), "ml-latest-small")
        XCTAssertEqual(on25m.created, [])
        let read = try s.readProfile("bob", on: ml25m)
        XCTAssertEqual(read.sharedFrom, "ml-latest-small")
        XCTAssertEqual(read.ratings.count, 1)
        XCTAssertTrue(small.sharesItemIDs(with: ml25m))
        XCTAssertFalse(sample.sharesItemIDs(with: ml100k))
        XCTAssertTrue(sample.sharesItemIDs(with: sample))
    }

    func testReadOnlyNeverCreatesAndNamesTheClosestProfilesFirst() throws {
        let s = try store()
        for name in ["alice", "bob", "bobby", "zed"] {
            try DatasetProfiles(store: s, dataset: sample).setRating(profile: name, item: "1", value: 3, timestamp: 1)
        }
        XCTAssertThrowsError(try s.readProfile("bbo", on: sample)) { error in
            let e = error as? StoreError
            XCTAssertEqual(e?.kind, .noSuchProfile)
            XCTAssertEqual(e?.hint, "profiles: bob, bobby, zed, alice")
        }
        XCTAssertThrowsError(try s.summary(profile: "alise")) { error in
            XCTAssertEqual((error as? StoreError)?.hint.hasPrefix("profiles: alice"), true)
        }
        XCTAssertEqual(try s.profileNames(), ["alice", "bob", "bobby", "zed"])
    }

    func testLegacyProfileIsBoundOnFirstOpenWithItsDataset() throws {
        let s = try store()
        // What the release before binding did: ratings by raw id plus the name of the last dataset.
        try s.setRating(profile: "old", item: "7", value: 4, timestamp: 1)
        try s.noteDataset(profile: "old", dataset: "sample-data")
        XCTAssertEqual(try s.summary(profile: "old").bound, false)
        XCTAssertThrowsError(try DatasetProfiles(store: s, dataset: ml100k).ratings(profile: "old"))
        let mine = DatasetProfiles(store: s, dataset: sample)
        XCTAssertEqual(try mine.ratings(profile: "old"), [StoredRating(item: "7", value: 4, timestamp: 1)])
        XCTAssertEqual(mine.created, [])
        let summary = try s.summary(profile: "old")
        XCTAssertEqual(summary.bound, true)
        XCTAssertEqual(summary.datasetKey, sample.key)
    }

    func testSameNameOnTwoDatasetsNeedsDatasetToManage() throws {
        let s = try store()
        try DatasetProfiles(store: s, dataset: sample).setRating(profile: "default", item: "1", value: 3, timestamp: 1)
        try DatasetProfiles(store: s, dataset: ml100k).setRating(profile: "default", item: "2", value: 4, timestamp: 2)
        XCTAssertThrowsError(try s.summary(profile: "default")) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .ambiguousProfile)
        }
        XCTAssertEqual(try s.existingRatings(profile: "default", dataset: "ml-100k").map(\.item), ["2"])
        try s.renameProfile("default", to: "mine", dataset: "ml-100k")
        try s.deleteProfile("default", dataset: "sample-data")
        XCTAssertEqual(try s.profiles().map(\.name), ["mine"])
    }

    func testClosestFirstOrdersByEditDistance() {
        XCTAssertEqual(ProfileNames.closestFirst(to: "defualt", ["zeta", "default", "defaults", "alice"]),
                       ["default", "defaults", "zeta", "alice"])
        XCTAssertEqual(ProfileNames.distance(Array("kitten"), Array("sitting")), 3)
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// Small generated data sets for the split and runner tests.
enum EvalTestData {
    /// `users` users, `items` items; user u rates between 1 and `maxPerUser` distinct items with
    /// seeded ratings 1…5 and distinct timestamps.
    static func random(users: Int = 30, items: Int = 40, maxPerUser: Int = 15, seed: UInt64 = 9) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var triples: [RatingTriple] = []
        var t: Int64 = 1_000
        for u in 0..<users {
            let n = 1 + rng.nextInt(maxPerUser)
            var chosen = Set<Int32>()
            while chosen.count < n { chosen.insert(Int32(rng.nextInt(items))) }
            for i in chosen.sorted() {
                t += Int64(1 + rng.nextInt(100))
                triples.append(RatingTriple(user: Int32(u), item: i, rating: Float(1 + rng.nextInt(5)), timestamp: t))
            }
        }
        let catalog = Catalog(items: (0..<items).map {
            Item(rawID: "i\($0)", title: "Item \($0)", genres: [["Drama"], ["Comedy"], ["Drama", "Crime"]][$0 % 3])
        })
        return Dataset(name: "random", catalog: catalog, users: Vocabulary((0..<users).map { "u\($0)" }),
                       ratings: RatingMatrix(userCount: users, itemCount: items, triples: triples), scale: .wholeStars)
    }

    struct Key: Hashable { var user: Int32; var item: Int32 }

    static func keys(_ m: RatingMatrix) -> [Key] {
        m.triples().map { Key(user: $0.user, item: $0.item) }
    }

    static func temporaryFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "recsys-eval-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

final class SplitTests: XCTestCase {
    let data = EvalTestData.random()

    /// Train and test are disjoint and together hold every rating, with the ratings unchanged.
    func assertDisjointAndComplete(_ fold: EvalFold, file: StaticString = #filePath, line: UInt = #line) {
        let train = EvalTestData.keys(fold.train.ratings), test = EvalTestData.keys(fold.test)
        XCTAssertTrue(Set(train).isDisjoint(with: Set(test)), file: file, line: line)
        XCTAssertEqual(Set(train).union(test), Set(EvalTestData.keys(data.ratings)), file: file, line: line)
        XCTAssertEqual(train.count + test.count, data.ratings.count, file: file, line: line)
        for t in fold.test.triples() {
            XCTAssertEqual(data.ratings.rating(user: t.user, item: t.item), t.rating, file: file, line: line)
        }
        XCTAssertTrue(fold.train.ratings.checkInvariants() && fold.test.checkInvariants(), file: file, line: line)
        XCTAssertEqual(fold.test.userCount, data.userCount, file: file, line: line)
        XCTAssertEqual(fold.test.itemCount, data.itemCount, file: file, line: line)
    }

    func testParseSplits() throws {
        XCTAssertEqual(try SplitSpec(parsing: "holdout:0.2"), .holdout(0.2))
        XCTAssertEqual(try SplitSpec(parsing: "holdout-user:0.25"), .holdoutUser(0.25))
        XCTAssertEqual(try SplitSpec(parsing: "kfold:5"), .kfold(5))
        XCTAssertEqual(try SplitSpec(parsing: "loo"), .leaveLastOut)
        XCTAssertEqual(try SplitSpec(parsing: "temporal:0.1"), .temporal(0.1))
        XCTAssertEqual(try SplitSpec(parsing: "ml100k-folds"), .ml100kFolds)
        XCTAssertEqual(try SplitSpec(parsing: "holdout-user:0.2").description, "holdout-user:0.2")
        for bad in ["holdout:1.5", "holdout:0", "kfold:1", "kfold:x", "random", "loo:3"] {
            XCTAssertThrowsError(try SplitSpec(parsing: bad), bad)
        }
    }

    func testHoldoutIsSeededDisjointAndComplete() throws {
        let a = try Splitter.folds(.holdout(0.2), dataset: data, seed: 1)[0]
        assertDisjointAndComplete(a)
        XCTAssertEqual(a.test.count, Int((0.2 * Double(data.ratings.count)).rounded()))
        let b = try Splitter.folds(.holdout(0.2), dataset: data, seed: 1)[0]
        XCTAssertEqual(EvalTestData.keys(a.test), EvalTestData.keys(b.test))
        let c = try Splitter.folds(.holdout(0.2), dataset: data, seed: 2)[0]
        XCTAssertNotEqual(EvalTestData.keys(a.test), EvalTestData.keys(c.test))
    }

    func testPerUserHoldoutKeepsEveryUserOnBothSides() throws {
        let f = try Splitter.folds(.holdoutUser(0.2), dataset: data, seed: 3)[0]
        assertDisjointAndComplete(f)
        for u in 0..<Int32(data.userCount) {
            let n = data.ratings.rowCount(u)
            let expected = n < 2 ? 0 : min(n - 1, max(1, Int((0.2 * Double(n)).rounded())))
            XCTAssertEqual(f.test.rowCount(u), expected, "user \(u) with \(n) ratings")
            XCTAssertGreaterThanOrEqual(f.train.ratings.rowCount(u), 1)
        }
        let g = try Splitter.folds(.holdoutUser(0.2), dataset: data, seed: 3)[0]
        XCTAssertEqual(EvalTestData.keys(f.test), EvalTestData.keys(g.test))
    }

    func testKFoldTestsEveryRatingExactlyOnce() throws {
        let folds = try Splitter.folds(.kfold(4), dataset: data, seed: 5)
        XCTAssertEqual(folds.count, 4)
        var seen: [EvalTestData.Key: Int] = [:]
        for f in folds {
            assertDisjointAndComplete(f)
            for k in EvalTestData.keys(f.test) { seen[k, default: 0] += 1 }
        }
        XCTAssertEqual(seen.count, data.ratings.count)
        XCTAssertTrue(seen.values.allSatisfy { $0 == 1 })
        let sizes = folds.map(\.test.count)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
    }

    func testLeaveLastOutHoldsOutEachUsersLatestRating() throws {
        let f = try Splitter.folds(.leaveLastOut, dataset: data, seed: 7)[0]
        assertDisjointAndComplete(f)
        let m = data.ratings
        for u in 0..<m.userCount {
            let n = m.rowCount(Int32(u))
            XCTAssertEqual(f.test.rowCount(Int32(u)), n >= 2 ? 1 : 0)
            guard n >= 2 else { continue }
            let latest = m.rowTimestamps[m.rowStart[u]..<m.rowStart[u + 1]].max()!
            let testStamp = f.test.rowTimestamps[f.test.rowStart[u]]
            XCTAssertEqual(testStamp, latest)
        }
    }

    func testLeaveLastOutBreaksTimestampTiesBySeed() throws {
        // Without timestamps every rating ties: the choice must still be one per user, seeded.
        let m = data.ratings
        let flat = data.withRatings(RatingMatrix(userCount: m.userCount, itemCount: m.itemCount,
                                                 triples: m.triples().map { var t = $0; t.timestamp = 0; return t }))
        let a = try Splitter.folds(.leaveLastOut, dataset: flat, seed: 1)[0]
        let b = try Splitter.folds(.leaveLastOut, dataset: flat, seed: 1)[0]
        let c = try Splitter.folds(.leaveLastOut, dataset: flat, seed: 99)[0]
        XCTAssertEqual(EvalTestData.keys(a.test), EvalTestData.keys(b.test))
        XCTAssertNotEqual(EvalTestData.keys(a.test), EvalTestData.keys(c.test))
    }

    func testTemporalCutPutsTheLatestRatingsInTest() throws {
        let f = try Splitter.folds(.temporal(0.25), dataset: data, seed: 1)[0]
        assertDisjointAndComplete(f)
        XCTAssertEqual(f.test.count, Int((0.25 * Double(data.ratings.count)).rounded()))
        XCTAssertGreaterThanOrEqual(f.test.rowTimestamps.min()!, f.train.ratings.rowTimestamps.max()!)
    }

    func testML100KFoldsReadIntoTheSameIndices() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 3 users, 4 items; fold f tests the ratings whose line number ≡ f (mod 5).
        let lines = ["1\t10\t5\t100", "1\t20\t3\t101", "2\t10\t4\t102", "2\t30\t2\t103", "3\t40\t1\t104",
                     "3\t20\t5\t105", "1\t30\t4\t106"]
        try EvalTestData.write(lines.joined(separator: "\n") + "\n", to: dir + "/u.data")
        for f in 1...5 {
            let test = lines.enumerated().filter { $0.offset % 5 == f - 1 }.map(\.element)
            let base = lines.enumerated().filter { $0.offset % 5 != f - 1 }.map(\.element)
            try EvalTestData.write(base.joined(separator: "\n") + "\n", to: dir + "/u\(f).base")
            try EvalTestData.write(test.joined(separator: "\n") + "\n", to: dir + "/u\(f).test")
        }
        let (ds, folds) = try Splitter.ml100kFolds(folder: dir)
        XCTAssertEqual(folds.map(\.name), ["u1", "u2", "u3", "u4", "u5"])
        XCTAssertEqual(ds.userCount, 3)
        XCTAssertEqual(ds.itemCount, 4)
        // Fold u1 tests lines 1 and 6: (1, 10, 5) and (3, 20, 5).
        let u1 = folds[0]
        let t = u1.test.triples().map { (ds.users.id(at: $0.user), ds.catalog.vocabulary.id(at: $0.item), $0.rating) }
        XCTAssertEqual(t.map(\.0), ["1", "3"])
        XCTAssertEqual(t.map(\.1), ["10", "20"])
        XCTAssertEqual(t.map(\.2), [5, 5])
        XCTAssertEqual(u1.train.ratings.count, 5)
        XCTAssertNil(u1.train.ratings.rating(user: ds.users.index(of: "1")!, item: ds.catalog.index(of: "10")!))
        // Missing fold files name the file.
        try FileManager.default.removeItem(atPath: dir + "/u4.test")
        XCTAssertThrowsError(try Splitter.ml100kFolds(folder: dir)) { e in
            XCTAssertTrue("\(e)".contains("u4.test"), "\(e)")
        }
    }

    func testExplicitFilesWithItems() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EvalTestData.write("userId,movieId,rating,timestamp\n1,10,4,5\n2,20,3,6\n", to: dir + "/train.csv")
        try EvalTestData.write("1\t20\t5\t7\n3\t30\t2\t8\n", to: dir + "/test.tsv")
        try EvalTestData.write("movieId,title,genres\n10,\"Heat, The (1995)\",Action|Crime\n20,Up (2009),Animation\n",
                               to: dir + "/movies.csv")
        let (ds, folds) = try Splitter.files(train: dir + "/train.csv", test: dir + "/test.tsv", items: dir + "/movies.csv")
        XCTAssertEqual(ds.itemCount, 3)  // 30 is a placeholder
        XCTAssertEqual(ds.catalog[ds.catalog.index(of: "10")!].displayTitle, "Heat, The")
        XCTAssertEqual(ds.catalog[ds.catalog.index(of: "10")!].year, 1995)
        XCTAssertEqual(ds.catalog[ds.catalog.index(of: "10")!].genres, ["Action", "Crime"])
        XCTAssertTrue(ds.catalog[ds.catalog.index(of: "30")!].isPlaceholder)
        XCTAssertEqual(folds[0].train.ratings.count, 2)
        XCTAssertEqual(folds[0].test.count, 2)
        XCTAssertEqual(folds[0].test.userCount, 3)
        XCTAssertEqual(folds[0].train.ratings.userCount, 3)
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// taste-agreement@k: the formula on hand-made lists, tastes.csv reading, and the runner.
final class TasteAgreementTests: XCTestCase {
    // Bits: 1 = Comedy, 2 = Drama, 4 = Horror.
    let genres: [UInt64] = [1, 2, 4, 1 | 2, 0]

    func testFormulaWorkedOutByHand() {
        // Likes Comedy, dislikes Horror. List [0, 2, 3, 4]: +1, −1, +1, 0 → 1/4.
        XCTAssertEqual(Metrics.tasteAgreement(at: 10, ranked: [0, 2, 3, 4], itemGenres: genres, liked: 1, disliked: 4),
                       0.25, accuracy: 1e-12)
        // k = 1 keeps [0]: 1. k = 2 keeps [0, 2]: 0.
        XCTAssertEqual(Metrics.tasteAgreement(at: 1, ranked: [0, 2, 3, 4], itemGenres: genres, liked: 1, disliked: 4), 1)
        XCTAssertEqual(Metrics.tasteAgreement(at: 2, ranked: [0, 2, 3, 4], itemGenres: genres, liked: 1, disliked: 4), 0)
        // Likes Comedy, dislikes Drama: item 3 (Comedy+Drama) counts in both shares → 0; [2, 1] → (0 − 1)/2.
        XCTAssertEqual(Metrics.tasteAgreement(at: 5, ranked: [3], itemGenres: genres, liked: 1, disliked: 2), 0)
        XCTAssertEqual(Metrics.tasteAgreement(at: 5, ranked: [2, 1], itemGenres: genres, liked: 1, disliked: 2), -0.5)
        XCTAssertEqual(Metrics.tasteAgreement(at: 5, ranked: [], itemGenres: genres, liked: 1, disliked: 2), 0)
    }

    func testParsing() throws {
        let k = try MetricSpec(parsing: "taste-agreement@20")
        XCTAssertEqual(k.kind, .tasteAgreement)
        XCTAssertEqual(k.k, 20)
        XCTAssertThrowsError(try MetricSpec(parsing: "taste-agreement"))
    }

    func testReadsTastesIntoUserIndicesAndSkipsUnknownUsers() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tastes.csv"
        try EvalTestData.write("userId,archetypes,likedGenres,dislikedGenres,bias\n"
                               + "7,x:1.000,Comedy:0.900|Drama:0.300,Horror:-0.700,0.1\n"
                               + "99,x:1.000,Horror:0.500,,0.2\n"
                               + "3,x:1.000,,Comedy:-0.400,0.0\n", to: path)
        let users = Vocabulary(["3", "7", "5"])
        let t = try UserTastes.read(path: path, users: users)
        XCTAssertEqual(t.known, [true, true, false])
        XCTAssertEqual(t.knownUserCount, 2)
        let bit = { (g: String) in UInt64(1) << UInt64(t.genres.firstIndex(of: g)!) }
        XCTAssertEqual(t.liked[1], bit("Comedy") | bit("Drama"))
        XCTAssertEqual(t.disliked[1], bit("Horror"))
        XCTAssertEqual(t.liked[0], 0)
        XCTAssertEqual(t.disliked[0], bit("Comedy"))
        let catalog = Catalog(items: [Item(rawID: "a", title: "A", genres: ["comedy", "Western"]),
                                      Item(rawID: "b", title: "B", genres: ["Western"])])
        XCTAssertEqual(t.itemMasks(catalog), [bit("Comedy"), 0])
    }

    func testBadRowsNameFileLineAndColumn() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tastes.csv"
        try EvalTestData.write("userId,likedGenres,dislikedGenres\n1,Comedy:0.5,\n2,Comedy,Drama:-1\n", to: path)
        XCTAssertThrowsError(try UserTastes.read(path: path, users: Vocabulary(["1", "2"]))) { e in
            XCTAssertEqual((e as? LoadError)?.description,
                           "\(path):3:2: expected Genre:weight entries joined by '|', found 'Comedy'")
        }
        try EvalTestData.write("userId,likedGenres,dislikedGenres\n1,Comedy:0.5\n", to: path)
        XCTAssertThrowsError(try UserTastes.read(path: path, users: Vocabulary(["1"]))) { e in
            XCTAssertEqual((e as? LoadError)?.description, "\(path):2:3: expected 3 fields, found 2")
        }
        try EvalTestData.write("userId,liked\n1,Comedy:0.5\n", to: path)
        XCTAssertThrowsError(try UserTastes.read(path: path, users: Vocabulary(["1"]))) { e in
            XCTAssertEqual((e as? LoadError)?.description, "\(path):1:1: expected a header with the column likedGenres")
        }
    }

    func testTheExplorersKnownTastesAndTheMetricReadTheFileAlike() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tastes.csv"
        let header = "userId,archetypes,likedGenres,dislikedGenres\n"
        try EvalTestData.write(header + "7,noir:0.3|comedy:0.7,Comedy:0.4|Crime:0.9,Horror:-0.2|Musical:-0.8\n", to: path)
        let known = try XCTUnwrap(try KnownTaste.read(path: path)["7"])
        XCTAssertEqual(known.archetypes.map(\.name), ["comedy", "noir"])
        XCTAssertEqual(known.liked.map(\.name), ["Crime", "Comedy"])
        XCTAssertEqual(known.disliked.map(\.name), ["Musical", "Horror"])
        let masks = try UserTastes.read(path: path, users: Vocabulary(["7"]))
        XCTAssertEqual(Set(masks.genres), ["Comedy", "Crime", "Horror", "Musical"])
        // A short row and a bad entry: both readers refuse them with the same file:line:column message.
        for bad in ["7,noir:1,Comedy:0.4\n", "7,noir:1,Comedy,Horror:-1\n"] {
            try EvalTestData.write(header + bad, to: path)
            var messages: [String] = []
            XCTAssertThrowsError(try KnownTaste.read(path: path)) { messages.append("\($0)") }
            XCTAssertThrowsError(try UserTastes.read(path: path, users: Vocabulary(["7"]))) { messages.append("\($0)") }
            XCTAssertEqual(messages.count, 2)
            XCTAssertEqual(messages.first, messages.last)
            XCTAssertTrue(messages[0].hasPrefix("\(path):2:"), messages[0])
        }
    }

    func testLoaderReadsTastesBesideMovieLensCSV() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EvalTestData.write("movieId,title,genres\n1,One (1990),Comedy\n2,Two (1991),Horror\n", to: dir + "/movies.csv")
        try EvalTestData.write("userId,movieId,rating,timestamp\n1,1,5,1\n1,2,1,2\n2,1,3,3\n", to: dir + "/ratings.csv")
        XCTAssertNil(try DatasetLoader.load(path: dir).tastes)
        try EvalTestData.write("userId,likedGenres,dislikedGenres\n2,Comedy:0.5,Horror:-0.5\n", to: dir + "/tastes.csv")
        let ds = try DatasetLoader.load(path: dir)
        XCTAssertEqual(ds.tastes?.known, [false, true])
        // Folds keep the tastes.
        let folds = try Splitter.folds(try SplitSpec(parsing: "holdout:0.3"), dataset: ds, seed: 1)
        XCTAssertEqual(folds[0].train.tastes, ds.tastes)
    }

    /// The runner on the EvalRunnerTests fixture, where popularity lists are a [2, 3], b [1, 3], c [1, 2, 3].
    func testRunnerAveragesOverUsersWithKnownTastes() throws {
        let dir = try EvalTestData.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EvalTestData.write(EvalRunnerTests.trainText, to: dir + "/train.tsv")
        try EvalTestData.write(EvalRunnerTests.testText, to: dir + "/test.tsv")
        try EvalTestData.write(EvalRunnerTests.itemsText, to: dir + "/movies.csv")
        var (ds, folds) = try Splitter.files(train: dir + "/train.tsv", test: dir + "/test.tsv",
                                            items: dir + "/movies.csv")
        let c = EvalConfiguration(algorithms: ["popularity"], metrics: try MetricSpec.parseList("taste-agreement@10,taste-agreement@1"),
                                  seed: 42, threads: 2)
        XCTAssertThrowsError(try EvalRunner.run(dataset: ds, split: "files", folds: folds, configuration: c)) { e in
            XCTAssertTrue("\(e)".contains("needs the users' true tastes"), "\(e)")
        }
        var t = UserTastes(userCount: ds.userCount)
        // a likes Comedy (items 2, 3): [2, 3] → 1, top 1 → 1.
        try t.set(user: ds.users.index(of: "a")!, liked: ["Comedy"], disliked: [])
        // b likes Drama, dislikes Comedy: [1 (Drama+Crime), 3 (Comedy)] → (1 − 1)/2 = 0; top 1 → 1.
        try t.set(user: ds.users.index(of: "b")!, liked: ["Drama"], disliked: ["Comedy"])
        // c is unknown and left out.
        ds.tastes = t
        folds[0].train.tastes = t
        let m = try EvalRunner.run(dataset: ds, split: "files", folds: folds, configuration: c).results[0].metrics
        XCTAssertEqual(m["taste-agreement@10"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m["taste-agreement@1"]!, 1, accuracy: 1e-12)
    }
}

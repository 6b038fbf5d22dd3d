import XCTest
@testable import RecsysEngine

/// Saved models give exactly the in-memory model's answers, and refuse other data.
final class PersistenceTests: XCTestCase {
    /// 12 users × 10 items with two taste groups and a few cross ratings (hand-made, seeded).
    static func fixture(name: String = "fixture", dropLast: Bool = false) -> Dataset {
        let items = (0..<10).map { i in
            Item(rawID: "m\(i)", title: "Movie \(i) (199\(i))", year: 1990 + i,
                 genres: i < 5 ? ["Action", "Sci-Fi"] : ["Drama", "Romance"], keywords: ["k\(i % 3)"])
        }
        let catalog = Catalog(items: items)
        let users = Vocabulary((0..<12).map { "u\($0)" })
        var rng = SplitMix64(seed: 99)
        var triples: [RatingTriple] = []
        for u in 0..<12 {
            let likesAction = u % 2 == 0
            for i in 0..<10 where rng.nextInt(10) < 6 {
                let good = (i < 5) == likesAction
                let r = Float(good ? 4 + rng.nextInt(2) : 1 + rng.nextInt(3))
                triples.append(RatingTriple(user: Int32(u), item: Int32(i), rating: r, timestamp: Int64(u * 100 + i)))
            }
        }
        if dropLast { triples.removeLast() }
        let m = RatingMatrix(userCount: 12, itemCount: 10, triples: triples)
        return Dataset(name: name, source: "memory", catalog: catalog, users: users, ratings: m, scale: .wholeStars)
    }

    private func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-persist-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Profiles to compare on: every training user, a folded-in profile, an empty one.
    private func profiles(_ data: Dataset) -> [Profile] {
        var out = (0..<data.userCount).map { Profile.training(Int32($0), in: data.ratings) }
        out.append(Profile([(0, 5), (3, 4), (7, 1)]))
        out.append(Profile())
        return out
    }

    /// Fits, saves to a file, loads, and compares every answer bit for bit.
    private func assertRoundTrip(_ algorithm: String, _ params: [String: String] = [:],
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let data = Self.fixture()
        let model = try Algorithms.make(algorithm, parameters: Parameters(params))
        try model.fit(data, context: FitContext(seed: 7))
        let path = tempPath("\(algorithm).rsm")
        try ModelFiles.save(model, dataset: data, to: path)
        let loaded = try ModelFiles.load(from: path, dataset: data, expecting: algorithm)
        XCTAssertEqual(loaded.name, algorithm, file: file, line: line)
        XCTAssertEqual(loaded.parameters, model.parameters, file: file, line: line)
        let all = (0..<Int32(data.itemCount)).map { $0 }
        for (n, p) in profiles(data).enumerated() {
            XCTAssertEqual(loaded.scores(p).map(\.bitPattern), model.scores(p).map(\.bitPattern),
                           "\(algorithm) scores, profile \(n)", file: file, line: line)
            XCTAssertEqual(loaded.predict(p, items: all), model.predict(p, items: all),
                           "\(algorithm) predictions, profile \(n)", file: file, line: line)
            XCTAssertEqual(loaded.recommend(p, count: 5), model.recommend(p, count: 5), file: file, line: line)
            XCTAssertEqual(loaded.explain(p, item: 2), model.explain(p, item: 2),
                           file: file, line: line)
        }
        for i in all {
            XCTAssertEqual(loaded.similarItems(to: i, count: 4), model.similarItems(to: i, count: 4),
                           "\(algorithm) similar to \(i)", file: file, line: line)
        }
        // Saving the loaded model gives the same bytes: nothing was lost or recomputed.
        XCTAssertEqual(try ModelFiles.archive(loaded, dataset: data).encoded(),
                       try ModelFiles.archive(model, dataset: data).encoded(), file: file, line: line)
    }

    func testPopularityByCountRoundTrips() throws { try assertRoundTrip("popularity") }
    func testPopularityByMeanRoundTrips() throws { try assertRoundTrip("popularity", ["by": "mean", "damping": "3"]) }

    func testBaselineRoundTrips() throws { try assertRoundTrip("baseline", ["epochs": "5"]) }
    func testSVDRoundTrips() throws { try assertRoundTrip("svd", ["factors": "6", "epochs": "8"]) }
    func testALSRoundTrips() throws { try assertRoundTrip("als", ["factors": "5"]) }
    func testALSRatingConfidenceRoundTrips() throws {
        try assertRoundTrip("als", ["factors": "9", "confidence": "rating"])
    }
    func testBPRRoundTrips() throws { try assertRoundTrip("bpr", ["factors": "4"]) }
    func testEASERoundTrips() throws { try assertRoundTrip("ease", ["lambda": "5"]) }
    func testSVDppRoundTrips() throws { try assertRoundTrip("svdpp", ["factors": "5", "epochs": "6"]) }
    func testContentRoundTrips() throws { try assertRoundTrip("content") }
    func testContentBM25RoundTrips() throws { try assertRoundTrip("content", ["weighting": "bm25", "neighbours": "3"]) }
    func testItemKNNRoundTrips() throws { try assertRoundTrip("item-knn", ["k": "3"]) }
    func testUserKNNRoundTrips() throws { try assertRoundTrip("user-knn", ["k": "3"]) }
    func testUserKNNRatingModeRoundTrips() throws {
        try assertRoundTrip("user-knn", ["k": "3", "mode": "rating", "similarity": "adjusted-cosine"])
    }
    func testTwoTowerRoundTrips() throws { try assertRoundTrip("two-tower", ["dim": "8", "epochs": "2"]) }
    func testTwoTowerWithHiddenLayersRoundTrips() throws {
        try assertRoundTrip("two-tower", ["dim": "8", "epochs": "2", "hidden": "4", "rating-weight": "0.5"])
    }
    func testRankingRoundTrips() throws { try assertRoundTrip("ranking", ["dim": "8", "epochs": "2"]) }
    /// With 4 candidates of 10 films the retrieval stage is fitted, saved and restored too.
    func testRankingWithItsRetrievalStageRoundTrips() throws {
        try assertRoundTrip("ranking", ["dim": "8", "epochs": "2", "candidates": "4"])
    }
    func testItemKNNCosineTopNRoundTrips() throws {
        try assertRoundTrip("item-knn", ["similarity": "cosine", "mode": "topn", "weighting": "bm25"])
    }

    /// Every registered algorithm that declares itself persistable passes the same check with defaults.
    func testEveryPersistableAlgorithmRoundTrips() throws {
        for name in ["popularity", "baseline", "svd", "svdpp", "als", "bpr", "ease", "item-knn", "content"] {
            XCTAssertTrue(ModelFiles.persistableNames.contains(name), name)
        }
        // Models with their own test above are skipped here (their defaults are slow in debug builds).
        let covered: Set = ["user-knn", "popularity", "baseline", "svd", "svdpp", "als", "bpr", "ease", "item-knn", "content",
                            "two-tower", "ranking"]
        for name in ModelFiles.persistableNames where !covered.contains(name) { try assertRoundTrip(name) }
    }

    func testModelFromAnotherDatasetIsRefusedNamingBoth() throws {
        let a = Self.fixture(name: "fixture-a")
        let model = try Algorithms.make("popularity")
        try model.fit(a, context: FitContext())
        let path = tempPath("other.rsm")
        try ModelFiles.save(model, dataset: a, to: path)
        // The same data under another name (another folder) is the same data.
        XCTAssertNoThrow(try ModelFiles.load(from: path, dataset: Self.fixture(name: "fixture-b")))
        XCTAssertThrowsError(try ModelFiles.load(from: path, dataset: Self.fixture(name: "fixture-b", dropLast: true))) { e in
            let s = "\(e)"
            XCTAssertTrue(s.hasPrefix(path + ": "), s)
            XCTAssertTrue(s.contains("'fixture-a' (12 users, 10 items"), s)
            XCTAssertTrue(s.contains("'fixture-b' (12 users, 10 items"), s)
            XCTAssertNotEqual(s.range(of: "ratings)")?.lowerBound, nil)
            XCTAssertFalse(s.contains("\n"))
        }
        // Same name, one rating fewer: refused too, saying what differs.
        XCTAssertThrowsError(try ModelFiles.load(from: path, dataset: Self.fixture(name: "fixture-a", dropLast: true))) {
            XCTAssertTrue("\($0)".contains("not on the loaded dataset 'fixture-a'"), "\($0)")
        }
    }

    func testSameShapeDifferentRatingsIsRefused() throws {
        let a = Self.fixture()
        var b = a
        var triples = a.ratings.triples()
        triples[0].rating = triples[0].rating == 5 ? 4 : 5
        b.ratings = RatingMatrix(userCount: 12, itemCount: 10, triples: triples)
        let model = try Algorithms.make("popularity")
        try model.fit(a, context: FitContext())
        let archive = try ModelFiles.archive(model, dataset: a)
        XCTAssertThrowsError(try ModelFiles.restore(archive, dataset: b)) {
            XCTAssertTrue("\($0)".contains("(ratings differ)"), "\($0)")
        }
        XCTAssertNoThrow(try ModelFiles.restore(archive, dataset: a))
    }

    func testWrongAlgorithmUnknownAlgorithmAndOldStateAreRefused() throws {
        let data = Self.fixture()
        let model = try Algorithms.make("popularity")
        try model.fit(data, context: FitContext())
        var archive = try ModelFiles.archive(model, dataset: data)
        XCTAssertThrowsError(try ModelFiles.restore(archive, dataset: data, expecting: "no-such-algo")) {
            XCTAssertTrue("\($0)".contains("holds a popularity model, not no-such-algo"), "\($0)")
        }
        archive.stateVersion = 99
        XCTAssertThrowsError(try ModelFiles.restore(archive, dataset: data)) {
            XCTAssertTrue("\($0)".contains("state version 99"), "\($0)")
        }
        archive.stateVersion = 1
        archive.algorithm = "quantum"
        XCTAssertThrowsError(try ModelFiles.restore(archive, dataset: data)) {
            XCTAssertTrue("\($0)".contains("unknown algorithm 'quantum'"), "\($0)")
        }
    }

    func testMissingOrMisSizedStateIsAClearError() throws {
        let data = Self.fixture()
        let model = try Algorithms.make("popularity")
        try model.fit(data, context: FitContext())
        let good = try ModelFiles.archive(model, dataset: data)
        var short = good
        short.set("means", floats: [1, 2, 3])
        XCTAssertThrowsError(try ModelFiles.restore(short, dataset: data)) {
            XCTAssertTrue("\($0)".contains("array 'means' has 3 values, expected 10"), "\($0)")
        }
        var badParams = good
        badParams.parameters = Parameters(["by": "sideways"])
        XCTAssertThrowsError(try ModelFiles.restore(badParams, dataset: data)) {
            XCTAssertTrue("\($0)".contains("bad parameters"), "\($0)")
        }
    }

    /// als and bpr write their common entries through one writer: the order docs/model-format.md
    /// gives (it is part of the bytes), and one reader that names the model in its errors.
    func testALSAndBPREntriesKeepTheirOrderAndTheSharedReaderNamesTheModel() throws {
        let data = Self.fixture()
        let expected = ["als": ["shape", "userFactors", "itemFactors", "itemGram", "itemNorms"],
                        "bpr": ["shape", "seed", "userFactors", "itemFactors", "itemBias", "itemNorms"]]
        for (name, names) in expected {
            let model = try Algorithms.make(name, parameters: Parameters(["factors": "5"]))
            try model.fit(data, context: FitContext(seed: 3))
            let good = try ModelFiles.archive(model, dataset: data)
            XCTAssertEqual(good.names, names, name)
            var badShape = good
            badShape.set("shape", ints: [6, 8, 12, 10])
            XCTAssertThrowsError(try ModelFiles.restore(badShape, dataset: data)) {
                XCTAssertTrue("\($0)".contains("\(name) shape [6, 8, 12, 10] does not match"), "\($0)")
            }
            var short = good
            short.set("itemFactors", floats: [1, 2, 3])
            XCTAssertThrowsError(try ModelFiles.restore(short, dataset: data)) {
                XCTAssertTrue("\($0)".contains("array 'itemFactors' has 3 values, expected 80"), "\($0)")
            }
        }
    }

    func testANonPersistableModelCannotBeSaved() throws {
        XCTAssertThrowsError(try ModelFiles.archive(Unsaveable(), dataset: Self.fixture())) {
            XCTAssertTrue("\($0)".contains("unsaveable models cannot be saved yet"), "\($0)")
        }
    }

    func testFingerprintHashesIdsInOrder() {
        let a = DatasetFingerprint(Self.fixture())
        XCTAssertEqual(a, DatasetFingerprint(Self.fixture()))
        var reordered = Self.fixture()
        reordered.users = Vocabulary((0..<12).reversed().map { "u\($0)" })
        let b = DatasetFingerprint(reordered)
        XCTAssertEqual(b.itemIDHash, a.itemIDHash)
        XCTAssertNotEqual(b.userIDHash, a.userIDHash)
        XCTAssertEqual(a.mismatch(with: b), "user ids differ")
        // FNV-1a 64 of "a" followed by a 0 byte, computed by hand from the published constants.
        var h = FNV1a64()
        h.add("a"); h.add(byte: 0)
        var expected: UInt64 = 0xCBF2_9CE4_8422_2325
        for b: UInt8 in [0x61, 0] { expected = (expected ^ UInt64(b)) &* 0x100_0000_01B3 }
        XCTAssertEqual(h.value, expected)
        XCTAssertEqual(FNV1a64().value, 0xCBF2_9CE4_8422_2325)
    }
}

/// A model that does not conform to `PersistableRecommender`.
private final class Unsaveable: Recommender, @unchecked Sendable {
    static let name = "unsaveable"
    static let summary = "test double"
    static let parameterSpecs: [ParameterSpec] = []
    let parameters = Parameters()
    init(parameters: Parameters = Parameters()) {}
    func fit(_ data: Dataset, context: FitContext) throws {}
    func predict(_ profile: Profile, items: [Int32]) -> [Prediction] { items.map { _ in Prediction(0) } }
    func scores(_ profile: Profile) -> [Float] { [] }
    func similarItems(to item: Int32, count: Int) -> [ScoredItem] { [] }
    func explain(_ profile: Profile, item: Int32) -> Explanation {
        Explanation(algorithm: Self.name, item: item, score: 0)
    }
}

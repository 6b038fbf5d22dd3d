import XCTest
@testable import RecsysEngine

/// A saved hybrid (its blend and every component, and the cold-start demographic model when the
/// data has demographics) answers bit for bit like the fitted one.
final class HybridPersistenceTests: XCTestCase {
    private func assertRoundTrip(_ data: Dataset, _ params: [String: String] = [:],
                                 file: StaticString = #filePath, line: UInt = #line) throws -> HybridRecommender {
        let model = try HybridRecommender(parameters: Parameters(params))
        try model.fit(data, context: FitContext(seed: 5, threads: 1))
        let archive = try ModelFiles.archive(model, dataset: data)
        let decoded = try ModelArchive(decoding: archive.encoded())
        let loaded = try XCTUnwrap(try ModelFiles.restore(decoded, dataset: data, expecting: "hybrid") as? HybridRecommender)
        XCTAssertEqual(loaded.componentNames, model.componentNames, file: file, line: line)
        XCTAssertEqual(loaded.weights, model.weights, file: file, line: line)
        XCTAssertEqual(loaded.sizeWeights.map(\.level), model.sizeWeights.map(\.level), file: file, line: line)
        XCTAssertEqual(loaded.sizeWeights.map { $0.weights.map(\.bitPattern) }, model.sizeWeights.map { $0.weights.map(\.bitPattern) },
                       file: file, line: line)
        let all = (0..<Int32(data.itemCount)).map { $0 }
        var profiles = (0..<data.userCount).map { Profile.training(Int32($0), in: data.ratings) }
        profiles.append(Profile([(0, 5), (3, 4), (7, 1)], attributes: UserAttributes(age: 30, gender: "F")))
        profiles.append(Profile())
        var woman = Profile([(1, 5)])
        woman.attributes = UserAttributes(gender: "F")
        profiles.append(woman)
        for (n, p) in profiles.enumerated() {
            XCTAssertEqual(loaded.scores(p).map(\.bitPattern), model.scores(p).map(\.bitPattern), "profile \(n)", file: file, line: line)
            XCTAssertEqual(loaded.predict(p, items: all), model.predict(p, items: all), "profile \(n)", file: file, line: line)
            XCTAssertEqual(loaded.explain(p, item: 2), model.explain(p, item: 2), "profile \(n)", file: file, line: line)
        }
        for i in all {
            XCTAssertEqual(loaded.similarItems(to: i, count: 4), model.similarItems(to: i, count: 4), file: file, line: line)
        }
        XCTAssertEqual(try ModelFiles.archive(loaded, dataset: data).encoded(), archive.encoded(),
                       "saving the loaded hybrid gives the same bytes", file: file, line: line)
        return model
    }

    func testHybridRoundTrips() throws {
        _ = try assertRoundTrip(PersistenceTests.fixture())
        _ = try assertRoundTrip(PersistenceTests.fixture(), ["w_ease": "2", "w_svd": "0", "w_bpr": "1"])
    }

    func testHybridWithWeightsBySizeAndTheDemographicModelRoundTrips() throws {
        let model = try assertRoundTrip(HybridNewUserGateTests.genderBoard(), ["cold_threshold": "10", "w_svdpp": "0", "w_als": "0"])
        XCTAssertFalse(model.sizeWeights.isEmpty, "weights by size were fitted, so they were saved")
        XCTAssertGreaterThan(model.demographicWeight(ratingCount: 0), 0, "the demographic model was saved too")
    }

    func testAComponentOfAnotherStateVersionIsRefused() throws {
        let data = PersistenceTests.fixture()
        let model = try HybridRecommender(parameters: Parameters(["w_ease": "1", "w_als": "0", "w_item_knn": "0", "w_svd": "0",
                                                                  "w_content": "0", "w_popularity": "0", "w_user_knn": "0",
                                                                  "w_svdpp": "0", "w_baseline": "0"]))
        try model.fit(data, context: FitContext(seed: 5, threads: 1))
        var archive = try ModelFiles.archive(model, dataset: data)
        archive.set("component.ease.stateVersion", int: 99)
        XCTAssertThrowsError(try ModelFiles.restore(archive, dataset: data)) {
            XCTAssertTrue("\($0)".contains("the ease component has state version 99"), "\($0)")
        }
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// The runner end to end on a fixture small enough to work out by hand, and its protocol
/// (profiles, candidates, cold start, threads) checked with a spying model.
final class EvalRunnerTests: XCTestCase {
    // Users a, b, c; items 0…3. Train: a rates 0 (5), 1 (3); b rates 0 (4), 2 (2); c rates 0 (3).
    // Test: a rates 2 (4); b rates 1 (5), 3 (1); c rates 1 (2).
    static let trainText = "a\t0\t5\t1\na\t1\t3\t2\nb\t0\t4\t3\nb\t2\t2\t4\nc\t0\t3\t5\n"
    static let testText = "a\t2\t4\t6\nb\t1\t5\t7\nb\t3\t1\t8\nc\t1\t2\t9\n"
    static let itemsText = "movieId,title,genres\n0,Zero (1990),Drama\n1,One (1991),Drama|Crime\n2,Two (1992),Comedy\n"
        + "3,Three (1993),Comedy\n"

    var dir = ""

    override func setUpWithError() throws {
        dir = try EvalTestData.temporaryFolder()
        try EvalTestData.write(Self.trainText, to: dir + "/train.tsv")
        try EvalTestData.write(Self.testText, to: dir + "/test.tsv")
        try EvalTestData.write(Self.itemsText, to: dir + "/movies.csv")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func fixture() throws -> (Dataset, [EvalFold]) {
        try Splitter.files(train: dir + "/train.tsv", test: dir + "/test.tsv", items: dir + "/movies.csv")
    }

    func run(_ metrics: String, relevantMin: Float? = nil, params: [String] = [], coldStart: [Int] = [],
             threads: Int = 2) throws -> EvalReport {
        let (ds, folds) = try fixture()
        let c = EvalConfiguration(algorithms: ["popularity"], metrics: try MetricSpec.parseList(metrics),
                                  parameters: try ParameterGrid(parsing: params), relevantMin: relevantMin,
                                  coldStart: coldStart, seed: 42, threads: threads)
        return try EvalRunner.run(dataset: ds, split: "files", folds: folds, configuration: c)
    }

    func testPopularityFiguresWorkedOutByHand() throws {
        let r = try run("rmse,mae,precision@10,recall@10,ndcg@10,mrr,auc,topk-accuracy@1,topk-accuracy@2,"
                        + "coverage,gini,diversity,novelty,popularity,personalization").results[0]
        let m = r.metrics
        // Popularity predicts the damped mean (m = 10, μ = 17/5 = 3.4):
        // item 1 → (3 + 34)/11, item 2 → (2 + 34)/11, item 3 (unrated) → 3.4.
        let errors = [36.0 / 11 - 4, 37.0 / 11 - 5, 3.4 - 1, 37.0 / 11 - 2]
        XCTAssertEqual(m["rmse"]!, (errors.map { $0 * $0 }.reduce(0, +) / 4).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(m["mae"]!, errors.map(abs).reduce(0, +) / 4, accuracy: 1e-5)
        // Ranking by count (0: 3, then 1 and 2 with one rating, 1 has the higher mean, then 3).
        // a: candidates 2, 3 → [2, 3], relevant {2}; b: [1, 3], relevant {1, 3}; c: [1, 2, 3], relevant {1}.
        XCTAssertEqual(m["precision@10"]!, (0.5 + 1 + 1.0 / 3) / 3, accuracy: 1e-12)
        XCTAssertEqual(m["recall@10"]!, 1, accuracy: 1e-12)
        XCTAssertEqual(m["ndcg@10"]!, 1, accuracy: 1e-12)
        XCTAssertEqual(m["mrr"]!, 1, accuracy: 1e-12)
        // b's candidates are all relevant (AUC undefined, skipped); a and c rank theirs first.
        XCTAssertEqual(m["auc"]!, 1, accuracy: 1e-12)
        // Unfiltered top 1 is item 0 for everyone (no test item); top 2 adds item 1: b's and c's → 2 of 4.
        XCTAssertEqual(m["topk-accuracy@1"]!, 0, accuracy: 1e-12)
        XCTAssertEqual(m["topk-accuracy@2"]!, 0.5, accuracy: 1e-12)
        // Lists cover items 1, 2, 3 of 4; counts 0, 2, 2, 3 → Gini (−3·0 − 1·2 + 1·2 + 3·3)/(4·7).
        XCTAssertEqual(m["coverage"]!, 0.75, accuracy: 1e-12)
        XCTAssertEqual(m["gini"]!, 9.0 / 28, accuracy: 1e-12)
        // Genre distance: a [Comedy, Comedy] 0; b [Drama+Crime, Comedy] 1; c: 1, 1, 0 → 2/3.
        XCTAssertEqual(m["diversity"]!, (0 + 1 + 2.0 / 3) / 3, accuracy: 1e-12)
        // Every listed item has one training rating (or none, counted as one) among 3 users.
        XCTAssertEqual(m["novelty"]!, log2(3.0), accuracy: 1e-12)
        XCTAssertEqual(m["popularity"]!, 4.0 / 7, accuracy: 1e-12)
        // Jaccard a–b 1/3, a–c 2/3, b–c 2/3.
        XCTAssertEqual(m["personalization"]!, 1 - 5.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(r.perFold[0].usersEvaluated, 3)
        XCTAssertEqual(r.perFold[0].usersSkipped, 0)
    }

    func testRelevantMinSkipsUsersWithoutRelevantItems() throws {
        // With R = 3, c's only test rating (2) is not relevant: c is skipped and counted.
        let r = try run("precision@10,recall@10,rmse", relevantMin: 3).results[0]
        XCTAssertEqual(r.perFold[0].usersEvaluated, 2)
        XCTAssertEqual(r.perFold[0].usersSkipped, 1)
        // a: [2, 3] with relevant {2} → 1/2; b: [1, 3] with relevant {1} → 1/2.
        XCTAssertEqual(r.metrics["precision@10"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.metrics["recall@10"]!, 1, accuracy: 1e-12)
        // Rating metrics still use every test rating.
        XCTAssertEqual(r.perFold[0].testRatings, 4)
    }

    func testTableJSONAndCSV() throws {
        let report = try run("precision@10,rmse,diversity@1")
        let table = report.table()
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0].split(separator: " ", omittingEmptySubsequences: true),
                       ["algorithm", "precision@10", "rmse", "diversity@1", "fit", "s", "predict", "s"])
        XCTAssertTrue(lines[2].hasPrefix("popularity"))
        XCTAssertTrue(lines[2].contains(String(format: "%.4f", 11.0 / 18)), lines[2])
        XCTAssertTrue(lines[2].contains(" - "), "undefined diversity@1 shows as '-': \(lines[2])")
        XCTAssertTrue(lines[3].contains("split files"), lines[3])

        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        XCTAssertEqual(json["dataset"] as? String, "train.tsv")
        XCTAssertEqual(json["split"] as? String, "files")
        let results = json["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, 1)
        let r = results[0]
        XCTAssertEqual(r["algorithm"] as? String, "popularity")
        let params = r["params"] as! [String: Any]
        XCTAssertEqual(params["by"] as? String, "count")
        XCTAssertEqual(params["damping"] as? Double, 10)
        let metrics = r["metrics"] as! [String: Any]
        XCTAssertEqual(metrics["precision@10"] as! Double, 11.0 / 18, accuracy: 1e-6)
        XCTAssertTrue(metrics["diversity@1"] is NSNull)
        XCTAssertNotNil(r["fit_seconds"] as? Double)
        XCTAssertNotNil(r["predict_seconds"] as? Double)
        XCTAssertEqual(r["folds"] as? Int, 1)
        let perFold = r["per_fold"] as! [[String: Any]]
        XCTAssertEqual(perFold.count, 1)
        XCTAssertEqual(perFold[0]["users_evaluated"] as? Int, 3)
        XCTAssertEqual((perFold[0]["metrics"] as! [String: Any])["rmse"] as! Double, metrics["rmse"] as! Double)

        let csv = report.csv().split(separator: "\n").map(String.init)
        XCTAssertEqual(csv[0], "algorithm,params,precision@10,rmse,diversity@1,fit_seconds,predict_seconds,folds")
        let cells = csv[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(cells[0], "popularity")
        XCTAssertEqual(cells[1], "")
        XCTAssertEqual(Double(cells[2])!, 11.0 / 18, accuracy: 1e-6)
        XCTAssertEqual(cells[4], "")
        XCTAssertEqual(cells[7], "1")
    }

    func testGridSearchMakesOneResultPerCombinationSortedByFirstMetric() throws {
        let report = try run("precision@2,rmse", params: ["popularity.by=mean,count", "popularity.damping=0,10"])
        XCTAssertTrue(report.isGrid)
        XCTAssertEqual(report.results.map { EvalReport.paramsText($0) },
                       ["by=mean damping=0", "by=mean damping=10", "by=count damping=0", "by=count damping=10"])
        let firsts = report.orderedResults.map { $0.metrics["precision@2"]! }
        XCTAssertEqual(firsts, firsts.sorted(by: >))
        XCTAssertTrue(report.table().contains("params"))
        // An unknown key or a value out of range is a parameter error.
        XCTAssertThrowsError(try run("rmse", params: ["popularity.nope=1"]))
        XCTAssertThrowsError(try run("rmse", params: ["popularity.by=median"]))
        XCTAssertThrowsError(try run("rmse", params: ["svd.factors=10"]))
        XCTAssertThrowsError(try ParameterGrid(parsing: ["popularity=3"]))
    }

    func testColdStartGivesOneResultPerLevel() throws {
        let report = try run("rmse,precision@10", coldStart: [1, 2])
        XCTAssertEqual(report.results.map(\.coldStart), [1, 2])
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        XCTAssertEqual((json["results"] as! [[String: Any]]).map { $0["cold_start"] as? Int }, [1, 2])
        XCTAssertTrue(report.csv().hasPrefix("algorithm,params,cold_start,"))
    }

    func testResultsDoNotDependOnThreads() throws {
        let data = EvalTestData.random(users: 80, items: 50, maxPerUser: 20)
        let folds = try Splitter.folds(.kfold(3), dataset: data, seed: 4)
        let metrics = try MetricSpec.parseList("rmse,mae,fcp,precision@5,recall@5,ndcg@5,map@5,mrr,hitrate@5,auc,"
                                               + "topk-accuracy@5,coverage,gini,diversity,novelty,personalization,popularity")
        var outs: [[String: Double]] = []
        for threads in [1, 2, 3] {
            let c = EvalConfiguration(algorithms: ["popularity"], metrics: metrics, seed: 4, threads: threads)
            outs.append(try EvalRunner.run(dataset: data, split: "kfold:3", folds: folds, configuration: c).results[0].metrics)
        }
        for m in metrics {
            XCTAssertFalse(outs[0][m.name]!.isNaN, m.name)
            XCTAssertEqual(outs[0][m.name], outs[1][m.name], m.name)
            XCTAssertEqual(outs[0][m.name], outs[2][m.name], m.name)
        }
    }

    // MARK: Protocol, seen through a spying model

    final class Spy: Recommender, @unchecked Sendable {
        static let name = "spy"
        static let summary = "records what evaluation asks"
        static let parameterSpecs: [ParameterSpec] = []
        let parameters = Parameters()
        private let lock = NSLock()
        var fitted: RatingMatrix?
        var profiles: [Profile] = []
        init(parameters: Parameters) throws {}
        func fit(_ data: Dataset, context: FitContext) throws { fitted = data.ratings }
        func record(_ p: Profile) { lock.lock(); profiles.append(p); lock.unlock() }
        func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
            record(profile)
            return items.map { _ in Prediction(3) }
        }
        func scores(_ profile: Profile) -> [Float] {
            record(profile)
            return (0..<fitted!.itemCount).map { Float($0) }
        }
        func similarItems(to item: Int32, count: Int) -> [ScoredItem] { [] }
        func explain(_ profile: Profile, item: Int32) -> Explanation {
            Explanation(algorithm: Self.name, item: item, score: 0)
        }
    }

    func testProfilesAreTrainingRowsAndCandidatesExcludeThem() throws {
        let (_, folds) = try fixture()
        let spy = try Spy(parameters: Parameters())
        let c = EvalConfiguration(algorithms: [], metrics: try MetricSpec.parseList("rmse,precision@10"))
        let r = try EvalRunner.evaluate(model: spy, fold: folds[0], configuration: c)
        let train = folds[0].train.ratings
        XCTAssertEqual(spy.profiles.count, 6)  // predict and scores for each of 3 users
        for p in spy.profiles {
            let u = try XCTUnwrap(p.trainingUser)
            XCTAssertEqual(p.items, Array(train.row(u).items))
        }
        // Scores rise with the index: a's list is [3, 2] (0, 1 excluded) → 1 hit of 2.
        // b: [3, 1] with relevant {1, 3} → 1; c: [3, 2, 1] with relevant {1} → 1/3.
        XCTAssertEqual(r.metrics["precision@10"]!, (0.5 + 1 + 1.0 / 3) / 3, accuracy: 1e-12)
    }

    func testColdStartFoldsInWithoutTrainingUser() throws {
        let data = EvalTestData.random(users: 40, items: 30, maxPerUser: 12)
        let fold = try Splitter.folds(.holdoutUser(0.3), dataset: data, seed: 2)[0]
        let spy = try Spy(parameters: Parameters())
        let c = EvalConfiguration(algorithms: [], metrics: try MetricSpec.parseList("rmse,ndcg@5"), seed: 2)
        _ = try EvalRunner.evaluate(model: spy, fold: fold, configuration: c, coldStart: 2)
        let fitted = try XCTUnwrap(spy.fitted)
        XCTAssertFalse(spy.profiles.isEmpty)
        for p in spy.profiles {
            XCTAssertNil(p.trainingUser)
            XCTAssertLessThanOrEqual(p.count, 2)
        }
        for u in 0..<Int32(data.userCount) where fold.test.rowCount(u) > 0 {
            // The model saw exactly the kept ratings, a subset of the user's training row.
            XCTAssertEqual(fitted.rowCount(u), min(2, fold.train.ratings.rowCount(u)))
            for i in fitted.row(u).items { XCTAssertNotNil(fold.train.ratings.rating(user: u, item: i)) }
        }
        // Same seed, same kept ratings.
        let spy2 = try Spy(parameters: Parameters())
        _ = try EvalRunner.evaluate(model: spy2, fold: fold, configuration: c, coldStart: 2)
        XCTAssertEqual(spy2.fitted!.rowItems, fitted.rowItems)
    }

    func testProgressReachesOneAndCancellationStops() throws {
        let (ds, folds) = try fixture()
        let c = EvalConfiguration(algorithms: ["popularity"], metrics: MetricSpec.defaults)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var events: [EvalProgress] = []
            func add(_ e: EvalProgress) { lock.lock(); events.append(e); lock.unlock() }
        }
        let log = Log()
        _ = try EvalRunner.run(dataset: ds, split: "files", folds: folds, configuration: c, progress: { log.add($0) })
        XCTAssertEqual(log.events.last?.fraction, 1)
        XCTAssertTrue(log.events.contains { $0.fit != nil }, "the model's fit progress is passed on")
        XCTAssertTrue(log.events.allSatisfy { $0.fraction >= 0 && $0.fraction <= 1 })
        let token = CancellationToken()
        token.cancel()
        XCTAssertThrowsError(try EvalRunner.run(dataset: ds, split: "files", folds: folds, configuration: c,
                                                cancellation: token)) { e in
            XCTAssertTrue(e is FitCancelled)
        }
    }
}

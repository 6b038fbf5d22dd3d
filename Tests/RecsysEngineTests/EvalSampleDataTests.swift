import Foundation
import XCTest
@testable import RecsysEngine

/// `eval` end to end on the bundled sample data, through the runner API the command uses.
final class EvalSampleDataTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data").path

    func testPopularityOnTheSampleInEveryFormat() throws {
        let ds = try DatasetLoader.load(path: Self.folder)
        XCTAssertEqual(ds.userCount, 720)
        XCTAssertEqual(ds.itemCount, 786)
        let folds = try Splitter.folds(.holdoutUser(0.2), dataset: ds, seed: 42)
        let metrics = try MetricSpec.parseList("rmse,mae,precision@10,recall@10,ndcg@10,map@10,coverage,diversity,novelty")
        let c = EvalConfiguration(algorithms: ["popularity"], metrics: metrics, seed: 42)
        let report = try EvalRunner.run(dataset: ds, split: "holdout-user:0.2", folds: folds, configuration: c)
        let r = report.results[0]
        let f = r.perFold[0]
        XCTAssertEqual(f.usersEvaluated + f.usersSkipped, 720)
        XCTAssertGreaterThan(f.usersEvaluated, 700)
        for name in ["precision@10", "recall@10", "ndcg@10", "map@10", "coverage", "diversity"] {
            let v = r.metrics[name]!
            XCTAssertTrue(v > 0 && v <= 1, "\(name) = \(v)")
        }
        XCTAssertTrue(r.metrics["rmse"]! > 0.5 && r.metrics["rmse"]! < 2, "rmse \(r.metrics["rmse"]!)")
        XCTAssertGreaterThan(r.metrics["rmse"]!, r.metrics["mae"]!)
        XCTAssertGreaterThan(r.metrics["novelty"]!, 0)

        // The sample has a popularity prior: the most-rated films beat a random list,
        // whose expected precision is the mean of |R_u| / |C_u|.
        let train = folds[0].train.ratings, test = folds[0].test
        var expected = 0.0, n = 0
        for u in 0..<Int32(ds.userCount) where test.rowCount(u) > 0 {
            expected += Double(test.rowCount(u)) / Double(ds.itemCount - train.rowCount(u))
            n += 1
        }
        XCTAssertGreaterThan(r.metrics["precision@10"]!, 1.5 * expected / Double(n))

        let table = report.table()
        XCTAssertTrue(table.contains("ndcg@10") && table.contains("popularity"), table)
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        let result = (json["results"] as! [[String: Any]])[0]
        XCTAssertEqual((result["metrics"] as! [String: Any])["ndcg@10"] as! Double, r.metrics["ndcg@10"]!, accuracy: 1e-6)
        let csv = report.csv().split(separator: "\n")
        XCTAssertEqual(csv.count, 2)
        XCTAssertTrue(csv[1].hasPrefix("popularity,,"))
    }
}

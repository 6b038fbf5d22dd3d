import Foundation
import XCTest

/// `eval --model FILE`: a saved model is evaluated instead of a freshly fitted one.
final class EvalModelCommandTests: XCTestCase {
    /// A train/test pair: 20 users, 12 distinct items each out of 30 (seeded LCG), 3 per user held out.
    /// Every test user and item also occurs in the training file, so the split's training data is
    /// exactly what `train --data TRAIN` loads.
    private func splitFiles() throws -> (dir: URL, train: String, test: String) {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var train: [String] = [], test: [String] = []
        for u in 1...20 {
            var items: [Int] = []
            while items.count < 12 { let i = 100 + next(30); if !items.contains(i) { items.append(i) } }
            for (k, i) in items.enumerated() {
                let line = "\(u)\t\(i)\t\(1 + next(5))\t\(880000000 + k)"
                if k < 3 { test.append(line) } else { train.append(line) }
            }
        }
        // Item 100+k for every k must be in training data so the catalogs agree.
        for i in 100..<130 { train.append("21\t\(i)\t3\t880000000") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-evalmodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tr = dir.appendingPathComponent("train.tsv").path, te = dir.appendingPathComponent("test.tsv").path
        try (train.joined(separator: "\n") + "\n").write(toFile: tr, atomically: true, encoding: .utf8)
        try (test.joined(separator: "\n") + "\n").write(toFile: te, atomically: true, encoding: .utf8)
        return (dir, tr, te)
    }

    private func metrics(_ r: CLI.Result) throws -> [String: Double] {
        let j = try CLI.json(r.stdout)
        let results = try XCTUnwrap(j["results"] as? [[String: Any]], r.stdout)
        XCTAssertEqual(results.count, 1)
        return try XCTUnwrap(results.first?["metrics"] as? [String: Double], r.stdout)
    }

    func testSavedModelGivesTheSameMetricsAsFitting() throws {
        let (dir, train, test) = try splitFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("ease.model").path
        let t = try CLI.run(["train", "--algorithm", "ease", "--data", train, "--out", model])
        XCTAssertEqual(t.status, 0, t.stderr)
        let common = ["eval", "--train", train, "--test", test, "--algorithm", "ease", "--format", "json", "--quiet",
                      "--metrics", "rmse,mae,ndcg@10,recall@5,coverage"]
        let fitted = try CLI.run(common)
        XCTAssertEqual(fitted.status, 0, fitted.stderr)
        let loaded = try CLI.run(common + ["--model", model])
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        let a = try metrics(fitted), b = try metrics(loaded)
        XCTAssertEqual(Set(a.keys), ["rmse", "mae", "ndcg@10", "recall@5", "coverage"])
        XCTAssertEqual(a, b)
    }

    func testModelOfAnotherFileIsRefused() throws {
        let (dir, train, test) = try splitFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("other.model").path
        let t = try CLI.run(["train", "--algorithm", "popularity", "--data", test, "--out", model])
        XCTAssertEqual(t.status, 0, t.stderr)
        let r = try CLI.run(["eval", "--train", train, "--test", test, "--algorithm", "popularity", "--quiet",
                             "--model", model])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("retrain it with recsys-tui train"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testModelNeedsFilesSplitAndOneAlgorithm() throws {
        let (dir, train, test) = try splitFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("pop.model").path
        XCTAssertEqual(try CLI.run(["train", "--algorithm", "popularity", "--data", train, "--out", model]).status, 0)
        let two = try CLI.run(["eval", "--train", train, "--test", test, "--algorithm", "popularity,ease", "--quiet",
                               "--model", model])
        XCTAssertEqual(two.status, 2)
        XCTAssertTrue(two.stderr.contains("one algorithm"), two.stderr)
        let split = try CLI.run(["eval", "--data", train, "--algorithm", "popularity", "--quiet", "--model", model])
        XCTAssertEqual(split.status, 2)
        XCTAssertTrue(split.stderr.contains("--train and --test"), split.stderr)
    }
}

import Foundation
import XCTest

final class RecommendBenchCommandTests: XCTestCase {
    func testBenchReportsEveryContractKey() throws {
        let data = try CLI.blockRatingsFile()
        let r = try CLI.run(["bench", "--data", data, "--algorithms", "popularity,content,ease", "--ratings", "30",
                             "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertNotNil(j["load_seconds"] as? Double)
        let fit = try XCTUnwrap(j["fit_seconds"] as? [String: Any])
        XCTAssertEqual(Set(fit.keys), ["popularity", "content", "ease"])
        let foldin = try XCTUnwrap(j["foldin_ms"] as? [String: [String: Double]])
        XCTAssertEqual(Set(foldin.keys), ["popularity", "content", "ease"])
        for (_, v) in foldin {
            let p50 = try XCTUnwrap(v["p50"]), p99 = try XCTUnwrap(v["p99"])
            XCTAssertLessThanOrEqual(p50, p99)
        }
        let all = try XCTUnwrap(j["recompute_all_ms"] as? [String: Double])
        XCTAssertGreaterThanOrEqual(all["p99"] ?? -1, foldin["ease"]?["p99"] ?? 0)
        let render = try XCTUnwrap(j["render_ms"] as? [String: Double], "the key-redraw figure is reported")
        XCTAssertEqual(render["width"], 120)
        XCTAssertEqual(render["height"], 40)
        let p50 = try XCTUnwrap(render["p50"]), p99 = try XCTUnwrap(render["p99"]), mx = try XCTUnwrap(render["max"])
        XCTAssertTrue(p50 > 0 && p50 <= p99 && p99 <= mx, "\(render)")
        // The first frame (once a skipped test, testRenderTimingAtScale) is part of the benchmark now.
        let first = try XCTUnwrap(j["first_frame_ms"] as? Double)
        XCTAssertGreaterThan(first, 0)
    }

    /// `--param ALGO.KEY=V` sets a benchmarked algorithm's parameter; a bad one is one line and status 2.
    func testBenchTakesParametersOfItsAlgorithms() throws {
        let data = try CLI.blockRatingsFile()
        let ok = try CLI.run(["bench", "--data", data, "--algorithms", "popularity", "--ratings", "5",
                              "--param", "popularity.by=mean", "--format", "json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let bad = try CLI.run(["bench", "--data", data, "--algorithms", "popularity", "--param", "svd.epochs=2"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--param expects ALGO.KEY=VALUE for a benchmarked algorithm (got 'svd.epochs=2')"),
                      bad.stderr)
        let wrong = try CLI.run(["bench", "--data", data, "--algorithms", "popularity", "--param", "popularity.by=nope"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertEqual(wrong.stderr.split(separator: "\n").count, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("nope"), wrong.stderr)
    }
}

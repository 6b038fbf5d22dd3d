import Foundation
import XCTest

/// `bench --fit-budget` and `--memory`: per-model status, peak memory and limits; bad values exit 2.
final class BenchScaleCommandTests: XCTestCase {
    func testBenchReportsFitStatusPeakMemoryAndLimits() throws {
        let data = try CLI.blockRatingsFile()
        // 12 items; a 16 MiB budget allows √(16 MiB / 4) = 2048 dense items: no cap. max_items is a
        // parameter, so no limit either. item-knn at 16 MiB: 2 MiB / (12 · 8) per item, no cap.
        let r = try CLI.run(["bench", "--data", data, "--algorithms", "popularity,item-knn,ease", "--ratings", "5",
                             "--memory", "16M", "--fit-budget", "10m", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        XCTAssertEqual(j["memory_budget_bytes"] as? Int, 16 << 20)
        XCTAssertEqual(j["fit_budget_seconds"] as? Double, 600)
        let status = try XCTUnwrap(j["fit_status"] as? [String: String])
        XCTAssertEqual(status, ["popularity": "ok", "item-knn": "ok", "ease": "ok"])
        let peak = try XCTUnwrap(j["peak_rss_mb"] as? [String: Double])
        let before = try XCTUnwrap(j["rss_before_fit_mb"] as? [String: Double])
        XCTAssertEqual(Set(peak.keys), ["popularity", "item-knn", "ease"])
        for (name, p) in peak {
            XCTAssertGreaterThan(p, 1, name)
            XCTAssertGreaterThanOrEqual(p, (before[name] ?? 0) - 1, "the peak during a fit is at least the RSS at its start")
        }
        let limits = try XCTUnwrap(j["fit_limits"] as? [String: [Any]])
        XCTAssertEqual(limits.values.map(\.count), [0, 0, 0])
        // Old keys unchanged.
        let wall = try XCTUnwrap(j["fit_seconds"] as? [String: Double])
        XCTAssertEqual(Set(wall.keys), ["popularity", "item-knn", "ease"])
        // CPU seconds of the process during each fit: never negative, never more than every core for the wall time.
        let cpu = try XCTUnwrap(j["fit_cpu_seconds"] as? [String: Double])
        XCTAssertEqual(Set(cpu.keys), Set(wall.keys))
        for (name, c) in cpu {
            XCTAssertGreaterThanOrEqual(c, 0, name)
            XCTAssertLessThanOrEqual(c, (wall[name] ?? 0) * Double(ProcessInfo.processInfo.activeProcessorCount) + 0.01, name)
        }
    }

    func testAModelOverItsTimeBudgetIsCancelledAndReported() throws {
        let data = try CLI.blockRatingsFile()
        // two-tower trains for epochs and checks for cancellation between them; 1 ms is far less than its fit
        // of 500 epochs (the engine is optimised even in debug builds: its default fit here can end within 1 ms).
        let slow = ["--param", "two-tower.epochs=500"]
        let r = try CLI.run(["bench", "--data", data, "--algorithms", "popularity,two-tower", "--ratings", "3",
                             "--fit-budget", "0.001s", "--format", "json"] + slow)
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout)
        let status = try XCTUnwrap(j["fit_status"] as? [String: String])
        XCTAssertEqual(status["two-tower"], "cancelled")
        let foldin = try XCTUnwrap(j["foldin_ms"] as? [String: Any])
        XCTAssertNil(foldin["two-tower"], "a cancelled model is not measured")
        let table = try CLI.run(["bench", "--data", data, "--algorithms", "two-tower", "--ratings", "3",
                                 "--fit-budget", "0.001s"] + slow)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("cancelled"), table.stdout)
    }

    func testTheMemoryFlagIsAcceptedWhereFitsHappenAndShown() throws {
        let data = try CLI.blockRatingsFile()
        let e = try CLI.run(["eval", "--data", data, "--algorithm", "ease", "--memory", "16M", "--metrics", "ndcg@10",
                             "--format", "json", "--quiet"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let b = try CLI.run(["bench", "--data", data, "--algorithms", "ease", "--ratings", "3", "--memory", "16M"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stdout.contains("fits (memory budget 16 MiB"), b.stdout)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("knn-\(UUID().uuidString).model").path
        let t = try CLI.run(["train", "--data", data, "--algorithm", "item-knn", "--memory", "64M", "--out", out, "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }

    func testBadBudgetsAreOneLineAndExit2() throws {
        let data = try CLI.blockRatingsFile()
        for (args, needle) in [
            (["bench", "--data", data, "--fit-budget", "soon"], "--fit-budget"),
            (["bench", "--data", data, "--fit-budget", "-3s"], "--fit-budget"),
            (["bench", "--data", data, "--memory", "lots"], "--memory"),
            (["eval", "--data", data, "--algorithm", "ease", "--memory", "1K"], "--memory"),
            (["train", "--data", data, "--algorithm", "ease", "--out", "/tmp/x.model", "--memory", "4X"], "--memory"),
        ] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains(needle), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }
}

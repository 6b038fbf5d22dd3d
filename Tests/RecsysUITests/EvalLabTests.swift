import XCTest
import RecsysEngine
import RecsysTestSupport
@testable import RecsysUI

final class EvalLabTests: XCTestCase {
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [EvalLabEvent] = []
        func append(_ e: EvalLabEvent) { lock.lock(); items.append(e); lock.unlock() }
        var all: [EvalLabEvent] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func testKeysChooseAlgorithmsSplitAndMetrics() {
        var lab = EvalLabState(algorithms: ["popularity", "baseline", "svd"], chosen: ["popularity"], metrics: ["rmse"])
        XCTAssertEqual(handleEvalLabKey(&lab, .down), .handled)
        XCTAssertEqual(handleEvalLabKey(&lab, .char(" ")), .handled)
        XCTAssertEqual(lab.chosenAlgorithms, ["popularity", "baseline"])
        _ = handleEvalLabKey(&lab, .down); _ = handleEvalLabKey(&lab, .down)   // split row
        XCTAssertEqual(handleEvalLabKey(&lab, .right), .handled)
        XCTAssertEqual(lab.splitText, "holdout-user:0.2")
        _ = handleEvalLabKey(&lab, .left); _ = handleEvalLabKey(&lab, .left)
        XCTAssertEqual(lab.splitText, EvalLabState.splitChoices.last)
        _ = handleEvalLabKey(&lab, .down)                                      // first metric: rmse
        _ = handleEvalLabKey(&lab, .char(" "))
        XCTAssertTrue(lab.chosenMetrics.isEmpty)
        XCTAssertEqual(handleEvalLabKey(&lab, .char("r")), .start)
        XCTAssertNil(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 1))
        XCTAssertEqual(lab.message, "choose at least one metric (Space)")
        XCTAssertEqual(handleEvalLabKey(&lab, .char("q")), .ignored)
    }

    func testJobProducesResultsAndTheScreenDrawsThem() throws {
        var lab = EvalLabState(algorithms: ["popularity", "baseline"], chosen: ["popularity", "baseline"],
                               metrics: ["rmse", "precision@10"])
        let job = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 3, threads: 1))
        XCTAssertTrue(lab.running)
        XCTAssertEqual(job.algorithms, ["popularity", "baseline"])
        // While running the screen shows one progress bar per algorithm.
        var running = ScreenBuffer(width: 100, height: 30)
        renderEvalLab(lab, theme: Theme(colour: false), area: running.area, into: &running)
        XCTAssertTrue(running.lines.joined(separator: "\n").contains("Running"))
        XCTAssertEqual(handleEvalLabKey(&lab, .down), .ignored, "browsing keys go to the app while running")

        let events = Events()
        job.run(send: events.append)
        let all = events.all
        guard case .finished(let run, let report)? = all.last else { return XCTFail("no report: \(all)") }
        XCTAssertEqual(run, lab.run)
        XCTAssertEqual(report.results.map(\.algorithm), ["popularity", "baseline"])
        XCTAssertNotNil(report.results[1].metrics["rmse"])
        XCTAssertNotNil(report.results[0].metrics["precision@10"])
        let progress = all.compactMap { e -> EvalLabProgress? in
            if case .progress(_, _, let p) = e { return p } else { return nil }
        }
        XCTAssertFalse(progress.isEmpty)
        XCTAssertTrue(progress.allSatisfy { (0...1).contains($0.fraction) })
        for e in all { applyEvalLabEvent(&lab, e) }
        XCTAssertFalse(lab.running)
        XCTAssertEqual(lab.progress["baseline"]?.fraction, 1)

        var buffer = ScreenBuffer(width: 100, height: 30)
        renderEvalLab(lab, theme: Theme(colour: false), area: buffer.area, into: &buffer)
        let text = buffer.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Results"))
        XCTAssertTrue(text.contains("rmse (lower is better)"))
        XCTAssertTrue(text.contains("precision@10 (higher is better)"))
        let rmse = try XCTUnwrap(report.results[1].metrics["rmse"])
        XCTAssertTrue(text.contains(fixed(rmse, 4)), "the table shows baseline's RMSE")
        // The largest value of a metric gets the full bar.
        let barLines = buffer.lines.filter { $0.contains("█") }
        XCTAssertGreaterThanOrEqual(barLines.count, 2)
    }

    func testCancelStopsTheRunAndDropsItsLateEvents() throws {
        var lab = EvalLabState(algorithms: ["popularity"], chosen: ["popularity"], metrics: ["rmse"])
        let job = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 3, threads: 1))
        XCTAssertEqual(handleEvalLabKey(&lab, .escape), .handled)
        XCTAssertFalse(lab.running)
        XCTAssertEqual(lab.message, "cancelled")
        XCTAssertTrue(job.cancellation.isCancelled)
        let events = Events()
        job.run(send: events.append)
        guard case .failed(_, let text)? = events.all.last else { return XCTFail("expected failure") }
        XCTAssertEqual(text, "cancelled")
        // A finished event of an older run does not overwrite a newer one.
        let second = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 3, threads: 1))
        XCTAssertEqual(second.run, job.run + 1)
        applyEvalLabEvent(&lab, .failed(run: job.run, "stale"))
        XCTAssertTrue(lab.running)
        XCTAssertNil(lab.message)
    }

    func testBadSplitIsReportedNotThrown() {
        let job = EvalLabJob(run: 1, dataset: UIFixtures.dataset(), algorithms: ["popularity"], split: "nonsense",
                             metrics: ["rmse"])
        let events = Events()
        job.run(send: events.append)
        guard case .failed(1, let text)? = events.all.last else { return XCTFail("expected failure") }
        XCTAssertFalse(text.isEmpty)
    }

    func testColdStartRunDrawsOneChartPointPerN() throws {
        var lab = EvalLabState(algorithms: ["popularity", "baseline"], chosen: ["popularity"], metrics: ["rmse"])
        XCTAssertEqual(handleEvalLabKey(&lab, .char("o")), .handled)
        XCTAssertTrue(lab.coldStart)
        let job = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 5, threads: 1))
        XCTAssertEqual(job.coldStart, EvalLabState.coldStartCounts)
        let events = Events()
        job.run(send: events.append)
        guard case .finished(_, let report)? = events.all.last else { return XCTFail("no report: \(events.all)") }
        XCTAssertEqual(report.results.compactMap(\.coldStart), EvalLabState.coldStartCounts)
        // Progress stays per algorithm even though the runner runs six times.
        for e in events.all {
            if case .progress(_, let name, let p) = e { XCTAssertEqual(name, "popularity"); XCTAssertLessThanOrEqual(p.fraction, 1) }
        }
        let chart = try XCTUnwrap(labLineChart(report, theme: Theme(colour: false)))
        XCTAssertEqual(chart.title, "rmse vs cold start N")
        XCTAssertEqual(chart.chart.series.count, 1)
        XCTAssertEqual(chart.chart.series[0].points.map(\.x), EvalLabState.coldStartCounts.map(Double.init))
        XCTAssertEqual(chart.chart.series[0].points.map(\.y), report.results.map { $0.metrics["rmse"]! })

        for e in events.all { applyEvalLabEvent(&lab, e) }
        var buffer = ScreenBuffer(width: 100, height: 60)
        renderEvalLab(lab, theme: Theme(colour: false), area: buffer.area, into: &buffer)
        let lines = buffer.lines
        XCTAssertTrue(lines.contains { $0.contains("rmse vs cold start N") })
        XCTAssertTrue(lines.contains { $0.contains("N (training ratings kept per user)") })
        XCTAssertTrue(lines.contains { $0.contains("● popularity") })
        XCTAssertTrue(lines.contains { $0.range(of: #"1 +2 +3 +5 +10 +20"#, options: .regularExpression) != nil },
                      "one x label per N")
        let dots = lines.joined().unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        XCTAssertFalse(dots.isEmpty, "the curve is drawn in braille")
    }

    func testGridKeyCyclesPresetsAndTheRunChartsTheParameter() throws {
        var lab = EvalLabState(algorithms: ["popularity", "baseline"], chosen: ["popularity", "baseline"], metrics: ["rmse"])
        // Issue 17.8: s is the grid toggle (g is "first row" as in every list), S the next preset.
        XCTAssertEqual(handleEvalLabKey(&lab, .char("s")), .handled)
        XCTAssertEqual(lab.grid, "popularity.damping=0,5,10,50")
        _ = handleEvalLabKey(&lab, .char("S"))
        XCTAssertEqual(lab.grid, "baseline.reg_i=0,5,10,25")
        _ = handleEvalLabKey(&lab, .char("s"))
        XCTAssertNil(lab.grid, "pressing s again turns the grid off")
        _ = handleEvalLabKey(&lab, .char("s")); _ = handleEvalLabKey(&lab, .char("S"))
        let job = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 5, threads: 1))
        let events = Events()
        job.run(send: events.append)
        guard case .finished(_, let report)? = events.all.last else { return XCTFail("no report: \(events.all)") }
        XCTAssertTrue(report.isGrid)
        XCTAssertEqual(report.results.map(\.algorithm), ["popularity", "baseline", "baseline", "baseline", "baseline"])
        let chart = try XCTUnwrap(labLineChart(report, theme: Theme(colour: false)))
        XCTAssertEqual(chart.title, "rmse vs baseline.reg_i")
        XCTAssertEqual(chart.chart.series.map(\.name), ["baseline"])
        XCTAssertEqual(chart.chart.series[0].points.map(\.x), [0, 5, 10, 25])
        // A plain run has no line chart.
        var plain = report
        plain.results = [report.results[0]]
        plain.isGrid = false
        XCTAssertNil(labLineChart(plain, theme: Theme(colour: false)))
    }
}

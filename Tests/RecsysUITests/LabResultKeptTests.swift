import RecsysEngine
import RecsysRuntime
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Issue 15 (handout): a finished lab run is kept as the profile's last one, through the store effect.
final class LabResultKeptTests: XCTestCase {
    func testAFinishedLabRunIsKeptForTheProfile() throws {
        let d = Driver(algorithms: ["popularity", "baseline"], extraModels: false)
        d.send(.started)
        XCTAssertNil(try d.store.labResult(profile: "default"), "no run yet")
        d.key(.char("v"))
        d.key(.char("r"))
        let report = try XCTUnwrap(d.state.evalLab?.report, d.state.evalLab?.message ?? "no report")
        let kept = d.effects.compactMap { e -> (String, EvalReport)? in
            if case .saveLabResult(let p, let r) = e { return (p, r) } else { return nil }
        }
        XCTAssertEqual(kept.count, 1, "one store effect per finished run")
        XCTAssertEqual(kept.first?.0, "default")
        XCTAssertEqual(ExploreEffects.placement(of: .saveLabResult(profile: "default", report)).queue, "store")
        let stored = try XCTUnwrap(try d.store.labResult(profile: "default"))
        XCTAssertEqual(stored, LabRecord(report, savedAt: 1_700_000_000))
        XCTAssertEqual(stored.results.map(\.algorithm), report.results.map(\.algorithm))
    }

    func testACancelledOrFailedRunKeepsNothing() throws {
        let d = Driver(algorithms: ["popularity"], extraModels: false)
        d.send(.started)
        d.key(.char("v"))
        d.state.evalLab?.split = 0
        let run = (d.state.evalLab?.run ?? 0) + 1
        d.state.evalLab?.run = run
        d.state.evalLab?.running = true
        d.send(.evalLab(.failed(run: run, "bad split")))
        XCTAssertFalse(d.effects.contains { if case .saveLabResult = $0 { return true } else { return false } })
        XCTAssertNil(try d.store.labResult(profile: "default"))
    }
}

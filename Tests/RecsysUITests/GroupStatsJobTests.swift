import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// The Users screen's group figures are an engine job: `o` never computes `GroupStatistics` on the key
/// press; it asks for a `GroupStatsJob`, the pane says "computing…", and the figures appear when the
/// job's `.groupStatsReady` arrives. An answer for an attribute the user has moved past is dropped.
final class GroupStatsJobTests: XCTestCase {
    /// The `GroupStatsJob`s among `effects`, in order.
    private func groupJobs(_ effects: ArraySlice<Effect>) -> [GroupStatsJob] {
        effects.compactMap { if case .groupStats(let job) = $0 { return job } else { return nil } }
    }

    func testGroupingAsksForTheFiguresAndShowsComputingUntilTheyArrive() throws {
        let d = Driver(algorithms: ["popularity"], extraModels: false, width: 120, height: 40)
        let ds = d.state.dataset
        let attributes = Demographics.present(in: ds.userAttributes)
        XCTAssertGreaterThanOrEqual(attributes.count, 2, "the UI fixture has at least two attributes")
        d.key(.char("U"))
        d.runEngine = false
        var seen = d.effects.count
        d.key(.char("o"))
        XCTAssertEqual(d.state.users.groupAttribute, attributes[0])
        XCTAssertNil(d.state.users.groupStats, "not computed on the key press")
        XCTAssertTrue(d.state.users.isComputingGroupStats)
        let jobs = groupJobs(d.effects[seen...])
        XCTAssertEqual(jobs.map(\.attribute), [attributes[0]], "exactly one job, for the new attribute")
        XCTAssertEqual(Effect.groupStats(jobs[0]).lane, .engine)
        // The detail pane needs the user's details; run that job so the pane is drawn.
        for case .userDetails(let job) in d.effects[seen...] { d.send(.userDetailsReady(job.run())) }
        let u = try XCTUnwrap(d.state.selectedUser)
        let value = try XCTUnwrap(d.state.users.groupValue(of: u, in: ds))
        XCTAssertTrue(d.screenText().contains("\(attributes[0]) \(value): computing…"), d.screenText())

        // The answer arrives: the pane shows the group's figures, which are GroupStatistics'.
        d.send(jobs[0].run())
        let expected = try XCTUnwrap(GroupStatistics(ds, by: attributes[0]))
        XCTAssertEqual(d.state.users.groupStats, expected)
        XCTAssertFalse(d.state.users.isComputingGroupStats)
        let group = try XCTUnwrap(expected.groups.first { $0.value == value })
        XCTAssertTrue(d.screenText().contains("\(attributes[0]) \(value): \(group.users) users"), d.screenText())
        XCTAssertFalse(d.screenText().contains("computing…"), d.screenText())

        // `=` filters within the same grouping: the figures stay, no new job.
        seen = d.effects.count
        d.key(.char("="))
        XCTAssertEqual(d.state.users.filterValue, value)
        XCTAssertEqual(d.state.users.groupStats, expected)
        XCTAssertTrue(groupJobs(d.effects[seen...]).isEmpty)
        d.key(.char("="))

        // Next attribute: a new job; the first attribute's late answer is dropped, the second's is kept.
        seen = d.effects.count
        d.key(.char("o"))
        XCTAssertEqual(d.state.users.groupAttribute, attributes[1])
        XCTAssertTrue(d.state.users.isComputingGroupStats)
        let next = groupJobs(d.effects[seen...])
        XCTAssertEqual(next.map(\.attribute), [attributes[1]])
        d.send(jobs[0].run())
        XCTAssertNil(d.state.users.groupStats, "a late answer for \(attributes[0]) is not shown under \(attributes[1])")
        XCTAssertTrue(d.state.users.isComputingGroupStats)
        d.send(next[0].run())
        XCTAssertEqual(d.state.users.groupStats, GroupStatistics(ds, by: attributes[1]))
        XCTAssertFalse(d.state.users.isComputingGroupStats)
    }

    func testUngroupingAsksForNothing() {
        let d = Driver(algorithms: ["popularity"], extraModels: false, width: 120, height: 40)
        let attributes = Demographics.present(in: d.state.dataset.userAttributes)
        d.key(.char("U"))
        for _ in attributes { d.key(.char("o")) }
        let seen = d.effects.count
        d.key(.char("o"))
        XCTAssertNil(d.state.users.groupAttribute)
        XCTAssertFalse(d.state.users.isComputingGroupStats)
        XCTAssertTrue(groupJobs(d.effects[seen...]).isEmpty, "back to dataset order: no figures to compute")
    }
}

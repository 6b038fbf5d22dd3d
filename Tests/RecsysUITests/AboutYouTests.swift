import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Issue 13, item 3: the quick start's optional "tell us about you, or skip" step (`:about`).
final class AboutYouTests: XCTestCase {
    func testAboutStoresWhoYouAreAndTheDemographicModelUsesIt() throws {
        let d = Driver(algorithms: ["popularity", "demographic"], extraModels: false)
        XCTAssertTrue(d.screenText().contains("Optional: tell us about you (:about age=25-34"), d.screenText())
        d.key(.char(":"))
        d.type("about age=56+ gender=M occupation=writer")
        d.key(.enter)
        XCTAssertEqual(try d.store.demographics(profile: "default"), UserAttributes(age: 56, gender: "M", occupation: "writer"),
                       "on disk before the screen says saved")
        XCTAssertEqual(d.state.profile.attributes, UserAttributes(age: 56, gender: "M", occupation: "writer"))
        XCTAssertTrue(d.state.status.text.hasPrefix("saved: you are 56+, M, writer"), d.state.status.text)
        XCTAssertTrue(d.screenText().contains("You are 56+, M, writer (:about to change)"), d.screenText())
        // Bad values name the allowed ones and change nothing.
        d.key(.char(":"))
        d.type("about age=29")
        d.key(.enter)
        XCTAssertTrue(d.state.status.isError)
        XCTAssertTrue(d.state.status.text.contains("25-34"), d.state.status.text)
        XCTAssertEqual(d.state.profile.attributes.age, 56)
        // With no rating yet, the demographic tab shows its own list (the cell alone) instead of the quick start.
        XCTAssertTrue(d.state.showsQuickStart, "popularity tab: still the quick start")
        d.key(.right)
        XCTAssertEqual(d.state.activeAlgorithm, "demographic")
        XCTAssertFalse(d.state.showsQuickStart)
        XCTAssertFalse(d.state.recommendationItems.isEmpty, d.screenText())
        XCTAssertEqual(d.state.recommendationItems, d.state.results["demographic"]?.rows.map(\.item))
        XCTAssertTrue(d.screenText().contains("demographic"), d.screenText())
        // The demographic model now answers for this cell: its explanation names it.
        let model = try DemographicRecommender(parameters: Parameters(["combine": "cell", "group": "age+gender"]))
        try model.fit(d.state.dataset, context: FitContext())
        let reason = ExplanationText(dataset: d.state.dataset).reason(model.explain(d.state.profile, item: 0))
        XCTAssertTrue(reason.hasPrefix("popular with 56-and-over men"), reason)
    }

    func testDatasetsWithoutDemographicsSaySoInsteadOfAsking() {
        var data = UIFixtures.dataset()
        data.userAttributes = []
        let d = Driver(dataset: data, algorithms: ["popularity"], extraModels: false)
        XCTAssertTrue(d.screenText().contains("(this dataset has no demographics, so nobody will ask who you are)"),
                      d.screenText())
        d.key(.char(":"))
        d.type("about age=25-34")
        d.key(.enter)
        XCTAssertTrue(d.state.status.isError)
        XCTAssertTrue(d.state.status.text.contains("has no demographics"), d.state.status.text)
        XCTAssertEqual(try d.store.demographics(profile: "default"), UserAttributes())
    }
}

/// Issue 13, item 4: the lab's cold-start curve starts at N = 0 and offers the new-users split, where
/// demographic has something to say before the first rating.
final class LabColdStartDemographicTests: XCTestCase {
    func testDemographicIsOnTheCurveFromZeroRatings() throws {
        var lab = EvalLabState(algorithms: ["popularity", "demographic"], chosen: ["popularity", "demographic"],
                               metrics: ["ndcg@10"])
        lab.split = try XCTUnwrap(EvalLabState.splitChoices.firstIndex(of: "new-users:0.2"))
        _ = handleEvalLabKey(&lab, .char("o"))
        let job = try XCTUnwrap(lab.start(dataset: UIFixtures.dataset(), parameters: [:], seed: 5, threads: 1))
        XCTAssertEqual(job.coldStart.first, 0)
        let events = EvalLabTests.Events()
        job.run(send: events.append)
        guard case .finished(_, let report)? = events.all.last else { return XCTFail("no report: \(events.all)") }
        let demographic = report.results.filter { $0.algorithm == "demographic" }
        XCTAssertEqual(demographic.compactMap(\.coldStart), EvalLabState.coldStartCounts)
        XCTAssertTrue(demographic.allSatisfy { $0.metrics["ndcg@10"]?.isFinite == true })
        let chart = try XCTUnwrap(labLineChart(report, theme: Theme(colour: false)))
        XCTAssertEqual(chart.chart.series.count, 2)
        XCTAssertEqual(chart.chart.series.map { $0.points.first?.x }, [0, 0])
    }
}

/// Issue 13, item 5: the Users screen groups by any attribute the dataset has (`o`) and keeps only the
/// selected user's group (`=`), with the group's figures (`GroupStatistics`, as `info --by`) in the detail pane.
final class UsersGroupingTests: XCTestCase {
    func testUsersGroupAndFilterByEveryAttributeTheDatasetHas() throws {
        let d = Driver(width: 120, height: 40)
        let ds = d.state.dataset
        let attributes = Demographics.present(in: ds.userAttributes)
        XCTAssertFalse(attributes.isEmpty, "the UI fixture has demographics")
        d.key(.char("U"))
        XCTAssertTrue(d.screenText().contains("Users (\(ds.userCount))"), d.screenText())
        for attribute in attributes {
            d.key(.char("o"))
            XCTAssertEqual(d.state.users.groupAttribute, attribute)
            XCTAssertTrue(d.screenText().contains("by \(attribute)"), d.screenText())
            let a = try XCTUnwrap(Demographics.attributes.firstIndex(of: attribute))
            // Rows are ordered by the attribute's value, users without one last; every user is listed once.
            let rows = (0..<d.state.users.rowCount(in: ds)).compactMap { d.state.users.user(atRow: $0, in: ds) }
            XCTAssertEqual(Set(rows).count, ds.userCount)
            let codes = rows.map { Int($0) < ds.userAttributes.count ? Demographics.codes(of: ds.userAttributes[Int($0)])[a] ?? .max : .max }
            XCTAssertEqual(codes, codes.sorted(), "grouped by \(attribute)")
            // The selected user's group figures are those of GroupStatistics.
            let u = try XCTUnwrap(d.state.selectedUser)
            guard let value = d.state.users.groupValue(of: u, in: ds) else { continue }
            let stats = try XCTUnwrap(GroupStatistics(ds, by: attribute))
            let group = try XCTUnwrap(stats.groups.first { $0.value == value })
            XCTAssertTrue(d.screenText().contains("\(attribute) \(value): \(group.users) users"), d.screen().joined(separator: "\n"))
            // `=`: only this group; the selected user stays selected; `=` again: everyone.
            d.key(.char("="))
            let kept = (0..<d.state.users.rowCount(in: ds)).compactMap { d.state.users.user(atRow: $0, in: ds) }
            let expected = (0..<ds.userCount).filter { d.state.users.groupValue(of: Int32($0), in: ds) == value }
            XCTAssertEqual(kept.sorted(), expected.map(Int32.init))
            XCTAssertEqual(d.state.selectedUser, u)
            XCTAssertTrue(d.screenText().contains("Users (\(kept.count) of \(ds.userCount)) · "), d.screen().joined(separator: "\n"))
            d.key(.char("j"))
            if let v = d.state.selectedUser { XCTAssertEqual(d.state.users.groupValue(of: v, in: ds), value) }
            d.key(.char("="))
            XCTAssertEqual(d.state.users.rowCount(in: ds), ds.userCount)
        }
        d.key(.char("o"))
        XCTAssertNil(d.state.users.groupAttribute, "after the last attribute: dataset order again")
        XCTAssertNil(d.state.users.order)
        XCTAssertEqual(d.state.users.user(atRow: 0, in: ds), 0)
    }

    func testDatasetsWithoutDemographicsSayTheyCannotGroup() {
        var data = UIFixtures.dataset()
        data.userAttributes = []
        let d = Driver(dataset: data, algorithms: ["popularity"], extraModels: false)
        d.key(.char("U"))
        d.key(.char("o"))
        XCTAssertNil(d.state.users.groupAttribute)
        XCTAssertTrue(d.state.status.text.contains("no demographics"), d.state.status.text)
        d.key(.char("="))
        XCTAssertTrue(d.state.status.text.contains("group the users first"), d.state.status.text)
    }
}

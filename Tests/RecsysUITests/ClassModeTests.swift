import Foundation
import RecsysEngine
import RecsysRuntime
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// A class that changes when the test says so.
final class FakeClass: ClassSource, @unchecked Sendable {
    private let lock = NSLock()
    private var members: [ClassMember] = []
    private var version = 0
    private(set) var fingerprints = 0
    private(set) var loads = 0
    var label: String { "the test class" }

    func set(_ m: [ClassMember]) { lock.lock(); members = m; version += 1; lock.unlock() }
    func fingerprint(excluding me: String) throws -> String {
        lock.lock(); defer { lock.unlock() }
        fingerprints += 1
        return "v\(version)"
    }
    func load(excluding me: String) throws -> ClassSnapshot {
        lock.lock(); defer { lock.unlock() }
        loads += 1
        return ClassSnapshot(members: members.filter { $0.name != me }, problems: [], fingerprint: "v\(version)")
    }
}

/// Class mode in the UI core: polling, the dataset swap and refits, names in reasons and on the
/// Users screen, Compare's class row, and the replay screen.
final class ClassModeTests: XCTestCase {
    let base = UIFixtures.dataset()

    func member(_ name: String, _ pairs: [(String, Float)]) -> ClassMember {
        ClassMember(name: name, ratings: pairs.enumerated().map { StoredRating(item: $1.0, value: $1.1, timestamp: Int64(100 + $0)) })
    }

    /// Runs `update` and every effect inline (like the explorer's queues, but in order), with a class source.
    final class ClassDriver {
        var state: AppState
        let runner: EffectRunner
        var effects: [Effect] = []
        init(state: AppState, source: any ClassSource, history: @escaping @Sendable (String) throws -> [RatingEvent] = { _ in [] }) {
            self.state = state
            runner = EffectRunner(store: InMemoryProfileStore(), classSource: source, history: history)
        }
        func send(_ message: Message) {
            var queue = [message]
            while !queue.isEmpty {
                for e in update(&state, queue.removeFirst()) {
                    effects.append(e)
                    if e.lane == .quit { continue }
                    let inbox = Inbox()
                    runner.run(e, send: inbox.append)
                    queue += inbox.drain()
                }
            }
        }
        func key(_ c: Character) { send(.input(.key(.char(c)))) }
        func command(_ s: String) {
            key(":")
            for c in s { key(c) }
            send(.input(.key(.enter)))
        }
    }

    func driver(_ source: FakeClass, algorithms: [String] = ["popularity", "user-knn"]) -> ClassDriver {
        var state = AppState(dataset: base, profileName: "me", algorithms: algorithms, width: 100, height: 30, colour: false)
        state.parameters = Driver.lightParameters
        let d = ClassDriver(state: state, source: source)
        d.send(.started)
        d.send(.input(.resize(width: 100, height: 30)))
        return d
    }

    func fits(_ d: ClassDriver) -> Int { d.effects.filter { if case .fitModels = $0 { return true }; return false }.count }
    func polls(_ d: ClassDriver) -> Int { d.effects.filter { if case .pollClass = $0 { return true }; return false }.count }

    func testClassOnAddsTheClassmatesAndRefitsAndTicksPoll() {
        let source = FakeClass()
        source.set([member("alice", [("1", 5), ("2", 5)]), member("me", [("3", 1)])])
        let d = driver(source)
        // The start's fits (one job per model, two lanes: FitPlan); a class refit is one job more.
        let f0 = fits(d)
        XCTAssertGreaterThan(f0, 0)
        d.command("class on")
        XCTAssertTrue(d.state.classMode.on)
        XCTAssertEqual(d.state.dataset.roster.names, ["alice"], "every profile but mine")
        XCTAssertEqual(d.state.dataset.userCount, base.userCount + 1)
        XCTAssertEqual(fits(d), f0 + 1, "the models are refitted with the class")
        XCTAssertTrue(d.state.classStatusText.hasPrefix("class of 1 · 0s ago"), d.state.classStatusText)
        XCTAssertTrue(screenText(d.state).contains("class of 1 · 0s ago"), "the status line shows the class")
        XCTAssertTrue(d.state.models["user-knn"] != nil)
        // A tick polls; nothing changed, so no new read and no refit.
        let loads = source.loads
        d.send(.tick)
        XCTAssertEqual(polls(d), 2)
        XCTAssertEqual(source.loads, loads)
        XCTAssertEqual(fits(d), f0 + 1)
        XCTAssertTrue(d.state.classStatusText.contains("1s ago"), d.state.classStatusText)
        // A classmate rates: the next tick picks it up.
        source.set([member("alice", [("1", 5), ("2", 5)]), member("bob", [("8", 5)])])
        d.send(.tick)
        XCTAssertEqual(d.state.dataset.roster.names, ["alice", "bob"])
        XCTAssertEqual(fits(d), f0 + 2)
        XCTAssertTrue(d.state.classStatusText.hasPrefix("class of 2 · 0s ago"), d.state.classStatusText)
        // Off: back to the dataset alone.
        d.command("class off")
        XCTAssertFalse(d.state.classMode.on)
        XCTAssertEqual(d.state.dataset.userCount, base.userCount)
        XCTAssertTrue(d.state.dataset.roster.isEmpty)
        XCTAssertEqual(fits(d), f0 + 3)
        d.send(.tick)
        XCTAssertEqual(polls(d), 3, "no polling once off")
        d.command("class maybe")
        XCTAssertTrue(d.state.status.isError)
    }

    func testOnlyOnePollAndOneRefitAtATime() {
        var state = AppState(dataset: base, profileName: "me", algorithms: ["popularity", "item-knn"], width: 100, height: 30)
        state.classMode.on = true
        state.classMode.base = base
        _ = update(&state, .started)
        XCTAssertEqual(state.classMode.refitting, ["popularity", "item-knn"], "the first fit counts as the class's")
        var effects = update(&state, .tick)
        XCTAssertEqual(effects.count, 1)
        effects = update(&state, .tick)
        XCTAssertTrue(effects.isEmpty, "a poll is in flight: no second one")
        let changed = ClassUpdate(fingerprint: "a", dataset: base.withClass([member("alice", [("1", 5)])]), problems: [],
                                  label: "test")
        effects = update(&state, .classPolled(changed))
        XCTAssertEqual(state.dataset.roster.names, ["alice"], "the dataset changes at once (Users, names)")
        XCTAssertTrue(effects.allSatisfy { if case .fitModels = $0 { return false }; return true }, "the running fit finishes first")
        XCTAssertTrue(state.classMode.pendingRefit)
        let m = try! PopularityRecommender()
        _ = update(&state, .modelFitted(algorithm: "popularity", model: m, seconds: 0, coverage: nil))
        effects = update(&state, .fitFailed(algorithm: "item-knn", message: "x"))
        XCTAssertTrue(effects.contains { if case .fitModels(let job) = $0 { return job.dataset.roster.names == ["alice"] }; return false },
                      "then one refit on the newest class")
        XCTAssertFalse(state.classMode.pendingRefit)
        // That refit is quiet: its models replace the old ones without a recompute each, and the
        // last one recomputes every list once.
        func recomputes(_ e: [Effect]) -> Int { e.filter { if case .recompute = $0 { return true }; return false }.count }
        let m2 = try! PopularityRecommender()
        XCTAssertEqual(recomputes(update(&state, .modelFitted(algorithm: "popularity", model: m2, seconds: 0, coverage: nil))), 0)
        let knn = try! Algorithms.make("item-knn", parameters: Parameters())
        XCTAssertEqual(recomputes(update(&state, .modelFitted(algorithm: "item-knn", model: knn, seconds: 0, coverage: nil))), 1)
        XCTAssertTrue(state.classMode.refitting.isEmpty)
    }

    func testAPollAnswersNilWhenNothingChanged() throws {
        let source = FakeClass()
        source.set([member("alice", [("1", 5)])])
        let first = try XCTUnwrap(try ClassPoll(me: "me", known: nil, base: base).run(source))
        XCTAssertEqual(first.fingerprint, "v1")
        XCTAssertNil(try ClassPoll(me: "me", known: "v1", base: base).run(source))
        XCTAssertEqual(source.loads, 1, "an unchanged class is not read again")
    }

    func testUserKNNNamesTheClassmateInItsReasons() throws {
        // alice shares my taste (sci-fi 5★) and loves film 4, which no dataset user near me rated higher.
        let alice = member("alice", [("1", 5), ("2", 5), ("3", 5), ("4", 5), ("5", 5)])
        let ds = base.withClass([alice])
        let knn = try Algorithms.make("user-knn", parameters: Parameters())
        try knn.fit(ds, context: FitContext(seed: 1))
        let pairs: [(Int32, Float)] = ["1", "2", "3"].map { (ds.catalog.index(of: $0)!, Float(5)) }
        let me = Profile(pairs)
        let film = ds.catalog.index(of: "4")!
        let e = knn.explain(me, item: film)
        let a = ds.roster.user(named: "alice")!
        XCTAssertTrue(e.terms.contains { $0.kind == Explanation.Kind.neighbour && $0.user == a }, "alice is a neighbour")
        let text = ExplanationText(dataset: ds)
        let reason = text.reason(e)
        XCTAssertTrue(reason.hasPrefix("alice rated it 5★"), reason)
        XCTAssertEqual(text.user(a), "alice")
        XCTAssertEqual(text.user(0), "user u1")
        // The explorer's recompute carries the names too.
        var job = RecomputeJob(generation: 1, profile: me, models: [NamedModel(name: "user-knn", model: knn)], selectedItem: nil,
                               stats: CatalogStats(dataset: ds))
        job.roster = ds.roster
        let rows = job.run().algorithms[0].rows
        let row = try XCTUnwrap(rows.first(where: { $0.item == film }))
        XCTAssertTrue(row.reason.contains("alice rated it 5★"), row.reason)
        // Without the class, the same renderer never invents a name.
        XCTAssertFalse(ExplanationText(dataset: base).reason(e).contains("alice"))
    }

    func testClassmatesComeFirstOnTheUsersScreenAndOnTheMap() {
        let source = FakeClass()
        source.set([member("alice", [("1", 5), ("2", 4)]), member("bob", [("8", 5)])])
        let d = driver(source)
        d.command("class on")
        d.key("U")
        XCTAssertEqual(d.state.userOnRow(0), d.state.dataset.roster.first)
        XCTAssertEqual(d.state.userOnRow(1), d.state.dataset.roster.first + 1)
        XCTAssertEqual(d.state.userOnRow(2), 0)
        XCTAssertEqual(d.state.selectedUser, d.state.dataset.roster.first)
        let text = screenText(d.state)
        XCTAssertTrue(text.contains("Users (12, 2 in class)"), text)
        XCTAssertTrue(text.contains("● alice"), text)
        XCTAssertTrue(text.contains("alice · 2 ratings"), text)
        let h = d.state.mapHighlights
        XCTAssertEqual(h.learners.map(\.name), ["alice", "bob"])
        XCTAssertEqual(Set(h.learners[0].items), Set(["1", "2"].map { base.catalog.index(of: $0)! }))
    }

    func testCompareGainsAClassRow() {
        let source = FakeClass()
        source.set([member("alice", [("1", 5), ("2", 4)]), member("bob", [("8", 5), ("10", 5)])])
        let d = driver(source)
        d.command("class on")
        d.key("c")
        d.key("5")  // a rating makes a new generation: its lists, then the class row
        let c = d.state.classMode.compare
        XCTAssertEqual(c?.learners, 3)
        XCTAssertEqual(c?.generation, d.state.generation)
        let pop = try! XCTUnwrap(c?.rows["popularity"])
        XCTAssertGreaterThan(pop.overlap, 0.3, "popularity gives everyone nearly the same list")
        XCTAssertLessThan(pop.personalization, 0.7)
        XCTAssertTrue(screenText(d.state).contains("Class (2 classmates + you, top 10)"), screenText(d.state))
    }

    func testReplayStepsThroughTheHistory() {
        let events = [RatingEvent(at: 1_700_000_000, item: "1", value: 5), RatingEvent(at: 1_700_000_060, item: "6", value: 2)]
        var state = AppState(dataset: base, profileName: "me", algorithms: ["popularity"], width: 100, height: 30, colour: false)
        state.parameters = Driver.lightParameters
        let d = ClassDriver(state: state, source: FakeClass(), history: { name in name == "me" ? events : [] })
        d.send(.started)
        d.send(.input(.resize(width: 100, height: 30)))
        d.key("R")
        XCTAssertEqual(d.state.screen, .replay)
        XCTAssertEqual(d.state.replay?.steps.count, 3)
        XCTAssertEqual(d.state.replay?.index, 2, "opens at now")
        XCTAssertTrue(screenText(d.state).contains("step 2 of 2 · 2023-11-14 22:14:20 UTC · rated Casablanca (1942) 2★"),
                      screenText(d.state))
        d.send(.input(.key(.left)))
        XCTAssertEqual(d.state.replay?.index, 1)
        d.send(.input(.key(.home)))
        XCTAssertTrue(screenText(d.state).contains("before the first rating"), screenText(d.state))
        d.key("R")
        XCTAssertEqual(d.state.screen, .explore)
    }

    func screenText(_ s: AppState) -> String {
        let b = view(s)
        return (0..<b.height).map { y in (0..<b.width).map { b[$0, y].text }.joined() }.joined(separator: "\n")
    }
}

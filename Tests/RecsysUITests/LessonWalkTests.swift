import Foundation
import RecsysEngine
import RecsysLessons
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Issue 14: every built-in lesson can be completed, step by step, by keys and `:` commands through the
/// pure UI core (models fitted and effects run synchronously by `Driver`), on the bundled sample and on
/// an ml-100k-shaped dataset. Each step must tick only once its task is done, and a wrong answer never ticks.
final class LessonWalkTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let course = try! LessonLibrary.builtIn()

    static func sample() throws -> (Dataset, [String: KnownTaste]) {
        let path = root.appendingPathComponent("sample-data").path
        return (try DatasetLoader.load(path: path), try KnownTaste.read(path: path + "/tastes.csv"))
    }

    static func ml100kShaped() throws -> Dataset {
        let fixture = root.appendingPathComponent("Tests/RecsysStoreTests/Fixtures/tiny-ml100k").path
        return try DatasetLoader.load(path: FixtureFolder.materialize(fixture))
    }

    func testEveryLessonCanBeCompletedOnTheSample() throws {
        let (ds, tastes) = try Self.sample()
        // One learner taking the course in order (the models are fitted once).
        let player = LessonPlayer(dataset: ds, tastes: tastes, course: Self.course, test: self)
        for lesson in Self.course.lessons { try player.complete(lesson) }
    }

    func testEveryLessonCanBeCompletedOnAnML100kShapedDataset() throws {
        let ds = try Self.ml100kShaped()
        XCTAssertNil(ds.tastes, "no true tastes: favourite-genre answers are computed from the ratings")
        // Each lesson from a fresh profile, with every registered algorithm: on 45 films, "two top 10s sharing
        // no film" needs a short profile and the whole set (fitting on this fixture takes a blink).
        for lesson in Self.course.lessons {
            let player = LessonPlayer(dataset: ds, tastes: [:], course: Self.course, test: self, everyAlgorithm: true)
            try player.complete(lesson)
        }
    }

    /// The issue's exercise on the sample: user 17's favourite genre is graded against tastes.csv, then the
    /// app says which algorithm's top 10 recovers it best.
    func testUser17sFavouriteGenreIsGradedAgainstTastesCSVAndRecoveryIsShown() throws {
        let (ds, tastes) = try Self.sample()
        // The truth, read from the file here (not through the app).
        let text = try String(contentsOfFile: Self.root.appendingPathComponent("sample-data/tastes.csv").path, encoding: .utf8)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("17,") })
        let liked = row.split(separator: ",")[2].split(separator: "|")
            .map { (String($0.split(separator: ":")[0]), Double($0.split(separator: ":")[1])!) }
        let truth = liked.max { $0.1 < $1.1 }!.0
        let p = LessonPlayer(dataset: ds, tastes: tastes, course: Self.course, test: self)
        p.open(3)
        while p.d.state.lessons.lesson!.steps[p.d.state.lessons.step].answer == nil { p.d.key(.char("n")) }
        let wrong = p.d.state.stats.genreNames.first { $0 != truth }!
        p.answer(wrong)
        XCTAssertFalse(p.d.state.lessons.isDone(p.d.state.lessons.step))
        XCTAssertEqual(p.d.state.lessons.feedback?.good, false)
        p.answer(truth.uppercased())
        XCTAssertTrue(p.d.state.lessons.isDone(p.d.state.lessons.step))
        let feedback = try XCTUnwrap(p.d.state.lessons.feedback)
        XCTAssertTrue(feedback.good)
        XCTAssertTrue(feedback.text.hasPrefix("✓ right: \(truth) (from tastes.csv)"), feedback.text)
        XCTAssertTrue(feedback.text.contains("recovers it best:"), feedback.text)
        XCTAssertTrue(feedback.text.hasSuffix("\(truth) in the top 10"), feedback.text)
    }

    /// Progress goes to the store as steps tick, and a new session resumes at the stored step.
    func testProgressIsSavedAndANewSessionResumesWhereTheLearnerLeftOff() throws {
        let p = LessonPlayer(dataset: UIFixtures.dataset(), tastes: [:], course: Self.course, test: self)
        p.open(4)
        p.satisfy(p.d.state.lessons.lesson!.steps[0])
        XCTAssertTrue(p.d.state.lessons.isDone(0))
        p.d.key(.char("n"))
        let stored = try p.d.store.lessonProgress(profile: "default")
        XCTAssertEqual(stored.map(\.lesson), ["item-based-cf"])
        XCTAssertEqual(stored.first?.step, 1)
        XCTAssertEqual(stored.first?.done, [0])
        // A new session of the same profile: L resumes lesson 4 at step 2, its first step still ticked.
        var state = AppState(dataset: UIFixtures.dataset(), width: 80, height: 24)
        state.lessons.library = Self.course.lessons
        _ = update(&state, .lessonProgressLoaded(name: "default", stored))
        _ = update(&state, .input(.key(.char("L"))))
        XCTAssertTrue(state.lessons.open)
        XCTAssertEqual(state.lessons.lesson?.number, 4)
        XCTAssertEqual(state.lessons.step, 1)
        XCTAssertTrue(state.lessons.isDone(0))
        XCTAssertTrue(view(state).lines.joined(separator: "\n").contains("Lesson 4 · 2/5"), view(state).lines.joined(separator: "\n"))
    }

    /// `p` moves back while the panel is open; the parameter panel stays reachable with `:params`.
    func testLessonKeysTakePrecedenceOnlyWhileThePanelIsOpen() {
        let p = LessonPlayer(dataset: UIFixtures.dataset(), tastes: [:], course: Self.course, test: self)
        p.d.key(.char("p"))
        guard case .parameters = p.d.state.overlay else { return XCTFail("p is the parameter panel when no lesson is open") }
        p.d.key(.escape)
        p.open(2)
        p.d.key(.char("n"))
        XCTAssertEqual(p.d.state.lessons.step, 1)
        p.d.key(.char("p"))
        XCTAssertEqual(p.d.state.lessons.step, 0)
        XCTAssertNil(p.d.state.overlay)
        p.command("params")
        guard case .parameters = p.d.state.overlay else { return XCTFail(":params opens the panel") }
        p.d.key(.escape)
        p.d.key(.char("?"))
        XCTAssertEqual(p.d.state.overlay, .glossary)
        XCTAssertTrue(view(p.d.state).lines.joined(separator: "\n").contains("TF-IDF"))
        p.d.key(.char("?"))
        XCTAssertEqual(p.d.state.overlay, .help, "? again is the key help")
        XCTAssertTrue(Keymap.helpLines().contains { $0.group == Keymap.lessonGroup && $0.keys == "p" })
        p.d.key(.escape)
        p.d.key(.char("L"))
        XCTAssertFalse(p.d.state.lessons.open)
        XCTAssertEqual(p.d.state.layout.lessonPanel.height, 0)
    }
}

/// Plays lessons by keys: for each step, does what each checkpoint asks, then checks the tick.
final class LessonPlayer {
    let d: Driver
    let test: XCTestCase

    init(dataset: Dataset, tastes: [String: KnownTaste], course: (lessons: [Lesson], glossary: [GlossaryTerm]),
         test: XCTestCase, everyAlgorithm: Bool = false, parameters: [String: [String: String]] = [:]) {
        // The algorithms the course names (popularity is the lab's and the explorer's first tab), fitted once
        // with the test suite's light parameters: the walk stays quick in debug builds on the sample.
        var named: Set<String> = ["popularity"]
        for l in course.lessons {
            for s in l.steps {
                for c in s.checks {
                    switch c {
                    case .algorithm(let a), .changed(let a): named.insert(a)
                    case .did(_, _, let a?), .lab(let a?, _, _): named.insert(a)
                    case .answer(let spec): if let a = spec.algorithm { named.insert(a) }
                    default: break
                    }
                }
            }
        }
        // `parameters` go over the suite's light ones (a large dataset needs lighter still in debug builds).
        d = Driver(dataset: dataset, algorithms: everyAlgorithm ? Algorithms.names : Algorithms.names.filter(named.contains),
                   extraModels: false) { state in
            for (name, values) in parameters {
                state.parameters[name] = Parameters((state.parameters[name]?.values ?? [:]).merging(values) { $1 })
            }
        }
        d.state.knownTastes = tastes
        d.state.lessons.library = course.lessons
        d.state.lessons.glossary = course.glossary
        self.test = test
    }

    func command(_ line: String) {
        d.key(.char(":"))
        d.type(line)
        d.key(.enter)
    }

    func open(_ number: Int) { command("lesson \(number)") }

    func answer(_ text: String) {
        d.key(.char("a"))
        d.type(text)
        d.key(.enter)
    }

    func complete(_ lesson: Lesson, file: StaticString = #filePath, line: UInt = #line) throws {
        open(lesson.number)
        XCTAssertEqual(d.state.lessons.lesson?.id, lesson.id, file: file, line: line)
        for (k, step) in lesson.steps.enumerated() {
            if ProcessInfo.processInfo.environment["LESSON_WALK_TRACE"] != nil {
                FileHandle.standardError.write(Data("\(d.state.dataset.name) lesson \(lesson.number) step \(k + 1)\n".utf8))
            }
            XCTAssertEqual(d.state.lessons.step, k, "\(d.state.dataset.name) lesson \(lesson.number)", file: file, line: line)
            satisfy(step)
            XCTAssertTrue(d.state.lessons.isDone(k),
                          "\(d.state.dataset.name) lesson \(lesson.number) step \(k + 1) '\(step.title)' did not tick; "
                            + "waiting for: " + step.checks.map { d.state.progressText($0, since: d.state.lessons.stepOpenedAt) }
                            .joined(separator: ", ") + " · status: \(d.state.status.text)",
                          file: file, line: line)
            d.key(.char("n"))
        }
        XCTAssertEqual(Set(d.state.lessons.progress[lesson.id]?.done ?? []), Set(lesson.steps.indices))
        let stored = try d.store.lessonProgress(profile: "default").first { $0.lesson == lesson.id }
        XCTAssertEqual(Set(stored?.done ?? []), Set(lesson.steps.indices), "progress of the learner's own profile is stored",
                       file: file, line: line)
        // Back to the learner's own profile after "become a user".
        if d.state.isScratch { command("profile default") }
        XCTAssertFalse(d.state.isScratch)
    }

    /// Does the step's task: algorithm changes first (a screen is opened under the right tab), answers last.
    func satisfy(_ step: LessonStep) {
        func order(_ c: Checkpoint) -> Int {
            switch c {
            case .algorithm: return 0
            case .answer: return 3
            case .screen: return 2
            default: return 1
            }
        }
        let checks = step.checks.sorted { order($0) < order($1) }
        // Before the task is done, the step has not ticked (state checks that already hold are the exception).
        if checks.contains(where: { if case .did = $0 { return true }; if case .answer = $0 { return true }; return false }) {
            XCTAssertFalse(d.state.lessons.isDone(d.state.lessons.step), "\(step.title) ticked before its task")
        }
        // The lab's checks of a step are met by one run of exactly the algorithms they name (a run fits
        // every chosen model, at seven profile sizes for the cold-start curve: keep it small in debug builds).
        let labChecks = checks.compactMap { c -> (String?, Bool)? in
            if case .lab(let a, _, let cold) = c { return (a, cold) }
            return nil
        }
        if !labChecks.isEmpty {
            let wanted = Set(labChecks.compactMap(\.0)).union(labChecks.allSatisfy { $0.0 == nil } ? ["popularity"] : [])
            runLab(wanted, coldStart: labChecks.contains { $0.1 })
        }
        for c in checks {
            if case .lab = c { continue }
            satisfy(c)
        }
    }

    func runLab(_ wanted: Set<String>, coldStart: Bool) {
        go(to: .evalLab)
        guard let lab = d.state.evalLab else { return XCTFail("the lab did not open") }
        for (k, a) in lab.algorithms.enumerated() where lab.chosen.contains(a) != wanted.contains(a) {
            d.key(.home)
            for _ in 0..<k { d.key(.down) }
            d.key(.char(" "))
        }
        XCTAssertEqual(d.state.evalLab?.chosen, wanted)
        if coldStart != (d.state.evalLab?.coldStart ?? false) { d.key(.char("o")) }
        d.key(.char("r"))
        XCTAssertNotNil(d.state.evalLab?.report, d.state.evalLab?.message ?? "no report")
    }

    func toExplore() {
        while d.state.screen != .explore || d.state.overlay != nil { d.key(.escape) }
        if d.state.focus != .catalog { d.key(.tab) }
    }

    func go(to screen: Screen) {
        if d.state.screen == screen { return }
        toExplore()
        switch screen {
        case .explore: break
        case .compare: d.key(.char("c"))
        case .explain: d.key(.char("e"))
        case .similar: d.key(.char("m"))
        case .users: d.key(.char("U"))
        case .embeddingMap: d.key(.char("M"))
        case .evalLab: d.key(.char("v"))
        case .replay: d.key(.char("R"))
        case .models: d.key(.char("a"))
        }
    }

    /// Rates unrated catalog rows (under the current filter) with `value` until `enough` says so.
    func rate(_ value: Int, until enough: () -> Bool) {
        toExplore()
        d.key(.home)
        var guardCount = 0
        while !enough() && guardCount < 400 {
            if let item = d.state.selectedItem, d.state.profile.rating(of: item) != Float(value) {
                d.key(.char(Character(String(value))))
            }
            d.key(.down)
            guardCount += 1
        }
    }

    func satisfy(_ c: Checkpoint) {
        let since = d.state.lessons.stepOpenedAt
        switch c {
        case .rated(_, let genre, let lo, let hi):
            if let genre { command("genre \(genre)") }
            let value = lo != nil ? 5 : (hi.map { Int($0.rounded(.down)) } ?? 4)
            rate(value) { d.state.holds(c, since: since) }
            if genre != nil { command("genre all") }
        case .share(let genre, _):
            command("genre \(genre)")
            rate(4) { d.state.holds(c, since: since) }
            command("genre all")
        case .screen(let s):
            go(to: s)
        case .algorithm(let a):
            command("algo \(a)")
        case .did(let name, let screen, let algorithm):
            if let algorithm { command("algo \(algorithm)") }
            switch name {
            case "rate":
                toExplore()
                rate(5) { d.state.performed.happened("rate", algorithm: algorithm, after: since) }
            case "explain":
                go(to: .explore)
                d.key(.char("e"))
            default:
                if let screen { go(to: screen) }
                let key = (Keymap.table(d.state.screen).own + Keymap.bindings + Keymap.lessonKeys)
                    .first { $0.action.checkpointName == name }?.keys.first
                XCTAssertNotNil(key, "no key performs \(name)")
                if let key { d.key(key) }
            }
        case .lab(let algorithm, _, let coldStart):
            runLab([algorithm ?? "popularity"], coldStart: coldStart)
        case .overlap:
            go(to: .compare)
        case .scratch:
            go(to: .users)
            d.key(.char("b"))
        case .changed(let a):
            let spec = Algorithms.type(named: a)!.parameterSpecs.first { $0.key == "factors" }
                ?? Algorithms.type(named: a)!.parameterSpecs[0]
            command("set \(a).\(spec.key) \(spec.key == "factors" ? "5" : spec.defaultValue)")
        case .filter(let genre):
            toExplore()
            d.key(.char("f"))
            let k = genre.flatMap { g in d.state.stats.genreNames.firstIndex { $0.lowercased() == g.lowercased() } } ?? 0
            for _ in 0...k { d.key(.down) }
            d.key(.enter)
        case .formula(let a):
            if let a, d.state.activeAlgorithm != a { command("algo \(a)") }
            if d.state.screen != .explain {
                go(to: .explore)
                d.key(.char("e"))
            }
            // The key Explain's own table binds to the formula view (what the lesson's hint names).
            let key = Keymap.table(.explain).own.first { $0.action == .showFormula }?.keys.first
            XCTAssertNotNil(key, "Explain has a key for the formula view")
            if let key, !d.state.explain.showFormula { d.key(key) }
        case .answer(let spec):
            let truth = independentAnswer(spec)
            XCTAssertNotNil(truth, "\(d.state.dataset.name): no answer for \(spec)")
            guard let truth else { return }
            answer("certainly wrong")
            XCTAssertFalse(d.state.lessons.isDone(d.state.lessons.step), "a wrong answer ticked")
            answer(truth)
        }
    }

    /// The answer worked out here from the data, not through the app's grading code.
    func independentAnswer(_ spec: AnswerSpec) -> String? {
        let s = d.state
        switch spec.kind {
        case .count:
            switch spec.what {
            case "users": return String(s.dataset.userCount)
            case "items": return String(s.dataset.itemCount)
            case "ratings": return String(s.dataset.ratings.count)
            default: return String(s.stats.genreNames.count)
            }
        case .favouriteGenre:
            if let t = s.knownTastes[spec.user!] { return t.liked.max { $0.weight < $1.weight }?.name }
            guard let u = s.dataset.users.index(of: spec.user!) else { return nil }
            let row = s.dataset.ratings.row(u)
            var byGenre: [String: [Float]] = [:]
            for (i, r) in zip(row.items, row.ratings) {
                for g in s.dataset.catalog[i].genres { byGenre[g, default: []].append(r) }
            }
            let means = byGenre.filter { $0.value.count >= 2 }
                .map { (g: $0.key, mean: $0.value.reduce(0, +) / Float($0.value.count), n: $0.value.count) }
            return means.max { ($0.mean, $0.n, $1.g) < ($1.mean, $1.n, $0.g) }?.g
        case .best:
            let results = s.evalLab?.report?.results.filter { $0.coldStart == nil } ?? []
            let lower = ["rmse", "mae"].contains(spec.metric!)
            let scored = results.compactMap { r in r.metrics[spec.metric!].map { (r.algorithm, $0) } }
            return (lower ? scored.min { $0.1 < $1.1 } : scored.max { $0.1 < $1.1 })?.0
        case .topGenre:
            guard let rows = s.results[spec.algorithm!]?.rows.prefix(10) else { return nil }
            var count: [String: Int] = [:]
            for r in rows { for g in s.dataset.catalog[r.item].genres { count[g, default: 0] += 1 } }
            return count.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        }
    }
}

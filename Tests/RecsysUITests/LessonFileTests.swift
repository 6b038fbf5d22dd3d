import Foundation
import RecsysEngine
import RecsysLessons
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// Issue 14: the lesson file format (docs/lessons.md), the built-in course and its glossary.
final class LessonFileTests: XCTestCase {
    static let course = try! LessonLibrary.builtIn()

    func testTheBuiltInCourseHasNineLessonsOfThreeToEightSteps() throws {
        let lessons = Self.course.lessons
        XCTAssertEqual(lessons.map(\.number), Array(1...9))
        XCTAssertEqual(Set(lessons.map(\.id)).count, 9, "ids are unique (progress is keyed by them)")
        for l in lessons {
            XCTAssertTrue((3...8).contains(l.steps.count), "\(l.file): \(l.steps.count) steps")
            for s in l.steps {
                XCTAssertFalse(s.task.isEmpty)
                XCTAssertFalse(s.checks.isEmpty, "\(l.file): \(s.title) has a checkpoint")
            }
        }
        XCTAssertTrue(lessons[2].steps.contains { $0.answer?.kind == .favouriteGenre && $0.answer?.user == "17" },
                      "lesson 3 has the user-17 taste exercise")
        XCTAssertEqual(lessons[8].title, "The TensorFlow-Recommenders workflow")
    }

    func testEveryGlossaryTermALessonReferencesExists() {
        XCTAssertEqual(LessonLibrary.missingTerms(Self.course.lessons, glossary: Self.course.glossary), [])
        for l in Self.course.lessons { XCTAssertFalse(l.terms.isEmpty, "\(l.file) names its terms") }
        for t in Self.course.glossary {
            XCTAssertFalse(t.text.isEmpty, t.term)
            XCTAssertFalse(t.formula.isEmpty, "\(t.term) has a formula")
        }
        // The terms the issue names are all defined.
        for t in ["RMSE", "NDCG", "cosine", "shrinkage", "latent factor", "fold-in"] {
            XCTAssertTrue(Self.course.glossary.contains { $0.matches(t) }, t)
        }
        // And the check catches a missing one.
        var l = Self.course.lessons[0]
        l.terms.append("flux capacitor")
        XCTAssertEqual(LessonLibrary.missingTerms([l], glossary: Self.course.glossary), ["\(l.file): flux capacitor"])
    }

    /// Each step's text, task and checkpoint line fit the panel at 80×24 without scrolling.
    func testEveryBuiltInStepFitsThePanelAt80x24() {
        let rows = LessonPanel.rows(forHeight: 24)
        let inner = (width: 80 - 2, height: rows - 2)
        var state = AppState(dataset: UIFixtures.dataset(), width: 80, height: 24)
        state.lessons.library = Self.course.lessons
        for l in Self.course.lessons {
            for s in l.steps {
                let text = s.text.flatMap { wrap(state.lessonText($0), width: inner.width) }
                let task = wrap("▶ " + s.task, width: inner.width)
                // One line for the checkpoint, one for an answer or its feedback.
                let needed = text.count + task.count + 1 + (s.answer == nil ? 0 : 1)
                XCTAssertLessThanOrEqual(needed, inner.height, "\(l.file): \(s.title) needs \(needed) lines")
            }
        }
        _ = state.openLesson(number: 1)
        XCTAssertTrue(state.lessons.open)
    }

    func testAFileParsesIntoStepsChecksAndHints() throws {
        let text = """
            ---
            lesson: 12
            title: "Mine: a test"
            minutes: 5
            terms: [cosine]
            ---
            A summary
            over two lines.

            ## First
            Some **bold** and `code` text
            on two lines.

            - an item
            task: Rate five comedies.
            check: rated: {count: 5, genre: Comedy, min: 4}
            check: algorithm: svd
            hint: Press f.
            hint: Then 4.

            ## Second
            task: Guess.
            check: answer: {of: favourite-genre, user: 17}
            check: did: {action: showFormula, screen: explain, algorithm: user-knn}
            check: lab: {algorithm: item-knn, metric: ndcg@10, cold-start: true}
            check: overlap: {max: 0}
            check: filter: any
            check: screen: map
            check: scratch: true
            check: changed: svd
            check: share: {genre: Drama, min: 0.5}
            check: did: rate
            """
        let l = try LessonParser.parse(text, file: "dir/my-lesson.md")
        XCTAssertEqual(l.number, 12)
        XCTAssertEqual(l.id, "my-lesson", "the file name when there is no id")
        XCTAssertEqual(l.title, "Mine: a test")
        XCTAssertEqual(l.minutes, 5)
        XCTAssertEqual(l.summary, "A summary over two lines.")
        XCTAssertEqual(l.steps.count, 2)
        XCTAssertEqual(l.steps[0].text, ["Some bold and code text on two lines.", "• an item"])
        XCTAssertEqual(l.steps[0].checks, [.rated(count: 5, genre: "Comedy", min: 4, max: nil), .algorithm("svd")])
        XCTAssertEqual(l.steps[0].hints, ["Press f.", "Then 4."])
        XCTAssertEqual(l.steps[0].line, 10)
        XCTAssertEqual(l.steps[1].checks, [
            .answer(AnswerSpec(kind: .favouriteGenre, user: "17")),
            .did(action: "showFormula", screen: .explain, algorithm: "user-knn"),
            .lab(algorithm: "item-knn", metric: "ndcg@10", coldStart: true),
            .overlap(max: 0, top: 10), .filter(genre: nil), .screen(.embeddingMap), .scratch, .changed(algorithm: "svd"),
            .share(genre: "Drama", min: 0.5), .did(action: "rate", screen: nil, algorithm: nil),
        ])
    }

    /// A malformed file: one line naming file:line and what was expected.
    func testMalformedFilesNameTheFileAndLine() {
        let head = "---\nlesson: 1\ntitle: T\n---\n"
        let step = "## S\ntask: t\ncheck: rated: 1\n"
        func error(_ text: String) -> String {
            do {
                _ = try LessonParser.parse(text, file: "l.md")
                return "parsed"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(error("lesson: 1\n"), "l.md:1: expected '---' opening the lesson's YAML header")
        XCTAssertEqual(error("---\nlesson: 1\n"), "l.md:1: expected a '---' line closing the YAML header")
        XCTAssertEqual(error("---\nlesson: [1\ntitle: T\n---\n" + step).prefix(14), "l.md:3: invali")
        XCTAssertEqual(error("---\ntitle: T\n---\n" + step), "l.md:2: expected 'lesson:' with the lesson's number (1, 2, …)")
        XCTAssertEqual(error("---\nlesson: 1\ntitle: T\ncolour: red\n---\n" + step),
                       "l.md:4: unknown header key 'colour' (expected: lesson, id, title, minutes, terms)")
        XCTAssertEqual(error(head + "## S\ncheck: rated: 1\n"), "l.md:5: step 'S' has no 'task:' line")
        XCTAssertEqual(error(head + "## S\ntask: t\n"), "l.md:5: step 'S' has no 'check:' line")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: rated: {cont: 5}\n"),
                       "l.md:7: unknown field 'cont' of 'rated' (expected: count, genre, max, min)")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: algorithm: svdd\n").prefix(36), "l.md:7: unknown algorithm 'svdd' (va")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: screen: kitchen\n").prefix(35), "l.md:7: unknown screen 'kitchen' (v")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: teleport: yes\n").prefix(40), "l.md:7: unknown checkpoint 'teleport' (e")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: rated: {count: [5\n").prefix(22), "l.md:7: invalid YAML: ")
        XCTAssertEqual(error(head + "task: t\n"), "l.md:5: expected a '## Step title' line before the first task, check or hint")
        XCTAssertEqual(error(head + "text only\n"), "l.md:6: a lesson has 1–8 steps ('## ' headings), this one has 0")
        XCTAssertEqual(error(head + String(repeating: step, count: 9)).prefix(40), "l.md:32: a lesson has 1–8 steps ('## ' h")
        XCTAssertEqual(error(head + "## S\ntask: t\ncheck: answer: {of: favourite-genre}\n"),
                       "l.md:7: favourite-genre needs 'user:' (a raw user id)")
        XCTAssertEqual(error(head + step), "parsed")
    }

    func testAnInstructorsFolderLoadsAndTwoLessonsCannotShareANumber() throws {
        let dir = NSTemporaryDirectory() + "recsys-lessons-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let one = "---\nlesson: 2\nid: two\ntitle: Two\nterms: [mine]\n---\n## S\ntask: t\ncheck: rated: 1\n"
        try one.write(toFile: dir + "/b.md", atomically: true, encoding: .utf8)
        try one.replacingOccurrences(of: "lesson: 2\nid: two", with: "lesson: 1\nid: one")
            .write(toFile: dir + "/a.md", atomically: true, encoding: .utf8)
        try "- term: mine\n  text: My term.\n  formula: x = 1\n".write(toFile: dir + "/glossary.yaml", atomically: true,
                                                                       encoding: .utf8)
        let lessons = try LessonLibrary.lessons(in: dir)
        XCTAssertEqual(lessons.map(\.id), ["one", "two"])
        let glossary = LessonLibrary.merge(Self.course.glossary, try XCTUnwrap(LessonLibrary.glossary(in: dir)))
        XCTAssertEqual(LessonLibrary.missingTerms(lessons, glossary: glossary), [])
        XCTAssertEqual(glossary.count, Self.course.glossary.count + 1)
        try one.write(toFile: dir + "/c.md", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LessonLibrary.lessons(in: dir)) { e in
            XCTAssertEqual("\(e)", "\(dir)/c.md:2: lesson 2 (id two) is also \(dir)/b.md")
        }
    }

    func testActionNamesComeFromTheActionCases() {
        XCTAssertEqual(Action.explain.checkpointName, "explain")
        XCTAssertEqual(Action.rate(4).checkpointName, "rate")
        XCTAssertEqual(Action.lab(.run).checkpointName, "lab.run")
        XCTAssertEqual(Action.map(.zoomIn).checkpointName, "map.zoomIn")
        XCTAssertEqual(Action.lesson(.next).checkpointName, "lesson.next")
    }
}

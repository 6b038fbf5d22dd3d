import Foundation
import RecsysEngine
import RecsysLessons
import XCTest
@testable import RecsysUI

/// Issue 14: "a step is a short text (it fits the panel at 80×24 without scrolling in the common case)".
/// Every step of the built-in course is drawn at 80×24, with the loaded dataset's own figures in its text
/// (the sample, and ml-100k when `../shared` is beside the package), and the whole text, the task and the
/// checkpoint line must be on screen inside the panel: nothing cut off, nothing to scroll. Typing an answer
/// adds a line; that must fit too.
final class LessonPanelFitTests: XCTestCase {
    static let course = LessonWalkTests.course

    /// The panel's inner lines on screen: the rows below its title row, without the side borders.
    static func panel(_ state: AppState, lesson: Lesson, step k: Int) throws -> (title: String, inner: [String]) {
        let lines = view(state).lines
        let head = "Lesson \(lesson.number) · \(k + 1)/\(lesson.steps.count) "
        let top = try XCTUnwrap(lines.firstIndex { $0.contains(head) }, "no panel title for \(lesson.file) step \(k + 1)")
        let rows = LessonPanel.rows(forHeight: state.height)
        XCTAssertLessThanOrEqual(top + rows, lines.count)
        let inner = lines[(top + 1)..<(top + rows - 1)].map { row -> String in
            var r = Substring(row)
            if r.first == "│" { r = r.dropFirst() }
            while r.last == " " { r = r.dropLast() }
            if r.last == "│" { r = r.dropLast() }
            return String(r)
        }
        return (lines[top], inner)
    }

    static func collapsed(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    func assertEveryStepFits(_ dataset: Dataset, file: StaticString = #filePath, line: UInt = #line) throws {
        var state = AppState(dataset: dataset, width: 80, height: 24)
        state.lessons.library = Self.course.lessons
        state.lessons.glossary = Self.course.glossary
        for lesson in Self.course.lessons {
            XCTAssertTrue(state.openLesson(number: lesson.number))
            for (k, step) in lesson.steps.enumerated() {
                XCTAssertEqual(state.lessons.step, k)
                let (title, inner) = try Self.panel(state, lesson: lesson, step: k)
                let place = "\(dataset.name) \(lesson.file) step \(k + 1) '\(step.title)'"
                XCTAssertTrue(title.contains(step.title), "\(place): the title is cut off: \(title)", file: file, line: line)
                let shown = Self.collapsed(inner.joined(separator: " "))
                for paragraph in step.text {
                    let text = Self.collapsed(state.lessonText(paragraph))
                    XCTAssertTrue(shown.contains(text), "\(place): text cut off; shown:\n\(inner.joined(separator: "\n"))",
                                  file: file, line: line)
                }
                XCTAssertTrue(shown.contains(Self.collapsed("▶ " + state.lessonText(step.task))),
                              "\(place): the task is cut off", file: file, line: line)
                XCTAssertTrue(inner.contains { $0.hasPrefix("○ ") || $0.hasPrefix("✓ done") },
                              "\(place): no checkpoint line", file: file, line: line)
                if step.answer != nil {
                    // Typing an answer adds the input line; the text must still be whole.
                    _ = update(&state, .input(.key(.char("a"))))
                    let typing = Self.collapsed(try Self.panel(state, lesson: lesson, step: k).inner.joined(separator: " "))
                    XCTAssertTrue(typing.contains("answer>"), place, file: file, line: line)
                    for paragraph in step.text {
                        XCTAssertTrue(typing.contains(Self.collapsed(state.lessonText(paragraph))),
                                      "\(place): text cut off while typing an answer", file: file, line: line)
                    }
                    _ = update(&state, .input(.key(.escape)))
                }
                _ = update(&state, .input(.key(.char("n"))))
            }
        }
    }

    func testEveryBuiltInStepIsWholeOnScreenAt80x24OnTheSample() throws {
        try assertEveryStepFits(try LessonWalkTests.sample().0)
    }

    func testEveryBuiltInStepIsWholeOnScreenAt80x24OnML100K() throws {
        try assertEveryStepFits(try LessonML100KTests.ml100k())
    }
}

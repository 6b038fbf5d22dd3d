import ArgumentParser
import Foundation
import RecsysEngine
import RecsysLessons
import RecsysUI

/// `recsys-tui learn`: the explorer with the lesson panel open (docs/lessons.md).
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Open the explorer with the lesson panel: short lessons whose steps tick as you do them.",
        discussion: """
            The built-in course has 9 lessons (the three kinds of data, content-based, user-based and \
            item-based CF, matrix factorisation, implicit feedback, evaluation, cold start, the \
            TensorFlow-Recommenders workflow). Progress is kept per profile: learn resumes where you \
            left off. In the explorer, L opens and closes the panel; n/p move between steps, i gives a \
            hint, a types an answer and ? opens the glossary. Instructors write their own lessons: \
            --lessons DIR (every *.md file, see docs/lessons.md).
            """)

    @Option(help: ArgumentHelp("Open lesson N (default: the lesson you were on, else lesson 1).", valueName: "N"))
    var lesson: Int?

    @Option(help: ArgumentHelp("A folder of lesson files (*.md, and glossary.yaml) instead of the built-in course.",
                               valueName: "dir"))
    var lessons: String?

    @Flag(help: "Check the lessons (and the glossary) and list them, without opening the explorer.")
    var check = false

    @OptionGroup var explorer: ExplorerOptions

    func run() throws {
        if check {
            let course = try LearnOptions.course(lessons)
            for l in course.lessons {
                print("\(l.number). \(l.title) (\(l.steps.count) steps\(l.minutes > 0 ? ", \(l.minutes) min" : "")) \((l.file as NSString).lastPathComponent)")
            }
            print("\(course.lessons.count) lessons, \(course.glossary.count) glossary terms: ok")
            return
        }
        try explorer.runExplorer(learn: LearnOptions(lesson: lesson, lessons: lessons))
    }
}

/// What `learn` adds to the explorer.
struct LearnOptions {
    var lesson: Int?
    /// An instructor's folder, or nil for the built-in course.
    var lessons: String?

    /// The course to load: the built-in lessons, or the folder's with the built-in glossary plus the folder's own.
    /// - Throws: `LessonError` (file:line) for a malformed lesson or glossary, or a term no glossary defines.
    static func course(_ folder: String?) throws -> (lessons: [Lesson], glossary: [GlossaryTerm]) {
        let builtIn = try LessonLibrary.builtIn()
        guard let folder else { return builtIn }
        let path = UserPath.expand(folder)
        let lessons = try LessonLibrary.lessons(in: path)
        let glossary = LessonLibrary.merge(builtIn.glossary, try LessonLibrary.glossary(in: path) ?? [])
        for l in lessons {
            if let t = l.terms.first(where: { t in !glossary.contains { $0.matches(t) } }) {
                throw LessonError(file: l.file, line: l.termsLine,
                                  "term '\(t)' is not in the glossary (define it in \(path)/glossary.yaml)")
            }
        }
        return (lessons, glossary)
    }
}

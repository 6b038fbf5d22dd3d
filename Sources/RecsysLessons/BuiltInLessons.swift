import Foundation
import RecsysEngine
import RecsysUI

/// Where lessons come from: the built-in course (package resources, `Lessons/`) or an instructor's
/// folder (`recsys-tui learn --lessons DIR`): every `*.md` file is a lesson (docs/lessons.md), and a
/// `glossary.yaml` there adds to (and overrides) the built-in glossary.
public enum LessonLibrary {
    /// The built-in lessons' folder inside the package's resource bundle.
    public static var builtInDirectory: String {
        Bundle.module.bundleURL.appendingPathComponent("Lessons").path
    }

    /// The built-in course and glossary.
    /// - Throws: `LessonError` (a broken resource is a build mistake, but it still gets one clear line).
    public static func builtIn() throws -> (lessons: [Lesson], glossary: [GlossaryTerm]) {
        let dir = builtInDirectory
        return (try lessons(in: dir), try glossary(in: dir) ?? [])
    }

    /// The lessons of `directory` (every `*.md` file), in lesson-number order.
    /// - Throws: `LessonError` naming file:line for a malformed lesson, two lessons with one number or id,
    ///   or a folder without lessons.
    public static func lessons(in directory: String, algorithms: [String] = Algorithms.names) throws -> [Lesson] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LessonError(file: directory, line: 0, "expected a folder of lesson files (*.md)")
        }
        let names = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }.sorted()
        guard !names.isEmpty else { throw LessonError(file: directory, line: 0, "expected lesson files (*.md) in the folder") }
        var out: [Lesson] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw LessonError(file: path, line: 0, "cannot read the file as UTF-8 text")
            }
            let lesson = try LessonParser.parse(text, file: path, algorithms: algorithms)
            if let twin = out.first(where: { $0.number == lesson.number || $0.id == lesson.id }) {
                throw LessonError(file: path, line: 2, "lesson \(lesson.number) (id \(lesson.id)) is also \(twin.file)")
            }
            out.append(lesson)
        }
        return out.sorted { $0.number < $1.number }
    }

    /// The glossary of `directory` (`glossary.yaml`), nil when it has none.
    public static func glossary(in directory: String) throws -> [GlossaryTerm]? {
        let path = (directory as NSString).appendingPathComponent("glossary.yaml")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try LessonParser.glossary(String(decoding: data, as: UTF8.self), file: path)
    }

    /// `base` with `extra`'s terms added, a term of the same name replaced.
    public static func merge(_ base: [GlossaryTerm], _ extra: [GlossaryTerm]) -> [GlossaryTerm] {
        base.filter { b in !extra.contains { $0.matches(b.term) } } + extra
    }

    /// Terms lessons use that the glossary does not define, as "file: term".
    public static func missingTerms(_ lessons: [Lesson], glossary: [GlossaryTerm]) -> [String] {
        lessons.flatMap { l in l.terms.filter { t in !glossary.contains { $0.matches(t) } }.map { "\(l.file): \($0)" } }
    }
}

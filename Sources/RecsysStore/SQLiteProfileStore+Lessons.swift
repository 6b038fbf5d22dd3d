import Foundation
import GRDB
import RecsysEngine

/// Lesson progress (migration `lesson-progress-v1`): one row per profile and lesson.
extension SQLiteProfileStore {
    public func lessonProgress(profile: String) throws -> [LessonProgress] {
        guard let id = try read({ db in try profileID(db, profile) }) else { return [] }
        return try lessonProgress(id: id)
    }

    public func setLessonProgress(profile: String, _ progress: LessonProgress) throws {
        try Self.validate(name: profile, path: path)
        let id = try write { db in try profileIDCreating(db, profile) }
        try setLessonProgress(id: id, progress)
    }

    /// Profile `id`'s progress in every lesson it started, by lesson id.
    public func lessonProgress(id: Int64) throws -> [LessonProgress] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT lesson, step, done, updated FROM lesson_progress WHERE profileId = ? ORDER BY lesson",
                             arguments: [id]).map {
                LessonProgress(lesson: $0["lesson"], step: max(0, $0["step"] as Int),
                               done: LessonProgress.steps(from: $0["done"]), updated: $0["updated"])
            }
        }
    }

    /// Replaces profile `id`'s record of one lesson (committed before it returns).
    public func setLessonProgress(id: Int64, _ p: LessonProgress) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO lesson_progress (profileId, lesson, step, done, updated) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (profileId, lesson) DO UPDATE SET step = excluded.step, done = excluded.done,
                    updated = excluded.updated
                """, arguments: [id, p.lesson, p.step, p.doneText, p.updated])
        }
    }
}

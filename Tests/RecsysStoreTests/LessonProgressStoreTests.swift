import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Issue 14: lesson progress per profile (migration lesson-progress-v1), so a learner resumes after a restart.
final class LessonProgressStoreTests: XCTestCase {
    func testProgressIsKeptPerProfileReplacedAndSurvivesReopening() throws {
        let path = makeTempDir(self) + "/profiles.sqlite"
        do {
            let s = try SQLiteProfileStore(path: path)
            XCTAssertEqual(try s.lessonProgress(profile: "ann"), [])
            try s.setLessonProgress(profile: "ann", LessonProgress(lesson: "user-based-cf", step: 2, done: [0, 1], updated: 10))
            try s.setLessonProgress(profile: "ann", LessonProgress(lesson: "cold-start", step: 0, done: [], updated: 11))
            try s.setLessonProgress(profile: "bob", LessonProgress(lesson: "user-based-cf", step: 1, done: [0], updated: 12))
            // Replaced, not added.
            try s.setLessonProgress(profile: "ann", LessonProgress(lesson: "user-based-cf", step: 3, done: [0, 1, 2], updated: 13))
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.lessonProgress(profile: "ann"), [
            LessonProgress(lesson: "cold-start", step: 0, done: [], updated: 11),
            LessonProgress(lesson: "user-based-cf", step: 3, done: [0, 1, 2], updated: 13),
        ])
        XCTAssertEqual(try s.lessonProgress(profile: "bob"), [LessonProgress(lesson: "user-based-cf", step: 1, done: [0], updated: 12)])
        try s.deleteProfile("ann")
        let left = try s.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lesson_progress") }
        XCTAssertEqual(left, 1, "deleting a profile deletes its progress")
    }

    func testAnOlderFileGainsTheTable() throws {
        let path = makeTempDir(self) + "/profiles.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(q, upTo: "demographics-v1")
            try q.write { db in try db.execute(sql: "INSERT INTO profile (id, name, created) VALUES (1, 'old', 5)") }
        }
        let s = try SQLiteProfileStore(path: path)
        XCTAssertEqual(try s.lessonProgress(profile: "old"), [])
        try s.setLessonProgress(profile: "old", LessonProgress(lesson: "evaluation", step: 4, done: [0, 1, 2, 3], updated: 1))
        XCTAssertEqual(try s.lessonProgress(profile: "old").first?.step, 4)
        XCTAssertTrue(Schema.versions.contains("lesson-progress-v1"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".bak-demographics-v1"), "migrated from a backup")
    }

    func testProgressFollowsTheProfileOfTheDataset() throws {
        let s = try SQLiteProfileStore(path: StorePaths.memory)
        let a = DatasetProfiles(store: s, dataset: DatasetIdentity(name: "a", key: "ka", idScheme: nil, source: "a"))
        let b = DatasetProfiles(store: s, dataset: DatasetIdentity(name: "b", key: "kb", idScheme: nil, source: "b"))
        _ = try a.ratings(profile: "default")
        _ = try b.ratings(profile: "default")
        try a.setLessonProgress(profile: "default", LessonProgress(lesson: "x", step: 1, done: [0], updated: 3))
        XCTAssertEqual(try a.lessonProgress(profile: "default").map(\.step), [1])
        XCTAssertEqual(try b.lessonProgress(profile: "default"), [], "each dataset's default profile has its own progress")
    }

    func testDoneStepsParseForgivingly() {
        XCTAssertEqual(LessonProgress.steps(from: "3,1, 1,x,-2"), [1, 3])
        XCTAssertEqual(LessonProgress(lesson: "l", done: [0, 2]).doneText, "0,2")
    }
}

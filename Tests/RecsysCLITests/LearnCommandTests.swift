import Foundation
import XCTest

/// Issue 14 through the executable: `learn --check`, and a malformed lesson is one line with file:line and exit 2.
final class LearnCommandTests: XCTestCase {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "recsys-learn-cli-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testCheckListsTheBuiltInCourse() throws {
        let r = try CLI.run(["learn", "--check"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 10, r.stdout)
        XCTAssertTrue(lines[2].hasPrefix("3. User-based collaborative filtering (7 steps"), String(lines[2]))
        XCTAssertTrue(lines[9].hasPrefix("9 lessons, "), String(lines[9]))
    }

    func testAMalformedLessonIsOneLineWithFileAndLineAndStatus2() throws {
        let dir = try folder()
        let path = dir + "/broken.md"
        try "---\nlesson: 1\ntitle: T\n---\n## S\ntask: t\ncheck: rated: {cont: 5}\n".write(toFile: path, atomically: true,
                                                                                        encoding: .utf8)
        for args in [["learn", "--lessons", dir, "--check"], ["learn", "--lessons", dir, "--db", ":memory:"]] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr, "recsys-tui: \(path):7: unknown field 'cont' of 'rated' (expected: count, genre, max, min)\n")
        }
    }

    func testATermMissingFromTheGlossaryAndAnUnknownLessonAreRefused() throws {
        let dir = try folder()
        try "---\nlesson: 4\ntitle: T\nterms: [cosine, warp drive]\n---\n## S\ntask: t\ncheck: rated: 1\n"
            .write(toFile: dir + "/a.md", atomically: true, encoding: .utf8)
        let r = try CLI.run(["learn", "--lessons", dir, "--check"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "recsys-tui: \(dir)/a.md:4: term 'warp drive' is not in the glossary (define it in \(dir)/glossary.yaml)\n")
        let missing = try CLI.run(["learn", "--lesson", "12", "--db", ":memory:"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "recsys-tui: no lesson 12 (lessons: 1, 2, 3, 4, 5, 6, 7, 8, 9)\n")
    }
}

import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import RecsysTestSupport
import XCTest

/// The built `recsys-tui` binary, driven as a user (or a crash) would: concurrent
/// processes, SIGKILL after a commit, and one-line errors with exit status 2.
final class ProcessTests: XCTestCase {
    struct Outcome { var status: Int32; var out: String; var err: String }

    /// Starts the binary; returns the process and its stdout/stderr pipes.
    private func launch(_ args: [String]) throws -> (Process, Pipe, Pipe) {
        guard BinaryRunner.binary != nil else { throw XCTSkip("recsys-tui is not built; run `swift build` first") }
        // The shared runner's process: the built binary with a private XDG home.
        let p = try BinaryRunner.shared.process(args)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    private func finish(_ p: Process, _ out: Pipe, _ err: Pipe, timeout: Double = 60) -> Outcome {
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let box = OutputBox()
        let g = DispatchGroup()
        for (k, pipe) in [out, err].enumerated() {
            g.enter()
            Thread {
                let d = pipe.fileHandleForReading.readDataToEndOfFile()
                box.set(k, String(decoding: d, as: UTF8.self))
                g.leave()
            }.start()
        }
        if g.wait(timeout: .now() + timeout) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            XCTFail("recsys-tui \(p.arguments ?? []) did not finish in \(timeout) s")
            g.wait()
        }
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, out: box.get(0), err: box.get(1))
    }

    private func run(_ args: [String]) throws -> Outcome {
        let (p, o, e) = try launch(args)
        return finish(p, o, e)
    }

    private func writeRatings(_ path: String, prefix: String, count: Int, shared: Int, value: Int) {
        var s = "user,item,rating,timestamp\n"
        for k in 0..<count { s += "someone,\(prefix)\(k),\(1 + k % 5),\(1_700_000_000 + k)\n" }
        for k in 0..<shared { s += "someone,shared\(k),\(value),\(1_700_100_000 + k)\n" }
        writeBytes(path, Array(s.utf8))
    }

    func testConcurrentImportsFromTwoProcessesDoNotCorrupt() throws {
        let dir = makeTempDir(self)
        let db = dir + "/fresh/profiles.sqlite"   // neither process finds it: both create and migrate at once
        writeRatings(dir + "/a.csv", prefix: "a", count: 800, shared: 50, value: 1)
        writeRatings(dir + "/b.csv", prefix: "b", count: 800, shared: 50, value: 5)
        for (pa, pb) in [("same", "same"), ("left", "right")] {
            let x = try launch(["profile", "import", pa, dir + "/a.csv", "--db", db])
            let y = try launch(["profile", "import", pb, dir + "/b.csv", "--db", db])
            let rx = finish(x.0, x.1, x.2), ry = finish(y.0, y.1, y.2)
            XCTAssertEqual(rx.status, 0, rx.err)
            XCTAssertEqual(ry.status, 0, ry.err)
        }
        let s = try SQLiteProfileStore(path: db)
        XCTAssertEqual(try s.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
        let same = try s.existingRatings(profile: "same")
        XCTAssertEqual(same.count, 1650)
        // Each import is one transaction, so the shared items all come from whichever committed last.
        XCTAssertEqual(Set(same.filter { $0.item.hasPrefix("shared") }.map(\.value)).count, 1)
        XCTAssertEqual(try s.existingRatings(profile: "left").count, 850)
        XCTAssertEqual(try s.existingRatings(profile: "right").count, 850)
        XCTAssertEqual(try s.existingRatings(profile: "right").first { $0.item == "shared3" }?.value, 5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db + ".bak-v1"), "a new file needs no backup")
    }

    /// A class starting at once on one shared server: many learners open a database that
    /// does not exist yet in the same instant. Every one of them must open it (the race to
    /// switch the new file to WAL is retried, not reported) and every rating must land.
    func testManyProcessesOpeningOneNewDatabaseAtOnceAllSucceed() throws {
        let dir = makeTempDir(self)
        writeRatings(dir + "/r.csv", prefix: "r", count: 40, shared: 0, value: 3)
        for round in 0..<3 {
            let db = dir + "/class\(round)/profiles.sqlite"
            let learners = (0..<10).map { "learner\($0)" }
            let running = try learners.map { try launch(["profile", "import", $0, dir + "/r.csv", "--db", db]) }
            for (name, r) in zip(learners, running) {
                let o = finish(r.0, r.1, r.2)
                XCTAssertEqual(o.status, 0, "\(name) in round \(round): \(o.err)")
            }
            let s = try SQLiteProfileStore(path: db)
            for name in learners {
                XCTAssertEqual(try s.existingRatings(profile: name).count, 40, "\(name) in round \(round)")
            }
        }
    }

    func testConcurrentSingleRatingWritersFromTwoProcesses() throws {
        let dir = makeTempDir(self)
        let db = dir + "/p.sqlite"
        let x = try launch(["profile", "bench", "--db", db, "--count", "150", "--profile", "same", "--item-prefix", "x", "--print-commits"])
        let y = try launch(["profile", "bench", "--db", db, "--count", "150", "--profile", "same", "--item-prefix", "y", "--print-commits"])
        let rx = finish(x.0, x.1, x.2), ry = finish(y.0, y.1, y.2)
        XCTAssertEqual(rx.status, 0, rx.err)
        XCTAssertEqual(ry.status, 0, ry.err)
        let s = try SQLiteProfileStore(path: db)
        XCTAssertEqual(try s.existingRatings(profile: "same").count, 300)
        XCTAssertEqual(try s.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
    }

    /// A writer prints each rating only after its commit returned; SIGKILL it mid-stream and
    /// every printed rating must be in the database on reopen.
    func testSIGKILLAfterACommitLosesNoPrintedRating() throws {
        let dir = makeTempDir(self)
        let db = dir + "/p.sqlite"
        for round in 0..<2 {
            let target = 40 + 70 * round
            let (p, out, err) = try launch(["profile", "bench", "--db", db, "--count", "1000000", "--profile", "crash\(round)",
                                            "--item-prefix", "r\(round)-", "--seed", "\(round)", "--print-commits"])
            var text = ""
            let reader = out.fileHandleForReading
            let deadline = Date().addingTimeInterval(60)
            while text.filter({ $0 == "\n" }).count < target && Date() < deadline {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            kill(p.processIdentifier, SIGKILL)
            text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .uncaughtSignal, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            let printed = text.split(separator: "\n").filter { $0.hasPrefix("committed ") }.map { $0.split(separator: " ") }
            XCTAssertGreaterThanOrEqual(printed.count, target)

            let s = try SQLiteProfileStore(path: db)
            let stored = Dictionary(uniqueKeysWithValues: try s.existingRatings(profile: "crash\(round)").map { ($0.item, $0.value) })
            for line in printed {
                XCTAssertEqual(stored[String(line[1])], Float(line[2]), "printed \(line) but not in the database")
            }
            XCTAssertGreaterThanOrEqual(stored.count, printed.count)
            XCTAssertEqual(try s.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"])
        }
    }

    func testErrorsAreOneLineWithExitStatus2() throws {
        let dir = makeTempDir(self)
        writeBytes(dir + "/bad.sqlite", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let cases: [([String], String)] = [
            (["profile", "list", "--db", dir + "/bad.sqlite"], dir + "/bad.sqlite: not a readable profile database"),
            (["profile", "import", "x", dir + "/missing.csv", "--db", dir + "/p.sqlite"], dir + "/missing.csv: no such file"),
            (["profile", "show", "nobody", "--db", dir + "/p.sqlite"], "no profile named \"nobody\""),
            (["profile", "show", "nobody", "--db", dir + "/p.sqlite", "--data", dir + "/none"], dir + "/none: no such file or folder"),
            (["profile", "export", "nobody", "--db", dir + "/p.sqlite"], "no profile named"),
            (["profile", "list", "--db", dir], "is a folder"),
        ]
        for (args, expected) in cases {
            let r = try run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(expected), "\(args): \(r.err)")
            XCTAssertEqual(r.err.filter { $0 == "\n" }.count, 1, "one line: \(r.err)")
        }
        writeBytes(dir + "/ok.csv", Array("user,item,rating\na,1,4\n".utf8))
        XCTAssertEqual(try run(["profile", "import", "p", dir + "/ok.csv", "--db", dir + "/ro.sqlite"]).status, 0)
        XCTAssertEqual(chmod(dir + "/ro.sqlite", 0o444), 0)
        let r = try run(["profile", "list", "--db", dir + "/ro.sqlite"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains(dir + "/ro.sqlite") && r.err.contains("chmod"), r.err)
    }

    func testExportImportRoundTripAndShowWithAnotherDataset() throws {
        let dir = makeTempDir(self)
        let db = dir + "/p.sqlite"
        writeBytes(dir + "/mine.csv", Array("user,item,rating,timestamp\nme,1,4,10\nme,2,2.5,11\nme,99,5,12\n".utf8))
        XCTAssertEqual(try run(["profile", "import", "ann", dir + "/mine.csv", "--db", db]).status, 0)
        XCTAssertEqual(try run(["profile", "export", "ann", "--db", db, "--out", dir + "/ann.csv"]).status, 0)
        XCTAssertEqual(try run(["profile", "import", "copy", dir + "/ann.csv", "--db", db]).status, 0)
        let s = try SQLiteProfileStore(path: db)
        XCTAssertEqual(try s.existingRatings(profile: "copy"), try s.existingRatings(profile: "ann"))

        // A dataset that has items 1 and 2 but not 99.
        writeBytes(dir + "/other.csv", Array("user,item,rating\nu1,1,3\nu1,2,4\nu2,1,5\nu2,3,1\n".utf8))
        let show = try run(["profile", "show", "ann", "--db", db, "--data", dir + "/other.csv"])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("2 matched, 1 not in this dataset (kept in the profile)"), show.out)
        XCTAssertEqual(try s.existingRatings(profile: "ann").count, 3, "unmatched items are kept")

        let list = try run(["profile", "list", "--db", db, "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [String: Any]
        let names = (obj?["profiles"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["ann", "copy"])

        XCTAssertEqual(try run(["profile", "undo", "copy", "--db", db]).status, 0)
        XCTAssertEqual(try s.existingRatings(profile: "copy").count, 2)
        XCTAssertEqual(try run(["profile", "rename", "copy", "ann", "--db", db]).status, 2)
        XCTAssertEqual(try run(["profile", "delete", "copy", "--db", db]).status, 0)
        XCTAssertEqual(try s.profileNames(), ["ann"])
    }
}

final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var texts = ["", ""]
    func set(_ k: Int, _ s: String) { lock.lock(); texts[k] = s; lock.unlock() }
    func get(_ k: Int) -> String { lock.lock(); defer { lock.unlock() }; return texts[k] }
}

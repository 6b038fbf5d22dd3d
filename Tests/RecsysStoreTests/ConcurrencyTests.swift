import Foundation
import GRDB
import RecsysEngine
@testable import RecsysStore
import XCTest

/// Two writers (separate connections pools, as two explorers would have) on one file.
final class ConcurrencyTests: XCTestCase {
    private func hammer(sameProfile: Bool) throws {
        let dir = makeTempDir(self)
        let path = dir + "/p.sqlite"
        let n = 60
        let group = DispatchGroup()
        let errors = ErrorBox()
        for w in 0..<2 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let s = try SQLiteProfileStore(path: path)   // its own pool
                    let profile = sameProfile ? "shared" : "p\(w)"
                    for k in 0..<n {
                        try s.setRating(profile: profile, item: "w\(w)-\(k)", value: Float(1 + (k + w) % 5), timestamp: Int64(k))
                        // Both writers also touch one common item, in the same profile when shared.
                        if k % 10 == 0 { try s.setRating(profile: profile, item: "common", value: Float(w + 1), timestamp: Int64(k)) }
                        if k % 25 == 0 { _ = try s.ratings(profile: profile) }
                    }
                } catch {
                    errors.add("\(error)")
                }
            }.start()
        }
        // A reader in the meantime never fails and never sees a torn state.
        group.enter()
        Thread {
            defer { group.leave() }
            do {
                let s = try SQLiteProfileStore(path: path)
                for _ in 0..<30 { _ = try s.profiles() }
            } catch {
                errors.add("reader: \(error)")
            }
        }.start()
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(errors.all, [])

        let s = try SQLiteProfileStore(path: path)
        let check = try s.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        XCTAssertEqual(check, ["ok"])
        if sameProfile {
            let r = try s.existingRatings(profile: "shared")
            XCTAssertEqual(r.count, 2 * n + 1)
            XCTAssertTrue([1, 2].contains(r.first { $0.item == "common" }?.value))
            XCTAssertEqual(try s.history(profile: "shared", limit: 10_000).count, 2 * n + 2 * (n / 10))
        } else {
            for w in 0..<2 {
                let r = try s.existingRatings(profile: "p\(w)")
                XCTAssertEqual(r.count, n + 1)
                XCTAssertEqual(r.first { $0.item == "common" }?.value, Float(w + 1))
                XCTAssertEqual(r.first { $0.item == "w\(w)-7" }?.value, Float(1 + (7 + w) % 5))
            }
        }
    }

    func testTwoWritersOnTheSameProfile() throws { try hammer(sameProfile: true) }
    func testTwoWritersOnDifferentProfiles() throws { try hammer(sameProfile: false) }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ e: String) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}

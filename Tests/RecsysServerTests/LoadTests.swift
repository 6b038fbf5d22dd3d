import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecsysEngine
import RecsysServer
import RecsysStore
import RecsysTestSupport
import XCTest

/// Concurrent writes: 1,000 PUTs over 8 connections to 4 profiles, every 2xx rating in the store after.
final class LoadTests: XCTestCase {
    func testThousandConcurrentPutsFromEightConnectionsAllLand() async throws {
        // 300 films so every (profile, item) pair is written once: the expected store is known exactly.
        let data = UIFixtures.synthetic(items: 300, users: 40, ratingsPerUser: 30, seed: 3)
        let (server, dbPath) = try ServerFixture.server(algorithms: ["popularity"], data: data)
        let profiles = ["p0", "p1", "p2", "p3"]
        let requests = 1000, connections = 8
        try await server.application().test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let answered = try await withThrowingTaskGroup(of: [(String, String, Int)].self) { group in
                for c in 0..<connections {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { conn in
                            var ok: [(String, String, Int)] = []
                            for k in stride(from: c, to: requests, by: connections) {
                                let profile = profiles[k % 4], item = data.catalog[Int32(k / 4)].rawID
                                let stars = 1 + (k * 7) % 5
                                let r = try await conn.call(.put, "/v1/profiles/\(profile)/ratings/\(item)",
                                                            body: "{\"rating\": \(stars)}")
                                XCTAssertEqual(r.status, .ok, r.text)
                                if r.status == .ok { ok.append((profile, item, stars)) }
                            }
                            return ok
                        }
                    }
                }
                var all: [(String, String, Int)] = []
                for try await part in group { all += part }
                return all
            }
            XCTAssertEqual(answered.count, requests)
            let store = try SQLiteProfileStore(path: dbPath)
            var stored: [String: Float] = [:]
            for p in profiles {
                let rs = try store.existingRatings(profile: p)
                XCTAssertEqual(rs.count, requests / 4, p)
                for r in rs { stored[p + "/" + r.item] = r.value }
            }
            for (p, i, s) in answered { XCTAssertEqual(stored[p + "/" + i], Float(s), "\(p) \(i)") }
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecsysEngine
import RecsysServer
import RecsysStore
import RecsysTestSupport
import XCTest

/// A seeded fuzzer of the API: random methods, paths, query strings, headers and bodies
/// (valid ones mutated, truncated, retyped, oversized) for a bounded time. Any 5xx fails,
/// as does an error answer that is not `{"error", "detail"}` or a failed write that changed the store.
///
/// `RECSYS_API_FUZZ_SECONDS` (default 3) bounds the run; `RECSYS_API_FUZZ_SEED` (default 16) seeds it.
final class APIFuzzTests: XCTestCase {
    func testSeededFuzzNeverAnswers5xx() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = env["RECSYS_API_FUZZ_SECONDS"].flatMap(Double.init) ?? 3
        let seed = env["RECSYS_API_FUZZ_SEED"].flatMap(UInt64.init) ?? 16
        let (server, dbPath) = try ServerFixture.server(
            algorithms: ["ease", "item-knn", "svd"],
            settings: ServerSettings(port: 0, token: "tok", bodyLimit: 64 * 1024))
        let store = try SQLiteProfileStore(path: dbPath)
        let deadline = ContinuousClock.now + .seconds(seconds)
        let (sent, statuses) = try await server.application().test(.router) { client in
            var rng = SplitMix64(seed: seed)
            var statuses: [Int: Int] = [:]
            var sent = 0
            while ContinuousClock.now < deadline {
                let request = FuzzRequest.random(&rng)
                let before = try store.profileNames().flatMap { p in try store.existingRatings(profile: p).map { "\(p)/\($0.item)=\($0.value)" } }
                let r = try await client.call(request.method, request.uri, body: request.body, headers: request.headers)
                sent += 1
                statuses[r.status.code, default: 0] += 1
                XCTAssertLessThan(r.status.code, 500, "\(request) → \(r.status) \(r.text)")
                if r.status.code >= 400 {
                    let o = try? JSONSerialization.jsonObject(with: Data(r.text.utf8)) as? [String: Any]
                    XCTAssertEqual(o.map { Set($0.keys) }, ["error", "detail"], "\(request) → \(r.text)")
                    if request.method != .get && request.method != .post {
                        let after = try store.profileNames().flatMap { p in try store.existingRatings(profile: p).map { "\(p)/\($0.item)=\($0.value)" } }
                        XCTAssertEqual(before, after, "a failed write changed the store: \(request)")
                    }
                }
                if r.status.code >= 500 { break }
            }
            return (sent, statuses)
        }
        // The fuzzer must reach past validation: some requests succeed, some fail in each way.
        XCTAssertGreaterThan(sent, 100)
        for code in [200, 400, 401, 404, 422] { XCTAssertGreaterThan(statuses[code] ?? 0, 0, "no \(code) in \(statuses)") }
        print("API fuzz: \(sent) requests in \(seconds) s, seed \(seed), statuses \(statuses.sorted { $0.key < $1.key })")
    }
}

/// One random request, printable for a failure message.
struct FuzzRequest: CustomStringConvertible {
    var method: HTTPRequest.Method
    var uri: String
    var body: String?
    var headers: HTTPFields

    var description: String { "\(method) \(uri) headers \(headers) body \(body.map { String($0.prefix(300)) } ?? "-")" }

    static let items = ["1", "2", "7", "16", "999", "", "%20", "1%2F2", "é", "0x1", "-1"]
    static let users = ["u1", "u10", "nobody", "", "%00", "u1%00"]
    static let algorithms = ["ease", "item-knn", "svd", "als", "nope", "", "EASE", "%2e%2e"]
    static let profiles = ["ann", "bob", "room%2012", "%20lead", "x%0Ay", String(repeating: "n", count: 300), "%FF", "."]
    static let numbers = ["0", "1", "3", "5", "10", "-1", "1001", "1e3", "4.5", "NaN", "abc", "", "99999999999999999999"]
    static let ratings = ["1", "2", "3", "4", "5", "0", "6", "3.5", "-2", "1e308", "true", "null", "\"4\"", "[]", "{}"]

    static func pick<T>(_ list: [T], _ rng: inout SplitMix64) -> T { list[Int(rng.next() % UInt64(list.count))] }

    static func random(_ rng: inout SplitMix64) -> FuzzRequest {
        var headers = HTTPFields()
        if rng.next() % 2 == 0 { headers[.authorization] = pick(["Bearer tok", "Bearer nope", "tok", "Bearer "], &rng) }
        let n = pick(numbers, &rng), a = pick(algorithms, &rng), i = pick(items, &rng)
        let maybe = { (k: String, v: String, r: inout SplitMix64) -> String in r.next() % 3 == 0 ? "" : "&\(k)=\(v)" }
        switch rng.next() % 10 {
        case 0:
            return FuzzRequest(method: pick([.get, .post, .put, .delete, .patch], &rng),
                               uri: pick(["/healthz", "/v1/models", "/v1", "/", "/v1/models/reload", "/v2/recommend",
                                          "/v1/recommend/", "//v1//models"], &rng), body: nil, headers: headers)
        case 1:
            let uri = "/v1/recommend?user=\(pick(users, &rng))" + maybe("n", n, &rng) + maybe("algorithm", a, &rng)
                + maybe("explain", pick(["true", "false", "yes", ""], &rng), &rng)
            return FuzzRequest(method: .get, uri: uri, body: nil, headers: headers)
        case 2:
            return FuzzRequest(method: .get, uri: "/v1/similar?item=\(i)" + maybe("n", n, &rng) + maybe("algorithm", a, &rng),
                               body: nil, headers: headers)
        case 3, 4:
            return FuzzRequest(method: .post, uri: "/v1/recommend", body: recommendBody(&rng), headers: headers)
        case 5, 6:
            let body = rng.next() % 4 == 0 ? mutate(pick(["{\"rating\": 4}", "{\"rating\": 2.0}"], &rng), &rng)
                : "{\"rating\": \(pick(ratings, &rng))}"
            return FuzzRequest(method: .put, uri: "/v1/profiles/\(pick(profiles, &rng))/ratings/\(i)", body: body,
                               headers: headers)
        case 7:
            return FuzzRequest(method: .delete, uri: "/v1/profiles/\(pick(profiles, &rng))/ratings/\(i)", body: nil,
                               headers: headers)
        case 8:
            let uri = "/v1/profiles/\(pick(profiles, &rng))/recommendations?x=1" + maybe("n", n, &rng)
                + maybe("algorithm", a, &rng) + maybe("explain", "true", &rng)
            return FuzzRequest(method: .get, uri: uri, body: nil, headers: headers)
        default:
            return FuzzRequest(method: .post, uri: "/v1/models/reload", body: rng.next() % 2 == 0 ? nil : "{}",
                               headers: headers)
        }
    }

    static func recommendBody(_ rng: inout SplitMix64) -> String {
        let count = Int(rng.next() % 25)
        var parts: [String] = []
        for _ in 0..<count {
            let item = rng.next() % 5 == 0 ? pick(["1", "999", "null", "{}", "[1]", "1.5"], &rng) : "\"\(pick(items, &rng))\""
            parts.append("{\"item\": \(item), \"rating\": \(pick(ratings, &rng))}")
        }
        var body = "{\"ratings\": [" + parts.joined(separator: ", ") + "]"
        if rng.next() % 2 == 0 { body += ", \"n\": \(pick(numbers, &rng).isEmpty ? "0" : pick(numbers, &rng))" }
        if rng.next() % 2 == 0 { body += ", \"algorithm\": \"\(pick(algorithms, &rng))\"" }
        if rng.next() % 3 == 0 { body += ", \"explain\": \(pick(["true", "false", "1", "\"yes\""], &rng))" }
        if rng.next() % 10 == 0 { body += ", \"extra\": 1" }
        body += "}"
        return rng.next() % 3 == 0 ? mutate(body, &rng) : body
    }

    /// Byte-level damage: truncation, a flipped byte, an inserted token, deep nesting or a large padding.
    static func mutate(_ s: String, _ rng: inout SplitMix64) -> String {
        var bytes = Array(s.utf8)
        switch rng.next() % 6 {
        case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
        case 1 where !bytes.isEmpty: bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
        case 2: bytes.insert(contentsOf: Array(pick([",", "]", "}", "\"", "\\u0000", "\u{FFFF}", "1e999"], &rng).utf8),
                             at: Int(rng.next() % UInt64(bytes.count + 1)))
        case 3: bytes = Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8)
        case 4: bytes += Array(String(repeating: " ", count: 70_000).utf8)
        default: bytes = Array("{\"ratings\": \(String(repeating: "{\"a\":", count: 300))1\(String(repeating: "}", count: 300))}".utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

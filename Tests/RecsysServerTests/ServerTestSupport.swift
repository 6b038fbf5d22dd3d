import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RecsysEngine
import RecsysServer
import RecsysStore
import RecsysTestSupport
import XCTest

/// Builds servers over the UI fixture (16 films, 10 users, whole stars) with fitted models and a
/// fresh SQLite store in a temporary folder.
enum ServerFixture {
    static let dataset = UIFixtures.dataset()

    static func fitted(_ name: String, on data: Dataset = dataset, parameters: RecsysEngine.Parameters = RecsysEngine.Parameters()) throws
        -> any Recommender {
        let m = try Algorithms.make(name, parameters: parameters)
        try m.fit(data, context: FitContext(seed: 42, threads: 2))
        return m
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A server with `algorithms` fitted (the first is the default) and a store at `dbPath` (a new one when nil).
    static func server(algorithms: [String] = ["ease", "item-knn"], data: Dataset = dataset,
                       files: [String] = [], settings: ServerSettings = ServerSettings(port: 0),
                       dbPath: String? = nil) throws -> (server: RecsysServer, dbPath: String) {
        var models = try files.map { try ServedModel.load(file: $0, dataset: data) }
        models += try algorithms.map { ServedModel(model: try fitted($0, on: data), fitSeconds: 0.01) }
        let path = try dbPath ?? temporaryDirectory().appendingPathComponent("profiles.sqlite").path
        let store = try SQLiteProfileStore(path: path)
        var logger = Logger(label: "test.serve")
        logger.logLevel = .error
        let server = RecsysServer(registry: ModelRegistry(try ModelSet(dataset: data, models: models)), store: store,
                                  settings: settings, logger: logger)
        return (server, path)
    }
}

/// A decoded JSON answer.
struct Answer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    var object: [String: Any] {
        get throws {
            let obj = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return try XCTUnwrap(obj as? [String: Any], "not a JSON object: \(text)")
        }
    }

    var items: [[String: Any]] {
        get throws { try XCTUnwrap(try object["items"] as? [[String: Any]], "no items in \(text)") }
    }

    /// The `error` code of an error answer, after checking it has exactly `error` and `detail`.
    var errorCode: String {
        get throws {
            let o = try object
            XCTAssertEqual(Set(o.keys), ["error", "detail"], text)
            XCTAssertFalse((o["detail"] as? String ?? "").isEmpty, text)
            return try XCTUnwrap(o["error"] as? String)
        }
    }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:])
        async throws -> Answer {
        let r = try await executeRequest(uri: uri, method: method, headers: headers,
                                         body: body.map { ByteBuffer(string: $0) })
        return Answer(status: r.status, headers: r.headers, text: String(buffer: r.body))
    }
}

extension TestClient {
    func call(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:])
        async throws -> Answer {
        var h = headers
        h[.contentType] = "application/json"
        let r = try await execute(.init(uri, method: method, authority: "localhost", headers: h,
                                        body: body.map { ByteBuffer(string: $0) }))
        return Answer(status: r.status, headers: r.headers, text: r.body.map { String(buffer: $0) } ?? "")
    }
}

/// `[{"item": "1", "rating": 5}, …]` as a JSON array.
func ratingsJSON(_ pairs: [(String, Double)]) -> String {
    "[" + pairs.map { "{\"item\": \"\($0.0)\", \"rating\": \($0.1)}" }.joined(separator: ", ") + "]"
}

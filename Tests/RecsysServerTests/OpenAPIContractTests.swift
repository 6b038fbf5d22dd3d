import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RecsysServer
import XCTest

/// docs/openapi.yaml and the server agree: the same (method, path) pairs, and every documented
/// operation is routed by the live server (it never answers the router's `not_found`).
final class OpenAPIContractTests: XCTestCase {
    static var specPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path
    }

    /// (METHOD, /path/{param}) of every operation under `paths:`, read by indentation
    /// (paths at two spaces, methods at four), which is how docs/openapi.yaml is written.
    static func specOperations() throws -> [String] {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        var inPaths = false, path: String?
        var ops: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = false; continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            let t = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    ") && !line.hasPrefix("     "),
               ["get:", "put:", "post:", "delete:", "patch:"].contains(t), let path {
                ops.append(t.dropLast().uppercased() + " " + path)
            }
        }
        return ops.sorted()
    }

    func testSpecListsExactlyTheServedRoutes() throws {
        let spec = try Self.specOperations()
        XCTAssertEqual(spec.count, 9, "\(spec)")
        let served = RecsysServer.routes.map { r in
            r.method + " " + r.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        }.sorted()
        XCTAssertEqual(spec, served)
    }

    func testEveryDocumentedOperationIsRouted() async throws {
        let (server, _) = try ServerFixture.server()
        let ops = try Self.specOperations()
        try await server.application().test(.router) { client in
            for op in ops {
                let parts = op.split(separator: " ")
                let uri = parts[1].replacingOccurrences(of: "{name}", with: "ann").replacingOccurrences(of: "{item}", with: "1")
                let r = try await client.call(HTTPRequest.Method(String(parts[0]))!, uri, body: "{}")
                let code = (try? JSONSerialization.jsonObject(with: Data(r.text.utf8)) as? [String: Any])?["error"] as? String
                XCTAssertNotEqual(code, "not_found", "\(op) is in docs/openapi.yaml but not routed: \(r.text)")
                XCTAssertLessThan(r.status.code, 500, op)
            }
            // And an undocumented method on a documented path is not routed.
            let r = try await client.call(.patch, "/v1/models")
            XCTAssertEqual(r.status, .notFound)
        }
    }
}

import Foundation
import XCTest

/// `serve` refuses bad setups with one line and exit status 2, before binding anything.
/// (The running server is tested in-process in RecsysServerTests and end to end in Tests/EndToEnd/serve.sh.)
final class ServeCommandTests: XCTestCase {
    func testBadSetupsPrintOneLineAndExit2() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-serve-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let spaced = dir.appendingPathComponent("token-with-space").path
        try "two words\n".write(toFile: spaced, atomically: true, encoding: .utf8)
        let notModel = dir.appendingPathComponent("not-a-model.rsm").path
        try "hello".write(toFile: notModel, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("p.sqlite").path
        let cases: [([String], String)] = [
            (["serve", "--algorithm", "nope"], "unknown algorithm 'nope'"),
            (["serve", "--port", "70000"], "--port must be in 0...65535"),
            (["serve", "--log-level", "loud"], "--log-level must be one of"),
            (["serve", "--param", "lambda=3"], "--param expects ALGO.KEY=VALUE"),
            (["serve", "--algorithm", "svd", "--param", "ease.lambda=3"], "--param expects ALGO.KEY=VALUE"),
            (["serve", "--token", dir.appendingPathComponent("missing").path, "--db", db], "cannot read the token file"),
            (["serve", "--token", spaced, "--db", db], "\(spaced):1: expected one token without spaces"),
            (["serve", "--model", notModel, "--db", db], notModel),
            (["serve", "--algorithm", "ease", "--param", "ease.lambda=-4", "--db", db], "lambda"),
        ]
        for (args, expected) in cases {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
    }
}

import Foundation
import XCTest
import RecsysEngine

/// Every subcommand's definition is valid (argument-parser checks option names only when the command
/// is used) and the algorithm registry rejects unknown names with the valid list.
final class CommandStructureTests: XCTestCase {
    static let subcommands = ["explore", "info", "sample", "loadbench", "eval", "recommend", "similar", "bench",
                              "profile", "index-bench", "train"]

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = try XCTUnwrap(InfoCommandTests.binary, "build the recsys-tui product first (swift build)")
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testEverySubcommandHasWorkingHelp() throws {
        let top = try run(["--help"])
        XCTAssertEqual(top.status, 0)
        for name in Self.subcommands {
            XCTAssertTrue(top.stdout.contains(name), "top-level help lists \(name)")
            let r = try run([name, "--help"])
            XCTAssertEqual(r.status, 0, "\(name) --help: \(r.stderr)\(r.stdout)")
            XCTAssertTrue(r.stdout.contains("USAGE: recsys-tui \(name)"), "\(name) --help prints its usage")
        }
    }

    func testAlgorithmsRegistryRejectsUnknownNames() {
        XCTAssertThrowsError(try Algorithms.make("nope")) { e in
            for name in ["popularity", "item-knn", "svd", "two-tower"] {
                XCTAssertTrue("\(e)".contains(name), "the error lists \(name)")
            }
        }
        XCTAssertEqual(Set(Algorithms.names).count, Algorithms.names.count, "names are unique")
    }
}

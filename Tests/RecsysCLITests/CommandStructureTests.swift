import Foundation
import XCTest
import RecsysEngine

/// Every subcommand's definition is valid (argument-parser checks option names only when the command
/// is used) and the algorithm registry rejects unknown names with the valid list.
final class CommandStructureTests: XCTestCase {
    /// Commands that must stay (a contract); the test walks the parser's own tree, so a new one is covered too.
    static let required = ["explore", "info", "sample", "sample generate", "loadbench", "eval", "recommend", "similar",
                           "bench", "profile", "profile list", "profile show", "profile export", "profile import",
                           "profile copy", "profile bind", "profile delete", "profile rename", "profile undo",
                           "profile bench", "fuzz", "index-bench", "train", "cache", "cache list", "cache clear"]

    /// Every command path in the parser's tree (hidden ones such as `fuzz` included), from `--experimental-dump-help`.
    static func commandTree() throws -> [(path: [String], shown: Bool)] {
        let r = try CLI.run(["--experimental-dump-help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["command"]
            as? [String: Any])
        var out: [(path: [String], shown: Bool)] = []
        func walk(_ c: [String: Any], _ path: [String]) {
            for sub in c["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                out.append((path + [name], sub["shouldDisplay"] as? Bool ?? true))
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return out
    }

    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments) }

    func testEverySubcommandHasWorkingHelp() throws {
        let tree = try Self.commandTree()
        let paths = tree.map { $0.path.joined(separator: " ") }
        for name in Self.required { XCTAssertTrue(paths.contains(name), "\(name) is a command") }
        let top = try run(["--help"])
        XCTAssertEqual(top.status, 0)
        for (path, shown) in tree {
            let name = path.joined(separator: " ")
            if path.count == 1 && shown { XCTAssertTrue(top.stdout.contains("  " + name), "top-level help lists \(name)") }
            let r = try run(path + ["--help"])
            XCTAssertEqual(r.status, 0, "\(name) --help: \(r.stderr)\(r.stdout)")
            XCTAssertTrue(r.stdout.contains("USAGE: recsys-tui \(name)"), "\(name) --help prints its usage")
            // A wrong option is one line and exit 2 for every command, in the one place that maps errors.
            let bad = try run(path + ["--no-such-option"])
            XCTAssertEqual(bad.status, 2, "\(name) --no-such-option")
            XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, "\(name): \(bad.stderr)")
            XCTAssertTrue(bad.stderr.hasPrefix("recsys-tui: "), "\(name): \(bad.stderr)")
        }
        XCTAssertEqual(tree.first { $0.path == ["fuzz"] }?.shown, false, "fuzz is covered although hidden")
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

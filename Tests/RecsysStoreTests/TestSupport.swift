import Foundation
import XCTest

/// A fresh temporary folder per test, removed afterwards.
func makeTempDir(_ test: XCTestCase, file: StaticString = #filePath, line: UInt = #line) -> String {
    let dir = NSTemporaryDirectory() + "recsys-store-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
    XCTAssertNoThrow(try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true),
                     file: file, line: line)
    test.addTeardownBlock {
        // Restore write permission so read-only fixtures can be removed.
        _ = chmod(dir, 0o755)
        if let items = try? FileManager.default.subpathsOfDirectory(atPath: dir) {
            for item in items { _ = chmod(dir + "/" + item, 0o644) }
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
    return dir
}

func readBytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

func writeBytes(_ path: String, _ bytes: some Sequence<UInt8>) {
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
}

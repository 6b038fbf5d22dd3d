import Foundation
import RecsysUI
import XCTest

/// Compares a rendered screen with a snapshot file, line by line.
///
/// The snapshot is `<directory>/<name>.txt`: the buffer's lines with trailing spaces
/// trimmed. On a mismatch the failure names the first differing line and shows both
/// versions. Set `RECORD_SNAPSHOTS=1` to (re-)write the files instead of comparing;
/// a missing file fails (it is never silently created).
///
/// - Parameters:
///   - buffer: the frame `view(state)` produced.
///   - name: the snapshot's file name without `.txt` ("explore-80x24").
///   - directory: the snapshot folder, usually `Snapshots` beside the test file (from `#filePath`).
public func assertScreen(_ buffer: ScreenBuffer, named name: String, in directory: URL,
                         file: StaticString = #filePath, line: UInt = #line) {
    assertLines(buffer.lines, named: name, in: directory, file: file, line: line)
}

/// `assertScreen` for any text: `lines` compared with `<directory>/<name>.txt` (the same
/// recording rule, `RECORD_SNAPSHOTS=1`), e.g. a document's outline.
public func assertLines(_ actual: [String], named name: String, in directory: URL,
                        file: StaticString = #filePath, line: UInt = #line) {
    let url = directory.appendingPathComponent(name + ".txt")
    let text = actual.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            XCTFail("could not record snapshot \(url.path): \(error)", file: file, line: line)
        }
        return
    }
    guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("missing snapshot \(url.path); run with RECORD_SNAPSHOTS=1 to record it.\n" + text, file: file, line: line)
        return
    }
    var expected = stored.components(separatedBy: "\n")
    if expected.last == "" { expected.removeLast() }
    if expected == actual { return }
    let k = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(expected.count, actual.count)
    let exp = k < expected.count ? expected[k] : "<no line>"
    let act = k < actual.count ? actual[k] : "<no line>"
    XCTFail("""
        snapshot \(name) differs at line \(k + 1) (RECORD_SNAPSHOTS=1 re-records):
          expected: \(exp)
          actual:   \(act)
        in full:
        \(text)
        """, file: file, line: line)
}

/// The `Snapshots` folder beside a test file.
public func snapshotDirectory(for testFile: String = #filePath) -> URL {
    URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Snapshots")
}

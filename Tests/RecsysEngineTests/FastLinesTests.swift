import Foundation
@testable import RecsysEngine
import XCTest

/// The one fast loop the reader and the region parser share (issue 10 item 4).
final class FastLinesTests: XCTestCase {
    struct Collect: FastLineSink {
        var bytes: [UInt8]
        var stopAtOther: Bool
        var fast: [String] = [], other: [String] = []
        mutating func fastLine(_ l: FastLine) -> Bool {
            fast.append("\(l.user) \(l.item) \(l.rating) \(l.hasTimestamp ? String(l.timestamp) : "-")")
            return true
        }
        mutating func otherLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
            other.append(String(decoding: line, as: UTF8.self))
            return !stopAtOther
        }
    }

    func scan(_ text: String, _ d: FieldDelimiter?, stopAtOther: Bool = false) -> (fast: [String], other: [String], finished: Bool) {
        let bytes = Array(text.utf8)
        var sink = Collect(bytes: bytes, stopAtOther: stopAtOther)
        let finished = bytes.withUnsafeBufferPointer { block in
            try! FastLines.scan(block, delimiter: d, rule: .halfStars, wantTimestamp: true, into: &sink)
        }
        return (sink.fast, sink.other, finished)
    }

    func testCanonicalLinesTakeTheFastPathAndTheRestGoesToOtherInOrder() {
        let r = scan("userId,movieId,rating,timestamp\n1,50,4.5,99\n\n2,\"x\",3,1\n3,7,5\n", .comma)
        XCTAssertEqual(r.fast, ["1 50 4.5 99", "3 7 5.0 -"])
        XCTAssertEqual(r.other, ["userId,movieId,rating,timestamp", "", "2,\"x\",3,1"])
        XCTAssertTrue(r.finished)
    }

    func testEachDelimiterHasItsFastPathAndPipeHasNone() {
        XCTAssertEqual(scan("1::2::3::4\n", .doubleColon).fast, ["1 2 3.0 4"])
        XCTAssertEqual(scan("1\t2\t3\t4\n", .tab).fast, ["1 2 3.0 4"])
        XCTAssertEqual(scan("1  2 3 4\n", .whitespace).fast, ["1 2 3.0 4"])
        XCTAssertEqual(scan("1|2|3|4\n", .pipe).other, ["1|2|3|4"])
        XCTAssertEqual(scan("1,2,3,4\n", nil).other, ["1,2,3,4"], "a non-canonical column order is read carefully")
        XCTAssertEqual(scan("1,2,7,4\n", .comma).other, ["1,2,7,4"], "a rating off the scale is left to the careful path")
    }

    func testOtherCanStopTheScan() {
        let r = scan("1,2,3\nbad\n4,5,3\n", .comma, stopAtOther: true)
        XCTAssertEqual(r.fast, ["1 2 3.0 -"])
        XCTAssertEqual(r.other, ["bad"])
        XCTAssertFalse(r.finished)
    }
}

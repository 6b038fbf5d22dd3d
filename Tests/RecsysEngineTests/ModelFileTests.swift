import XCTest
@testable import RecsysEngine

final class ModelFileTests: XCTestCase {
    private func sampleArchive() -> ModelArchive {
        let fp = DatasetFingerprint(name: "tiny", userCount: 3, itemCount: 4, ratingCount: 7, itemIDHash: 0xDEAD_BEEF,
                                    userIDHash: 42, ratingHash: 0x0123_4567_89AB_CDEF)
        var a = ModelArchive(algorithm: "popularity", stateVersion: 2,
                             parameters: Parameters(["by": "mean", "damping": "2.5"]), fingerprint: fp)
        a.set("floats", floats: [1.5, -0, .infinity, Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0x0000_0800)])
        a.set("ints", int32s: [Int32.min, -1, 0, Int32.max])
        a.set("longs", int64s: [Int64.min, 7, Int64.max])
        a.set("names", strings: ["", "Amélie (2001)", "東京物語", "a\u{0}b"])
        a.set("empty", floats: [])
        return a
    }

    private func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recsys-modelfile-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    private func assertFails(_ bytes: [UInt8], containing text: String, file: StaticString = #filePath,
                             line: UInt = #line) {
        XCTAssertThrowsError(try ModelArchive(decoding: bytes, path: "m.rsm"), file: file, line: line) { error in
            guard let e = error as? ModelFileError else { return XCTFail("not a ModelFileError: \(error)") }
            XCTAssertEqual(e.path, "m.rsm", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("m.rsm: "), e.description, file: file, line: line)
            XCTAssertTrue(e.description.contains(text), "\(e.description) lacks '\(text)'", file: file, line: line)
            XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
        }
    }

    func testRoundTripKeepsEveryBitAndTheArrayOrder() throws {
        let a = sampleArchive()
        let b = try ModelArchive(decoding: a.encoded())
        XCTAssertEqual(a, b)
        XCTAssertEqual(b.names, ["floats", "ints", "longs", "names", "empty"])
        XCTAssertEqual(try b.floats("floats").map(\.bitPattern), try a.floats("floats").map(\.bitPattern))
        XCTAssertEqual(try b.strings("names")[2], "東京物語")
        XCTAssertEqual(b.fingerprint.ratingHash, 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(b.parameters.string("damping"), "2.5")
    }

    func testHeaderLayoutMatchesTheDocumentedFormat() {
        let bytes = sampleArchive().encoded()
        XCTAssertEqual(Array(bytes[0..<8]), Array("RSYSMODL".utf8))
        XCTAssertEqual(Array(bytes[8..<12]), [1, 0, 0, 0], "format version 1, little-endian")
        XCTAssertEqual(Array(bytes[12..<16]), [0, 0, 0, 0], "flags")
        var length = 0
        for k in 0..<8 { length |= Int(bytes[16 + k]) << (8 * k) }
        XCTAssertEqual(length, bytes.count - 24 - 8, "payload length excludes header and checksum")
        // The payload starts with the algorithm name as u32 length + UTF-8.
        XCTAssertEqual(Array(bytes[24..<28]), [10, 0, 0, 0])
        XCTAssertEqual(String(decoding: bytes[28..<38], as: UTF8.self), "popularity")
    }

    func testEncodingIsDeterministic() {
        XCTAssertEqual(sampleArchive().encoded(), sampleArchive().encoded())
    }

    func testEveryTruncationIsAClearErrorNamingTheFile() {
        let bytes = sampleArchive().encoded()
        for cut in [0, 3, 8, 20, 24, 30, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            let prefix = Array(bytes[0..<cut])
            assertFails(prefix, containing: cut < 8 ? "not a recsys-tui model file" : "truncated")
        }
    }

    func testCorruptionIsCaughtByTheChecksum() {
        var bytes = sampleArchive().encoded()
        bytes[60] ^= 0x10
        assertFails(bytes, containing: "checksum mismatch")
        var trailing = sampleArchive().encoded()
        trailing.append(0)
        assertFails(trailing, containing: "unexpected bytes")
    }

    func testWrongMagicAndNewerVersionsAreRefused() {
        assertFails(Array("PK\u{3}\u{4} this is a zip file, not a model".utf8), containing: "not a recsys-tui model file")
        var bytes = sampleArchive().encoded()
        bytes[8] = 9
        assertFails(bytes, containing: "format version 9 is not supported")
    }

    func testMalformedPayloadWithAValidChecksumIsRefused() {
        // A hand-built payload whose array claims more values than there are bytes.
        var w = ModelByteWriter()
        w.string("popularity"); w.u32(1); w.u32(0)
        w.string("x"); for _ in 0..<6 { w.u64(0) }
        w.u32(1); w.string("scores"); w.u8(1); w.u64(1_000_000); w.raw([Float(1)])
        var out = ModelByteWriter()
        out.bytes = ModelArchive.magic
        out.u32(1); out.u32(0); out.u64(UInt64(w.bytes.count))
        out.bytes += w.bytes
        var h = FNV1a64(); h.add(bytes: w.bytes)
        out.u64(h.value)
        assertFails(out.bytes, containing: "array 'scores'")
    }

    func testTypedGettersNameTheArray() {
        let a = sampleArchive()
        XCTAssertThrowsError(try a.floats("missing")) { XCTAssertTrue("\($0)".contains("no array 'missing'")) }
        XCTAssertThrowsError(try a.int32s("floats")) { XCTAssertTrue("\($0)".contains("'floats' is float32")) }
        XCTAssertThrowsError(try a.floats("floats", count: 4)) { XCTAssertTrue("\($0)".contains("5 values, expected 4")) }
        XCTAssertThrowsError(try a.indices("ints", below: 10)) { XCTAssertTrue("\($0)".contains("outside 0..<10")) }
        XCTAssertEqual(try a.int64s("longs")[1], 7)
    }

    func testFileRoundTripAndMissingFile() throws {
        let path = tempPath("sample.rsm")
        var a = sampleArchive()
        try a.write(to: path)
        let b = try ModelArchive.read(from: path)
        XCTAssertEqual(b.path, path)
        a.path = path
        XCTAssertEqual(a, b)
        XCTAssertThrowsError(try ModelArchive.read(from: tempPath("nope.rsm"))) { e in
            XCTAssertEqual("\(e)", tempPath("nope.rsm") + ": no such model file")
        }
        // A truncated file on disk names the file.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 20).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelArchive.read(from: path)) { e in
            XCTAssertTrue("\(e)".hasPrefix(path + ": truncated"), "\(e)")
        }
    }
}

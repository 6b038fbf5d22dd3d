import Foundation
@testable import RecsysEngine
@testable import RecsysStore
import XCTest

/// Bounded, seeded fuzz runs: every dataset loader and the profile importer either load a
/// mutated input or refuse it with a one-line `LoadError` naming a file of the input.
/// The long campaign is `recsys-tui fuzz --seconds 600` (docs/fuzzing.md).
final class FuzzTests: XCTestCase {
    private func fuzz(_ targets: [FuzzTarget], seed: UInt64, cases: Int) -> FuzzReport {
        let dir = makeTempDir(self)
        let report = Fuzzer(targets: targets, workDir: dir, caseLimit: 5).run(seed: seed, maxCases: cases)
        XCTAssertEqual(report.cases, cases)
        XCTAssertEqual(report.findings.map(\.description), [], report.summary)
        return report
    }

    func testDatasetLoadersSurviveMutatedInputs() {
        let r = fuzz(LoaderFuzzTargets.all(), seed: 20261129, cases: 60)
        XCTAssertEqual(r.casesPerTarget.count, 4, "every layout was exercised: \(r.casesPerTarget)")
        XCTAssertGreaterThan(r.rejectedWithLine + r.rejectedFileLevel, 0, "mutations do produce bad input")
    }

    func testProfileImporterSurvivesMutatedInputs() {
        let r = fuzz([ProfileImportFuzz.target()], seed: 7, cases: 80)
        XCTAssertGreaterThan(r.accepted, 0, "some mutations stay loadable (and are then stored)")
        XCTAssertGreaterThan(r.rejectedWithLine, 0, "and many are refused at a line")
    }

    func testClassFoldersSurviveMutatedFiles() {
        let r = fuzz([ClassFolderFuzz.target()], seed: 15, cases: 60)
        XCTAssertEqual(r.accepted, 60, "a bad file in a class folder is a line, never a failed load")
    }

    func testCasesAreReproducibleFromSeedAndIndex() {
        let f = Fuzzer(targets: LoaderFuzzTargets.all() + [ProfileImportFuzz.target()], workDir: "/unused")
        for i in [0, 17, 99] {
            let a = f.makeCase(seed: 5, index: i), b = f.makeCase(seed: 5, index: i)
            XCTAssertEqual(a.files, b.files)
            XCTAssertEqual(a.mutations, b.mutations)
        }
        XCTAssertNotEqual(f.makeCase(seed: 5, index: 1).files, f.makeCase(seed: 6, index: 1).files)
    }

    /// The checker itself: it must flag the faults it exists to catch.
    func testTheCheckerFlagsMultiLineAndAddresslessErrors() {
        XCTAssertNil(Fuzzer.check(LoadError(file: "/w/case/u.data", line: 3, "bad"), caseDir: "/w/case"))
        XCTAssertNotNil(Fuzzer.check(LoadError(file: "/w/case/u.data", line: 3, "bad\nworse"), caseDir: "/w/case"))
        XCTAssertNotNil(Fuzzer.check(LoadError(file: "somewhere", line: 3, "bad"), caseDir: "/w/case"))
        let dir = makeTempDir(self)
        let throwsOther = FuzzTarget(name: "bad", seeds: [FuzzSeed(name: "s", files: ["f": [1, 2, 3]], entry: "f")]) { _, _ in
            throw CocoaError(.fileReadCorruptFile)
        }
        let report = Fuzzer(targets: [throwsOther], workDir: dir, keepFindings: true).run(seed: 1, maxCases: 3)
        XCTAssertEqual(report.findings.count, 3)
        XCTAssertTrue(report.findings[0].problem.contains("not LoadError"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: report.findings[0].keptAt + "/f"), "the input is kept")
    }

    func testMutationsProduceTheHostileShapesTheyAreNamedFor() {
        let valid = Array("user,item,rating\nu,1,5\nu,2,3\n".utf8)
        var rng = SplitMix64(seed: 3)
        XCTAssertTrue(FuzzMutation.insertNUL.apply(to: valid, rng: &rng).contains(0))
        XCTAssertNil(String(validating: FuzzMutation.invalidUTF8.apply(to: valid, rng: &rng), as: UTF8.self))
        XCTAssertGreaterThan(FuzzMutation.hugeLine.apply(to: valid, rng: &rng).count, 4000)
        let wide = FuzzMutation.manyColumns.apply(to: valid, rng: &rng)
        XCTAssertGreaterThan(wide.split(separator: 0x0A).map { $0.count }.max() ?? 0, 1000)
        XCTAssertLessThanOrEqual(FuzzMutation.truncate.apply(to: valid, rng: &rng).count, valid.count)
        XCTAssertEqual(FuzzMutation.empty.apply(to: valid, rng: &rng), [])
    }
}

/// Regressions found by the fuzz campaign, kept as plain tests.
final class FuzzRegressionTests: XCTestCase {
    /// Campaign seed 1, case 5810 (hugeLine+insertNUL+hugeLine): a CSV line of 262,144 tabs then
    /// ~1M commas made the CSV reader give every empty field a buffer as large as the first
    /// field (ByteParsing.parseCSVRecord kept capacity of a shared buffer): 58 s, then
    /// "failed to allocate" and a crash. Now it is refused at line 2 at once.
    func testAHugeFieldFollowedByManyEmptyFieldsIsRefusedQuickly() throws {
        let dir = makeTempDir(self)
        let path = dir + "/ratings.csv"
        var bytes = Array("user,item,rating,timestamp\n".utf8)
        bytes += [UInt8](repeating: 0x09, count: 300_000) + [UInt8](repeating: UInt8(ascii: ","), count: 200_000)
        bytes += Array("u10,m7,1,880214941\n".utf8)
        writeBytes(path, bytes)
        let t0 = Date()
        XCTAssertThrowsError(try DatasetLoader.load(path: path)) { e in
            XCTAssertEqual((e as? LoadError)?.line, 2, "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 10)
        // The cause, checked directly: an empty field after a huge one must not carry its capacity.
        let line = [UInt8](repeating: 0x09, count: 100_000) + [UInt8](repeating: UInt8(ascii: ","), count: 10)
        let fields = try line.withUnsafeBufferPointer { buf in
            var i = 0, lines = 0
            return try ByteParsing.parseCSVRecord(buf, at: &i, lines: &lines)
        }
        XCTAssertEqual(fields.count, 11)
        XCTAssertLessThan(fields.last!.capacity, 1000, "empty fields must not inherit the big field's buffer")
    }
}

import XCTest
@testable import RecsysEngine

/// The dataset cache: an image gives back the same dataset, is invalidated when a source file
/// changes, and a damaged one is refused.
final class DatasetCacheTests: XCTestCase {
    private var root = ""
    private var folder = ""

    override func setUpWithError() throws {
        let base = NSTemporaryDirectory() + "recsys-dataset-cache-\(getpid())-\(UUID().uuidString.prefix(8))"
        root = base + "/cache"
        folder = base + "/sample"
        // A private copy of the bundled sample (ratings, movies, users with demographics, tastes).
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sample, toPath: folder)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    private var cache: DatasetCache { DatasetCache(location: CacheLocation(root: root)) }

    private func assertSame(_ a: Dataset, _ b: Dataset, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.name, b.name, file: file, line: line)
        XCTAssertEqual(a.source, b.source, file: file, line: line)
        XCTAssertEqual(a.catalog.items, b.catalog.items, file: file, line: line)
        XCTAssertEqual(a.catalog.genres, b.catalog.genres, file: file, line: line)
        XCTAssertEqual(a.users, b.users, file: file, line: line)
        XCTAssertEqual(a.userAttributes, b.userAttributes, file: file, line: line)
        XCTAssertEqual(a.scale, b.scale, file: file, line: line)
        XCTAssertEqual(a.tastes, b.tastes, file: file, line: line)
        XCTAssertEqual(a.loadReport.usersCSV, b.loadReport.usersCSV, file: file, line: line)
        let m = a.ratings, n = b.ratings
        XCTAssertEqual(m.rowStart, n.rowStart, file: file, line: line)
        XCTAssertEqual(m.rowItems, n.rowItems, file: file, line: line)
        XCTAssertEqual(m.rowRatings.map(\.bitPattern), n.rowRatings.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(m.rowTimestamps, n.rowTimestamps, file: file, line: line)
        XCTAssertEqual(m.colStart, n.colStart, file: file, line: line)
        XCTAssertEqual(m.colUsers, n.colUsers, file: file, line: line)
        XCTAssertEqual(m.colRatings.map(\.bitPattern), n.colRatings.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(m.duplicateCount, n.duplicateCount, file: file, line: line)
    }

    func testImageGivesBackTheSameDataset() throws {
        let parsed = try DatasetLoader.load(path: folder)
        XCTAssertNotNil(parsed.tastes, "the sample has tastes")
        XCTAssertFalse(parsed.userAttributes.isEmpty, "the sample has demographics")
        guard case .miss = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("empty cache") }
        try cache.store(parsed, fingerprint: DatasetFingerprint(parsed), path: folder, options: LoadOptions())
        guard case .hit(let cached, let fp) = cache.load(path: folder, options: LoadOptions()) else {
            return XCTFail("the image is not found")
        }
        assertSame(cached, parsed)
        XCTAssertNil(fp.mismatch(with: DatasetFingerprint(parsed)), "the stored fingerprint is the dataset's")
        XCTAssertEqual(DatasetIdentity(cached), DatasetIdentity(parsed), "profiles see the same dataset")
        // Other load options are another entry.
        guard case .miss = cache.load(path: folder, options: LoadOptions(skipBadLines: true)) else {
            return XCTFail("--skip-bad-lines has its own image")
        }
    }

    private func storeImage() throws {
        let parsed = try DatasetLoader.load(path: folder)
        try cache.store(parsed, fingerprint: DatasetFingerprint(parsed), path: folder, options: LoadOptions())
    }

    func testChangedRatingsFileMakesTheImageStale() throws {
        try storeImage()
        let ratings = folder + "/ratings.csv"
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: ratings))
        try h.seekToEnd()
        try h.write(contentsOf: Data("1,1,5,1700000000\n".utf8))
        try h.close()
        guard case .refused(let why) = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("used a stale image") }
        XCTAssertEqual(why.word, "stale")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.file(path: folder, options: LoadOptions())))
    }

    func testTouchedOrAddedFileMakesTheImageStale() throws {
        try storeImage()
        // Same bytes, new modification time.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
                                              ofItemAtPath: folder + "/movies.csv")
        guard case .refused(.stale) = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("mtime ignored") }
        try storeImage()
        try Data("userId,movieId,tag,timestamp\n".utf8).write(to: URL(fileURLWithPath: folder + "/tags.csv"))
        guard case .refused(.stale) = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("new file ignored") }
        try storeImage()
        guard case .hit = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("restored image not used") }
    }

    func testDamagedImageIsCorrupt() throws {
        try storeImage()
        let file = cache.file(path: folder, options: LoadOptions())
        let bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: file)))
        for damage in [Array(bytes.prefix(bytes.count - 100)), { var b = bytes; b[b.count / 2] ^= 4; return b }()] {
            try Data(damage).write(to: URL(fileURLWithPath: file))
            guard case .refused(.corrupt) = cache.load(path: folder, options: LoadOptions()) else { return XCTFail("damage unnoticed") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        }
    }

    /// A well-sealed image whose matrix points outside the catalog is refused, never served.
    func testOutOfRangeIndicesAreRefusedBehindAValidChecksum() throws {
        let good = try DatasetLoader.load(path: folder)
        let m = good.ratings
        var items = m.rowItems
        items[0] = Int32(good.itemCount + 5)
        let bad = RatingMatrix(userCount: m.userCount, itemCount: m.itemCount, rowStart: m.rowStart, rowItems: items,
                               rowRatings: m.rowRatings, rowTimestamps: m.rowTimestamps, colStart: m.colStart,
                               colUsers: m.colUsers, colRatings: m.colRatings, duplicateCount: 0)
        var ds = good
        ds.ratings = bad
        let file = root + "/bad.rsc"
        try CacheFile.write(path: file, kind: .dataset, key: CacheKey([("kind", "dataset")]),
                            payload: DatasetImage.encode(ds, fingerprint: DatasetFingerprint(good)))
        XCTAssertThrowsError(try DatasetCache.read(file: file, key: nil)) { e in
            let text = (e as? LoadError)?.description ?? "not a LoadError: \(e)"
            XCTAssertTrue(text.contains("out-of-range"), text)
            XCTAssertTrue(text.hasPrefix(file), text)
        }
    }
}

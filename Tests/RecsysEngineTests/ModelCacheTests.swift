import XCTest
@testable import RecsysEngine

/// The fitted-model cache: every cached algorithm comes back answering exactly like the fitted
/// model; keys separate every setting; damaged and stale entries are refused and deleted.
final class ModelCacheTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "recsys-model-cache-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func cache(_ data: Dataset = PersistenceTests.fixture()) -> ModelCache {
        ModelCache(location: CacheLocation(root: root), dataset: data)
    }

    /// Small settings so that every algorithm fits in a moment on the fixture.
    static let quick: [String: [String: String]] = [
        "baseline": ["epochs": "5"], "svd": ["factors": "6", "epochs": "8"], "svdpp": ["factors": "4", "epochs": "4"],
        "als": ["factors": "5"], "bpr": ["factors": "4", "iterations": "5"],
        "two-tower": ["epochs": "2"], "ranking": ["epochs": "2"],
    ]

    func testEveryCachedAlgorithmRoundTrips() throws {
        let data = PersistenceTests.fixture()
        let c = cache(data)
        let names = ModelFiles.persistableNames
        XCTAssertEqual(names.sorted(), Algorithms.names.sorted(), "every algorithm can be saved, so cached")
        for name in names {
            let params = Parameters(Self.quick[name] ?? [:])
            let key = try XCTUnwrap(c.key(algorithm: name, parameters: params, seed: 7, threads: 1), name)
            guard case .miss = c.load(key) else { return XCTFail("\(name): an empty cache has no entry") }
            let model = try Algorithms.make(name, parameters: params)
            try model.fit(data, context: FitContext(seed: 7, threads: 1))
            try c.store(key, model: model)
            guard case .hit(let cached, _) = c.load(key) else { return XCTFail("\(name): the stored entry is not found") }
            XCTAssertEqual(cached.name, name)
            XCTAssertEqual(cached.parameters, model.parameters, name)
            var profiles = (0..<data.userCount).map { Profile.training(Int32($0), in: data.ratings) }
            profiles.append(Profile([(0, 5), (3, 4), (7, 1)]))
            for (n, p) in profiles.enumerated() {
                XCTAssertEqual(cached.scores(p).map(\.bitPattern), model.scores(p).map(\.bitPattern), "\(name) profile \(n)")
                XCTAssertEqual(cached.recommend(p, count: 5), model.recommend(p, count: 5), "\(name) profile \(n)")
            }
        }
    }

    func testEveryAlgorithmIsCachedAndBadRequestsHaveNoKey() {
        for name in Algorithms.names { XCTAssertTrue(ModelCache.caches(name), name) }
        XCTAssertNotNil(cache().key(algorithm: "hybrid", parameters: Parameters(), seed: 1, threads: 1))
        XCTAssertNil(cache().key(algorithm: "nope", parameters: Parameters(), seed: 1, threads: 1))
        XCTAssertNil(cache().key(algorithm: "svd", parameters: Parameters(["nope": "1"]), seed: 1, threads: 1),
                     "invalid parameters have no key (the fit reports them)")
    }

    func testKeySeparatesEverySetting() throws {
        let c = cache()
        func digest(_ a: String = "svd", _ p: [String: String] = [:], seed: UInt64 = 1, threads: Int = 2,
                    in cache: ModelCache? = nil) throws -> String {
            try XCTUnwrap((cache ?? c).key(algorithm: a, parameters: Parameters(p), seed: seed, threads: threads)).digest
        }
        let base = try digest()
        XCTAssertEqual(try digest("svd", ["factors": "100"]), base, "defaults are filled in before keying")
        XCTAssertNotEqual(try digest("svd", ["factors": "8"]), base)
        XCTAssertNotEqual(try digest(seed: 2), base)
        XCTAssertNotEqual(try digest(threads: 1), base)
        XCTAssertNotEqual(try digest("als"), base)
        XCTAssertNotEqual(try digest(in: cache(PersistenceTests.fixture(dropLast: true))), base, "other ratings, other key")
        let key = try XCTUnwrap(c.key(algorithm: "svd", parameters: Parameters(), seed: 1, threads: 2))
        XCTAssertEqual(key["model-format"], String(ModelArchive.formatVersion))
        XCTAssertEqual(key["state-version"], "1")
        XCTAssertTrue(c.path(for: key).hasSuffix("/models/svd-\(key.digest).rsc"))
    }

    /// Fits and stores svd; returns the key and the entry's path.
    private func storedSVD(_ c: ModelCache) throws -> (CacheKey, String) {
        let params = Parameters(["factors": "4", "epochs": "3"])
        let key = try XCTUnwrap(c.key(algorithm: "svd", parameters: params, seed: 3, threads: 1))
        let m = try Algorithms.make("svd", parameters: params)
        try m.fit(c.dataset, context: FitContext(seed: 3, threads: 1))
        try c.store(key, model: m)
        return (key, c.path(for: key))
    }

    private func assertRefused(_ c: ModelCache, _ key: CacheKey, _ word: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .refused(let why) = c.load(key) else { return XCTFail("not refused", file: file, line: line) }
        XCTAssertEqual(why.word, word, why.detail, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: c.path(for: key)), "a refused entry is deleted", file: file, line: line)
        guard case .miss = c.load(key) else { return XCTFail("after refusal: miss", file: file, line: line) }
    }

    func testTruncatedEntryIsCorrupt() throws {
        let c = cache()
        let (key, path) = try storedSVD(c)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        for cut in [bytes.count - 1, bytes.count / 2, 30, 3, 0] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            assertRefused(c, key, "corrupt")
        }
    }

    func testFlippedBytesAreCorrupt() throws {
        let c = cache()
        let (key, path) = try storedSVD(c)
        let bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: path)))
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20 {
            var b = bytes
            b[rng.nextInt(b.count)] ^= UInt8(1 << rng.nextInt(8))
            try Data(b).write(to: URL(fileURLWithPath: path))
            guard case .refused = c.load(key) else { return XCTFail("a flipped bit was not noticed") }
        }
        try Data("not a cache file at all".utf8).write(to: URL(fileURLWithPath: path))
        assertRefused(c, key, "corrupt")
    }

    func testEntryOfAnotherKeyIsStale() throws {
        let c = cache()
        let (_, path) = try storedSVD(c)
        // The file where another key would look (as if renamed, or a digest collision).
        let other = try XCTUnwrap(c.key(algorithm: "svd", parameters: Parameters(["factors": "4", "epochs": "3"]), seed: 4, threads: 1))
        try FileManager.default.copyItem(atPath: path, toPath: c.path(for: other))
        assertRefused(c, other, "stale")
    }

    func testWritesRemoveTemporariesOfEndedProcesses() throws {
        let c = cache()
        let dir = root + "/models"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A process that surely ended: a child we ran and waited for.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = dir + "/.tmp-\(p.processIdentifier)-1-svd-0.rsc", mine = dir + "/.tmp-\(getpid())-2-svd-0.rsc"
        for f in [dead, mine] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: f)) }
        XCTAssertEqual(CacheInventory.entries(CacheLocation(root: root)).map(\.kind), ["unreadable", "unreadable"])
        _ = try storedSVD(c)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "left by an ended process: removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: mine), "a write of a live process is left alone")
    }

    func testChecksumSeesEveryWord() {
        var bytes = [UInt8](repeating: 7, count: 1000)
        let h = CacheChecksum.hash(bytes)
        for p in stride(from: 0, to: 1000, by: 37) {
            bytes[p] ^= 0x10
            XCTAssertNotEqual(CacheChecksum.hash(bytes), h, "byte \(p)")
            bytes[p] ^= 0x10
        }
        XCTAssertEqual(CacheChecksum.hash(bytes), h)
        XCTAssertNotEqual(CacheChecksum.hash(Array(bytes.prefix(999))), h, "length counts")
    }

    /// The checksum restated from its documentation (four lanes over 64-bit words, trailing bytes
    /// into lane 0, then length and mix): files written before the streaming writer still verify.
    static func documentedChecksum(_ bytes: [UInt8]) -> UInt64 {
        let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
        func step(_ h: UInt64, _ w: UInt64) -> UInt64 { let x = h ^ w; return ((x << 29) | (x >> 35)) &* prime }
        var lanes: [UInt64] = [0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344, 0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89]
        let whole = bytes.count / 32 * 32
        for w in 0..<(whole / 8) {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[w * 8 + k]) << (8 * k) }
            lanes[w % 4] = step(lanes[w % 4], v)
        }
        for p in whole..<bytes.count { lanes[0] = step(lanes[0], UInt64(bytes[p]) | 0x100) }
        var h = UInt64(bytes.count) &* prime
        for lane in lanes { h = step(h, lane) }
        h ^= h >> 30; h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27; h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    func testChecksumInPartsEqualsTheWholeAndTheDocumentedRule() {
        var rng = SplitMix64(seed: 3)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.nextInt(256)) }
        let whole = CacheChecksum.hash(bytes)
        XCTAssertEqual(whole, Self.documentedChecksum(bytes))
        for n in [0, 1, 31, 32, 33, 64, 95] {
            XCTAssertEqual(CacheChecksum.hash(Array(bytes.prefix(n))), Self.documentedChecksum(Array(bytes.prefix(n))), "\(n) bytes")
        }
        for split in [[1000], [1, 999], [31, 2, 967], [32, 32, 936], [5, 5, 5, 985], [500, 0, 499, 1]] {
            var h = CacheChecksum.Hasher()
            var at = 0
            for len in split {
                bytes[at..<(at + len)].withUnsafeBytes { h.add($0) }
                at += len
            }
            XCTAssertEqual(h.count, 1000)
            XCTAssertEqual(h.value, whole, "parts \(split)")
        }
    }

    /// The store streams the model (its arrays straight from their storage): the entry's payload is
    /// exactly the saved model's bytes, and a payload shorter than announced leaves no file.
    func testStoredEntryHoldsTheEncodedModelAndAShortStreamIsRefused() throws {
        let data = PersistenceTests.fixture()
        let c = cache(data)
        let model = try Algorithms.make("ease", parameters: Parameters())
        try model.fit(data, context: FitContext(seed: 7, threads: 1))
        let key = try XCTUnwrap(c.key(algorithm: "ease", parameters: Parameters(), seed: 7, threads: 1))
        try c.store(key, model: model)
        let archive = try ModelFiles.archive(model, dataset: data, fingerprint: c.fingerprint)
        let encoded = archive.encoded()
        XCTAssertEqual(archive.encodedCount, encoded.count)
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: c.path(for: key))))
        XCTAssertEqual(Array(file.suffix(encoded.count)), encoded)
        let payload = try CacheFile.read(path: c.path(for: key), kind: .model, key: key) { Array($0) }
        XCTAssertEqual(payload, encoded, "the header's length and checksum match the streamed bytes")

        let short = (root as NSString).appendingPathComponent("short.rsc")
        XCTAssertThrowsError(try CacheFile.write(path: short, kind: .model, key: key, payloadLength: encoded.count + 1) { emit in
            try encoded.withUnsafeBytes(emit)
        })
        XCTAssertFalse(FileManager.default.fileExists(atPath: short))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    func testLocationFollowsXDG() {
        XCTAssertEqual(CacheLocation.resolve(environment: ["HOME": "/h", "XDG_CACHE_HOME": "/x"]).root, "/x/recsys-tui")
        XCTAssertEqual(CacheLocation.resolve(environment: ["HOME": "/h"]).root, "/h/.cache/recsys-tui")
        XCTAssertEqual(CacheLocation.resolve(environment: ["HOME": "/h", "XDG_CACHE_HOME": "rel"]).root,
                       "/h/.cache/recsys-tui", "relative XDG values are ignored")
        XCTAssertEqual(CacheLocation(root: "/r").models, "/r/models")
        XCTAssertEqual(CacheLocation(root: "/r").datasets, "/r/datasets")
    }

    /// A bounded, seeded fuzz run over the cache readers: every mutated entry or image is read or
    /// refused with a one-line `LoadError` naming it (no crash, no other error).
    func testCacheReadersSurviveFuzzing() {
        let work = root + "/fuzz"
        let report = Fuzzer(targets: CacheFuzzTargets.all(), workDir: work, caseLimit: 30, keepFindings: false)
            .run(seed: 20261130, maxCases: 80)
        XCTAssertEqual(report.findings.map(\.description), [])
        XCTAssertEqual(report.cases, 80)
        XCTAssertEqual(report.casesPerTarget.keys.sorted(), ["dataset-image", "model-cache"])
        XCTAssertGreaterThan(report.rejectedFileLevel, 40, "most mutations are refused")
    }

    /// Fuzz finding (model-cache, seed 1, case 2126): a damaged parameter name with a newline
    /// ended up in the message; messages now escape control characters and stay one line.
    /// The seed archives changed when item-knn gained `max_user_ratings`, so the replayed case is
    /// now case 60, which damages a parameter value with a tab ('threshold\u{9}3').
    func testDamagedNamesStayOnOneLine() throws {
        XCTAssertEqual(oneLine("mode\n\u{0}x"), "mode\\u{a}\\u{0}x")
        let fuzzer = Fuzzer(targets: CacheFuzzTargets.all().filter { $0.name == "model-cache" }, workDir: root + "/replay")
        let c = fuzzer.makeCase(seed: 1, index: 60)
        let path = try fuzzer.materialize(c, in: root + "/replay/case")
        var rng = c.readerRNG
        XCTAssertThrowsError(try fuzzer.targets[0].read(path, &rng)) { error in
            guard let e = error as? LoadError else { return XCTFail("not a LoadError: \(error)") }
            XCTAssertNil(Fuzzer.check(e, caseDir: root + "/replay/case"), e.description)
            XCTAssertTrue(e.message.contains("\\u{"), e.message)
        }
    }
}

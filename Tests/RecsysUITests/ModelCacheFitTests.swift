import Foundation
import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

/// The explorer's fits go through the model cache: a second start reads the model (and says so),
/// a damaged entry gives one status line and is refitted and replaced.
final class ModelCacheFitTests: XCTestCase {
    private var root = ""

    override func setUp() {
        root = NSTemporaryDirectory() + "recsys-fit-cache-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The fit job the explorer's start makes, with a cache at `root`.
    private func startJob(_ data: Dataset) throws -> FitJob {
        var state = AppState(dataset: data, algorithms: ["svd"], seed: 42)
        state.modelCache = ModelCache(location: CacheLocation(root: root), dataset: data)
        var jobs: [FitJob] = []
        for e in update(&state, .started) { if case .fitModels(let j) = e { jobs.append(j) } }
        return try XCTUnwrap(jobs.first)
    }

    private final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }

    private func fit(_ job: FitJob, notices: Notices = Notices()) throws -> (any Recommender, ModelSource) {
        let request = FitRequest(algorithm: "svd", parameters: Parameters(["factors": "4", "epochs": "3"]))
        guard case .modelFitted(_, let model, _, _, let source) = job.fit(request, notice: { notices.add($0) }) else {
            throw XCTSkip("svd did not fit")
        }
        return (model, source)
    }

    func testSecondStartReadsTheCacheAndCorruptEntriesAreRefitted() throws {
        let data = UIFixtures.dataset()
        let (first, firstSource) = try fit(try startJob(data))
        XCTAssertEqual(firstSource, .fitted)
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/models")
        XCTAssertEqual(files.count, 1, "one entry written after the fit")
        XCTAssertTrue(files[0].hasPrefix("svd-") && files[0].hasSuffix(".rsc"), files[0])

        let (second, secondSource) = try fit(try startJob(data))
        XCTAssertEqual(secondSource, .cache)
        XCTAssertFalse(second === first)
        let p = Profile([(0, 5), (2, 1)])
        XCTAssertEqual(second.scores(p).map(\.bitPattern), first.scores(p).map(\.bitPattern))

        // Damage the entry: the next start says so once, refits, and writes a good entry again.
        let path = root + "/models/" + files[0]
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        try bytes.prefix(bytes.count - 9).write(to: URL(fileURLWithPath: path))
        let notices = Notices()
        let (third, thirdSource) = try fit(try startJob(data), notices: notices)
        XCTAssertEqual(notices.all, ["cache entry for svd was corrupt: refitting"])
        XCTAssertEqual(thirdSource, .fitted)
        XCTAssertEqual(third.scores(p).map(\.bitPattern), first.scores(p).map(\.bitPattern), "seeded: the same model")
        XCTAssertEqual(FileManager.default.contents(atPath: path)?.count, bytes.count, "the entry was replaced")
        XCTAssertEqual(try fit(try startJob(data)).1, .cache)
    }

    func testWithoutACacheNothingIsWritten() throws {
        let data = UIFixtures.dataset()
        var state = AppState(dataset: data, algorithms: ["svd"], seed: 42)
        var jobs: [FitJob] = []
        for e in update(&state, .started) { if case .fitModels(let j) = e { jobs.append(j) } }
        let job = try XCTUnwrap(jobs.first)
        XCTAssertNil(job.cache)
        XCTAssertEqual(try fit(job).1, .fitted)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root))
    }

    func testStatusSaysFromCacheAndShowsTheNotice() throws {
        let data = UIFixtures.dataset()
        let m = try Algorithms.make("popularity")
        try m.fit(data, context: FitContext())
        var state = AppState(dataset: data, algorithms: ["popularity", "svd"], seed: 42)
        _ = update(&state, .cacheNotice(algorithm: "svd", text: "cache entry for svd was corrupt: refitting"))
        XCTAssertEqual(state.status.text, "cache entry for svd was corrupt: refitting")
        XCTAssertEqual(state.fitStatus["svd"], .fitting(fraction: 0, message: "cache entry for svd was corrupt: refitting"))
        _ = update(&state, .modelFitted(algorithm: "popularity", model: m, seconds: 0.02, coverage: nil, source: .cache))
        XCTAssertEqual(state.modelSources["popularity"], .cache)
        XCTAssertTrue(state.status.text.hasPrefix("popularity ready (from cache) in"), state.status.text)
        _ = update(&state, .modelFitted(algorithm: "popularity", model: m, seconds: 0.02, coverage: nil))
        XCTAssertEqual(state.modelSources["popularity"], .fitted)
        XCTAssertFalse(state.status.text.contains("from cache"), state.status.text)
    }
}

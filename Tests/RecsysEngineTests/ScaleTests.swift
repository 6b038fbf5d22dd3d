import XCTest
@testable import RecsysEngine
import RecsysTestSupport

/// Bounded memory at scale: top-k selection, the blocked neighbour builder, the memory budget and
/// the limits models report.
final class ScaleTests: XCTestCase {
    /// A random dataset where every user rates `perUser` distinct items (seeded).
    private func randomData(users: Int, items: Int, perUser: Int, seed: UInt64) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var triples: [(Int, Int, Float)] = []
        for u in 0..<users {
            var seen = Set<Int>()
            while seen.count < perUser {
                // Popular low indices: a skewed catalog as MovieLens.
                let i = min(items - 1, Int(Double(items) * pow(rng.nextDouble(), 2)))
                if seen.insert(i).inserted { triples.append((u, i, Float(1 + rng.nextInt(5)))) }
            }
        }
        return Conformance.dataset("random", users: users, items: items, triples)
    }

    func testSelectBestKeepsTheKBestInOrder() {
        var rng = SplitMix64(seed: 7)
        for trial in 0..<200 {
            let n = rng.nextInt(300)
            // Few distinct similarities, so ties (broken by index) are common.
            let xs: [(Int32, Float)] = (0..<n).map { (Int32($0), Float(rng.nextInt(trial % 2 == 0 ? 5 : 1000))) }.shuffled(using: &rng)
            let k = rng.nextInt(n + 3)
            var c = xs
            let kept = selectBest(&c, count: n, k: k)
            let expected = xs.sorted(by: neighbourOrder).prefix(k)
            XCTAssertEqual(kept, min(k, n))
            XCTAssertEqual(c.prefix(kept).map(\.0), expected.map(\.0), "n \(n) k \(k)")
            XCTAssertEqual(c.prefix(kept).map(\.1), expected.map(\.1))
        }
    }

    func testBlockedListsMatchRowByRowAndDoNotDependOnThreads() throws {
        // More rows than one block, so several blocks and both workers take part.
        let data = randomData(users: 700, items: 120, perUser: 12, seed: 3)
        let keep = 25
        var lists: [NeighbourLists] = []
        for threads in [1, 2] {
            let m = try UserKNNRecommender(parameters: Parameters(["keep": "\(keep)"]))
            try m.fit(data, context: FitContext(threads: threads))
            lists.append(m.lists)
            XCTAssertEqual(m.lists.rows, 700)
            // Each row's kept list is the best `keep` of the row computed alone, best first.
            let sides = try XCTUnwrap(m.sides)
            var acc = KNNAccumulator(rows: 700, job: m.job)
            for u in [0, 255, 256, 511, 699] {
                let s = sides.rowStart[u], e = sides.rowStart[u + 1]
                let entries = (s..<e).map { (sides.rowOther[$0], sides.rowValue[$0], Float(0)) }
                var all = m.job
                all.keep = Int.max
                let full = KNNBuilder.row(entries, length: e - s, excluding: u, sides: sides, job: all, acc: &acc, normA: 1).rating
                // The compact accumulator gives bit for bit what the full sums give.
                XCTAssertTrue(acc.compact)
                var wide = KNNAccumulator(rows: 700)
                let viaWide = KNNBuilder.row(entries, length: e - s, excluding: u, sides: sides, job: all, acc: &wide, normA: 1).rating
                XCTAssertEqual(full.map(\.0), viaWide.map(\.0))
                XCTAssertEqual(full.map(\.1), viaWide.map(\.1))
                let nb = m.lists.neighbours(u)
                XCTAssertEqual(Array(nb.index), full.prefix(keep).map(\.0), "user \(u)")
                XCTAssertEqual(Array(nb.sim), full.prefix(keep).map(\.1))
                XCTAssertLessThanOrEqual(nb.index.count, keep)
            }
        }
        XCTAssertEqual(lists[0].start, lists[1].start)
        XCTAssertEqual(lists[0].index, lists[1].index)
        XCTAssertEqual(lists[0].sim, lists[1].sim)
    }

    func testTheBudgetCapsNeighbourListsAndTheCapIsReported() throws {
        let data = randomData(users: 400, items: 80, perUser: 10, seed: 5)
        // 16 MiB × 1/8 = 2 MiB for lists; 400 users × 8 bytes × keep ≤ 2 MiB allows every user: no cap.
        let roomy = try UserKNNRecommender(parameters: Parameters(["keep": "300"]))
        try roomy.fit(data, context: FitContext(memoryBudget: 16 << 20))
        XCTAssertEqual(roomy.fitLimits, [])
        // A budget of 256 KiB leaves 32 KiB: 32768 / (400 · 8) = 10 neighbours per user.
        let tight = try UserKNNRecommender(parameters: Parameters(["keep": "300"]))
        try tight.fit(data, context: FitContext(memoryBudget: 256 << 10))
        XCTAssertEqual(tight.fitLimits, [FitLimit(kind: .neighbourCap, kept: 10, total: 300, cause: .memoryBudget(256 << 10))])
        XCTAssertEqual((0..<400).map { tight.lists.neighbours($0).index.count }.max(), 10)
        // The kept lists are the first 10 of the roomy ones, and explanations draw on them.
        for u in [0, 17, 399] {
            XCTAssertEqual(Array(tight.lists.neighbours(u).index), Array(roomy.lists.neighbours(u).index.prefix(10)))
            let profile = Profile.training(Int32(u), in: data.ratings)
            let top = try XCTUnwrap(tight.recommend(profile, count: 1).first)
            let e = tight.explain(profile, item: top.item)
            let users = e.terms.compactMap(\.user)
            XCTAssertFalse(users.isEmpty)
            XCTAssertTrue(Set(users).isSubset(of: Set(tight.lists.neighbours(u).index)))
        }
        // item-knn shares the cap between its rating and top-N lists.
        let items = try ItemKNNRecommender(parameters: Parameters(["keep": "300", "topn_k": "100"]))
        try items.fit(data, context: FitContext(memoryBudget: 64 << 10))
        // 8192 bytes / (80 items · 8) = 12 per item: 6 top-N, 6 rating.
        XCTAssertEqual(items.fitLimits.map(\.kept), [6, 6])
        XCTAssertEqual(items.fitLimits.map(\.total), [300, 100])
        XCTAssertLessThanOrEqual((0..<80).map { items.topN.neighbours($0).index.count }.max() ?? 0, 6)
    }

    func testEASEItemCapDerivesFromTheBudget() throws {
        let data = randomData(users: 300, items: 90, perUser: 15, seed: 11)
        // √(budget / 4) items (one n × n Float matrix): 40 items need 6,400 bytes.
        let m = try EASERecommender()
        try m.fit(data, context: FitContext(memoryBudget: 40 * 40 * 4))
        XCTAssertEqual(m.fitLimits, [FitLimit(kind: .itemCap, kept: 40, total: 90, cause: .memoryBudget(40 * 40 * 4))])
        XCTAssertEqual(m.coveredItems, 40)
        // The most rated 40 are the ones kept.
        let counts = (0..<90).map { data.ratings.columnCount(Int32($0)) }
        let keptCounts = m.kept.map { counts[Int($0)] }
        let leftOut = (0..<90).filter { !m.kept.contains(Int32($0)) }.map { counts[$0] }
        XCTAssertGreaterThanOrEqual(keptCounts.min() ?? 0, leftOut.max() ?? 0)
        // A roomy budget and a max_items parameter: the parameter is the cause.
        let p = try EASERecommender(parameters: Parameters(["max_items": "50"]))
        try p.fit(data, context: FitContext(memoryBudget: 1 << 30))
        XCTAssertEqual(p.fitLimits, [FitLimit(kind: .itemCap, kept: 50, total: 90, cause: .parameter("max_items"))])
        let whole = try EASERecommender()
        try whole.fit(data, context: FitContext(memoryBudget: 1 << 30))
        XCTAssertEqual(whole.fitLimits, [])
    }

    func testMemorySizesParse() {
        XCTAssertEqual(MemoryBudget.parse("4G"), 4 << 30)
        XCTAssertEqual(MemoryBudget.parse("512m"), 512 << 20)
        XCTAssertEqual(MemoryBudget.parse("1.5G"), 3 << 29)
        XCTAssertEqual(MemoryBudget.parse("800MiB"), 800 << 20)
        XCTAssertEqual(MemoryBudget.parse("2GB"), 2 << 30)
        XCTAssertEqual(MemoryBudget.parse("\(64 << 20)"), 64 << 20)
        for bad in ["", "G", "4X", "-1G", "0", "1M", "lots", "nanG"] {
            XCTAssertNil(MemoryBudget.parse(bad), bad)
        }
        let d = MemoryBudget.defaultBytes
        XCTAssertTrue(d >= 512 << 20 && d <= 4 << 30)
        XCTAssertEqual(d, min(4 << 30, max(512 << 20, MemoryBudget.physicalBytes / 3)))
    }

    func testNeighbourFitsStopWhenCancelledMidway() throws {
        let data = randomData(users: 3000, items: 200, perUser: 20, seed: 13)
        let token = CancellationToken()
        let seen = ProgressLog()
        // Cancel as soon as the first block reports: the builder stops before the last block.
        let context = FitContext(threads: 2, progress: { p in
            seen.add(p)
            if p.message.contains("similarities ") { token.cancel() }
        }, cancellation: token)
        let m = try UserKNNRecommender()
        XCTAssertThrowsError(try m.fit(data, context: context)) { XCTAssertTrue($0 is FitCancelled) }
        let blocks = seen.messages.filter { $0.contains("similarities ") }
        XCTAssertFalse(blocks.isEmpty)
        XCTAssertFalse(blocks.contains("user-knn: similarities 3000/3000"), "\(blocks)")
    }
}

private final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ p: FitProgress) { lock.lock(); list.append(p.message); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

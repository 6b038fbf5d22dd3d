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
                // The compact (Float) accumulator finds the same neighbours as the full Double sums,
                // with similarities equal to 6 significant digits.
                XCTAssertTrue(acc.compact)
                var wide = KNNAccumulator(rows: 700)
                let viaWide = KNNBuilder.row(entries, length: e - s, excluding: u, sides: sides, job: all, acc: &wide, normA: 1).rating
                XCTAssertEqual(Set(full.map(\.0)), Set(viaWide.map(\.0)))
                let wideSim = Dictionary(uniqueKeysWithValues: viaWide)
                for (v, sim) in full { XCTAssertEqual(sim, wideSim[v] ?? .nan, accuracy: 1e-6 * max(1, abs(sim)), "user \(u) neighbour \(v)") }
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

    func testCompactAccumulatorAgreesWithTheFullSumsForEverySimilarityAndTopNWeights() throws {
        // Item rows against user "others", with random TF-IDF-like weights on every entry.
        let data = randomData(users: 300, items: 60, perUser: 9, seed: 13)
        let m = data.ratings
        var rng = SplitMix64(seed: 21)
        let colWeights = (0..<m.colUsers.count).map { _ in Float(0.5 + rng.nextDouble()) }
        let rowWeights = (0..<m.rowItems.count).map { _ in Float(0.5 + rng.nextDouble()) }
        let sides = KNNSides(rowStart: m.colStart, rowOther: m.colUsers, rowValue: m.colRatings.map { $0 - 3.1 },
                             otherStart: m.rowStart, otherRow: m.rowItems, otherValue: m.rowRatings.map { $0 - 3.1 },
                             otherWeight: rowWeights, rowWeightNorm: [])
        for kind in KNNSimilarity.allCases where kind != .pearson {
            let job = KNNSimilarityJob(kind: kind, shrinkage: 10, minSupport: 1, keep: 10, topNKeep: 5)
            var compact = KNNAccumulator(rows: 60, job: job)
            XCTAssertTrue(compact.compact, kind.rawValue)
            var full = KNNAccumulator(rows: 60)
            var compared = 0
            for a in [0, 7, 31, 59] {
                let range = m.colStart[a]..<m.colStart[a + 1]
                let entries = range.map { (m.colUsers[$0], m.colRatings[$0] - 3.1, colWeights[$0]) }
                compact.accumulate(entries, sides: sides, topN: true)
                full.accumulate(entries, sides: sides, topN: true)
                XCTAssertEqual(compact.touched, full.touched, "the same rows, in the same order")
                for b32 in full.touched {
                    let b = Int(b32), lenB = m.colStart[b + 1] - m.colStart[b]
                    let c = compact.similarity(b, kind: kind, shrinkage: 10, minSupport: 1, lenA: range.count, lenB: lenB)
                    let f = full.similarity(b, kind: kind, shrinkage: 10, minSupport: 1, lenA: range.count, lenB: lenB)
                    XCTAssertEqual(c, f, accuracy: 1e-5, "\(kind.rawValue) \(a)–\(b)")
                    XCTAssertEqual(compact.weightSum(b), full.weightSum(b), accuracy: 1e-5 * max(1, abs(full.weightSum(b))))
                    XCTAssertGreaterThan(full.weightSum(b), 0)
                    compared += 1
                }
                compact.reset()
                full.reset()
                XCTAssertTrue(compact.touched.isEmpty)
            }
            XCTAssertGreaterThan(compared, 50)
        }
        // Pearson needs Σx and Σy: the full sums.
        XCTAssertFalse(KNNAccumulator(rows: 1, job: KNNSimilarityJob(kind: .pearson, shrinkage: 0, minSupport: 1, keep: 1, topNKeep: 0)).compact)
    }

    func testRenumberingTheAccumulatorByPopularityKeepsEveryListBitForBit() throws {
        // Items against users, skewed popularity, random top-N weights on every entry: every similarity
        // (pearson on the full Double sums, the rest compact) and both threads counts.
        let data = randomData(users: 400, items: 90, perUser: 11, seed: 29)
        let m = data.ratings
        var rng = SplitMix64(seed: 31)
        let colWeights = (0..<m.colUsers.count).map { _ in Float(0.5 + rng.nextDouble()) }
        // The user view's weight of each entry is the item view's (as interactionWeights gives them).
        var rowWeights = [Float](repeating: 0, count: m.rowItems.count)
        for u in 0..<m.userCount {
            for p in m.rowStart[u]..<m.rowStart[u + 1] {
                let i = Int(m.rowItems[p])
                let q = (m.colStart[i]..<m.colStart[i + 1]).first { m.colUsers[$0] == Int32(u) }!
                rowWeights[p] = colWeights[q]
            }
        }
        let sides = KNNSides(rowStart: m.colStart, rowOther: m.colUsers, rowValue: m.colRatings.map { $0 - 3.2 },
                             otherStart: m.rowStart, otherRow: m.rowItems, otherValue: m.rowRatings.map { $0 - 3.2 },
                             otherWeight: rowWeights, rowWeightNorm: (0..<90).map { Float(1 + $0 % 3) })
        let renumbered = sides.renumberedByPopularity(threads: 2)
        // The most-rated item is number 0, and each user's numbers ascend.
        let counts = (0..<90).map { m.colStart[$0 + 1] - m.colStart[$0] }
        XCTAssertEqual(counts[Int(renumbered.renumbered[0])], counts.max())
        XCTAssertNotEqual(renumbered.renumbered, (0..<90).map { Int32($0) }, "a skewed catalog is renumbered")
        for u in 0..<m.userCount {
            let r = Array(renumbered.otherRow[m.rowStart[u]..<m.rowStart[u + 1]])
            XCTAssertEqual(r, r.sorted())
            XCTAssertEqual(Set(r.map { renumbered.renumbered[Int($0)] }), Set(m.rowItems[m.rowStart[u]..<m.rowStart[u + 1]]))
        }
        XCTAssertEqual(renumbered.renumberedByPopularity(threads: 1).otherRow, renumbered.otherRow, "once is enough")
        for kind in KNNSimilarity.allCases {
            let job = KNNSimilarityJob(kind: kind, shrinkage: 10, minSupport: 2, keep: 12, topNKeep: 7)
            for threads in [1, 2] {
                let plain = try KNNBuilder.all(sides: sides, rowWeights: colWeights, job: job, threads: threads, context: FitContext())
                let fast = try KNNBuilder.all(sides: renumbered, rowWeights: colWeights, job: job, threads: threads, context: FitContext())
                XCTAssertGreaterThan(plain.rating.index.count, 200, kind.rawValue)
                XCTAssertEqual(fast.rating.start, plain.rating.start, kind.rawValue)
                XCTAssertEqual(fast.rating.index, plain.rating.index, kind.rawValue)
                XCTAssertEqual(fast.rating.sim, plain.rating.sim, kind.rawValue)
                XCTAssertEqual(fast.topN.index, plain.topN.index, kind.rawValue)
                XCTAssertEqual(fast.topN.sim, plain.topN.sim, kind.rawValue)
            }
        }
    }

    func testHeavyUsersContributeASeededSampleOfTheirRatingsAndTheLimitIsReported() throws {
        // 100 users with 6 ratings and 4 heavy users with 40 each, on 60 items.
        let light = randomData(users: 100, items: 60, perUser: 6, seed: 17)
        var triples: [(Int, Int, Float)] = (0..<light.ratings.userCount).flatMap { u in
            let r = light.ratings.row(Int32(u))
            return zip(r.items, r.ratings).map { (u, Int($0.0), $0.1) }
        }
        var rng = SplitMix64(seed: 19)
        for u in 100..<104 {
            for i in (0..<60).shuffled(using: &rng).prefix(40) { triples.append((u, i, Float(1 + rng.nextInt(5)))) }
        }
        let data = Conformance.dataset("heavy", users: 104, items: 60, triples)
        let cap = 10
        var fitted: [ItemKNNRecommender] = []
        for threads in [1, 2, 2] {
            let m = try ItemKNNRecommender(parameters: Parameters(["max_user_ratings": "\(cap)"]))
            try m.fit(data, context: FitContext(seed: 5, threads: threads))
            fitted.append(m)
        }
        // Σ min(|I_u|, cap) ratings took part, of all of them.
        XCTAssertEqual(fitted[0].fitLimits, [FitLimit(kind: .coRatingSample, kept: 600 + 4 * cap, total: data.ratings.count,
                                                      cause: .parameter("max_user_ratings"))])
        for m in fitted.dropFirst() {
            XCTAssertEqual(m.lists.index, fitted[0].lists.index, "repeatable, whatever the threads")
            XCTAssertEqual(m.lists.sim, fitted[0].lists.sim)
            XCTAssertEqual(m.topN.index, fitted[0].topN.index)
        }
        // The sample itself: exactly `cap` ratings of each heavy user, all of a light one, and the
        // item view holds the same (user, item) pairs as the user view.
        let m = data.ratings
        let sides = KNNSides(rowStart: m.colStart, rowOther: m.colUsers, rowValue: m.colRatings,
                             otherStart: m.rowStart, otherRow: m.rowItems, otherValue: m.rowRatings,
                             otherWeight: m.rowRatings, rowWeightNorm: [])
        let s = try XCTUnwrap(CoRatingSample.apply(sides, rowWeights: m.colRatings, cap: cap, seed: 5))
        XCTAssertEqual(s.kept, 600 + 4 * cap)
        var byUser = Set<[Int32]>(), byItem = Set<[Int32]>()
        for u in 0..<104 {
            let r = s.sides.otherStart[u]..<s.sides.otherStart[u + 1]
            XCTAssertEqual(r.count, u < 100 ? 6 : cap)
            for p in r {
                byUser.insert([Int32(u), s.sides.otherRow[p]])
                XCTAssertEqual(s.sides.otherValue[p], m.rating(user: Int32(u), item: s.sides.otherRow[p]))
            }
        }
        for i in 0..<60 {
            for p in s.sides.rowStart[i]..<s.sides.rowStart[i + 1] {
                byItem.insert([s.sides.rowOther[p], Int32(i)])
                XCTAssertEqual(s.sides.rowValue[p], s.rowWeights[p], "values and weights stay aligned")
            }
        }
        XCTAssertEqual(byUser, byItem)
        XCTAssertEqual(byUser.count, s.kept)
        // Another seed samples other ratings.
        let other = try XCTUnwrap(CoRatingSample.apply(sides, rowWeights: m.colRatings, cap: cap, seed: 6))
        XCTAssertNotEqual(other.sides.otherRow, s.sides.otherRow)
        // A cap at or above the largest profile samples nothing: no limit, and the lists are bit for
        // bit those of any larger cap.
        XCTAssertNil(CoRatingSample.apply(sides, rowWeights: m.colRatings, cap: 40, seed: 5))
        let at = try ItemKNNRecommender(parameters: Parameters(["max_user_ratings": "40"]))
        try at.fit(data, context: FitContext(seed: 5))
        let above = try ItemKNNRecommender()
        try above.fit(data, context: FitContext(seed: 9))
        XCTAssertEqual(at.fitLimits, [])
        XCTAssertEqual(at.lists.index, above.lists.index)
        XCTAssertEqual(at.lists.sim, above.lists.sim)
        XCTAssertNotEqual(at.lists.sim, fitted[0].lists.sim, "sampling changed the similarities")
    }

    func testFitShapeKnowsTheCoRatingsOfEveryCap() {
        let data = randomData(users: 50, items: 80, perUser: 3, seed: 23)
        var triples: [(Int, Int, Float)] = []
        for u in 0..<data.ratings.userCount {
            let r = data.ratings.row(Int32(u))
            triples += zip(r.items, r.ratings).map { (u, Int($0.0), $0.1) }
        }
        for i in 0..<37 { triples.append((50, i, 4)) }  // one user with 37 ratings
        let m = Conformance.dataset("shape", users: 51, items: 80, triples).ratings
        let shape = FitShape(m)
        func brute(_ cap: Int) -> Double {
            (0..<m.userCount).reduce(0) { let c = Double(min(m.rowCount(Int32($1)), cap)); return $0 + c * c }
        }
        XCTAssertEqual(shape.userPairs, brute(.max))
        XCTAssertEqual(shape.cappedUserPairs.count, 7, "caps 1, 2, …, 64: the first at or above 37")
        for cap in [1, 2, 4, 8, 16, 32, 64, 1000] { XCTAssertEqual(shape.userPairs(cap: cap), brute(cap), "cap \(cap)") }
        // Between powers of two: between the two exact values.
        XCTAssertGreaterThanOrEqual(shape.userPairs(cap: 20), brute(16))
        XCTAssertLessThanOrEqual(shape.userPairs(cap: 20), brute(32))
        // A shape without the table (unknown) takes every co-rating.
        XCTAssertEqual(FitShape(ratings: 1, users: 1, items: 1, userPairs: 9, itemPairs: 1).userPairs(cap: 2), 9)
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

import XCTest
@testable import RecsysEngine
import RecsysTestSupport

final class SVDTests: XCTestCase {
    func testCholeskySolvesAKnownSystem() {
        // A = [[4,2,0],[2,5,1],[0,1,3]], x = [1,−2,3] → b = A·x.
        let a: [Double] = [4, 2, 0, 2, 5, 1, 0, 1, 3]
        let x = LinearAlgebra.choleskySolve(a, [0, -5, 7])
        XCTAssertEqual(x[0], 1, accuracy: 1e-12)
        XCTAssertEqual(x[1], -2, accuracy: 1e-12)
        XCTAssertEqual(x[2], 3, accuracy: 1e-12)
    }

    func testRidgeMatchesTheNormalEquations() {
        // y = 2 + 3x with λ = 0 on two exact points, then λ shrinks towards zero.
        let xs: [Double] = [0, 1, 2], ys: [Double] = [2, 5, 8]
        let w = LinearAlgebra.ridge(rows: 3, dim: 2, lambda: [1e-12, 1e-12],
                                    feature: { r, f in f[0] = 1; f[1] = xs[r] }, target: { ys[$0] })
        XCTAssertEqual(w[0], 2, accuracy: 1e-6)
        XCTAssertEqual(w[1], 3, accuracy: 1e-6)
        let shrunk = LinearAlgebra.ridge(rows: 3, dim: 2, lambda: [10, 10],
                                         feature: { r, f in f[0] = 1; f[1] = xs[r] }, target: { ys[$0] })
        XCTAssertLessThan(abs(shrunk[1]), 3)
    }

    func testLossFallsAndProgressCountsEpochs() throws {
        let board = Conformance.checkerboard().data
        let m = try SVDRecommender(parameters: Parameters(["factors": "4", "epochs": "30", "lr": "0.05"]))
        let log = Log()
        try m.fit(board, context: FitContext(progress: { log.add($0) }))
        let losses = log.events.compactMap(\.loss)
        XCTAssertEqual(log.events.compactMap(\.epoch), Array(1...30))
        XCTAssertLessThan(losses.last!, losses.first! * 0.7)
    }

    func testFoldInFitsTheProfileAndMovesWithANewRating() throws {
        let board = Conformance.checkerboard().data
        let m = try SVDRecommender(parameters: Parameters(["factors": "4", "epochs": "60", "lr": "0.05",
                                                           "foldin_reg": "0.01"]))
        try m.fit(board, context: FitContext())
        // A new user who loves even items and hates odd ones.
        let p = Profile([(Int32(0), Float(5)), (2, 5), (4, 5), (1, 1), (3, 1), (5, 1)])
        let pred = m.predict(p, items: [6, 7])
        XCTAssertGreaterThan(pred[0].value, pred[1].value + 1, "even item should be predicted well above odd")
        // The least-squares fit reproduces its own ratings closely.
        let own = m.predict(p, items: [0, 1])
        XCTAssertEqual(own[0].value, 5, accuracy: 0.6)
        XCTAssertEqual(own[1].value, 1, accuracy: 0.6)
    }

    func testHogwildStillLearns() throws {
        let board = Conformance.checkerboard().data
        let m = try SVDRecommender(parameters: Parameters(["factors": "4", "epochs": "60", "lr": "0.05", "hogwild": "true"]))
        try m.fit(board, context: FitContext(threads: 2))
        let s = m.scores(Profile.training(0, in: board.ratings))
        XCTAssertTrue(s.allSatisfy(\.isFinite))
    }

    func testExplainHasBiasFactorAndAlignedItemTerms() throws {
        let board = Conformance.checkerboard().data
        for name in ["svd", "svdpp"] {
            let m = try Algorithms.make(name, parameters: Parameters(["factors": "4", "epochs": "40", "lr": "0.05"]))
            try m.fit(board, context: FitContext())
            let e = m.explain(Profile.training(0, in: board.ratings), item: 4)
            XCTAssertEqual(e.terms.filter { $0.kind == .bias }.count, 3, name)
            XCTAssertEqual(e.terms.filter { $0.kind == .factor }.count, 4, name)
            XCTAssertEqual(e.related.filter { $0.kind == .ratedItem }.count, 3, name)
            XCTAssertEqual(e.terms.map(\.value).reduce(0, +), e.score, accuracy: 1e-4)
        }
    }

    /// SVD's scaled update (SVDSweep.scaledStep) is Surprise's per-rating update: replay two epochs
    /// naively in data order. The second setting has γλ = 0.95, so rows shrink below the fold
    /// threshold mid-epoch and are multiplied out; 37 factors exercise the 4-lane dot and its remainder.
    func testSVDEpochsEqualNaiveSurpriseUpdates() throws {
        let d = Conformance.dataset("small", users: 3, items: 6, [
            (0, 0, 5), (0, 1, 3), (0, 2, 4), (0, 4, 1), (0, 5, 2), (1, 1, 4), (1, 2, 2), (1, 3, 5), (1, 5, 1),
            (2, 0, 1), (2, 2, 3), (2, 3, 5), (2, 4, 4), (2, 5, 3),
        ])
        for (k, lr, reg) in [(3, Float(0.05), Float(0.1)), (37, 0.5, 1.9)] {
            let trained = try SVDRecommender(parameters: Parameters(["factors": "\(k)", "epochs": "2", "shuffle": "none",
                                                                     "init_std": "0.3", "lr": "\(lr)", "reg": "\(reg)"]))
            try trained.fit(d, context: FitContext(seed: 5))
            // The fit's seeded start: user factors, then item factors, from the model's stream.
            var rng = SplitMix64.derived(seed: 5, stream: 0x5356_44)
            var naive = NaiveSGD(d, factors: k, std: 0.3, lr: lr, reg: reg, rng: &rng)
            for _ in 0..<2 {
                for u in 0..<3 {
                    let row = d.ratings.row(Int32(u))
                    for (i, r) in zip(row.items, row.ratings) { naive.update(u, Int(i), r) }
                }
            }
            let (p, q, bu, bi) = (naive.p, naive.q, naive.bu, naive.bi)
            func close(_ a: Float, _ b: Float, _ what: String) {
                XCTAssertEqual(a, b, accuracy: 2e-4 * max(1, abs(b)), "k=\(k) \(what)")
            }
            for u in 0..<3 {
                close(trained.model.biases.userBias[u], bu[u], "b_u[\(u)]")
                for f in 0..<k { close(trained.users.value(u, f), p[u][f], "p[\(u)][\(f)]") }
            }
            for i in 0..<6 {
                close(trained.model.biases.itemBias[i], bi[i], "b_i[\(i)]")
                for f in 0..<k { close(trained.model.items.value(i, f), q[i][f], "q[\(i)][\(f)]") }
            }
        }
    }

    /// The default order (shuffle=users): users in the seeded permutation taken two at a time, their
    /// ratings interleaved a₁ b₁ a₂ b₂ …, each pair on two items updated in one pass. Replayed naively
    /// from the same seeded start: 5 users (one left without a partner), rows of different lengths,
    /// and pairs that meet on the same item at the same step (updated one after the other).
    func testDefaultOrderEqualsNaiveInterleavedReplay() throws {
        let d = Conformance.dataset("pairs", users: 5, items: 6, [
            (0, 0, 5), (0, 1, 3), (0, 2, 4), (0, 4, 1), (1, 0, 4), (1, 1, 2), (1, 3, 5),
            (2, 0, 1), (2, 2, 3), (2, 3, 5), (2, 4, 4), (2, 5, 3), (3, 0, 2), (3, 5, 4), (4, 1, 5), (4, 2, 1),
        ])
        let k = 12, lr: Float = 0.05, reg: Float = 0.1, epochs = 3, seed: UInt64 = 9
        let m = try SVDRecommender(parameters: Parameters(["factors": "\(k)", "epochs": "\(epochs)", "lr": "\(lr)",
                                                           "reg": "\(reg)", "init_std": "0.3"]))
        try m.fit(d, context: FitContext(seed: seed))
        // The same seeded start as the fit: factors drawn in order, then one permutation per epoch.
        var rng = SplitMix64.derived(seed: seed, stream: 0x5356_44)
        var naive = NaiveSGD(d, factors: k, std: 0.3, lr: lr, reg: reg, rng: &rng)
        for _ in 0..<epochs {
            let order = seededPermutation(5, rng: &rng).map { Int($0) }
            for t in stride(from: 0, to: 5, by: 2) {
                let users = t + 1 < 5 ? [order[t], order[t + 1]] : [order[t]]
                let rows = users.map { u in
                    let row = d.ratings.row(Int32(u))
                    return (items: Array(row.items), ratings: Array(row.ratings))
                }
                for step in 0..<rows.map(\.items.count).max()! {
                    for (u, row) in zip(users, rows) where step < row.items.count {
                        naive.update(u, Int(row.items[step]), row.ratings[step])
                    }
                }
            }
        }
        let (p, q, bu, bi) = (naive.p, naive.q, naive.bu, naive.bi)
        for u in 0..<5 {
            XCTAssertEqual(m.model.biases.userBias[u], bu[u], accuracy: 1e-4)
            for f in 0..<k { XCTAssertEqual(m.users.value(u, f), p[u][f], accuracy: 1e-4, "p[\(u)][\(f)]") }
        }
        for i in 0..<6 {
            XCTAssertEqual(m.model.biases.itemBias[i], bi[i], accuracy: 1e-4)
            for f in 0..<k { XCTAssertEqual(m.model.items.value(i, f), q[i][f], accuracy: 1e-4, "q[\(i)][\(f)]") }
        }
    }

    /// The lazy SVD++ y-update is exactly Surprise's per-rating update: replay one epoch naively.
    func testSVDppLazyUpdateEqualsNaiveEpoch() throws {
        let d = Conformance.dataset("small", users: 4, items: 5, [
            (0, 0, 5), (0, 1, 3), (0, 4, 1), (1, 1, 4), (1, 2, 2), (2, 0, 1), (2, 3, 5), (2, 4, 4), (3, 2, 3),
        ])
        let base = ["factors": "3", "epochs": "1", "shuffle": "false"]
        var zeroLR = base; zeroLR["lr"] = "0.000001"
        let initial = try SVDppRecommender(parameters: Parameters(zeroLR.merging(["reg": "0"]) { $1 }))
        try initial.fit(d, context: FitContext(seed: 3))
        let trained = try SVDppRecommender(parameters: Parameters(base.merging(["lr": "0.05", "reg": "0.1"]) { $1 }))
        try trained.fit(d, context: FitContext(seed: 3))
        // Naive replay from the (almost) initial parameters.
        let k = 3, lr: Float = 0.05, reg: Float = 0.1
        func vec(_ t: FactorTable, _ r: Int) -> [Float] { (0..<k).map { t.value(r, $0) } }
        var p = (0..<4).map { vec(initial.users, $0) }
        var q = (0..<5).map { vec(initial.model.items, $0) }
        var y = (0..<5).map { vec(initial.implicitFactors, $0) }
        var bu = [Float](repeating: 0, count: 4), bi = [Float](repeating: 0, count: 5)
        let mu = d.ratings.globalMean
        for u in 0..<4 {
            let row = d.ratings.row(Int32(u))
            let nItems = row.items.map { Int($0) }
            let s = 1 / Float(nItems.count).squareRoot()
            for (i32, r) in zip(row.items, row.ratings) {
                let i = Int(i32)
                var z = [Float](repeating: 0, count: k)
                for j in nItems { for f in 0..<k { z[f] += y[j][f] * s } }
                var dot: Float = 0
                for f in 0..<k { dot += q[i][f] * (p[u][f] + z[f]) }
                let e = r - (mu + bu[u] + bi[i] + dot)
                bu[u] += lr * (e - reg * bu[u]); bi[i] += lr * (e - reg * bi[i])
                for f in 0..<k {
                    let pf = p[u][f], qf = q[i][f]
                    p[u][f] += lr * (e * qf - reg * pf)
                    q[i][f] += lr * (e * (pf + z[f]) - reg * qf)
                    for j in nItems { y[j][f] += lr * (e * qf * s - reg * y[j][f]) }
                }
            }
        }
        // The initial fit moved parameters by at most lr=1e-6 per step: compare loosely but far below any real update.
        for i in 0..<5 { for f in 0..<k {
            XCTAssertEqual(trained.implicitFactors.value(i, f), y[i][f], accuracy: 2e-4, "y[\(i)][\(f)]")
            XCTAssertEqual(trained.model.items.value(i, f), q[i][f], accuracy: 2e-4, "q[\(i)][\(f)]")
        } }
        for u in 0..<4 { XCTAssertEqual(trained.model.biases.userBias[u], bu[u], accuracy: 2e-4) }
    }
}

private final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [FitProgress] = []
    func add(_ e: FitProgress) { lock.lock(); events.append(e); lock.unlock() }
}

/// Surprise's plain per-rating SGD update, on arrays, from the same seeded start as SVD's fit (user
/// factors, then item factors): the reference both replays above compare the fitted model with.
private struct NaiveSGD {
    var p: [[Float]], q: [[Float]], bu: [Float], bi: [Float]
    let mu: Float, lr: Float, reg: Float, k: Int

    init(_ d: Dataset, factors k: Int, std: Float, lr: Float, reg: Float, rng: inout SplitMix64) {
        var pt = FactorTable(rows: d.userCount, factors: k), qt = FactorTable(rows: d.itemCount, factors: k)
        pt.randomize(mean: 0, std: std, rng: &rng)
        qt.randomize(mean: 0, std: std, rng: &rng)
        p = (0..<d.userCount).map { u in (0..<k).map { pt.value(u, $0) } }
        q = (0..<d.itemCount).map { i in (0..<k).map { qt.value(i, $0) } }
        bu = [Float](repeating: 0, count: d.userCount)
        bi = [Float](repeating: 0, count: d.itemCount)
        mu = d.ratings.globalMean
        self.lr = lr; self.reg = reg; self.k = k
    }

    mutating func update(_ u: Int, _ i: Int, _ r: Float) {
        var dot: Float = 0
        for f in 0..<k { dot += q[i][f] * p[u][f] }
        let e = r - (mu + bu[u] + bi[i] + dot)
        bu[u] += lr * (e - reg * bu[u]); bi[i] += lr * (e - reg * bi[i])
        for f in 0..<k {
            let pf = p[u][f], qf = q[i][f]
            p[u][f] += lr * (e * qf - reg * pf)
            q[i][f] += lr * (e * pf - reg * qf)
        }
    }
}

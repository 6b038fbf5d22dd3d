import XCTest
@testable import RecsysEngine
import RecsysTestSupport

final class KNNTests: XCTestCase {
    /// Items 0 and 1 co-rated by users 0, 1, 2; item 2 by users 0 and 3.
    private let data = Conformance.dataset("knn", users: 4, items: 3, [
        (0, 0, 5), (0, 1, 4), (0, 2, 1),
        (1, 0, 3), (1, 1, 2),
        (2, 0, 4), (2, 1, 5),
        (3, 2, 4),
    ])

    private func itemSim(_ sim: String, _ a: Int32, _ b: Int32, extra: [String: String] = [:]) throws -> Float? {
        var p = ["similarity": sim, "mode": "rating"]
        p.merge(extra) { $1 }
        let m = try ItemKNNRecommender(parameters: Parameters(p))
        try m.fit(data, context: FitContext(threads: 1))
        return m.similarItems(to: a, count: 5).first { $0.item == b }?.score
    }

    func testSimilaritiesMatchTheirFormulas() throws {
        // Items 0 and 1 over users 0,1,2: x = (5,3,4), y = (4,2,5).
        let sxy: Float = 20 + 6 + 20, sxx: Float = 25 + 9 + 16, syy: Float = 16 + 4 + 25
        XCTAssertEqual(try itemSim("cosine", 0, 1)!, sxy / (sxx * syy).squareRoot(), accuracy: 1e-5)
        let n: Float = 3, sx: Float = 12, sy: Float = 11
        let pearson = (n * sxy - sx * sy) / ((n * sxx - sx * sx) * (n * syy - sy * sy)).squareRoot()
        XCTAssertEqual(try itemSim("pearson", 0, 1)!, pearson, accuracy: 1e-5)
        let msd: Float = (1 + 1 + 1) / 3
        XCTAssertEqual(try itemSim("msd", 0, 1)!, 1 / (1 + msd), accuracy: 1e-5)
        // Jaccard of items 0 {0,1,2} and 2 {0,3}: 1 / 4.
        XCTAssertEqual(try itemSim("jaccard", 0, 2)!, 0.25, accuracy: 1e-6)
        // Min support 2 removes the pair (0, 2), which shares one user.
        XCTAssertNil(try itemSim("jaccard", 0, 2, extra: ["min_support": "2"]))
    }

    func testPearsonBaselineShrinksTowardsZero() {
        var acc = KNNAccumulator(rows: 1)
        acc.sums[0] = KNNSums(n: 3, sxy: 2, sxx: 4, syy: 9)
        let raw = acc.similarity(0, kind: .pearsonBaseline, shrinkage: 0, minSupport: 1, lenA: 3, lenB: 3)
        XCTAssertEqual(raw, 2 / 6, accuracy: 1e-6)
        let shrunk = acc.similarity(0, kind: .pearsonBaseline, shrinkage: 100, minSupport: 1, lenA: 3, lenB: 3)
        // (n − 1)/(n − 1 + 100) with n = 3.
        XCTAssertEqual(shrunk, raw * 2 / 102, accuracy: 1e-7)
        XCTAssertEqual(acc.similarity(0, kind: .pearsonBaseline, shrinkage: 0, minSupport: 4, lenA: 3, lenB: 3), 0)
    }

    func testItemKNNPearsonBaselineOnMovieLensShapedData() throws {
        // On the checkerboard, two loved items of one parity are positively similar after baselines.
        let board = Conformance.checkerboard().data
        let m = try ItemKNNRecommender(parameters: Parameters(["mode": "rating", "shrinkage": "0"]))
        try m.fit(board, context: FitContext())
        let p = m.predict(Profile.training(0, in: board.ratings), items: [Conformance.checkerboard().withheld[0].1])[0]
        XCTAssertGreaterThan(p.value, 4)
    }

    func testBasicPredictionIsTheSimilarityWeightedMean() throws {
        let m = try ItemKNNRecommender(parameters: Parameters(["similarity": "cosine", "prediction": "basic", "mode": "rating"]))
        try m.fit(data, context: FitContext(threads: 1))
        // User 3 rated only item 2; predicting item 0 uses item 2's rating alone.
        let p = m.predict(Profile.training(3, in: data.ratings), items: [0])[0]
        XCTAssertEqual(p.value, 4, accuracy: 1e-5)
        // A profile with items 1 (rating 2) and 2 (rating 5): weighted by cos(0,1), cos(0,2).
        let s01 = try itemSim("cosine", 0, 1)!, s02 = try itemSim("cosine", 0, 2)!
        let q = m.predict(Profile([(Int32(1), Float(2)), (Int32(2), Float(5))]), items: [0])[0]
        XCTAssertEqual(q.value, (s01 * 2 + s02 * 5) / (s01 + s02), accuracy: 1e-4)
        XCTAssertFalse(q.isImpossible)
        // k = 1 keeps only the most similar neighbour.
        let k1 = try ItemKNNRecommender(parameters: Parameters(["similarity": "cosine", "prediction": "basic", "k": "1"]))
        try k1.fit(data, context: FitContext(threads: 1))
        let best: Float = s01 >= s02 ? 2 : 5
        XCTAssertEqual(k1.predict(Profile([(Int32(1), Float(2)), (Int32(2), Float(5))]), items: [0])[0].value, best, accuracy: 1e-5)
    }

    func testTopNSumsWeightedSimilaritiesAndKeepBoundsLists() throws {
        let board = Conformance.checkerboard().data
        let m = try ItemKNNRecommender(parameters: Parameters(["weighting": "none", "topn_k": "3", "keep": "2",
                                                               "feedback": "centered"]))
        try m.fit(board, context: FitContext())
        let prof = Profile([(Int32(0), Float(5)), (Int32(2), Float(4))])
        let s = m.scores(prof)
        // score(i) = Σ_j w_j S[j][i] with the centered weights (c = (5 + 4 + 9) / 5 = 3.6: w = 0.7, 0.2):
        // recompute from similarItems lists (which include the top-N neighbours).
        let w: [Int32: Float] = [0: 0.7, 2: 0.2]
        var expected = [Float](repeating: 0, count: board.itemCount)
        for j in prof.items { for n in m.similarItems(to: j, count: 10) { expected[Int(n.item)] += w[j]! * n.score } }
        for i in 0..<board.itemCount where !prof.contains(Int32(i)) { XCTAssertEqual(s[i], expected[i], accuracy: 1e-5) }
        for i in 0..<Int32(board.itemCount) { XCTAssertLessThanOrEqual(m.similarItems(to: i, count: 10).count, 3) }
    }

    func testBM25WeightFollowsImplicit() {
        // 3 items (rows) × 2 users: item 0 rated by both users, items 1, 2 by user 0 only.
        let rowStart = [0, 2, 3, 4], rowOther: [Int32] = [0, 1, 0, 0]
        let otherStart = [0, 3, 4], otherRow: [Int32] = [0, 1, 2, 0]
        let w = interactionWeights(rowStart: rowStart, rowOther: rowOther, otherStart: otherStart, otherRow: otherRow,
                                   weighting: .bm25, k1: 1.2, b: 0.75)
        let idf0 = log(3.0) - log1p(3.0), idf1 = log(3.0) - log1p(1.0)
        let avg = 4.0 / 3
        let norm0 = 0.25 + 0.75 * 2 / avg
        XCTAssertEqual(Double(w.rowWeights[0]), 2.2 / (1.2 * norm0 + 1) * idf0, accuracy: 1e-6)
        XCTAssertEqual(Double(w.rowWeights[1]), 2.2 / (1.2 * norm0 + 1) * idf1, accuracy: 1e-6)
        XCTAssertEqual(w.otherWeights[3], w.rowWeights[1], accuracy: 1e-7)
        XCTAssertEqual(w.norms, [1, 1, 1])
    }

    func testUserKNNExplainListsNeighboursWhoRatedTheItem() throws {
        let board = Conformance.checkerboard().data
        let m = try UserKNNRecommender(parameters: Parameters(["similarity": "cosine", "mode": "rating"]))
        try m.fit(board, context: FitContext())
        var prof = Profile.training(0, in: board.ratings)
        prof.trainingUser = nil
        let withheld = Conformance.checkerboard().withheld[0].1
        let e = m.explain(prof, item: withheld)
        let neighbours = e.terms.filter { $0.kind == .neighbour }
        XCTAssertFalse(neighbours.isEmpty)
        for t in neighbours {
            let v = try XCTUnwrap(t.user)
            XCTAssertNotNil(board.ratings.rating(user: v, item: withheld), "user \(v) did not rate the item")
        }
        XCTAssertTrue(e.notes.contains(.liveNeighbours))
    }

    func testItemKNNExplainUsesRatedItems() throws {
        let board = Conformance.checkerboard().data
        let m = try ItemKNNRecommender()
        try m.fit(board, context: FitContext())
        let prof = Profile.training(0, in: board.ratings)
        let e = m.explain(prof, item: Conformance.checkerboard().withheld[0].1)
        XCTAssertFalse(e.terms.isEmpty)
        XCTAssertTrue(e.terms.allSatisfy { $0.item.map { prof.contains($0) } ?? true })
        XCTAssertFalse(e.reasonsFor.isEmpty, "a liked film is the reason")
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), e.score, accuracy: 1e-4)
    }

    func testThreadCountDoesNotChangeNeighbours() throws {
        let board = Conformance.checkerboard().data
        let a = try ItemKNNRecommender(), b = try ItemKNNRecommender()
        try a.fit(board, context: FitContext(threads: 1))
        try b.fit(board, context: FitContext(threads: 2))
        for i in Int32(0)..<16 { XCTAssertEqual(a.similarItems(to: i, count: 20), b.similarItems(to: i, count: 20)) }
    }
}

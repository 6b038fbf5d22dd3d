import XCTest
@testable import RecsysEngine

final class EASETests: XCTestCase {
    /// A random SPD matrix M = RᵀR/n + I, inverted by the blocked routine and checked by M·M⁻¹ = I
    /// (sizes straddle the 64-wide panels, the 16-row strips and the 8-wide chunks).
    func testBlockedInverseMatchesIdentity() throws {
        for n in [1, 5, 67, 100] {
            var rng = SplitMix64(seed: UInt64(n))
            var r = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n { for j in 0..<n { r[i][j] = Double(rng.nextGaussian()) } }
            var m = DenseMatrix(rows: n, columns: n)
            var exact = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for t in 0..<n { s += r[t][i] * r[t][j] }
                    exact[i][j] = s / Double(n) + (i == j ? 1 : 0)
                    m[i, j] = Float(exact[i][j])
                }
            }
            try invertSymmetricPositiveDefinite(&m, threads: 2)
            var worst = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for t in 0..<n { s += exact[i][t] * Double(m[t, j]) }
                    worst = max(worst, abs(s - (i == j ? 1 : 0)))
                    XCTAssertEqual(m[i, j], m[j, i], accuracy: 1e-4)
                }
            }
            XCTAssertLessThan(worst, 1e-3, "n=\(n)")
        }
    }

    /// The in-place inverse on sizes with several 64-row blocks and inner sums longer than one
    /// 256-row pass: M·M⁻¹ = I, symmetric, zero padding columns, and the same bits on 1 and 2 threads.
    func testInPlaceInverseOverSeveralBlocks() throws {
        let n = 330
        var rng = SplitMix64(seed: 77)
        var r = [Float](repeating: 0, count: n * n)
        for k in 0..<(n * n) { r[k] = rng.nextGaussian() }
        var m = DenseMatrix(rows: n, columns: n)
        var exact = [Double](repeating: 0, count: n * n)
        r.withUnsafeBufferPointer { r in
            for i in 0..<n {
                for j in 0...i {
                    var s = 0.0
                    for t in 0..<n { s += Double(r[t * n + i]) * Double(r[t * n + j]) }
                    let v = s / Double(n) + (i == j ? 1 : 0)
                    exact[i * n + j] = v; exact[j * n + i] = v
                }
            }
        }
        for i in 0..<n { for j in 0...i { m[i, j] = Float(exact[i * n + j]) } }  // only the lower triangle is read
        var one = m
        try invertSymmetricPositiveDefinite(&m, threads: 2)
        try invertSymmetricPositiveDefinite(&one, threads: 1)
        XCTAssertEqual(m.storage.map(\.bitPattern), one.storage.map(\.bitPattern), "threads do not change the bits")
        var worst = 0.0
        m.storage.withUnsafeBufferPointer { inv in
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for t in 0..<n { s += exact[i * n + t] * Double(inv[t * m.stride + j]) }
                    worst = max(worst, abs(s - (i == j ? 1 : 0)))
                }
                for j in n..<m.stride { XCTAssertEqual(inv[i * m.stride + j], 0) }
            }
        }
        XCTAssertLessThan(worst, 1e-3)
        for i in 0..<n { for j in 0..<i { XCTAssertEqual(m[i, j], m[j, i]) } }
    }

    func testNonPositiveDefiniteIsReported() {
        var m = DenseMatrix(rows: 3, columns: 3)
        m[0, 0] = 1; m[1, 1] = -2; m[2, 2] = 1
        XCTAssertThrowsError(try invertSymmetricPositiveDefinite(&m)) { e in
            XCTAssertEqual((e as? NotPositiveDefinite)?.pivot, 1)
        }
    }

    func fitted(_ params: [String: String] = [:], data: Dataset = BlockFixture.make()) throws -> EASERecommender {
        let m = try EASERecommender(parameters: Parameters(["lambda": "1"].merging(params) { $1 }))
        try m.fit(data, context: FitContext())
        return m
    }

    func testWithheldItemRanksFirstAndFoldInIsExact() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        XCTAssertEqual(m.recommend(Profile.training(0, in: ds.ratings), count: 1).first?.item, 0)
        XCTAssertEqual(m.recommend(Profile.training(10, in: ds.ratings), count: 1).first?.item, 6)
        XCTAssertEqual(m.scores(Profile.training(4, in: ds.ratings)), m.scores(BlockFixture.foldIn(4, ds)))
    }

    /// B from the closed form satisfies the EASE optimality condition: (G + λI)B = G + λI − diagMat(μ)
    /// off the diagonal, i.e. ((G + λI)·B)_ij = G_ij for i ≠ j; and diag(B) = 0.
    func testWeightsSatisfyTheClosedForm() throws {
        let ds = BlockFixture.make()
        let lambda: Float = 2
        let m = try fitted(["lambda": "2", "feedback": "binary"], data: ds)
        let n = ds.itemCount
        var g = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
        for u in 0..<ds.userCount {
            let items = ds.ratings.row(Int32(u)).items
            for a in items { for b in items { g[Int(a)][Int(b)] += 1 } }
        }
        // Column j of B: the score of j for a profile holding one item i is B_ij.
        var b = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
        for i in 0..<n {
            let s = m.scores(Profile([(Int32(i), Float(5))]))
            for j in 0..<n { b[i][j] = s[j] }
            XCTAssertEqual(b[i][i], 0)
        }
        for i in 0..<n {
            for j in 0..<n where i != j {
                var s: Float = 0
                for t in 0..<n { s += (g[i][t] + (i == t ? lambda : 0)) * b[t][j] }
                XCTAssertEqual(s, g[i][j], accuracy: 2e-3, "(\(i),\(j))")
            }
        }
    }

    func testRestrictionToPopularItemsIsExplained() throws {
        let ds = BlockFixture.make()
        let m = try fitted(["max_items": "8"], data: ds)
        XCTAssertEqual(m.coveredItems, 8)
        let p = BlockFixture.foldIn(0, ds)
        let s = m.scores(p)
        XCTAssertTrue(s.allSatisfy(\.isFinite))
        let covered = m.recommend(p, count: 12)
        XCTAssertEqual(covered.count, 12 - p.count)
        let e = m.explain(p, item: covered[0].item)
        XCTAssertTrue(e.notes.contains(.restricted(kept: 8, total: 12)), "\(e.notes)")
    }

    func testExplanationTermsAreTheRatedItemsWeights() throws {
        let ds = BlockFixture.make()
        let m = try fitted(data: ds)
        let p = BlockFixture.foldIn(0, ds)
        let e = m.explain(p, item: 0)
        XCTAssertEqual(e.score, m.scores(p)[0], accuracy: 1e-4)
        XCTAssertEqual(e.terms.map(\.value).reduce(0, +), e.score, accuracy: 1e-4)
        XCTAssertTrue(e.terms.allSatisfy { $0.item.map { p.contains($0) } ?? false })
        XCTAssertEqual(m.explain(Profile(), item: 0).notes, [.coldStart])
        XCTAssertTrue(m.similarItems(to: 1, count: 3).allSatisfy { $0.item < 6 })
    }

    func testDegenerateDataGivesFiniteScores() throws {
        for ds in [BlockFixture.degenerate(), BlockFixture.degenerate(items: 3, users: 2)] {
            let m = try fitted(data: ds)
            XCTAssertTrue(m.scores(Profile.training(0, in: ds.ratings)).allSatisfy(\.isFinite))
        }
    }
}

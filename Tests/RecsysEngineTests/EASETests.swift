import XCTest
@testable import RecsysEngine

final class EASETests: XCTestCase {
    /// A random SPD matrix M = RᵀR/n + I, inverted by the blocked routine and checked by M·M⁻¹ = I
    /// (sizes straddle the 64-wide panels, the 16-row strips and the 8-wide chunks).
    func testBlockedInverseMatchesIdentity() throws {
        for n in [1, 5, 67, 150] {
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

    func testNonPositiveDefiniteIsReported() {
        var m = DenseMatrix(rows: 3, columns: 3)
        m[0, 0] = 1; m[1, 1] = -2; m[2, 2] = 1
        XCTAssertThrowsError(try invertSymmetricPositiveDefinite(&m)) { e in
            XCTAssertEqual((e as? NotPositiveDefinite)?.pivot, 1)
        }
    }
}

import XCTest
@testable import RecsysEngine

/// The register-blocked products of ALS's conjugate gradient steps and its parted Gram matrix,
/// against the plain sums they stand for.
final class ALSKernelTests: XCTestCase {
    /// Seeded values in [−1, 1), with the row padding (columns k..<ld) left at zero.
    private func rows(_ n: Int, k: Int, ld: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var y = [Float](repeating: 0, count: n * ld)
        for r in 0..<n { for c in 0..<k { y[r * ld + c] = Float(rng.nextDouble() * 2 - 1) } }
        return y
    }

    /// ld = 24 runs only the one-lane remainder, 40 one block of four lanes and one remainder lane,
    /// 64 two blocks (ALS's default); 7 rows cover the four-row batch and three single rows.
    func testGatherAndSymmetricProductsEqualThePlainSums() {
        for (k, ld) in [(20, 24), (37, 40), (64, 64)] {
            let fixed = rows(12, k: k, ld: ld, seed: UInt64(k))
            let idx: [Int32] = [3, 0, 11, 5, 7, 2, 9]
            // Signed confidences, one of them 0 (an entry left out) and one a dislike.
            let conf: [Float] = [3.5, 2, 0, -2.5, 1, 4, 1.5]
            let v = rows(1, k: k, ld: ld, seed: 99)
            var sym = rows(ld, k: ld, ld: ld, seed: 7)
            for a in 0..<ld { for b in 0..<a { sym[b * ld + a] = sym[a * ld + b] } }
            for target in [true, false] {
                var out = rows(1, k: k, ld: ld, seed: 5)
                var expected = out.map(Double.init)
                for (t, j) in idx.enumerated() where conf[t] != 0 {
                    let y = Array(fixed[Int(j) * ld..<(Int(j) + 1) * ld])
                    let d = zip(y, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    let w = Double(abs(conf[t])) - 1
                    let f = target ? Double(conf[t]) - w * d : w * d
                    for c in 0..<ld { expected[c] += f * Double(y[c]) }
                }
                fixed.withUnsafeBufferPointer { fb in idx.withUnsafeBufferPointer { ib in conf.withUnsafeBufferPointer { cb in
                    v.withUnsafeBufferPointer { vb in out.withUnsafeMutableBufferPointer { ob in
                        alsGatherProduct(fixed: fb.baseAddress!, idx: ib.baseAddress!, conf: cb.baseAddress!, n: idx.count,
                                         v: vb.baseAddress!, out: ob.baseAddress!, ld: ld, target: target)
                    } }
                } } }
                for c in 0..<ld { XCTAssertEqual(Double(out[c]), expected[c], accuracy: 1e-4, "ld \(ld) target \(target) [\(c)]") }
            }
            for sign: Float in [1, -1] {
                var out = [Float](repeating: 7, count: ld)
                sym.withUnsafeBufferPointer { sb in v.withUnsafeBufferPointer { vb in out.withUnsafeMutableBufferPointer { ob in
                    alsSymmetricProduct(sb.baseAddress!, vb.baseAddress!, ob.baseAddress!, ld: ld, sign: sign)
                } } }
                for c in 0..<ld {
                    let e = (0..<ld).reduce(0.0) { $0 + Double(sym[c * ld + $1]) * Double(v[$1]) }
                    XCTAssertEqual(Double(out[c]), Double(sign) * e, accuracy: 1e-4, "ld \(ld) sign \(sign) [\(c)]")
                }
            }
        }
    }

    /// 20,000 rows make two parts; the result is YᵀY + λI whatever the thread count, bit for bit.
    func testPartedGramIsYTYPlusLambdaAndIndependentOfThreads() {
        let n = 20_000, k = 5, ld = 8
        let y = rows(n, k: k, ld: ld, seed: 3)
        let one = ALSRecommender.gram(y, rows: n, ld: ld, k: k, lambda: 2.5, threads: 1)
        let two = ALSRecommender.gram(y, rows: n, ld: ld, k: k, lambda: 2.5, threads: 2)
        XCTAssertEqual(one, two)
        for a in 0..<ld {
            for b in 0..<ld {
                var e = 0.0
                for r in 0..<n { e += Double(y[r * ld + a]) * Double(y[r * ld + b]) }
                if a == b && a < k { e += 2.5 }
                XCTAssertEqual(Double(one[a * ld + b]), e, accuracy: 1e-3 * max(1, abs(e)), "[\(a)][\(b)]")
            }
        }
    }
}

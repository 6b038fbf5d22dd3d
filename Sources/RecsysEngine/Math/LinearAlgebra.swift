/// Small dense linear algebra: dot products over SIMD8 rows and a Cholesky solver.
///
/// These are the kernels every factor model shares (SVD, SVD++, ALS fold-in):
/// factor rows are stored flat as `SIMD8<Float>` lanes (a row of `k` factors is
/// padded to `⌈k/8⌉·8` with zeros), and ridge regressions are solved by Cholesky.
public enum LinearAlgebra {
    /// The number of `SIMD8` lanes a row of `factors` floats needs: ⌈factors / 8⌉.
    @inlinable
    public static func lanes(_ factors: Int) -> Int { (factors + 7) / 8 }

    /// Dot product of two SIMD8 rows of `lanes` lanes: Σ_l Σ_{0≤t<8} a[l][t]·b[l][t].
    ///
    /// Complexity: O(lanes).
    @inlinable
    public static func dot(_ a: UnsafePointer<SIMD8<Float>>, _ b: UnsafePointer<SIMD8<Float>>, lanes: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        for l in 0..<lanes { acc += a[l] * b[l] }
        return acc.sum()
    }

    /// Solves A·x = b in place for a symmetric positive-definite `n`×`n` matrix (row-major).
    ///
    /// Factorizes A = L·Lᵀ (the lower triangle of `a` is overwritten with L), then solves
    /// L·y = b and Lᵀ·x = y by substitution; `b` is overwritten with x. A pivot that is not
    /// positive (a matrix that is not SPD up to rounding) is replaced by a tiny positive value,
    /// so the solve always returns finite numbers for a ridge system A = XᵀX + λI with λ > 0.
    ///
    /// - Parameters:
    ///   - a: n·n entries, row-major; only the lower triangle is read.
    ///   - b: n entries; receives the solution.
    ///   - n: the dimension.
    /// - Returns: false when a pivot had to be repaired (A was not numerically SPD).
    /// - Complexity: O(n³/3) for the factorization, O(n²) for the two substitutions.
    @discardableResult
    public static func choleskySolve(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>,
                                     n: Int) -> Bool {
        var ok = true
        for j in 0..<n {
            let rowJ = a + j * n
            var d = rowJ[j]
            for k in 0..<j { d -= rowJ[k] * rowJ[k] }
            if !(d > 1e-12) { d = 1e-12; ok = false }
            let ljj = d.squareRoot()
            rowJ[j] = ljj
            let inv = 1 / ljj
            for i in (j + 1)..<max(j + 1, n) {
                let rowI = a + i * n
                var s = rowI[j]
                for k in 0..<j { s -= rowI[k] * rowJ[k] }
                rowI[j] = s * inv
            }
        }
        // L·y = b
        for i in 0..<n {
            let rowI = a + i * n
            var s = b[i]
            for k in 0..<i { s -= rowI[k] * b[k] }
            b[i] = s / rowI[i]
        }
        // Lᵀ·x = y
        var i = n - 1
        while i >= 0 {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * b[k] }
            b[i] = s / a[i * n + i]
            i -= 1
        }
        return ok
    }

    /// Array convenience for `choleskySolve`: returns x with A·x = b (A row-major n×n, SPD).
    public static func choleskySolve(_ a: [Double], _ b: [Double]) -> [Double] {
        let n = b.count
        precondition(a.count == n * n, "choleskySolve: A must be n×n")
        var a = a, x = b
        a.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                _ = choleskySolve(pa.baseAddress!, px.baseAddress!, n: n)
            }
        }
        return x
    }

    /// Ridge regression: the w minimizing Σ_r (y_r − x_r·w)² + Σ_d λ_d·w_d².
    ///
    /// Solves (XᵀX + diag(λ))·w = Xᵀy by Cholesky, accumulating in Double.
    ///
    /// - Parameters:
    ///   - rows: how many observations.
    ///   - dim: the number of unknowns.
    ///   - feature: writes observation r's `dim` features into the buffer it is given.
    ///   - target: y_r.
    ///   - lambda: the ridge penalty of each unknown (`dim` values, all > 0 for a unique answer).
    /// - Complexity: O(rows·dim² + dim³).
    public static func ridge(rows: Int, dim: Int, lambda: [Double],
                             feature: (Int, UnsafeMutablePointer<Double>) -> Void,
                             target: (Int) -> Double) -> [Double] {
        var a = [Double](repeating: 0, count: dim * dim)
        var b = [Double](repeating: 0, count: dim)
        var x = [Double](repeating: 0, count: dim)
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                x.withUnsafeMutableBufferPointer { px in
                    let A = pa.baseAddress!, B = pb.baseAddress!, X = px.baseAddress!
                    for r in 0..<rows {
                        feature(r, X)
                        let y = target(r)
                        for i in 0..<dim {
                            let xi = X[i]
                            if xi == 0 { continue }
                            B[i] += xi * y
                            let row = A + i * dim
                            for j in 0...i { row[j] += xi * X[j] }
                        }
                    }
                    for d in 0..<dim { A[d * dim + d] += lambda[d] }
                    _ = choleskySolve(A, B, n: dim)
                }
            }
        }
        return b
    }
}

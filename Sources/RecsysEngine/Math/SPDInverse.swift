import Foundation

// MARK: - Symmetric positive definite inverse, in place

/// The inverse of a symmetric positive definite matrix, in place, by blocked Cholesky.
///
/// 1. `A = L·Lᵀ` (right-looking, 64-column panels; the trailing update
///    `A₂₂ −= L₂₁·L₂₁ᵀ` runs on `threads` workers): n³/3 flops.
/// 2. `W = L⁻¹` over `L`, by 64-row blocks from the top: n³/3 flops.
/// 3. `A⁻¹ = Wᵀ·W` over `W`, by 64-row blocks from the top, then mirrored: n³/3 flops.
///
/// About n³ flops in all, half of what an LU-based inverse needs, and no second n × n buffer:
/// steps 2 and 3 each need, besides `a`, only a copy of the 64-row block they are about to
/// overwrite (64 rows of `stride` floats, 5 MB at n = 20,000). That works because
///
/// - row block I of `W = L⁻¹` reads `L` only in its own rows and `W` only in the rows above
///   (`W_I = L_II⁻¹ (E_I − L_I,<I · W_<I)`), which are final by then;
/// - row block I of `WᵀW` (its lower part, columns ≤ I) reads `W` only in rows ≥ I
///   (`(WᵀW)_I,c = Σ_{k ≥ I} W_k,Iᵀ W_k,c`, W being lower triangular), which later blocks never
///   overwrite before they are read.
///
/// Only the lower triangle of `a` is read. Float arithmetic: fine for well-conditioned
/// matrices such as EASE's `XᵀX + λI`. The result does not depend on `threads`.
///
/// - Parameters:
///   - a: the matrix (square); replaced by its inverse (full, symmetric; padding columns zero).
///   - threads: worker threads.
/// - Throws: `NotPositiveDefinite` with the failing pivot.
/// - Complexity: O(n³) time; memory: `a` plus 64 rows of scratch.
public func invertSymmetricPositiveDefinite(_ a: inout DenseMatrix, threads: Int = 2) throws {
    precondition(a.rows == a.columns, "square matrix expected")
    let n = a.rows
    guard n > 0 else { return }
    let ld = a.stride
    var panel = [Float](repeating: 0, count: SPDBlocks.nb * ld)
    try a.storage.withUnsafeMutableBufferPointer { abuf in
        let A = abuf.baseAddress!
        try panel.withUnsafeMutableBufferPointer { pbuf in
            let P = pbuf.baseAddress!
            try SPDBlocks.cholesky(A, n: n, ld: ld, scratch: P, threads: threads)
            SPDBlocks.invertLower(A, n: n, ld: ld, scratch: P, threads: threads)
            if !A[0].isFinite { throw NotPositiveDefinite(pivot: 0) }
            SPDBlocks.lowerGram(A, n: n, ld: ld, scratch: P, threads: threads)
        }
    }
}

/// The three blocked steps of `invertSymmetricPositiveDefinite`, each in place on a row-major
/// matrix `A` (n × n, row stride `ld`, rows allocated up to a multiple of 4).
enum SPDBlocks {
    /// Panel width and row-block height.
    static let nb = 64
    /// Rows of the inner sum handled per pass, so that the rows a pass reads stay in cache while
    /// every 4-row group of the block uses them.
    static let kBlock = 256

    /// `A = L·Lᵀ`, `L` in the lower triangle (the upper triangle is left with junk).
    /// `scratch` (nb × ld) holds the transposed panel.
    static func cholesky(_ A: UnsafeMutablePointer<Float>, n: Int, ld: Int,
                         scratch T: UnsafeMutablePointer<Float>, threads: Int) throws {
        var kNext = 0
        while kNext < n {
            let k0 = kNext  // a constant copy for the workers
            let kb = min(nb, n - k0)
            // Diagonal block, unblocked.
            for j in k0..<(k0 + kb) {
                let rj = A + j * ld
                var d = rj[j]
                for p in k0..<j { d -= rj[p] * rj[p] }
                guard d > 0, d.isFinite else { throw NotPositiveDefinite(pivot: j) }
                let l = d.squareRoot()
                rj[j] = l
                for i in (j + 1)..<(k0 + kb) {
                    let ri = A + i * ld
                    var s = ri[j]
                    for p in k0..<j { s -= ri[p] * rj[p] }
                    ri[j] = s / l
                }
            }
            let r0 = k0 + kb
            if r0 < n {
                // Panel: rows below solve x·L_KKᵀ = a (forward substitution per row).
                let ap = SendablePointer(A)
                let rowsBelow = n - r0
                parallelFor((rowsBelow + 63) / 64, threads: threads) { chunk in
                    let A = ap.p
                    let lo = r0 + chunk * 64, hi = min(n, lo + 64)
                    for i in lo..<hi {
                        let ri = A + i * ld
                        for j in k0..<(k0 + kb) {
                            let rj = A + j * ld
                            var s = ri[j]
                            for p in k0..<j { s -= ri[p] * rj[p] }
                            ri[j] = s / rj[j]
                        }
                    }
                }
                // Transposed copy of the panel: T[p][j] = L[j][k0+p].
                for j in r0..<n {
                    let rj = A + j * ld + k0
                    for p in 0..<kb { T[p * ld + j] = rj[p] }
                }
                // Trailing update of the lower triangle, 16-row strips.
                let tp = SendablePointer(T)
                parallelFor((rowsBelow + 15) / 16, threads: threads) { s in
                    let A = ap.p, T = UnsafePointer(tp.p)
                    let i0 = r0 + s * 16
                    let iEnd = min(n, i0 + 16)
                    var c = r0
                    while c < iEnd {
                        // Only rows whose lower part reaches this chunk (i ≥ c).
                        var i = max(i0, c)
                        i = i0 + ((i - i0) / 4) * 4
                        while i < iEnd {
                            kernel4x8(kb, a: A + i * ld + k0, aRow: ld, aP: 1,
                                      b: T + c, bP: ld, c: A + i * ld + c, cRow: ld, sign: -1)
                            i += 4
                        }
                        c += 8
                    }
                }
            }
            kNext += kb
        }
    }

    /// Replaces `L` (lower triangle of `A`) by `W = L⁻¹`, lower triangular with a zero upper
    /// triangle. Row block I: copy `L_I` into `scratch`, clear the rows, then
    /// `W_I,<I = −L_I,<I · W_<I` (column chunks in parallel) and a forward substitution
    /// with `L_II` inside the block.
    static func invertLower(_ A: UnsafeMutablePointer<Float>, n: Int, ld: Int,
                            scratch P: UnsafeMutablePointer<Float>, threads: Int) {
        var i0 = 0
        while i0 < n {
            let ib = min(nb, n - i0)
            let groups = (ib + 3) / 4 * 4  // rows the 4-row kernel touches (padding rows included)
            // L_I into the panel (only columns ≤ the row's own are meaningful); padding rows zero.
            for r in 0..<nb {
                let dst = P + r * ld
                if r < ib {
                    let width = i0 + r + 1
                    dst.update(from: A + (i0 + r) * ld, count: width)
                    (dst + width).update(repeating: 0, count: ld - width)
                } else {
                    dst.update(repeating: 0, count: ld)
                }
            }
            for r in 0..<groups { (A + (i0 + r) * ld).update(repeating: 0, count: ld) }
            if i0 > 0 {
                // W[I][c..c+8] −= Σ_{p ∈ [c, i0)} L[I][p] · W[p][c..c+8]  (W[p][c+j] = 0 for p < c + j).
                let ap = SendablePointer(A), pp = SendablePointer(P)
                let top = i0
                parallelFor(top / 8, threads: threads) { ch in
                    let A = ap.p, P = UnsafePointer(pp.p)
                    let c = ch * 8
                    var p0 = c
                    while p0 < top {
                        let p1 = min(top, p0 + kBlock)
                        var g = 0
                        while g < groups {
                            kernel4x8(p1 - p0, a: P + g * ld + p0, aRow: ld, aP: 1,
                                      b: UnsafePointer(A) + p0 * ld + c, bP: ld,
                                      c: A + (top + g) * ld + c, cRow: ld, sign: -1)
                            g += 4
                        }
                        p0 = p1
                    }
                }
            }
            // Inside the block: W[i] = (e_i + W[i] − Σ_{q ∈ [i0, i)} L[i][q]·W[q]) / L[i][i].
            for i in i0..<(i0 + ib) {
                let wi = A + i * ld
                let li = P + (i - i0) * ld
                wi[i] += 1
                for q in i0..<i {
                    let f = li[q]
                    let wq = A + q * ld
                    for j in 0...q { wi[j] -= f * wq[j] }
                }
                let inv = 1 / li[i]
                for j in 0...i { wi[j] *= inv }
            }
            i0 += ib
        }
    }

    /// Replaces `W` (lower triangular, zero above) by `WᵀW`, full and symmetric. Row block I:
    /// copy `W_I` into `scratch`, clear the rows, then `(WᵀW)_I,c = Σ_{k ≥ max(I, c)} W_k,Iᵀ W_k,c`
    /// for the column chunks c up to the block's end (in parallel), with `k` in the block read from
    /// the copy; finally the lower triangle is mirrored.
    static func lowerGram(_ A: UnsafeMutablePointer<Float>, n: Int, ld: Int,
                          scratch P: UnsafeMutablePointer<Float>, threads: Int) {
        var i0 = 0
        while i0 < n {
            let ib = min(nb, n - i0)
            let end = i0 + ib
            let width = min(ld, (end + 7) / 8 * 8)
            for r in 0..<ib { (P + r * ld).update(from: A + (i0 + r) * ld, count: width) }
            for r in 0..<((ib + 3) / 4 * 4) { (A + (i0 + r) * ld).update(repeating: 0, count: width) }
            let ap = SendablePointer(A), pp = SendablePointer(P)
            let first = i0
            parallelFor(width / 8, threads: threads) { ch in
                let A = ap.p, P = UnsafePointer(pp.p)
                let c = ch * 8
                // Groups of rows wholly above this chunk's diagonal only make upper entries: skipped.
                let gStart = first + ((max(first, c) - first) / 4) * 4
                // k inside the block, from the copy.
                var i = gStart
                while i < end {
                    let k0 = max(i, c)
                    if k0 < end {
                        kernel4x8(end - k0, a: P + (k0 - first) * ld + i, aRow: 1, aP: ld,
                                  b: P + (k0 - first) * ld + c, bP: ld, c: A + i * ld + c, cRow: ld, sign: 1)
                    }
                    i += 4
                }
                // k below the block, from W itself, in passes of kBlock rows.
                var k0 = max(end, c)
                while k0 < n {
                    let k1 = min(n, k0 + kBlock)
                    var i = gStart
                    while i < end {
                        kernel4x8(k1 - k0, a: UnsafePointer(A) + k0 * ld + i, aRow: 1, aP: ld,
                                  b: UnsafePointer(A) + k0 * ld + c, bP: ld, c: A + i * ld + c, cRow: ld, sign: 1)
                        i += 4
                    }
                    k0 = k1
                }
            }
            i0 = end
        }
        // Mirror the lower triangle, in 64 × 64 tiles (the column reads stay in cache).
        let t = nb
        var bi = 0
        while bi < n {
            var bj = bi
            while bj < n {
                for i in bi..<min(n, bi + t) {
                    for j in max(bj, i + 1)..<max(max(bj, i + 1), min(n, bj + t)) { A[i * ld + j] = A[j * ld + i] }
                }
                bj += t
            }
            bi += t
        }
    }
}

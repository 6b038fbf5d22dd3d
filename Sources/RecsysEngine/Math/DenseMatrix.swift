import Foundation

/// A wrapper that lets a raw pointer cross into `concurrentPerform` workers.
///
/// Safe only when the workers read shared memory or write disjoint parts of it: every caller
/// (the kernels here, ALS, EASE, the serving indexes, the towers, item-knn's renumbering)
/// partitions its output by rows, column chunks, queries or item ranges.
@usableFromInline
struct SendablePointer<T>: @unchecked Sendable {
    @usableFromInline let p: UnsafeMutablePointer<T>
    @inlinable init(_ p: UnsafeMutablePointer<T>) { self.p = p }
}

/// Runs `body(0..<count)` on up to `threads` workers, each index exactly once.
///
/// Work is handed out dynamically by Dispatch; results must not depend on which
/// worker ran which index (every caller writes disjoint outputs).
@inlinable
func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if threads <= 1 || count <= 1 {
        for i in 0..<count { body(i) }
    } else {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// A dense row-major Float matrix whose rows are padded to a multiple of 8
/// floats (`stride`), so that any 8-wide SIMD load inside a row stays in bounds.
///
/// Rows are padded to a multiple of 4 as well; the padding is zero-initialised
/// and never read as input by the kernels below.
public struct DenseMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// Floats between the starts of consecutive rows (columns rounded up to 8).
    public let stride: Int
    public var storage: [Float]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        stride = max(8, (columns + 7) / 8 * 8)
        storage = [Float](repeating: 0, count: ((rows + 3) / 4 * 4) * stride)
    }

    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { storage[r * stride + c] }
        set { storage[r * stride + c] = newValue }
    }
}

/// Why a dense factorisation failed.
public struct NotPositiveDefinite: Error, Sendable, CustomStringConvertible {
    public var pivot: Int
    public var description: String { "matrix is not positive definite (pivot \(pivot))" }
}

// MARK: - The one micro-kernel

/// `C[r][c..<c+8] += sign · Σ_{p<pCount} a(r, p) · B[p][c..<c+8]` for the four rows `r = 0..<4`.
///
/// `a(r, p) = a[r·aRow + p·aP]`, `B[p] = b + p·bP`, `C[r] = c + r·cRow`.
/// Eight accumulators of `SIMD8<Float>` stay in registers for the whole sum:
/// 64 multiply-adds per step for two vector loads and four scalar broadcasts.
/// Every blocked routine below (Cholesky update, triangular inverse, WᵀW) is a
/// loop around this kernel.
@inline(__always)
func kernel4x8(_ pCount: Int, a: UnsafePointer<Float>, aRow: Int, aP: Int,
               b: UnsafePointer<Float>, bP: Int, c: UnsafeMutablePointer<Float>, cRow: Int, sign: Float) {
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
    var ap = a, bp = b
    let a1 = aRow, a2 = 2 * aRow, a3 = 3 * aRow
    for _ in 0..<pCount {
        let bv = UnsafeRawPointer(bp).loadUnaligned(as: SIMD8<Float>.self)
        c0 += ap[0] * bv
        c1 += ap[a1] * bv
        c2 += ap[a2] * bv
        c3 += ap[a3] * bv
        ap += aP
        bp += bP
    }
    let raw = UnsafeMutableRawPointer(c)
    let rowBytes = cRow * MemoryLayout<Float>.stride
    let old0 = raw.loadUnaligned(as: SIMD8<Float>.self)
    raw.storeBytes(of: old0 + sign * c0, as: SIMD8<Float>.self)
    let old1 = raw.loadUnaligned(fromByteOffset: rowBytes, as: SIMD8<Float>.self)
    raw.storeBytes(of: old1 + sign * c1, toByteOffset: rowBytes, as: SIMD8<Float>.self)
    let old2 = raw.loadUnaligned(fromByteOffset: 2 * rowBytes, as: SIMD8<Float>.self)
    raw.storeBytes(of: old2 + sign * c2, toByteOffset: 2 * rowBytes, as: SIMD8<Float>.self)
    let old3 = raw.loadUnaligned(fromByteOffset: 3 * rowBytes, as: SIMD8<Float>.self)
    raw.storeBytes(of: old3 + sign * c3, toByteOffset: 3 * rowBytes, as: SIMD8<Float>.self)
}

// MARK: - Small dense helpers (ALS, BPR, fold-in)

/// Solves `A·x = b` for a small symmetric positive definite `A` (k×k, row-major,
/// row stride `ld`) by an unblocked Cholesky factorisation in place.
///
/// On return `A`'s lower triangle holds `L` and `b` holds `x`.
/// Complexity: k³/3 + k² flops.
/// - Returns: false when `A` is not positive definite (then `b` is unchanged).
@discardableResult
public func choleskySolveInPlace(_ A: UnsafeMutablePointer<Float>, ld: Int, k: Int,
                                 _ b: UnsafeMutablePointer<Float>) -> Bool {
    guard choleskyFactorInPlace(A, ld: ld, k: k) else { return false }
    choleskySubstitute(A, ld: ld, k: k, b)
    return true
}

/// Factors a small SPD matrix as `L·Lᵀ` in its lower triangle. Returns false if not SPD.
public func choleskyFactorInPlace(_ A: UnsafeMutablePointer<Float>, ld: Int, k: Int) -> Bool {
    for j in 0..<k {
        let rj = A + j * ld
        var d = rj[j]
        for p in 0..<j { d -= rj[p] * rj[p] }
        guard d > 0, d.isFinite else { return false }
        let l = d.squareRoot()
        rj[j] = l
        let inv = 1 / l
        for i in (j + 1)..<max(j + 1, k) {
            let ri = A + i * ld
            var s = ri[j]
            for p in 0..<j { s -= ri[p] * rj[p] }
            ri[j] = s * inv
        }
    }
    return true
}

/// Solves `L·Lᵀ·x = b` in place given the factor from `choleskyFactorInPlace`.
public func choleskySubstitute(_ L: UnsafeMutablePointer<Float>, ld: Int, k: Int, _ b: UnsafeMutablePointer<Float>) {
    forwardSubstitute(L, ld: ld, k: k, b)
    for i in stride(from: k - 1, through: 0, by: -1) {
        var s = b[i]
        for p in (i + 1)..<max(i + 1, k) { s -= L[p * ld + i] * b[p] }
        b[i] = s / L[i * ld + i]
    }
}

/// Solves `L·z = b` in place (lower triangular `L`).
public func forwardSubstitute(_ L: UnsafeMutablePointer<Float>, ld: Int, k: Int, _ b: UnsafeMutablePointer<Float>) {
    for i in 0..<k {
        let li = L + i * ld
        var s = b[i]
        for p in 0..<i { s -= li[p] * b[p] }
        b[i] = s / li[i]
    }
}

/// `Σ a[j]·b[j]` over `n8·8` floats, eight lanes at a time.
@inline(__always)
func dot8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n8: Int) -> Float {
    var acc = SIMD8<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    for q in 0..<n8 {
        acc += ra.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
    }
    return acc.sum()
}

/// `y += f·x` over `n8·8` floats.
@inline(__always)
func axpy8(_ f: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n8: Int) {
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    for q in 0..<n8 {
        let v = ry.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
            + f * rx.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
        ry.storeBytes(of: v, toByteOffset: q * 32, as: SIMD8<Float>.self)
    }
}

/// `scores[i] = Y[i]·x (+ bias[i])` for every row of a factor matrix with row stride `ld` (a multiple of 8).
func scoreRows(_ Y: [Float], rows: Int, ld: Int, x: [Float], bias: [Float]? = nil) -> [Float] {
    var out = [Float](repeating: 0, count: rows)
    Y.withUnsafeBufferPointer { y in
        x.withUnsafeBufferPointer { xv in
            let n8 = ld / 8
            for i in 0..<rows { out[i] = dot8(y.baseAddress! + i * ld, xv.baseAddress!, n8) }
        }
    }
    if let bias { for i in 0..<rows { out[i] += bias[i] } }
    return out
}

/// The rows most similar to row `item` by cosine, best first (the row itself excluded): the
/// similar-items rule of the factor models (ALS, BPR). `norms[i]` is ‖Y[i]‖.
/// Complexity: O(rows · ld + rows log count).
func cosineNeighbours(of item: Int32, in Y: [Float], norms: [Float], rows: Int, ld: Int, count: Int) -> [ScoredItem] {
    guard Int(item) >= 0, Int(item) < rows else { return [] }
    let y = Array(Y[Int(item) * ld..<(Int(item) + 1) * ld])
    var s = scoreRows(Y, rows: rows, ld: ld, x: y)
    let n0 = max(norms[Int(item)], 1e-12)
    for i in 0..<rows { s[i] /= max(norms[i], 1e-12) * n0 }
    return topK(s, k: count) { $0 != item }
}

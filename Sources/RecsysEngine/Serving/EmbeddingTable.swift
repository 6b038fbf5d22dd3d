import Foundation

/// A table of item (or query) vectors laid out for fast inner products:
/// each row is `dimension` floats padded with zeros to a multiple of 8 and
/// stored as `SIMD8<Float>` lanes, rows back to back.
///
/// The padding is zero, so a dot product over all lanes equals the dot product
/// over the real coordinates. Row `i` occupies `storage[i·lanes ..< (i+1)·lanes]`.
///
/// Memory: `count · ⌈dimension/8⌉ · 32` bytes.
public struct EmbeddingTable: Sendable, Equatable {
    /// Number of rows (vectors).
    public let count: Int
    /// Real coordinates per row (before padding).
    public let dimension: Int
    /// `SIMD8` lanes per row: ⌈dimension / 8⌉.
    public let lanes: Int
    /// Rows back to back, `lanes` vectors each.
    public internal(set) var storage: [SIMD8<Float>]

    /// A table from row-major floats: `values[i·dimension + j]` is coordinate `j` of row `i`.
    ///
    /// - Precondition: `values.count == count · dimension`.
    public init(count: Int, dimension: Int, values: [Float]) {
        precondition(count >= 0 && dimension >= 0 && values.count == count * dimension,
                     "EmbeddingTable: \(values.count) values for \(count) × \(dimension)")
        self.count = count
        self.dimension = dimension
        lanes = (dimension + 7) / 8
        var s = [SIMD8<Float>](repeating: SIMD8(), count: count * lanes)
        for i in 0..<count {
            for j in 0..<dimension {
                s[i * lanes + j / 8][j % 8] = values[i * dimension + j]
            }
        }
        storage = s
    }

    /// A table of rows, each an array of `dimension` floats.
    public init(rows: [[Float]], dimension: Int) {
        self.init(count: rows.count, dimension: dimension, values: rows.flatMap { row in
            precondition(row.count == dimension, "EmbeddingTable: row of \(row.count) floats, expected \(dimension)")
            return row
        })
    }

    /// A zero table (used while building).
    init(zeros count: Int, dimension: Int) {
        self.count = count
        self.dimension = dimension
        lanes = (dimension + 7) / 8
        storage = [SIMD8<Float>](repeating: SIMD8(), count: count * lanes)
    }

    /// Row `i` as plain floats (without padding).
    public func row(_ i: Int) -> [Float] {
        (0..<dimension).map { storage[i * lanes + $0 / 8][$0 % 8] }
    }

    /// All rows as row-major floats (without padding): the inverse of `init(count:dimension:values:)`.
    public var values: [Float] { (0..<count).flatMap { row($0) } }

    /// Pads one query vector to this table's lanes.
    ///
    /// - Precondition: `vector.count == dimension`.
    public func lanes(of vector: [Float]) -> [SIMD8<Float>] {
        precondition(vector.count == dimension, "query of \(vector.count) floats for a \(dimension)-d table")
        var q = [SIMD8<Float>](repeating: SIMD8(), count: lanes)
        for j in 0..<dimension { q[j / 8][j % 8] = vector[j] }
        return q
    }

    /// ‖row i‖² (sum of squares).
    public func squaredNorm(_ i: Int) -> Float {
        storage.withUnsafeBufferPointer { s in
            let p = s.baseAddress! + i * lanes
            return simdDot(p, p, lanes)
        }
    }
}

/// The inner product of two padded vectors of `lanes` SIMD8 lanes: Σ_j a_j·b_j.
///
/// Two accumulators hide the add latency; the order of additions is fixed, so
/// the same inputs always give the same bits (the brute-force and IVF indexes
/// share this kernel, so an item found by both has the identical score).
///
/// Complexity: O(lanes), 8 multiply–adds per lane.
@inlinable @inline(__always)
public func simdDot(_ a: UnsafePointer<SIMD8<Float>>, _ b: UnsafePointer<SIMD8<Float>>, _ lanes: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var j = 0
    while j + 1 < lanes {
        acc0 += a[j] * b[j]
        acc1 += a[j + 1] * b[j + 1]
        j += 2
    }
    if j < lanes { acc0 += a[j] * b[j] }
    return (acc0 + acc1).sum()
}

/// Runs `body(chunk)` for every chunk in `0..<chunks`, on up to `threads` workers.
///
/// Worker `w` runs chunks `w, w + threads, w + 2·threads, …`: which worker ran a
/// chunk never changes a result, because every caller writes disjoint outputs.
func servingParallel(chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    let workers = max(1, min(threads, chunks))
    if workers <= 1 {
        for c in 0..<chunks { body(c) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var c = w
        while c < chunks {
            body(c)
            c += workers
        }
    }
}

import Foundation

// The two products every conjugate gradient step of ALS is made of, written so that the
// accumulators stay in registers (the generic `axpy8`/`dot8` of DenseMatrix.swift keep their
// output in memory and run one dependency chain; profiled on ml-100k they were ~90% of the fit).

/// `out = sign · G·v` for a symmetric `ld × ld` row-major matrix (`ld` a multiple of 8).
///
/// G·v = Σ_j v_j · G[j] (rows, by symmetry), computed 32 outputs at a time: four `SIMD8`
/// accumulators live in registers for the whole sum over j, so every G row segment is loaded once
/// and the output written once (instead of `ld` read-modify-writes of the output).
/// Complexity: ld² multiply-adds.
@inline(__always)
func alsSymmetricProduct(_ g: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                         ld: Int, sign: Float) {
    let n8 = ld / 8, rowBytes = ld * MemoryLayout<Float>.stride
    let gr = UnsafeRawPointer(g), or = UnsafeMutableRawPointer(out)
    var q = 0
    while q + 4 <= n8 {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var row = gr + q * 32
        for j in 0..<ld {
            let vj = v[j]
            a0 += vj * row.loadUnaligned(as: SIMD8<Float>.self)
            a1 += vj * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            a2 += vj * row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            a3 += vj * row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            row += rowBytes
        }
        or.storeBytes(of: sign * a0, toByteOffset: q * 32, as: SIMD8<Float>.self)
        or.storeBytes(of: sign * a1, toByteOffset: q * 32 + 32, as: SIMD8<Float>.self)
        or.storeBytes(of: sign * a2, toByteOffset: q * 32 + 64, as: SIMD8<Float>.self)
        or.storeBytes(of: sign * a3, toByteOffset: q * 32 + 96, as: SIMD8<Float>.self)
        q += 4
    }
    while q < n8 {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var row = gr + q * 32
        var j = 0
        while j + 1 < ld {
            a0 += v[j] * row.loadUnaligned(as: SIMD8<Float>.self)
            a1 += v[j + 1] * row.loadUnaligned(fromByteOffset: rowBytes, as: SIMD8<Float>.self)
            row += 2 * rowBytes
            j += 2
        }
        if j < ld { a0 += v[j] * row.loadUnaligned(as: SIMD8<Float>.self) }
        or.storeBytes(of: sign * (a0 + a1), toByteOffset: q * 32, as: SIMD8<Float>.self)
        q += 1
    }
}

/// `out += Σ_t (target·c_t − w_t · y_t·v) · y_t` over the rated rows y_t = `fixed[idx[t]]`, with
/// c_t the signed confidence `conf[t]` and w_t = |c_t| − 1 (a row with c_t = 0 adds nothing).
///
/// `target = true` is the data part of the CG residual b − A·x (+ c·p·y − (c−1)(y·x)·y);
/// `target = false` the data part of A·v (+ (c−1)(y·v)·y).
/// Four rows at a time: four independent dot products (four dependency chains instead of one),
/// then one pass over `out` that adds all four scaled rows, so `out` is read and written once per
/// four rows. Complexity: 2·n·ld multiply-adds.
@inline(__always)
func alsGatherProduct(fixed: UnsafePointer<Float>, idx: UnsafePointer<Int32>, conf: UnsafePointer<Float>, n: Int,
                      v: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, ld: Int,
                      target: Bool) {
    let n8 = ld / 8
    let vr = UnsafeRawPointer(v), or = UnsafeMutableRawPointer(out)
    @inline(__always) func coefficient(_ c: Float, _ d: Float) -> Float {
        let w = c == 0 ? 0 : abs(c) - 1
        return target ? c - w * d : w * d
    }
    var t = 0
    while t + 4 <= n {
        let y0 = UnsafeRawPointer(fixed + Int(idx[t]) * ld), y1 = UnsafeRawPointer(fixed + Int(idx[t + 1]) * ld)
        let y2 = UnsafeRawPointer(fixed + Int(idx[t + 2]) * ld), y3 = UnsafeRawPointer(fixed + Int(idx[t + 3]) * ld)
        var d0 = SIMD8<Float>(), d1 = SIMD8<Float>(), d2 = SIMD8<Float>(), d3 = SIMD8<Float>()
        for q in 0..<n8 {
            let o = q * 32
            let vq = vr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            d0 += vq * y0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            d1 += vq * y1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            d2 += vq * y2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            d3 += vq * y3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
        }
        let f0 = coefficient(conf[t], d0.sum()), f1 = coefficient(conf[t + 1], d1.sum())
        let f2 = coefficient(conf[t + 2], d2.sum()), f3 = coefficient(conf[t + 3], d3.sum())
        for q in 0..<n8 {
            let o = q * 32
            let s = (f0 * y0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                     + f1 * y1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
                + (f2 * y2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                   + f3 * y3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self))
            or.storeBytes(of: or.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + s,
                          toByteOffset: o, as: SIMD8<Float>.self)
        }
        t += 4
    }
    while t < n {
        let y = UnsafeRawPointer(fixed + Int(idx[t]) * ld)
        var d = SIMD8<Float>()
        for q in 0..<n8 {
            d += vr.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
                * y.loadUnaligned(fromByteOffset: q * 32, as: SIMD8<Float>.self)
        }
        let f = coefficient(conf[t], d.sum())
        for q in 0..<n8 {
            let o = q * 32
            or.storeBytes(of: or.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                          + f * y.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self),
                          toByteOffset: o, as: SIMD8<Float>.self)
        }
        t += 1
    }
}

/// Small dense kernels on raw Float pointers, vectorised with SIMD8 (the fastest width on the
/// default x86-64 target, see the architecture guide's speed notes). Float sums are not
/// reassociated by the compiler, so explicit SIMD accumulators are what makes these fast.
enum VectorKernels {
    /// Σ_k a[k]·b[k].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var k = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while k + 8 <= n {
            let va = ra.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            let vb = rb.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            acc += va * vb
            k += 8
        }
        var s = acc.sum()
        while k < n {
            s += a[k] * b[k]
            k += 1
        }
        return s
    }

    /// y[k] += alpha·x[k].
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var k = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD8<Float>(repeating: alpha)
        while k + 8 <= n {
            let vx = rx.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            let vy = ry.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
            ry.storeBytes(of: vy + va * vx, toByteOffset: k * 4, as: SIMD8<Float>.self)
            k += 8
        }
        while k < n {
            y[k] += alpha * x[k]
            k += 1
        }
    }
}

import Foundation

/// The top principal components of a set of row vectors, found by seeded power iteration.
///
/// For rows x_1…x_n ∈ ℝ^d with mean μ, the covariance is C = (1/n) Σ (x_i − μ)(x_i − μ)ᵀ.
/// Power iteration repeats v ← C v / ‖C v‖ (computed as Xᵀ(X v) without forming C, X the
/// centred rows); after the first component v₁ is found, the second is iterated with v₁
/// projected out at every step (deflation), so v₂ ⟂ v₁. Each component's sign is fixed so
/// that its largest-magnitude coordinate is positive, which makes the result reproducible.
///
/// Complexity: O(iterations · n · d) per component, O(n · d) memory for the centred copy.
public struct PCA: Sendable {
    /// Row-major components (count × dim), unit length, mutually orthogonal.
    public var components: [[Float]]
    /// Variance along each component (its eigenvalue of C).
    public var variances: [Double]
    /// The mean row μ that was subtracted.
    public var mean: [Float]

    /// Fits `count` components of `rows` (n × dim, row-major).
    ///
    /// - Parameters:
    ///   - values: n·dim floats, row i at `values[i·dim ..< (i+1)·dim]`.
    ///   - dim: the row length d (≥ 1).
    ///   - count: components wanted (at most d).
    ///   - iterations: power-iteration steps per component (stops early when v changes by < 1e-7).
    ///   - seed: seeds the random start vectors (SplitMix64).
    public init(values: [Float], dim: Int, count: Int = 2, iterations: Int = 100, seed: UInt64 = 42) {
        precondition(dim >= 1 && values.count % dim == 0, "PCA: values must be n × dim")
        let n = values.count / dim
        var mean = [Double](repeating: 0, count: dim)
        for i in 0..<n { for c in 0..<dim { mean[c] += Double(values[i * dim + c]) } }
        if n > 0 { for c in 0..<dim { mean[c] /= Double(n) } }
        var x = [Double](repeating: 0, count: n * dim)
        for i in 0..<n { for c in 0..<dim { x[i * dim + c] = Double(values[i * dim + c]) - mean[c] } }
        var rng = SplitMix64.derived(seed: seed, stream: 0x5043_41)
        var found: [[Double]] = []
        var variances: [Double] = []
        for _ in 0..<min(count, dim) {
            var v = (0..<dim).map { _ in rng.nextDouble() - 0.5 }
            func orthonormalize(_ v: inout [Double]) {
                for u in found {
                    let d = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                    for c in 0..<dim { v[c] -= d * u[c] }
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 1e-300 { for c in 0..<dim { v[c] /= norm } }
            }
            orthonormalize(&v)
            var lambda = 0.0
            for _ in 0..<max(1, iterations) {
                // w = Xᵀ (X v) / n
                var w = [Double](repeating: 0, count: dim)
                for i in 0..<n {
                    var s = 0.0
                    for c in 0..<dim { s += x[i * dim + c] * v[c] }
                    if s != 0 { for c in 0..<dim { w[c] += s * x[i * dim + c] } }
                }
                if n > 0 { for c in 0..<dim { w[c] /= Double(n) } }
                lambda = zip(w, v).reduce(0) { $0 + $1.0 * $1.1 }
                orthonormalize(&w)
                let change = zip(w, v).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                v = w
                if change < 1e-14 { break }
            }
            if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
            found.append(v)
            variances.append(max(0, lambda))
        }
        components = found.map { $0.map(Float.init) }
        self.variances = variances
        self.mean = mean.map(Float.init)
    }

    /// Projects rows onto the components: out[i·count + k] = (x_i − μ)·v_k. Complexity O(n · d · count).
    public func project(values: [Float], dim: Int) -> [Float] {
        let n = values.count / max(1, dim), k = components.count
        var out = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            for (j, v) in components.enumerated() {
                var s: Float = 0
                for c in 0..<dim { s += (values[i * dim + c] - mean[c]) * v[c] }
                out[i * k + j] = s
            }
        }
        return out
    }
}

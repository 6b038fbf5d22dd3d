import Foundation

/// How parameters are updated from their gradients.
///
/// - Adagrad: `G ← G + g²; w ← w − η g / (√G + ε)` (per coordinate).
/// - Adam: `m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η m̂ / (√v̂ + ε)`, with bias-corrected
///   `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`. Embedding tables use the *lazy* variant: only rows seen in a
///   batch are updated, each with its own step count.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case adam, adagrad
}

struct OptimizerConfig: Sendable {
    var kind: OptimizerKind
    var learningRate: Float
    var weightDecay: Float
    var beta1: Float = 0.9
    var beta2: Float = 0.999
    var epsilon: Float = 1e-8
}

/// A table of learnable vectors (`rows × dim`, row-major) whose gradients are
/// sparse: a batch touches a few rows, and only those are updated.
///
/// Forward for a weighted bag of rows: `x = Σ_r w_r T[r]`; backward: `∂L/∂T[r] += w_r ∂L/∂x`.
struct TrainableEmbeddings {
    let rows: Int
    let dim: Int
    var weights: [Float]
    var grads: [Float]
    var moment1: [Float]
    var moment2: [Float]
    var steps: [Int32]
    var touched: [Int32] = []
    var isTouched: [Bool]

    init(rows: Int, dim: Int, scale: Float, rng: inout SplitMix64) {
        self.rows = rows
        self.dim = dim
        weights = (0..<(rows * dim)).map { _ in rng.nextGaussian() * scale }
        grads = [Float](repeating: 0, count: rows * dim)
        moment1 = [Float](repeating: 0, count: rows * dim)
        moment2 = [Float](repeating: 0, count: rows * dim)
        steps = [Int32](repeating: 0, count: rows)
        isTouched = [Bool](repeating: false, count: rows)
    }

    /// `out += w · T[row]`.
    @inline(__always)
    func addRow(_ row: Int, weight: Float, into out: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { t in
            VectorKernels.axpy(weight, t.baseAddress! + row * dim, out, dim)
        }
    }

    /// `∂T[row] += w · g`.
    @inline(__always)
    mutating func accumulate(_ row: Int, weight: Float, grad g: UnsafePointer<Float>) {
        if !isTouched[row] {
            isTouched[row] = true
            touched.append(Int32(row))
        }
        let d = dim
        grads.withUnsafeMutableBufferPointer { gr in
            VectorKernels.axpy(weight, g, gr.baseAddress! + row * d, d)
        }
    }

    /// Clears the gradients of touched rows without updating them.
    mutating func zeroGradients() {
        for r in touched {
            let base = Int(r) * dim
            for k in base..<(base + dim) { grads[k] = 0 }
            isTouched[Int(r)] = false
        }
        touched.removeAll(keepingCapacity: true)
    }

    /// Applies the optimizer to every touched row and clears their gradients.
    mutating func step(_ config: OptimizerConfig) {
        let d = dim
        let lr = config.learningRate, wd = config.weightDecay, eps = config.epsilon
        let b1 = config.beta1, b2 = config.beta2
        weights.withUnsafeMutableBufferPointer { w in
            grads.withUnsafeMutableBufferPointer { g in
                moment1.withUnsafeMutableBufferPointer { m in
                    moment2.withUnsafeMutableBufferPointer { v in
                        for r32 in touched {
                            let r = Int(r32)
                            isTouched[r] = false
                            steps[r] += 1
                            let base = r * d
                            switch config.kind {
                            case .adagrad:
                                for k in base..<(base + d) {
                                    let gk = g[k] + wd * w[k]
                                    v[k] += gk * gk
                                    w[k] -= lr * gk / (v[k].squareRoot() + 1e-7)
                                    g[k] = 0
                                }
                            case .adam:
                                let t = Float(steps[r])
                                let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
                                for k in base..<(base + d) {
                                    let gk = g[k] + wd * w[k]
                                    m[k] = b1 * m[k] + (1 - b1) * gk
                                    v[k] = b2 * v[k] + (1 - b2) * gk * gk
                                    w[k] -= lr * (m[k] / c1) / ((v[k] / c2).squareRoot() + eps)
                                    g[k] = 0
                                }
                            }
                        }
                    }
                }
            }
        }
        touched.removeAll(keepingCapacity: true)
    }
}

/// A fully connected layer `y = W x + b` (`W` is `outputs × inputs`, row-major) with dense optimizer state.
struct DenseLayer {
    let inputs: Int
    let outputs: Int
    var weights: [Float]
    var bias: [Float]
    var gradW: [Float]
    var gradB: [Float]
    var m: [Float]
    var v: [Float]
    var step = 0

    /// He-style initialisation: N(0, 2/inputs).
    init(inputs: Int, outputs: Int, rng: inout SplitMix64) {
        self.inputs = inputs
        self.outputs = outputs
        let s = (2 / Float(inputs)).squareRoot()
        weights = (0..<(inputs * outputs)).map { _ in rng.nextGaussian() * s }
        bias = [Float](repeating: 0, count: outputs)
        gradW = [Float](repeating: 0, count: inputs * outputs)
        gradB = [Float](repeating: 0, count: outputs)
        m = [Float](repeating: 0, count: inputs * outputs + outputs)
        v = [Float](repeating: 0, count: inputs * outputs + outputs)
    }

    /// `y = W x + b`.
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            for o in 0..<outputs {
                var s = bias[o]
                let row = w.baseAddress! + o * inputs
                for i in 0..<inputs { s += row[i] * x[i] }
                y[o] = s
            }
        }
    }

    /// Given `∂L/∂y`, accumulates `∂L/∂W += dy xᵀ`, `∂L/∂b += dy`, and writes `∂L/∂x = Wᵀ dy` (if `dx` is given).
    mutating func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>?) {
        let n = inputs
        if let dx { for i in 0..<n { dx[i] = 0 } }
        weights.withUnsafeBufferPointer { w in
            gradW.withUnsafeMutableBufferPointer { gw in
                for o in 0..<outputs {
                    let g = dy[o]
                    gradB[o] += g
                    if g == 0 { continue }
                    let grow = gw.baseAddress! + o * n
                    for i in 0..<n { grow[i] += g * x[i] }
                    if let dx {
                        let wrow = w.baseAddress! + o * n
                        for i in 0..<n { dx[i] += g * wrow[i] }
                    }
                }
            }
        }
    }

    mutating func zeroGradients() {
        for k in gradW.indices { gradW[k] = 0 }
        for k in gradB.indices { gradB[k] = 0 }
    }

    mutating func applyStep(_ config: OptimizerConfig) {
        step += 1
        let nW = weights.count
        let t = Float(step)
        let c1 = 1 - pow(config.beta1, t), c2 = 1 - pow(config.beta2, t)
        func update(_ k: Int, _ w: inout Float, _ g: Float) {
            switch config.kind {
            case .adagrad:
                v[k] += g * g
                w -= config.learningRate * g / (v[k].squareRoot() + 1e-7)
            case .adam:
                m[k] = config.beta1 * m[k] + (1 - config.beta1) * g
                v[k] = config.beta2 * v[k] + (1 - config.beta2) * g * g
                w -= config.learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + config.epsilon)
            }
        }
        for k in 0..<nW {
            update(k, &weights[k], gradW[k] + config.weightDecay * weights[k])
            gradW[k] = 0
        }
        for o in 0..<outputs {
            update(nW + o, &bias[o], gradB[o])
            gradB[o] = 0
        }
    }
}

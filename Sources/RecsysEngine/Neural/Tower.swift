import Foundation

/// A pointer shared by the workers of one `concurrentPerform`, each touching its own rows.
struct TowerSharedPointer: @unchecked Sendable {
    let p: UnsafePointer<Float>
    init(_ p: UnsafePointer<Float>) { self.p = p }
}

/// One tower: a weighted bag of embedding rows, optionally followed by a residual
/// hidden layer, `t = x + W₂ relu(W₁ x + b₁) + b₂`.
struct Tower {
    var table: TrainableEmbeddings
    var hidden1: DenseLayer?
    var hidden2: DenseLayer?

    init(rows: Int, dim: Int, hidden: Int, scale: Float, rng: inout SplitMix64) {
        table = TrainableEmbeddings(rows: rows, dim: dim, scale: scale, rng: &rng)
        if hidden > 0 {
            hidden1 = DenseLayer(inputs: dim, outputs: hidden, rng: &rng)
            var h2 = DenseLayer(inputs: hidden, outputs: dim, rng: &rng)
            // Start as the identity map: the residual branch begins silent.
            for k in h2.weights.indices { h2.weights[k] *= 0.1 }
            hidden2 = h2
        }
    }

    var dim: Int { table.dim }
    var hiddenWidth: Int { hidden1?.outputs ?? 0 }

    /// Forward for one bag. `x` receives the bag sum, `h` the hidden activations (post-relu), `out` the tower output.
    func forward(_ bag: [(Int, Float)], x: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                 out: UnsafeMutablePointer<Float>) {
        let d = dim
        for k in 0..<d { x[k] = 0 }
        for (row, w) in bag { table.addRow(row, weight: w, into: x) }
        guard let l1 = hidden1, let l2 = hidden2 else {
            for k in 0..<d { out[k] = x[k] }
            return
        }
        l1.forward(x, h)
        for k in 0..<l1.outputs where h[k] < 0 { h[k] = 0 }
        l2.forward(h, out)
        for k in 0..<d { out[k] += x[k] }
    }

    /// Backward for one bag given `∂L/∂out`; `scratch` needs `dim + hidden` floats.
    mutating func backward(_ bag: [(Int, Float)], x: UnsafePointer<Float>, h: UnsafePointer<Float>,
                           dOut: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let d = dim
        if hidden1 != nil {
            let dx = scratch
            let dh = scratch + d
            hidden2!.backward(h, dOut, dh)
            for k in 0..<hidden1!.outputs where h[k] <= 0 { dh[k] = 0 }
            hidden1!.backward(x, dh, dx)
            for k in 0..<d { dx[k] += dOut[k] }
            for (row, w) in bag { table.accumulate(row, weight: w, grad: UnsafePointer(dx)) }
        } else {
            for (row, w) in bag { table.accumulate(row, weight: w, grad: dOut) }
        }
    }

    mutating func zeroGradients() {
        table.zeroGradients()
        hidden1?.zeroGradients()
        hidden2?.zeroGradients()
    }

    mutating func step(_ config: OptimizerConfig) {
        table.step(config)
        var denseConfig = config
        denseConfig.weightDecay = 0
        hidden1?.applyStep(denseConfig)
        hidden2?.applyStep(denseConfig)
    }
}

/// Hyper-parameters of a tower model.
struct TowerConfig: Sendable {
    var dim = 32
    var hidden = 0
    var epochs = 10
    var batchSize = 256
    var learningRate: Float = 0.01
    var weightDecay: Float = 0
    var optimizer = OptimizerKind.adam
    var retrievalWeight: Float = 1
    var ratingWeight: Float = 0
    var logQ = false
    var userDropout: Float = 0.25
    var headWidth = 32
    var temperature: Float = 1
    /// Weight positives and bag entries by rating confidence (see `TowerFeatures.confidence`);
    /// used by `feedback=binary` only.
    var ratingConfidence = true
    /// How ratings become likes and dislikes (see `Feedback`). Signed rules train retrieval on likes
    /// only and put dislikes in the query bag with negative weights.
    var feedback = FeedbackRule.binary
}

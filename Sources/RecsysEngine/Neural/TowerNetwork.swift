import Foundation

/// The network shared by `two-tower` (retrieval), `ranking` (rating regression) and their
/// multitask blend: two towers, an in-batch-softmax retrieval loss, and a rating head.
///
/// Retrieval loss for a batch of B positive pairs (u_a, i_a):
///
///     s_ab = q_a·c_b / τ − log p(i_b)   (the log-q correction, optional)
///     L_ret = −(1/B) Σ_a log( exp(s_aa) / Σ_b exp(s_ab) )
///
/// where off-diagonal b with i_b = i_a are masked (they are not negatives). With rating confidence on,
/// row a is weighted by c(r_a) (see `TowerFeatures.confidence`).
///
/// Rating head: `r̂ = μ + m·b_u + b_i + q·c + W₂ relu(W₁ [q; c; q⊙c] + b₁) + b₂`, with squared error
/// `L_rat = (1/B) Σ_a (r̂_a − r_a)²`. The multitask loss is `w_ret L_ret + w_rat L_rat`.
final class TowerNetwork: @unchecked Sendable {
    let config: TowerConfig
    let features: TowerFeatures
    var queryTower: Tower
    var candidateTower: Tower
    var userBias: TrainableEmbeddings
    var itemBias: TrainableEmbeddings
    var head1: DenseLayer
    var head2: DenseLayer
    var globalMean: Float = 0
    var scale = RatingScale.wholeStars
    /// Cores the in-batch softmax may use (results do not depend on it).
    var threads = 1
    var logPopularity: [Float] = []
    /// Candidate embeddings of every item after training (itemCount × dim).
    var itemEmbeddings: [Float] = []
    /// Training loss per epoch (retrieval and rating parts).
    var lossHistory: [(retrieval: Double, rating: Double)] = []

    init(features: TowerFeatures, config: TowerConfig, seed: UInt64) {
        self.features = features
        self.config = config
        var rng = SplitMix64(seed: seed)
        let scale = 1 / Float(config.dim).squareRoot() * 0.3
        queryTower = Tower(rows: features.queryRows, dim: config.dim, hidden: config.hidden, scale: scale, rng: &rng)
        candidateTower = Tower(rows: features.candidateRows, dim: config.dim, hidden: config.hidden, scale: scale,
                               rng: &rng)
        userBias = TrainableEmbeddings(rows: features.userCount, dim: 1, scale: 0, rng: &rng)
        itemBias = TrainableEmbeddings(rows: features.itemCount, dim: 1, scale: 0, rng: &rng)
        head1 = DenseLayer(inputs: 3 * config.dim, outputs: config.headWidth, rng: &rng)
        head2 = DenseLayer(inputs: config.headWidth, outputs: 1, rng: &rng)
        for k in head2.weights.indices { head2.weights[k] *= 0.1 }
    }

    var optimizer: OptimizerConfig {
        OptimizerConfig(kind: config.optimizer, learningRate: config.learningRate, weightDecay: config.weightDecay)
    }

    /// One training example.
    struct Example {
        var user: Int32
        var item: Int32
        var rating: Float
        /// The feedback weight w of the rating (1 under `binary`).
        var signal: Float = 1
    }

    /// How the query bag weighs rated items under the configured feedback rule.
    var bagWeighting: TowerBagWeighting {
        if config.feedback.isSigned { return .signed(Feedback(config.feedback, scale: scale)) }
        return config.ratingConfidence ? .confidence(scale) : .uniform
    }

    /// The retrieval weight ω of an example: its confidence under `binary`, its like strength
    /// max(0, w) under a signed rule (a dislike is never a positive pair).
    func retrievalWeight(_ ex: Example) -> Float {
        if config.feedback.isSigned { return max(0, ex.signal) }
        return config.ratingConfidence ? TowerFeatures.confidence(ex.rating, scale) : 1
    }

    /// Per-batch buffers.
    struct Buffers {
        var qx: [Float], qh: [Float], q: [Float]
        var cx: [Float], ch: [Float], c: [Float]
        var dq: [Float], dc: [Float]
        var logits: [Float]
        var scratch: [Float]
        var qBags: [[(Int, Float)]]
        var cBags: [[(Int, Float)]]
        var userMask: [Float]
        var genreScratch: [Float]

        init(batch: Int, dim: Int, hidden: Int, genres: Int) {
            qx = .init(repeating: 0, count: batch * dim); q = qx; cx = qx; c = qx; dq = qx; dc = qx
            qh = .init(repeating: 0, count: batch * max(1, hidden)); ch = qh
            logits = .init(repeating: 0, count: batch * batch)
            scratch = .init(repeating: 0, count: 4 * dim + hidden + 64)
            qBags = .init(repeating: [], count: batch)
            cBags = .init(repeating: [], count: batch)
            userMask = .init(repeating: 1, count: batch)
            genreScratch = .init(repeating: 0, count: max(1, genres))
        }
    }

    /// Trains on the rating matrix. Every rating is a positive pair for retrieval and a target for the rating head.
    func train(_ ratings: RatingMatrix, scale: RatingScale, context: FitContext) throws {
        threads = context.threads
        globalMean = ratings.globalMean
        self.scale = scale
        let total = Float(max(1, ratings.count))
        logPopularity = (0..<ratings.itemCount).map { i in
            Foundation.log(Float(max(1, ratings.columnCount(Int32(i)))) / total)
        }
        var examples: [Example] = []
        examples.reserveCapacity(ratings.count)
        let signal = Feedback(config.feedback, scale: scale).rowWeights(ratings)
        // A pure retrieval model learns from likes only; with a rating loss every rating is a target.
        let likesOnly = config.feedback.isSigned && config.ratingWeight == 0
        for u in 0..<ratings.userCount {
            let row = ratings.row(Int32(u))
            for (k, (i, r)) in zip(row.items, row.ratings).enumerated() {
                let w = signal[ratings.rowStart[u] + k]
                if likesOnly && w <= 0 { continue }
                examples.append(Example(user: Int32(u), item: i, rating: r, signal: w))
            }
        }
        var rng = SplitMix64.derived(seed: context.seed, stream: 17)
        let b = max(2, config.batchSize)
        var buf = Buffers(batch: b, dim: config.dim, hidden: config.hidden, genres: features.genreCount)
        lossHistory = []
        for epoch in 0..<config.epochs {
            try context.checkCancelled()
            // Fisher–Yates shuffle, seeded.
            for k in stride(from: examples.count - 1, to: 0, by: -1) {
                examples.swapAt(k, rng.nextInt(k + 1))
            }
            var retLoss = 0.0, ratLoss = 0.0, batches = 0
            var start = 0
            while start < examples.count {
                let end = min(examples.count, start + b)
                let (lr, lq) = trainBatch(examples[start..<end], ratings: ratings, buffers: &buf, rng: &rng)
                retLoss += lr
                ratLoss += lq
                batches += 1
                start = end
            }
            let entry = (retLoss / Double(max(1, batches)), ratLoss / Double(max(1, batches)))
            lossHistory.append(entry)
            let loss = config.retrievalWeight > 0 ? entry.0 : entry.1
            context.progress(FitProgress(fraction: Double(epoch + 1) / Double(config.epochs),
                                         message: "epoch \(epoch + 1)/\(config.epochs)", epoch: epoch + 1,
                                         loss: loss))
        }
        computeItemEmbeddings()
    }

    /// Forward, loss and backward for one batch; returns (retrieval loss, rating MSE).
    /// With `apply: false` the gradients stay accumulated (for gradient checks); call `zeroGradients()` after.
    func trainBatch(_ batch: ArraySlice<Example>, ratings: RatingMatrix, buffers buf: inout Buffers,
                    rng: inout SplitMix64, apply: Bool = true) -> (Double, Double) {
        let n = batch.count
        let d = config.dim
        let hw = max(1, config.hidden)
        // Forward both towers.
        for (a, ex) in batch.enumerated() {
            let keep: Float = rng.nextFloat() < config.userDropout ? 0 : 1
            buf.userMask[a] = keep
            let row = ratings.row(ex.user)
            features.queryBag(user: Int(ex.user), idWeight: keep, items: row.items, ratings: row.ratings,
                              weighting: bagWeighting,
                              exclude: config.retrievalWeight > 0 ? ex.item : nil,
                              into: &buf.qBags[a], genreScratch: &buf.genreScratch)
            features.candidateBag(Int(ex.item), into: &buf.cBags[a])
        }
        buf.qx.withUnsafeMutableBufferPointer { qx in
            buf.qh.withUnsafeMutableBufferPointer { qh in
                buf.q.withUnsafeMutableBufferPointer { q in
                    for a in 0..<n {
                        queryTower.forward(buf.qBags[a], x: qx.baseAddress! + a * d, h: qh.baseAddress! + a * hw,
                                           out: q.baseAddress! + a * d)
                    }
                }
            }
        }
        buf.cx.withUnsafeMutableBufferPointer { cx in
            buf.ch.withUnsafeMutableBufferPointer { ch in
                buf.c.withUnsafeMutableBufferPointer { c in
                    for a in 0..<n {
                        candidateTower.forward(buf.cBags[a], x: cx.baseAddress! + a * d, h: ch.baseAddress! + a * hw,
                                               out: c.baseAddress! + a * d)
                    }
                }
            }
        }
        for k in 0..<(n * d) { buf.dq[k] = 0; buf.dc[k] = 0 }
        var retrievalLoss = 0.0
        let items = batch.map(\.item)
        if config.retrievalWeight > 0 {
            retrievalLoss = retrievalPass(batch, items: items, buffers: &buf)
        }
        var ratingLoss = 0.0
        if config.ratingWeight > 0 {
            let w = config.ratingWeight / Float(n)
            buf.scratch.withUnsafeMutableBufferPointer { sc in
                let z = sc.baseAddress!
                let h = z + 3 * d
                var out: Float = 0
                var gOut: Float = 0
                for (a, ex) in batch.enumerated() {
                    let pred = ratingForward(q: buf.q, c: buf.c, offset: a * d, user: Int(ex.user),
                                             userMask: buf.userMask[a], item: Int(ex.item), z: z, h: h, out: &out)
                    let err = pred - ex.rating
                    ratingLoss += Double(err * err)
                    gOut = 2 * err * w
                    // Head backward.
                    let dh = UnsafeMutablePointer<Float>.allocate(capacity: head1.outputs)
                    let dz = UnsafeMutablePointer<Float>.allocate(capacity: 3 * d)
                    defer { dh.deallocate(); dz.deallocate() }
                    withUnsafePointer(to: gOut) { head2.backward(h, $0, dh) }
                    for k in 0..<head1.outputs where h[k] <= 0 { dh[k] = 0 }
                    head1.backward(z, dh, dz)
                    let base = a * d
                    for k in 0..<d {
                        let qk = buf.q[base + k], ck = buf.c[base + k]
                        // The explicit dot term q·c adds gOut·c and gOut·q.
                        buf.dq[base + k] += dz[k] + (dz[2 * d + k] + gOut) * ck
                        buf.dc[base + k] += dz[d + k] + (dz[2 * d + k] + gOut) * qk
                    }
                    var gu = gOut * buf.userMask[a]
                    var gi = gOut
                    if gu != 0 { userBias.accumulate(Int(ex.user), weight: 1, grad: &gu) }
                    itemBias.accumulate(Int(ex.item), weight: 1, grad: &gi)
                }
            }
            ratingLoss /= Double(n)
        }
        // Backward through the towers.
        buf.qx.withUnsafeBufferPointer { qx in
            buf.qh.withUnsafeBufferPointer { qh in
                buf.dq.withUnsafeBufferPointer { dq in
                    buf.scratch.withUnsafeMutableBufferPointer { sc in
                        for a in 0..<n {
                            queryTower.backward(buf.qBags[a], x: qx.baseAddress! + a * d, h: qh.baseAddress! + a * hw,
                                                dOut: dq.baseAddress! + a * d, scratch: sc.baseAddress!)
                        }
                    }
                }
            }
        }
        buf.cx.withUnsafeBufferPointer { cx in
            buf.ch.withUnsafeBufferPointer { ch in
                buf.dc.withUnsafeBufferPointer { dc in
                    buf.scratch.withUnsafeMutableBufferPointer { sc in
                        for a in 0..<n {
                            candidateTower.backward(buf.cBags[a], x: cx.baseAddress! + a * d,
                                                    h: ch.baseAddress! + a * hw, dOut: dc.baseAddress! + a * d,
                                                    scratch: sc.baseAddress!)
                        }
                    }
                }
            }
        }
        guard apply else { return (retrievalLoss, ratingLoss) }
        let opt = optimizer
        queryTower.step(opt)
        candidateTower.step(opt)
        if config.ratingWeight > 0 {
            var biasOpt = opt
            biasOpt.weightDecay = 0
            userBias.step(biasOpt)
            itemBias.step(biasOpt)
            head1.applyStep(biasOpt)
            head2.applyStep(biasOpt)
        }
        return (retrievalLoss, ratingLoss)
    }

    /// The in-batch softmax: logits, loss and ∂L/∂q, ∂L/∂c for a batch, on `threads` cores.
    ///
    /// Pass 1 splits rows `a` across threads: each row's logits, softmax, loss and
    /// `∂q_a = Σ_b g_ab c_b` (g_ab stored in place of the logit). Pass 2 splits columns `b`:
    /// `∂c_b = Σ_a g_ab q_a`. Every output row is written by one thread and summed in the same
    /// order as a single-threaded loop, so results do not depend on the thread count.
    /// Returns the mean (confidence-weighted) cross-entropy.
    func retrievalPass(_ batch: ArraySlice<Example>, items: [Int32], buffers buf: inout Buffers) -> Double {
        let n = batch.count, d = config.dim, tau = config.temperature
        let w = config.retrievalWeight / Float(n)
        let parts = max(1, min(threads, n / 64))
        var rowLoss = [Double](repeating: 0, count: n)
        let omegas: [Float] = batch.map { retrievalWeight($0) }
        let logQ = config.logQ
        buf.q.withUnsafeBufferPointer { qb in
            buf.c.withUnsafeBufferPointer { cb in
                buf.logits.withUnsafeMutableBufferPointer { sb in
                    buf.dq.withUnsafeMutableBufferPointer { dqb in
                        buf.dc.withUnsafeMutableBufferPointer { dcb in
                            rowLoss.withUnsafeMutableBufferPointer { lb in
                                logPopularity.withUnsafeBufferPointer { lpb in
                                    let q = TowerSharedPointer(qb.baseAddress!), c = TowerSharedPointer(cb.baseAddress!)
                                    let s = SendablePointer(sb.baseAddress!), dq = SendablePointer(dqb.baseAddress!)
                                    let dc = SendablePointer(dcb.baseAddress!), loss = SendablePointer(lb.baseAddress!)
                                    let lp = TowerSharedPointer(lpb.baseAddress!)
                                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                                        for a in (part * n / parts)..<((part + 1) * n / parts) {
                                            let qa = q.p + a * d
                                            let row = s.p + a * n
                                            var mx = -Float.infinity
                                            for bb in 0..<n {
                                                if bb != a && items[bb] == items[a] { row[bb] = -.infinity; continue }
                                                var v = VectorKernels.dot(qa, c.p + bb * d, d) / tau
                                                if logQ { v -= lp.p[Int(items[bb])] }
                                                row[bb] = v
                                                mx = max(mx, v)
                                            }
                                            var z: Float = 0
                                            for bb in 0..<n { let e = Foundation.exp(row[bb] - mx); row[bb] = e; z += e }
                                            let omega = omegas[a]
                                            loss.p[a] = -Double(omega * Foundation.log(max(row[a] / z, 1e-30)))
                                            // ∂L/∂s_ab = ω_a (softmax_ab − [a = b]) · w / τ, kept in place of the logit.
                                            for bb in 0..<n {
                                                var g = row[bb] / z
                                                if bb == a { g -= 1 }
                                                g *= omega * w / tau
                                                row[bb] = g
                                                if g != 0 { VectorKernels.axpy(g, c.p + bb * d, dq.p + a * d, d) }
                                            }
                                        }
                                    }
                                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                                        for bb in (part * n / parts)..<((part + 1) * n / parts) {
                                            for a in 0..<n {
                                                let g = s.p[a * n + bb]
                                                if g != 0 { VectorKernels.axpy(g, q.p + a * d, dc.p + bb * d, d) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return rowLoss.reduce(0, +) / Double(n)
    }

    /// Clears accumulated gradients without updating anything.
    func zeroGradients() {
        queryTower.zeroGradients()
        candidateTower.zeroGradients()
        userBias.zeroGradients()
        itemBias.zeroGradients()
        head1.zeroGradients()
        head2.zeroGradients()
    }

    /// The rating head's forward pass for one (q, c) pair at `offset` in `q` and `c`.
    /// `z` receives [q; c; q⊙c] (3·dim), `h` the hidden activations.
    @inline(__always)
    func ratingForward(q: [Float], c: [Float], offset: Int, user: Int?, userMask: Float, item: Int,
                       z: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, out: inout Float) -> Float {
        let d = config.dim
        for k in 0..<d {
            let qk = q[offset + k], ck = c[offset + k]
            z[k] = qk
            z[d + k] = ck
            z[2 * d + k] = qk * ck
        }
        var dot: Float = 0
        for k in 0..<d { dot += z[2 * d + k] }
        head1.forward(z, h)
        for k in 0..<head1.outputs where h[k] < 0 { h[k] = 0 }
        withUnsafeMutablePointer(to: &out) { head2.forward(h, $0) }
        var pred = globalMean + dot + out + itemBias.weights[item]
        if let user { pred += userMask * userBias.weights[user] }
        return pred
    }

    /// Computes the candidate tower's output for every item.
    func computeItemEmbeddings() {
        let d = config.dim
        let n = features.itemCount
        var emb = [Float](repeating: 0, count: n * d)
        var bag: [(Int, Float)] = []
        var x = [Float](repeating: 0, count: d), h = [Float](repeating: 0, count: max(1, config.hidden))
        emb.withUnsafeMutableBufferPointer { e in
            for i in 0..<n {
                features.candidateBag(i, into: &bag)
                candidateTower.forward(bag, x: &x, h: &h, out: e.baseAddress! + i * d)
            }
        }
        itemEmbeddings = emb
    }

    /// The query embedding of a training user (with its id) or of a folded-in profile (features only).
    func queryEmbedding(user: Int?, items: [Int32], ratingValues: [Float],
                        attributes: UserAttributes = UserAttributes()) -> [Float] {
        let d = config.dim
        var bag: [(Int, Float)] = []
        var genre = [Float](repeating: 0, count: max(1, features.genreCount))
        features.queryBag(user: user, idWeight: user == nil ? 0 : 1, items: ArraySlice(items),
                          ratings: ArraySlice(ratingValues), weighting: bagWeighting,
                          exclude: nil, into: &bag,
                          genreScratch: &genre, demographics: user == nil ? features.demoFeatures(attributes) : [])
        var x = [Float](repeating: 0, count: d), h = [Float](repeating: 0, count: max(1, config.hidden))
        var out = [Float](repeating: 0, count: d)
        queryTower.forward(bag, x: &x, h: &h, out: &out)
        return out
    }

    /// q·c for every item.
    func dotScores(_ q: [Float]) -> [Float] {
        let d = config.dim
        let n = features.itemCount
        var s = [Float](repeating: 0, count: n)
        itemEmbeddings.withUnsafeBufferPointer { e in
            for i in 0..<n {
                s[i] = q.withUnsafeBufferPointer { VectorKernels.dot($0.baseAddress!, e.baseAddress! + i * d, d) }
            }
        }
        return s
    }

    /// Predicted ratings of `items` from the rating head.
    func predictRatings(q: [Float], user: Int?, items: [Int32]) -> [Float] {
        let d = config.dim
        var z = [Float](repeating: 0, count: 3 * d)
        var h = [Float](repeating: 0, count: head1.outputs)
        var out: Float = 0
        let user = user.flatMap { $0 >= 0 && $0 < features.userCount ? $0 : nil }
        return items.map { i in
            guard i >= 0, Int(i) < features.itemCount else { return globalMean }
            let c = Array(itemEmbeddings[(Int(i) * d)..<(Int(i) * d + d)])
            return ratingForward(q: q, c: c, offset: 0, user: user, userMask: 1, item: Int(i), z: &z, h: &h,
                                 out: &out)
        }
    }
}

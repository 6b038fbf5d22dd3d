import XCTest
@testable import RecsysEngine
import RecsysTestSupport

/// The two-tower and ranking models: gradients against finite differences, fold-in and determinism
/// (the shared conformance suite runs them in `ConformanceTests`, with every other model).
final class TowerTests: XCTestCase {
    /// A small dataset with genres, keywords, years and demographics so every feature row is exercised.
    static func featureDataset() -> Dataset {
        let genres = ["Action", "Comedy", "Drama", "Sci-Fi"]
        var items: [Item] = []
        for i in 0..<12 {
            items.append(Item(rawID: "\(i + 1)", title: "Film \(i + 1)", year: 1970 + 4 * i,
                              genres: [genres[i % 4], genres[(i + 1) % 4]],
                              keywords: ["k\(i % 3)", "k\((i + 1) % 3)"]))
        }
        let catalog = Catalog(items: items)
        var rng = SplitMix64(seed: 3)
        var triples: [RatingTriple] = []
        for u in 0..<10 {
            for i in 0..<12 where rng.nextFloat() < 0.5 || i == u {
                triples.append(RatingTriple(user: Int32(u), item: Int32(i), rating: Float(1 + (u + i) % 5)))
            }
        }
        let m = RatingMatrix(userCount: 10, itemCount: 12, triples: triples)
        let attrs = (0..<10).map { UserAttributes(age: 15 + 5 * $0, gender: $0 % 2 == 0 ? "F" : "M",
                                                  occupation: $0 % 3 == 0 ? "student" : "writer") }
        return Dataset(name: "features", catalog: catalog, users: Vocabulary((0..<10).map { "u\($0)" }), ratings: m,
                       userAttributes: attrs, scale: .wholeStars)
    }

    /// Checks ∂J/∂θ from backprop against (J(θ+ε) − J(θ−ε)) / 2ε for entries of every parameter group,
    /// with J = w_ret·L_ret + w_rat·L_rat on one batch.
    func testGradientsMatchFiniteDifferences() {
        let data = Self.featureDataset()
        var config = TowerConfig()
        config.dim = 6
        config.hidden = 5
        config.headWidth = 4
        config.retrievalWeight = 1
        config.ratingWeight = 0.5
        config.userDropout = 0
        config.logQ = true
        config.temperature = 0.7
        let features = TowerFeatures(dataset: data)
        XCTAssertGreaterThan(features.demoCount, 0)
        XCTAssertGreaterThan(features.keywordCount, 0)
        let net = TowerNetwork(features: features, config: config, seed: 5)
        net.globalMean = data.ratings.globalMean
        let total = Float(data.ratings.count)
        net.logPopularity = (0..<12).map { Foundation.log(Float(max(1, data.ratings.columnCount(Int32($0)))) / total) }
        // Make the residual branches and the head non-trivial.
        for k in net.head2.weights.indices { net.head2.weights[k] = 0.5 + Float(k % 3) * 0.1 }
        for k in net.queryTower.hidden2!.weights.indices { net.queryTower.hidden2!.weights[k] *= 5 }
        let examples = data.ratings.triples().prefix(7).map {
            TowerNetwork.Example(user: $0.user, item: $0.item, rating: $0.rating)
        }
        let batch = ArraySlice(examples)
        var buffers = TowerNetwork.Buffers(batch: batch.count, dim: config.dim, hidden: config.hidden,
                                           genres: features.genreCount)
        func objective() -> Double {
            var rng = SplitMix64(seed: 1)
            let (lr, lq) = net.trainBatch(batch, ratings: data.ratings, buffers: &buffers, rng: &rng, apply: false)
            net.zeroGradients()
            return Double(config.retrievalWeight) * lr + Double(config.ratingWeight) * lq
        }
        var rng = SplitMix64(seed: 1)
        _ = net.trainBatch(batch, ratings: data.ratings, buffers: &buffers, rng: &rng, apply: false)
        // Snapshot analytic gradients.
        let qGrad = net.queryTower.table.grads, cGrad = net.candidateTower.table.grads
        let h1Grad = net.head1.gradW, qh1Grad = net.queryTower.hidden1!.gradW
        let ch2Grad = net.candidateTower.hidden2!.gradW, ibGrad = net.itemBias.grads
        net.zeroGradients()

        let eps: Float = 1e-2
        var checked = 0
        func check(_ label: String, _ analytic: Float, _ get: () -> Float, _ set: (Float) -> Void) {
            let original = get()
            set(original + eps); let plus = objective()
            set(original - eps); let minus = objective()
            set(original)
            let numeric = Float((plus - minus) / Double(2 * eps))
            let tolerance = 2e-3 + 0.05 * max(abs(numeric), abs(analytic))
            XCTAssertEqual(analytic, numeric, accuracy: tolerance, label)
            checked += 1
        }
        let d = config.dim
        for row in [0, 3, features.queryBagOffset + 2, features.queryGenreOffset + 1, features.queryDemoOffset] {
            for k in [0, d - 1] {
                check("query[\(row)][\(k)]", qGrad[row * d + k], { net.queryTower.table.weights[row * d + k] },
                      { net.queryTower.table.weights[row * d + k] = $0 })
            }
        }
        for row in [0, 1, features.candidateGenreOffset, features.candidateKeywordOffset, features.candidateDecadeOffset] {
            check("candidate[\(row)]", cGrad[row * d + 1], { net.candidateTower.table.weights[row * d + 1] },
                  { net.candidateTower.table.weights[row * d + 1] = $0 })
        }
        for k in [0, 7, 20] {
            check("head1.W[\(k)]", h1Grad[k], { net.head1.weights[k] }, { net.head1.weights[k] = $0 })
            check("query.hidden1.W[\(k)]", qh1Grad[k], { net.queryTower.hidden1!.weights[k] },
                  { net.queryTower.hidden1!.weights[k] = $0 })
            check("candidate.hidden2.W[\(k)]", ch2Grad[k], { net.candidateTower.hidden2!.weights[k] },
                  { net.candidateTower.hidden2!.weights[k] = $0 })
        }
        let item = Int(examples[0].item)
        check("itemBias[\(item)]", ibGrad[item], { net.itemBias.weights[item] }, { net.itemBias.weights[item] = $0 })
        XCTAssertEqual(checked, 10 + 5 + 9 + 1)
        XCTAssertTrue(qGrad.contains { $0 != 0 } && cGrad.contains { $0 != 0 }, "gradients must flow")
    }

    func testTrainingLowersTheLossAndIsDeterministic() throws {
        let data = Self.featureDataset()
        func fit() throws -> TwoTowerRecommender {
            let m = try TwoTowerRecommender(parameters: Parameters(["dim": "8", "epochs": "15", "batch": "16",
                                                                   "lr": "0.02"]))
            try m.fit(data, context: FitContext(seed: 9))
            return m
        }
        let a = try fit(), b = try fit()
        let losses = a.lossHistory.map(\.retrieval)
        XCTAssertEqual(losses.count, 15)
        XCTAssertLessThan(losses.last!, losses.first!)
        let p = Profile.training(2, in: data.ratings)
        XCTAssertEqual(a.scores(p), b.scores(p))
    }

    func testFoldInUsesFeaturesOnlyAndReactsToRatings() throws {
        let data = Self.featureDataset()
        let m = try TwoTowerRecommender(parameters: Parameters(["dim": "8", "epochs": "5", "batch": "16"]))
        try m.fit(data, context: FitContext(seed: 1))
        let trained = Profile.training(4, in: data.ratings)
        var folded = trained
        folded.trainingUser = nil
        // Without the user id the query differs, but it is still a finite function of the profile.
        XCTAssertNotEqual(m.scores(trained), m.scores(folded))
        XCTAssertTrue(m.scores(folded).allSatisfy(\.isFinite))
        var more = folded
        more.set(11, rating: 5)
        XCTAssertNotEqual(m.scores(folded), m.scores(more), "a new rating must move the folded-in query")
        let e = m.explain(folded, item: 0)
        XCTAssertTrue(e.terms.contains { $0.kind == .item }, "explanations name rated items")
        XCTAssertEqual(m.explain(Profile(), item: 0).notes.first?.hasPrefix("cold start"), true)
    }

    func testRankingPredictsOnTheScaleAndBeatsTheMeanOnTrainingData() throws {
        let data = Self.featureDataset()
        let m = try RankingRecommender(parameters: Parameters(["dim": "8", "epochs": "40", "batch": "8"]))
        try m.fit(data, context: FitContext(seed: 2))
        var se: Float = 0, seMean: Float = 0
        let mu = data.ratings.globalMean
        for u in 0..<Int32(data.userCount) {
            let p = Profile.training(u, in: data.ratings)
            let preds = m.predict(p, items: p.items)
            for (pr, r) in zip(preds, p.ratings) {
                XCTAssertTrue((1...5).contains(pr.value))
                se += (pr.value - r) * (pr.value - r)
                seMean += (mu - r) * (mu - r)
            }
        }
        XCTAssertLessThan(se, 0.8 * seMean)
    }

    func testMultitaskReportsBothLosses() throws {
        let data = Self.featureDataset()
        let m = try TwoTowerRecommender(parameters: Parameters(["dim": "8", "epochs": "3", "rating-weight": "0.5"]))
        try m.fit(data, context: FitContext(seed: 2))
        XCTAssertTrue(m.lossHistory.allSatisfy { $0.retrieval > 0 && $0.rating > 0 })
        XCTAssertFalse(m.predict(Profile.training(1, in: data.ratings), items: [0])[0].isImpossible)
        XCTAssertThrowsError(try TwoTowerRecommender(parameters: Parameters(["retrieval-weight": "0"])))
    }
}

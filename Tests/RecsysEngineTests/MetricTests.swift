import XCTest
@testable import RecsysEngine

/// Each metric against values worked out by hand on tiny lists.
final class MetricTests: XCTestCase {
    let ranked: [Int32] = [1, 2, 3, 4]
    let relevant: Set<Int32> = [2, 4]

    func testPrecisionRecallAtK() {
        // Top 3 = 1, 2, 3: one hit (2).
        XCTAssertEqual(Metrics.precision(at: 3, ranked: ranked, relevant: relevant), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(Metrics.recall(at: 3, ranked: ranked, relevant: relevant), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Metrics.precision(at: 4, ranked: ranked, relevant: relevant), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Metrics.recall(at: 4, ranked: ranked, relevant: relevant), 1, accuracy: 1e-12)
        XCTAssertEqual(Metrics.hitRate(at: 1, ranked: ranked, relevant: relevant), 0)
        XCTAssertEqual(Metrics.hitRate(at: 2, ranked: ranked, relevant: relevant), 1)
    }

    func testNDCGUsesBinaryGainsAndIdealOverMinKRelevant() {
        // DCG@3 = 1/log2(3); IDCG over min(3, 2) = 2 slots = 1 + 1/log2(3).
        let dcg = 1 / log2(3.0)
        XCTAssertEqual(Metrics.ndcg(at: 3, ranked: ranked, relevant: relevant), dcg / (1 + dcg), accuracy: 1e-12)
        // k = 1: no hit at rank 1.
        XCTAssertEqual(Metrics.ndcg(at: 1, ranked: ranked, relevant: relevant), 0)
        // Both relevant items at ranks 2 and 4, k = 4: (1/log2 3 + 1/log2 5) / (1 + 1/log2 3).
        XCTAssertEqual(Metrics.ndcg(at: 4, ranked: ranked, relevant: relevant),
                       (1 / log2(3.0) + 1 / log2(5.0)) / (1 + 1 / log2(3.0)), accuracy: 1e-12)
    }

    func testAveragePrecisionDividesByMinKRelevant() {
        // Hit at rank 2 (precision 1/2) within k = 3; divided by min(3, 2) = 2.
        XCTAssertEqual(Metrics.averagePrecision(at: 3, ranked: ranked, relevant: relevant), 0.25, accuracy: 1e-12)
        // Hits at 2 and 4: (1/2 + 2/4) / 2.
        XCTAssertEqual(Metrics.averagePrecision(at: 4, ranked: ranked, relevant: relevant), 0.5, accuracy: 1e-12)
        // k = 1, a hit at rank 1 and two relevant items: divided by min(1, 2) = 1.
        XCTAssertEqual(Metrics.averagePrecision(at: 1, ranked: [2, 1], relevant: relevant), 1, accuracy: 1e-12)
    }

    func testKLargerThanTheList() {
        // A one-item list that hits: every top-N metric is perfect even at k = 10.
        let one: [Int32] = [5]
        XCTAssertEqual(Metrics.precision(at: 10, ranked: one, relevant: [5]), 1)
        XCTAssertEqual(Metrics.recall(at: 10, ranked: one, relevant: [5]), 1)
        XCTAssertEqual(Metrics.ndcg(at: 10, ranked: one, relevant: [5]), 1, accuracy: 1e-12)
        XCTAssertEqual(Metrics.averagePrecision(at: 10, ranked: one, relevant: [5]), 1, accuracy: 1e-12)
        // Relevant items the short list could not hold lower recall and NDCG.
        XCTAssertEqual(Metrics.recall(at: 10, ranked: one, relevant: [5, 6]), 0.5)
        XCTAssertEqual(Metrics.ndcg(at: 10, ranked: one, relevant: [5, 6]), 1 / (1 + 1 / log2(3.0)), accuracy: 1e-12)
        XCTAssertEqual(Metrics.precision(at: 10, ranked: [], relevant: [5]), 0)
    }

    func testNoRelevantItems() {
        XCTAssertEqual(Metrics.precision(at: 3, ranked: ranked, relevant: []), 0)
        XCTAssertEqual(Metrics.recall(at: 3, ranked: ranked, relevant: []), 0)
        XCTAssertEqual(Metrics.ndcg(at: 3, ranked: ranked, relevant: []), 0)
        XCTAssertEqual(Metrics.averagePrecision(at: 3, ranked: ranked, relevant: []), 0)
        let facts = Metrics.rankFacts(scores: [1, 2, 3], excluded: [], relevant: [])
        XCTAssertNil(facts.firstRelevantRank)
        XCTAssertNil(facts.auc)
    }

    func testRankFactsWithTiesAndExcludedItems() {
        // Item 0 is a training item (not a candidate). Candidates 1 (0.5), 2 (0.5), 3 (0.1), 4 (0.7).
        // Order with ties by lower index: 4, 1, 2, 3 → relevant item 2 ranks 3rd.
        // AUC: 2 vs 1 tie (½), vs 3 win, vs 4 loss → 1.5 / 3.
        let scores: [Float] = [0.9, 0.5, 0.5, 0.1, 0.7]
        let f = Metrics.rankFacts(scores: scores, excluded: [0], relevant: [2])
        XCTAssertEqual(f.firstRelevantRank, 3)
        XCTAssertEqual(f.auc!, 0.5, accuracy: 1e-12)
        // Two relevant items 4 and 3: best is 4 at rank 1; AUC pairs: 4 beats 1 and 2 (2 wins),
        // 3 loses to both (0) → 2 / 4.
        let g = Metrics.rankFacts(scores: scores, excluded: [0], relevant: [4, 3])
        XCTAssertEqual(g.firstRelevantRank, 1)
        XCTAssertEqual(g.auc!, 0.5, accuracy: 1e-12)
        // A relevant item that is not a candidate is ignored; all candidates relevant → AUC undefined.
        let h = Metrics.rankFacts(scores: [1, 2], excluded: [0], relevant: [0, 1])
        XCTAssertEqual(h.firstRelevantRank, 1)
        XCTAssertNil(h.auc)
        // Perfect and reversed rankings.
        XCTAssertEqual(Metrics.rankFacts(scores: [3, 2, 1], excluded: [], relevant: [0]).auc, 1)
        XCTAssertEqual(Metrics.rankFacts(scores: [1, 2, 3], excluded: [], relevant: [0]).auc, 0)
    }

    func testRatingErrorsAndFCP() {
        // Errors 1, -2, 0.5 → squares 1 + 4 + 0.25; absolute 3.5.
        XCTAssertEqual(Metrics.rmse(squaredErrorSum: 5.25, count: 3), (5.25 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(Metrics.mae(absoluteErrorSum: 3.5, count: 3), 3.5 / 3, accuracy: 1e-12)
        XCTAssertTrue(Metrics.rmse(squaredErrorSum: 0, count: 0).isNaN)
        // Truth 5 > 3 > 1, predictions 4, 4, 2: (5,3) tied prediction → discordant; (5,1), (3,1) concordant.
        let p = Metrics.fcpPairs(truth: [5, 3, 1], predicted: [4, 4, 2])
        XCTAssertEqual(p.concordant, 2)
        XCTAssertEqual(p.discordant, 1)
        XCTAssertEqual(Metrics.fcp(concordant: 2, discordant: 1), 2.0 / 3, accuracy: 1e-12)
        // Equal true ratings make no pair.
        XCTAssertEqual(Metrics.fcpPairs(truth: [4, 4], predicted: [1, 5]).concordant + Metrics.fcpPairs(truth: [4, 4], predicted: [1, 5]).discordant, 0)
        XCTAssertTrue(Metrics.fcp(concordant: 0, discordant: 0).isNaN)
    }

    func testCoverageAndGini() {
        XCTAssertEqual(Metrics.coverage(lists: [[0, 1], [1, 2]], itemCount: 5), 0.6, accuracy: 1e-12)
        // One item takes every slot among 4: (2·4 − 4 − 1)·4 / (4·4) = 0.75.
        XCTAssertEqual(Metrics.gini(counts: [0, 0, 0, 4]), 0.75, accuracy: 1e-12)
        XCTAssertEqual(Metrics.gini(counts: [1, 1, 1, 1]), 0, accuracy: 1e-12)
        // Counts 1, 3 over 2 items: ((−1)·1 + 1·3) / (2·4) = 0.25.
        XCTAssertEqual(Metrics.gini(counts: [3, 1]), 0.25, accuracy: 1e-12)
        XCTAssertEqual(Metrics.recommendationCounts(lists: [[0, 1], [1, 2]], itemCount: 4), [1, 2, 1, 0])
        XCTAssertTrue(Metrics.gini(counts: [0, 0]).isNaN)
    }

    func testIntraListDiversity() {
        let measures = ListMeasures(itemFeatures: [[0, 1], [0], [2], []], itemRatingCounts: [0, 0, 0, 0], activeUsers: 1)
        // (0,1): 1 − 1/√2; (0,2) and (1,2): 1; pairs with the featureless item 3 are skipped.
        let expected = ((1 - 1 / 2.0.squareRoot()) + 2) / 3
        XCTAssertEqual(measures.diversity([0, 1, 2, 3])!, expected, accuracy: 1e-12)
        XCTAssertEqual(measures.diversity([0, 0])!, 0, accuracy: 1e-12)
        XCTAssertNil(measures.diversity([0, 3]))
        XCTAssertNil(measures.diversity([1]))
        // Mean over lists, lists without a pair left out.
        XCTAssertEqual(measures.diversity(lists: [[0, 2], [1], [0, 0]]), 0.5, accuracy: 1e-12)
        // Features are genres and keywords, case-folded: "Drama"/"drama" and "Heist"/"heist" match.
        let catalog = Catalog(items: [Item(rawID: "1", title: "A", genres: ["Drama"], keywords: ["Heist"]),
                                      Item(rawID: "2", title: "B", genres: ["drama"], keywords: ["heist", "Paris"])])
        let ds = Dataset(name: "t", catalog: catalog, users: Vocabulary(["u"]),
                         ratings: RatingMatrix(userCount: 1, itemCount: 2, triples: [RatingTriple(user: 0, item: 0, rating: 4)]),
                         scale: .wholeStars)
        XCTAssertEqual(ListMeasures(dataset: ds).distance(0, 1)!, 1 - 2 / 6.0.squareRoot(), accuracy: 1e-12)
    }

    func testNoveltyPopularityPersonalization() {
        // p = 4/4, 1/4, and 0 → counted as 1/4: self-information 0, 2, 2.
        let measures = ListMeasures(itemFeatures: [[], [], []], itemRatingCounts: [4, 1, 0], activeUsers: 4)
        XCTAssertEqual(measures.novelty([[0, 1], [2]]), 4.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(measures.popularity([[0, 1], [2]]), 5.0 / 3, accuracy: 1e-12)
        XCTAssertTrue(measures.novelty([[]]).isNaN)
        // Jaccard: {1,2}-{2,3} 1/3, {1,2}-{1,2} 1, {2,3}-{1,2} 1/3 → 1 − 5/9.
        XCTAssertEqual(Metrics.personalization(lists: [[1, 2], [2, 3], [2, 1]]), 4.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(Metrics.personalization(lists: [[1], [2], [3]]), 1, accuracy: 1e-12)
        XCTAssertTrue(Metrics.personalization(lists: [[1]]).isNaN)
        XCTAssertEqual(Metrics.overlap([3, 1, 1], [1, 2]), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(Metrics.overlap([], []), 1)
    }

    func testMetricNamesParse() throws {
        XCTAssertEqual(try MetricSpec(parsing: "NDCG@10").name, "ndcg@10")
        XCTAssertEqual(try MetricSpec(parsing: "topk-accuracy@5").kind, .topkAccuracy)
        XCTAssertEqual(try MetricSpec(parsing: "coverage").k, 10)
        XCTAssertEqual(try MetricSpec(parsing: "coverage@20").name, "coverage@20")
        XCTAssertEqual(try MetricSpec(parsing: "rmse").name, "rmse")
        XCTAssertThrowsError(try MetricSpec(parsing: "precision"))
        XCTAssertThrowsError(try MetricSpec(parsing: "rmse@5"))
        XCTAssertThrowsError(try MetricSpec(parsing: "ndcg@0"))
        XCTAssertThrowsError(try MetricSpec(parsing: "accuracy")) { e in
            XCTAssertTrue("\(e)".contains("valid: rmse, mae, fcp"), "\(e)")
        }
        XCTAssertEqual(try MetricSpec.parseList("rmse, ndcg@10,rmse").map(\.name), ["rmse", "ndcg@10"])
        XCTAssertEqual(MetricSpec.defaults.map(\.name), ["rmse", "mae", "precision@10", "recall@10", "ndcg@10", "coverage"])
    }
}

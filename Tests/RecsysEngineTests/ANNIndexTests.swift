import XCTest
@testable import RecsysEngine

final class ANNIndexTests: XCTestCase {
    /// Small integer coordinates: every dot product is exact in Float whatever the summation order,
    /// and ties are frequent, so the tie-break by lower index is exercised.
    private func integerTable(count: Int, dimension: Int, seed: UInt64) -> (EmbeddingTable, [[Float]]) {
        var rng = SplitMix64(seed: seed)
        let rows = (0..<count).map { _ in (0..<dimension).map { _ in Float(rng.nextInt(7) - 3) } }
        return (EmbeddingTable(rows: rows, dimension: dimension), rows)
    }

    private func naiveTopK(_ rows: [[Float]], _ q: [Float], k: Int, excluding: Set<Int32>) -> [ScoredItem] {
        var scored: [ScoredItem] = []
        for (i, r) in rows.enumerated() where !excluding.contains(Int32(i)) {
            var s: Float = 0
            for j in 0..<q.count { s += r[j] * q[j] }
            scored.append(ScoredItem(item: Int32(i), score: s))
        }
        scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
        return Array(scored.prefix(k))
    }

    func testBruteForceEqualsNaiveSortIncludingTies() {
        let (table, rows) = integerTable(count: 700, dimension: 11, seed: 1)
        var rng = SplitMix64(seed: 2)
        for t in 0..<20 {
            let q = (0..<11).map { _ in Float(rng.nextInt(5) - 2) }
            let ex: [Int32] = (0..<(t % 4) * 5).map { _ in Int32(rng.nextInt(700)) }
            for threads in [1, 2] {
                var index = BruteForceIndex(items: table, threads: threads)
                index.parallelThreshold = 0
                let got = index.search(q, k: 25, excluding: ex)
                XCTAssertEqual(got, naiveTopK(rows, q, k: 25, excluding: Set(ex)), "query \(t), threads \(threads)")
            }
        }
    }

    func testManyQuerySearchEqualsOneAtATime() {
        let data = SyntheticEmbeddings(items: 900, dimension: 12, queries: 17, seed: 3)
        let index = BruteForceIndex(items: data.items)
        let batch = index.search(queries: data.queries, k: 10, excluding: data.seen, threads: 2)
        for q in 0..<17 {
            XCTAssertEqual(batch[q], index.search(data.queries.row(q), k: 10, excluding: data.seen[q]))
        }
    }

    func testExclusionRemovesSeenItemsFromBothIndexes() {
        let data = SyntheticEmbeddings(items: 400, dimension: 8, queries: 6, seed: 4)
        let brute = BruteForceIndex(items: data.items)
        let ivf = IVFIndex(items: data.items, configuration: .init(nlist: 8, nprobe: 8, iterations: 4))
        for q in 0..<6 {
            let query = data.queries.row(q)
            let top = brute.search(query, k: 30)
            // Exclude every other of the true top 30, in reverse (unsorted) order.
            let ex = stride(from: 0, to: 30, by: 2).map { top[$0].item }.reversed()
            for index in [brute as any TopKIndex, ivf] {
                let got = index.search(query, k: 30, excluding: Array(ex))
                XCTAssertEqual(got.count, 30)
                XCTAssertTrue(Set(got.map(\.item)).isDisjoint(with: Set(ex)))
                // The kept half of the old top 30 is still the head of the new list, in order.
                XCTAssertEqual(Array(got.prefix(15)), stride(from: 1, to: 30, by: 2).map { top[$0] })
            }
        }
    }

    func testIVFProbingEveryCellIsExact() {
        let data = SyntheticEmbeddings(items: 300, dimension: 10, queries: 8, seed: 5)
        let brute = BruteForceIndex(items: data.items)
        for probe in IVFIndex.Probe.allCases {
            let ivf = IVFIndex(items: data.items, configuration: .init(nlist: 10, nprobe: 10, iterations: 4, probe: probe))
            let exact = brute.search(queries: data.queries, k: 40, excluding: data.seen)
            XCTAssertEqual(ivf.search(queries: data.queries, k: 40, excluding: data.seen), exact, "\(probe)")
        }
    }

    func testIVFRecallOnSmallSyntheticCatalog() {
        let data = SyntheticEmbeddings(items: 900, dimension: 8, queries: 40, seed: 6)
        let brute = BruteForceIndex(items: data.items)
        let exact = brute.search(queries: data.queries, k: 20, excluding: data.seen)
        for probe in IVFIndex.Probe.allCases {
            let ivf = IVFIndex(items: data.items, configuration: .init(nlist: 15, nprobe: 6, iterations: 6,
                                                                       probe: probe))
            let (approx, scanned) = ivf.searchCounting(queries: data.queries, k: 20, excluding: data.seen,
                                                       nprobe: ivf.nprobe)
            let recall = IndexBenchmark.recall(approx, exact)
            XCTAssertGreaterThanOrEqual(recall, 0.9, "\(probe)")
            // It is approximate for a reason: far fewer items scored than brute force.
            XCTAssertLessThan(Double(scanned.reduce(0, +)) / 40, 900 * 0.6, "\(probe)")
            // Every returned score is the exact inner product.
            for (a, e) in zip(approx, exact) {
                let truth = Dictionary(uniqueKeysWithValues: e.map { ($0.item, $0.score) })
                for r in a { if let s = truth[r.item] { XCTAssertEqual(r.score, s) } }
            }
        }
    }

    func testIVFReturnsKResultsEvenWhenProbedCellsAreSmall() {
        let data = SyntheticEmbeddings(items: 400, dimension: 8, queries: 5, seed: 7)
        let ivf = IVFIndex(items: data.items, configuration: .init(nlist: 40, nprobe: 1))
        for q in 0..<5 {
            let got = ivf.search(data.queries.row(q), k: 250, excluding: data.seen[q])
            XCTAssertEqual(got.count, 250)
            XCTAssertEqual(Set(got.map(\.item)).count, 250)
        }
        XCTAssertEqual(ivf.cellSizes.reduce(0, +), 400)
        XCTAssertEqual(ivf.search(data.queries.row(0), k: 1_000).count, 400)
    }

    func testIVFBuildIsDeterministicAndThreadIndependent() {
        let data = SyntheticEmbeddings(items: 500, dimension: 9, queries: 8, seed: 8)
        let a = IVFIndex(items: data.items, configuration: .init(nlist: 12, iterations: 5, seed: 11, threads: 1))
        let b = IVFIndex(items: data.items, configuration: .init(nlist: 12, iterations: 5, seed: 11, threads: 2))
        XCTAssertEqual(a.cellItems, b.cellItems)
        XCTAssertEqual(a.cellStart, b.cellStart)
        XCTAssertEqual(a.centroids, b.centroids)
        XCTAssertEqual(a.search(queries: data.queries, k: 15), b.search(queries: data.queries, k: 15))
        let c = IVFIndex(items: data.items, configuration: .init(nlist: 12, iterations: 5, seed: 12, threads: 2))
        XCTAssertNotEqual(a.centroids, c.centroids, "another seed, another k-means++ start")
    }

    func testIVFTrainedOnASampleStillIndexesEveryItem() {
        let data = SyntheticEmbeddings(items: 1_000, dimension: 8, queries: 1, seed: 9)
        let ivf = IVFIndex(items: data.items, configuration: .init(nlist: 20, iterations: 4, trainingPointsPerCell: 10))
        XCTAssertEqual(ivf.cellItems.sorted(), (0..<1_000).map(Int32.init))
        XCTAssertTrue(ivf.cellSizes.allSatisfy { $0 > 0 })
    }

    func testKMeansSeparatesWellSeparatedBlobs() {
        var rng = SplitMix64(seed: 10)
        let centres: [[Float]] = [[10, 0], [0, 10], [-10, 0], [0, -10]]
        var rows: [[Float]] = []
        for i in 0..<400 {
            let c = centres[i % 4]
            rows.append([c[0] + rng.nextGaussian() * 0.3, c[1] + rng.nextGaussian() * 0.3])
        }
        let result = KMeans(k: 4, iterations: 20, seed: 1, threads: 2).fit(EmbeddingTable(rows: rows, dimension: 2))
        for blob in 0..<4 {
            let cells = Set(stride(from: blob, to: 400, by: 4).map { result.assignment[$0] })
            XCTAssertEqual(cells.count, 1, "blob \(blob) split over cells \(cells)")
        }
        XCTAssertEqual(Set(result.assignment).count, 4)
    }

    func testKMeansHandlesDuplicatePointsAndKAboveN() {
        let rows = [[Float]](repeating: [1, 2, 3], count: 10) + [[5, 5, 5]]
        let r = KMeans(k: 20, iterations: 5, seed: 1, threads: 2).fit(EmbeddingTable(rows: rows, dimension: 3))
        XCTAssertEqual(r.centroids.count, 11)
        XCTAssertEqual(r.assignment.count, 11)
        XCTAssertTrue(r.centroids.storage.allSatisfy { v in (0..<8).allSatisfy { v[$0].isFinite } })
    }

    func testSyntheticCatalogIsSeeded() {
        let a = SyntheticEmbeddings(items: 500, dimension: 8, queries: 5, seed: 1)
        let b = SyntheticEmbeddings(items: 500, dimension: 8, queries: 5, seed: 1)
        let c = SyntheticEmbeddings(items: 500, dimension: 8, queries: 5, seed: 2)
        XCTAssertEqual(a.items, b.items)
        XCTAssertEqual(a.queries, b.queries)
        XCTAssertEqual(a.seen, b.seen)
        XCTAssertNotEqual(a.items, c.items)
        // Popularity skew: the longest vectors are several times the median length.
        let norms = (0..<500).map { a.items.squaredNorm($0).squareRoot() }.sorted()
        XCTAssertGreaterThan(norms[499], 2.5 * norms[250])
    }

    func testEmbeddingTableRoundTripsRowsWithPadding() {
        let rows: [[Float]] = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [-1, 0, 0, 0, 0, 0, 0, 0, 0.5]]
        let t = EmbeddingTable(rows: rows, dimension: 9)
        XCTAssertEqual(t.lanes, 2)
        XCTAssertEqual(t.row(0), rows[0])
        XCTAssertEqual(t.values, rows.flatMap { $0 })
        XCTAssertEqual(t.squaredNorm(1), 1.25)
    }

    func testBenchmarkReportsRecallAndCounts() {
        var bench = IndexBenchmark()
        bench.items = 400
        bench.dimension = 8
        bench.queries = 10
        bench.k = 10
        bench.configuration.iterations = 4
        let r = bench.run()
        XCTAssertEqual(r.nlist, 20)  // round(√400)
        XCTAssertEqual(r.nprobe, 2)  // ⌈20/12⌉
        XCTAssertGreaterThan(r.recall, 0.5)
        XCTAssertLessThanOrEqual(r.recall, 1)
        XCTAssertGreaterThan(r.meanScanned, 0)
        XCTAssertLessThan(r.meanScanned, 400)
        XCTAssertEqual(IndexBenchmark.recall([[ScoredItem(item: 1, score: 0)]],
                                             [[ScoredItem(item: 1, score: 0), ScoredItem(item: 2, score: 0)]]), 0.5)
    }
}

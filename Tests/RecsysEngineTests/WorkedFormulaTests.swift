import Foundation
import XCTest
import RecsysEngine
import RecsysTestSupport

/// The formula view (issue 14.3): every algorithm's worked formula, evaluated from the numbers it
/// shows, equals the model's prediction or score to 1e-4 on the bundled sample, for a seeded random
/// profile and for a training user; and each family writes the formula the issue asks for.
final class WorkedFormulaTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data").path

    nonisolated(unsafe) static var data: Dataset?
    nonisolated(unsafe) static var fitted: [String: any Recommender] = [:]

    /// Lighter settings for the slow neural models in a debug build (the formula does not depend on them).
    static let parameters: [String: [String: String]] = [
        "two-tower": ["epochs": "1"], "ranking": ["epochs": "1"], "svdpp": ["epochs": "3"], "svd": ["epochs": "5"],
        "als": ["iterations": "3"], "bpr": ["iterations": "5"], "hybrid": ["w_svd": "0", "w_als": "0", "w_svdpp": "0"],
    ]

    func sample() throws -> Dataset {
        if let d = Self.data { return d }
        let d = try DatasetLoader.load(path: Self.folder)
        Self.data = d
        return d
    }

    func model(_ name: String, _ extra: [String: String] = [:]) throws -> any Recommender {
        let key = name + extra.map { "\($0)=\($1)" }.sorted().joined(separator: ",")
        if let m = Self.fitted[key] { return m }
        let p = (Self.parameters[name] ?? [:]).merging(extra) { $1 }
        let m = try Algorithms.make(name, parameters: Parameters(p))
        try m.fit(try sample(), context: FitContext(seed: 42))
        Self.fitted[key] = m
        return m
    }

    /// A seeded random profile of 15 ratings on the sample.
    func randomProfile(_ data: Dataset, seed: UInt64) -> Profile {
        var rng = SplitMix64(seed: seed)
        var seen = Set<Int32>()
        var pairs: [(Int32, Float)] = []
        while pairs.count < 15 {
            let i = Int32(rng.nextInt(data.itemCount))
            if seen.insert(i).inserted { pairs.append((i, Float(1 + rng.nextInt(5)))) }
        }
        return Profile(pairs)
    }

    func testEveryAlgorithmsFormulaEqualsItsOutputOnTheSample() throws {
        let data = try sample()
        let profiles = [randomProfile(data, seed: 7), Profile.training(17, in: data.ratings), Profile()]
        for name in Algorithms.names {
            let m = try model(name)
            for (k, profile) in profiles.enumerated() {
                var rng = SplitMix64(seed: UInt64(k) + 1)
                let items = m.recommend(profile, count: 3).map(\.item) + (0..<3).map { _ in Int32(rng.nextInt(data.itemCount)) }
                if let failure = Conformance.formulaFailure(m, profile, items: items) {
                    XCTFail("\(name), profile \(k): \(failure)")
                }
            }
        }
    }

    /// The rating-mode kNN paths and popularity by mean have formulas of their own.
    func testModesHaveFaithfulFormulas() throws {
        let data = try sample()
        let profile = randomProfile(data, seed: 11)
        for (name, p) in [("user-knn", ["mode": "rating"]), ("item-knn", ["mode": "rating"]), ("popularity", ["by": "mean"])] {
            let m = try model(name, p)
            let items = m.recommend(profile, count: 4).map(\.item)
            if let failure = Conformance.formulaFailure(m, profile, items: items) { XCTFail("\(name) \(p): \(failure)") }
        }
        // The rating path's neighbour table: similarity, rating, centred rating, weight, term.
        let knn = try model("user-knn", ["mode": "rating"])
        let tables = knn.recommend(profile, count: 5).map { knn.workedFormula(profile, item: $0.item) }
            .compactMap { $0.tables.first { $0.kind == .neighbours } }
        let table = try XCTUnwrap(tables.first, "no rating-path neighbour table")
        XCTAssertEqual(table.columns, [FormulaSymbol("s", "v"), FormulaSymbol("r", "v"), FormulaSymbol("d", "v"),
                                       FormulaSymbol("ω", "v"), FormulaSymbol("t")])
        for row in table.rows { XCTAssertEqual(row.cells[4] ?? .nan, (row.cells[2] ?? 0) * (row.cells[3] ?? 0), accuracy: 1e-5) }
    }

    func testSVDWritesBiasesAndTheLargestFactorTerms() throws {
        let data = try sample()
        let m = try model("svd")
        let profile = randomProfile(data, seed: 3)
        let item = m.recommend(profile, count: 1)[0].item
        let f = m.workedFormula(profile, item: item)
        XCTAssertEqual(f.target, FormulaSymbol("r̂", "ui"))
        let symbols = f.expression.leaves.map(\.0)
        for s in [FormulaSymbol("μ"), FormulaSymbol("b", "u"), FormulaSymbol("b", "i"), FormulaSymbol("p", "uf")] {
            XCTAssertTrue(symbols.contains(s), "svd formula lacks \(s)")
        }
        guard case .series(let series)? = seriesOf(f.expression) else { return XCTFail("no Σ_f in \(f.expression)") }
        let factors = Int(m.parameters.string("factors")) ?? 0
        XCTAssertEqual(series.shown.count, WorkedFormula.shownTerms)
        XCTAssertEqual(series.otherCount, factors - WorkedFormula.shownTerms, "the other k terms")
        // Shown terms are the largest by magnitude.
        let shownMin = series.shown.map { abs($0.value) }.min() ?? 0
        XCTAssertTrue(f.tables[0].rows.dropFirst(WorkedFormula.shownTerms).allSatisfy { abs($0.cells[2] ?? 0) <= shownMin + 1e-6 })
        XCTAssertEqual(f.value, m.predict(profile, items: [item])[0].value, accuracy: 1e-4)
    }

    func testKNNListsTheNeighbourTable() throws {
        let data = try sample()
        let m = try model("user-knn")
        let profile = Profile.training(17, in: data.ratings)
        let item = m.recommend(profile, count: 1)[0].item
        let f = m.workedFormula(profile, item: item)
        let table = try XCTUnwrap(f.tables.first { $0.kind == .neighbours })
        XCTAssertFalse(table.rows.isEmpty)
        for row in table.rows {
            guard case .user = row.subject else { return XCTFail("a neighbour row names \(row.subject)") }
            // who, similarity, rating, feedback weight, term = s · f.
            let s = try XCTUnwrap(row.cells[0]), r = try XCTUnwrap(row.cells[1]), w = try XCTUnwrap(row.cells[2])
            XCTAssertTrue((1...5).contains(r))
            XCTAssertEqual(row.cells[3] ?? .nan, s * w, accuracy: 1e-5)
        }
    }

    func testContentSharesFeaturesAndCosine() throws {
        let data = try sample()
        let m = try model("content")
        let profile = randomProfile(data, seed: 5)
        let item = m.recommend(profile, count: 1)[0].item
        let f = m.workedFormula(profile, item: item)
        guard case .sum(let parts) = f.expression, case .quotient(let dot, let norm) = parts[0] else {
            return XCTFail("content is not pᵀv / ‖p‖ (+ π): \(f.expression)")
        }
        guard case .leaf(let n, _) = norm else { return XCTFail("no ‖p‖") }
        XCTAssertEqual(n, FormulaSymbol("‖p‖"))
        XCTAssertGreaterThan(dot.value, 0)
        let table = try XCTUnwrap(f.tables.first { $0.kind == .features })
        // Every listed feature is one the film has.
        let features = Set(data.catalog[item].genres.map { "genre:" + $0 })
        for row in table.rows {
            if case .feature(let name) = row.subject, name.hasPrefix("genre:") { XCTAssertTrue(features.contains(name), name) }
        }
    }

    func testPopularityWritesCountMeanAndShrinkage() throws {
        let m = try model("popularity")
        let item: Int32 = 0
        let f = m.workedFormula(Profile(), item: item)
        let symbols = Set(f.expression.leaves.map(\.0.base))
        XCTAssertTrue(symbols.isSuperset(of: ["|U|", "Σr", "m", "μ"]), "\(symbols)")
        let count = f.expression.leaves.first { $0.0.base == "|U|" }?.1
        XCTAssertEqual(count, Float(try sample().ratings.columnCount(item)))
    }

    func testEASEAndALSNameTheirFactors() throws {
        let data = try sample()
        let profile = randomProfile(data, seed: 9)
        let ease = try model("ease")
        let e = ease.workedFormula(profile, item: ease.recommend(profile, count: 1)[0].item)
        XCTAssertTrue(e.expression.leaves.contains { $0.0 == FormulaSymbol("B", "ji") })
        let als = try model("als")
        let a = als.workedFormula(profile, item: als.recommend(profile, count: 1)[0].item)
        XCTAssertTrue(a.expression.leaves.contains { $0.0 == FormulaSymbol("x", "uf") })
        XCTAssertNotNil(a.tables.first { $0.kind == .nearestRated && !$0.rows.isEmpty })
    }

    private func seriesOf(_ n: FormulaNode) -> FormulaNode? {
        switch n {
        case .series: return n
        case .sum(let xs), .product(let xs): return xs.lazy.compactMap { self.seriesOf($0) }.first
        case .clamp(let x, _, _): return seriesOf(x)
        case .quotient(let a, let b), .difference(let a, let b): return seriesOf(a) ?? seriesOf(b)
        case .leaf: return nil
        }
    }
}

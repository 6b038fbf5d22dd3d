import XCTest
import RecsysEngine
import RecsysTestSupport
@testable import RecsysUI

final class EmbeddingMapTests: XCTestCase {
    /// Points spread along (0.6, 0.8) with a little spread along (−0.8, 0.6): the first component
    /// must be (0.6, 0.8) (sign fixed by its largest coordinate), the second ±(−0.8, 0.6).
    func testPCAFindsTheKnownPrincipalAxes() {
        var values: [Float] = []
        let ts: [Float] = [-4, -3, -2, -1, 1, 2, 3, 4]
        for (k, t) in ts.enumerated() {
            let s: Float = k % 4 == 0 || k % 4 == 3 ? 0.3 : -0.3   // Σs = Σts = 0: uncorrelated
            values += [10 + 0.6 * t - 0.8 * s, -5 + 0.8 * t + 0.6 * s]
        }
        let pca = PCA(values: values, dim: 2, count: 2, seed: 7)
        XCTAssertEqual(pca.components[0][0], 0.6, accuracy: 1e-3)
        XCTAssertEqual(pca.components[0][1], 0.8, accuracy: 1e-3)
        XCTAssertEqual(abs(pca.components[1][0]), 0.8, accuracy: 1e-3)
        XCTAssertEqual(abs(pca.components[1][1]), 0.6, accuracy: 1e-3)
        XCTAssertEqual(pca.mean[0], 10, accuracy: 1e-4)
        // Var along the axis = mean of t² = 60/8; across it 0.09 (±0.3, uncorrelated with t).
        XCTAssertEqual(pca.variances[0], 7.5, accuracy: 1e-3)
                XCTAssertEqual(pca.variances[1], 0.09, accuracy: 1e-3)
        // The projection of the first point (t = −4, s = 0.3) is (−4, ±0.3).
        let p = pca.project(values: Array(values[0..<2]), dim: 2)
        XCTAssertEqual(p[0], -4, accuracy: 1e-3)
        XCTAssertEqual(abs(p[1]), 0.3, accuracy: 0.05)
        // Seeded and reproducible.
        XCTAssertEqual(PCA(values: values, dim: 2, seed: 7).components, pca.components)
    }

    func testItemEmbeddingsCoverFactorModelsAndNotOthers() throws {
        let data = UIFixtures.dataset()
        let als = try Algorithms.make("als", parameters: Parameters(["factors": "3", "iterations": "2"]))
        XCTAssertNil(itemEmbeddings(of: als), "unfitted")
        try als.fit(data, context: FitContext(seed: 1))
        let e = try XCTUnwrap(itemEmbeddings(of: als))
        XCTAssertEqual(e.dim, 3)
        XCTAssertEqual(e.values.count, 3 * data.itemCount)
        let svd = try Algorithms.make("svd", parameters: Parameters(["factors": "5", "epochs": "2"]))
        try svd.fit(data, context: FitContext(seed: 1))
        XCTAssertEqual(itemEmbeddings(of: svd)?.dim, 5)
        XCTAssertEqual(itemEmbeddings(of: svd)?.values.count, 5 * data.itemCount)
        let pop = try Algorithms.make("popularity")
        try pop.fit(data, context: FitContext())
        XCTAssertNil(itemEmbeddings(of: pop))
        XCTAssertEqual(embeddingMapAlgorithm(active: "popularity", algorithms: ["popularity", "svd", "als"],
                                             models: ["popularity": pop, "svd": svd, "als": als]), "svd")
    }

    /// Four cells' worth of dots: the corners and the centre of a 2×1-cell area (4×4 dots).
    func testBrailleRenderingOfKnownPoints() {
        // (−1, 1) → dot (0, 0): bit 0x01 in cell 0. (0, 0) → dot (2, 2): bit 0x04 in cell 1.
        // (1, −1) → dot (3, 3): bit 0x80 in cell 1. So cell 0 = ⠁ (U+2801), cell 1 = ⢄ (U+2884).
        let map = EmbeddingMapState(algorithm: "t", xs: [-1, 0, 1], ys: [1, 0, -1], dim: 0, vectors: [], explained: 1)
        var buffer = ScreenBuffer(width: 2, height: 1)
        renderBraille(map, highlights: MapHighlights(), genreOf: { _ in nil }, theme: Theme(colour: false),
                      area: buffer.area, into: &buffer)
        XCTAssertEqual(buffer.line(0), "⠁⢄")
        // A 4×2-cell area: (0, 0) → dot (4, 4) = cell (2, 1), bit 0x01.
        var big = ScreenBuffer(width: 4, height: 2)
        renderBraille(map, highlights: MapHighlights(), genreOf: { _ in nil }, theme: Theme(colour: false),
                      area: big.area, into: &big)
        XCTAssertEqual(big.lines, ["⠁", "  ⠁⢀"])
    }

    func testHighlightsAndProfilePositionAreStyled() {
        let map = EmbeddingMapState(algorithm: "t", xs: [-1, 1, 0.5], ys: [1, -1, -1], dim: 0, vectors: [], explained: 1)
        var buffer = ScreenBuffer(width: 4, height: 2)
        let theme = Theme(colour: true)
        renderBraille(map, highlights: MapHighlights(rated: [0, 1], recommended: [2]), genreOf: { _ in 0 },
                      theme: theme, area: buffer.area, into: &buffer)
        XCTAssertEqual(buffer[0, 0].style.background, .yellow, "rated item")
        XCTAssertEqual(buffer[3, 1].style.background, .magenta, "recommended wins over rated in the same cell")
        // The mean of the two rated points is (0, 0): the centre cell holds ✚.
        XCTAssertEqual(buffer[2, 1].text, "✚")
    }

    func testPanZoomAndSelection() {
        // Item 0 and 1 point the same way in model space; item 2 is orthogonal.
        var map = EmbeddingMapState(algorithm: "t", xs: [-0.9, 0.1, 0.9], ys: [0, 0.05, 0], dim: 2,
                                    vectors: [1, 0, 2, 0.1, 0, 1], explained: 1)
        XCTAssertEqual(map.visiblePoints(), [0, 1, 2])
        XCTAssertTrue(handleEmbeddingMapKey(&map, .char("+")))
        XCTAssertTrue(handleEmbeddingMapKey(&map, .char("+")))
        XCTAssertEqual(map.zoom, 2.25, accuracy: 1e-9)
        XCTAssertEqual(map.visiblePoints(), [1], "zoomed in on the centre: the outer points leave the view")
        XCTAssertTrue(handleEmbeddingMapKey(&map, .right))
        XCTAssertTrue(handleEmbeddingMapKey(&map, .char("l")))
        XCTAssertEqual(map.centerX, 0.5 / 2.25, accuracy: 1e-9)
        XCTAssertTrue(handleEmbeddingMapKey(&map, .char("-")))
        XCTAssertEqual(map.zoom, 1.5, accuracy: 1e-9)
        XCTAssertTrue(handleEmbeddingMapKey(&map, .enter))
        XCTAssertEqual(map.selected, 1, "nearest the centre (0.22, 0)")
        XCTAssertEqual(map.neighbours.first?.item, 0, "item 0 is the closest by cosine")
        XCTAssertEqual(Double(map.neighbours.first!.score), 2 / (4.01).squareRoot(), accuracy: 1e-4)
        _ = handleEmbeddingMapKey(&map, .char("-"))   // zoom 1 around x = 0.22: item 0 (x = −0.9) is out of view
        XCTAssertEqual(map.visiblePoints(), [1, 2])
        XCTAssertTrue(handleEmbeddingMapKey(&map, .tab))
        XCTAssertEqual(map.selected, 2)
        XCTAssertTrue(handleEmbeddingMapKey(&map, .tab))
        XCTAssertEqual(map.selected, 1, "wraps to the first visible point (0 is out of view)")
        XCTAssertTrue(handleEmbeddingMapKey(&map, .char("0")))
        XCTAssertEqual(map.zoom, 1)
        XCTAssertEqual(map.centerX, 0)
        XCTAssertFalse(handleEmbeddingMapKey(&map, .char("q")), "not a map key")
        // Zoom never goes below the whole map.
        _ = handleEmbeddingMapKey(&map, .char("-"))
        XCTAssertEqual(map.zoom, 1)
        _ = handleEmbeddingMapKey(&map, .backTab)
        XCTAssertEqual(map.selected, 0, "Shift-Tab goes back, wrapping to the last visible point")
    }

    func testScreenFromAFittedModel() throws {
        let data = UIFixtures.dataset()
        let svd = try Algorithms.make("svd", parameters: Parameters(["factors": "4", "epochs": "3"]))
        try svd.fit(data, context: FitContext(seed: 3))
        var map = try XCTUnwrap(EmbeddingMapJob(algorithm: "svd", model: svd).run())
        XCTAssertEqual(map.count, data.itemCount)
        XCTAssertEqual(map.xs.map(abs).max().map { max($0, map.ys.map(abs).max()!) }, 1, "scaled into [−1, 1]²")
        XCTAssertGreaterThan(map.explained, 0)
        let stats = CatalogStats(dataset: data)
        map.select(0)
        var buffer = ScreenBuffer(width: 90, height: 22)
        renderEmbeddingMap(map, highlights: MapHighlights(rated: [1], recommended: [2]), stats: stats,
                           title: { stats.displayTitles[Int($0)] }, theme: Theme(colour: false), area: buffer.area,
                           into: &buffer)
        let text = buffer.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Embedding map: svd"))
        XCTAssertTrue(text.contains("rated"))
        XCTAssertTrue(text.contains("recommended"))
        XCTAssertTrue(text.contains(stats.displayTitles[0]), "the selected movie's title")
        XCTAssertTrue(text.contains("nearest (cosine)"))
        let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
        XCTAssertGreaterThan(braille, 3, "points drawn as braille")
        var empty = ScreenBuffer(width: 90, height: 22)
        renderEmbeddingMap(nil, highlights: MapHighlights(), stats: stats, title: { _ in "" }, theme: Theme(colour: false),
                           area: empty.area, into: &empty)
        XCTAssertTrue(empty.lines.joined().contains("no fitted model with item vectors"))
    }
}

final class LabMapWiringTests: XCTestCase {
    func testMKeyOpensTheMapOfAFittedFactorModel() {
        let d = Driver(algorithms: ["popularity", "svd"], extraModels: false, width: 100, height: 30,
                       ratings: [StoredRating(item: "1", value: 5, timestamp: 1)])
        XCTAssertNotNil(d.state.models["svd"])
        d.key(.char("M"))
        XCTAssertEqual(d.state.screen, .embeddingMap)
        let map = d.state.embeddingMap
        XCTAssertEqual(map?.algorithm, "svd", "popularity has no item vectors: the map falls back to svd")
        XCTAssertEqual(map?.count, d.state.dataset.itemCount)
        d.key(.char("+"))
        XCTAssertEqual(d.state.embeddingMap?.zoom ?? 0, 1.5, accuracy: 1e-9)
        d.key(.enter)
        XCTAssertNotNil(d.state.embeddingMap?.selected)
        let text = view(d.state).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Embedding map: svd"))
        XCTAssertTrue(text.contains("nearest (cosine)"))
        XCTAssertTrue(Keymap.helpLines().contains { $0.keys == "M" }, "Help lists the key")
        d.key(.escape)
        XCTAssertEqual(d.state.screen, .explore)
    }

    func testVKeyRunsTheLabAndShowsResults() {
        let d = Driver(algorithms: ["popularity", "baseline"], extraModels: false, width: 100, height: 30)
        d.key(.char("v"))
        XCTAssertEqual(d.state.screen, .evalLab)
        XCTAssertEqual(d.state.evalLab?.chosenAlgorithms, ["popularity"])
        d.key(.down)
        d.key(.char(" "))
        XCTAssertEqual(d.state.evalLab?.chosenAlgorithms, ["popularity", "baseline"])
        d.key(.char("r"))   // the Driver runs the job inline
        XCTAssertEqual(d.state.evalLab?.running, false)
        XCTAssertEqual(d.state.evalLab?.report?.results.map(\.algorithm), ["popularity", "baseline"])
        XCTAssertEqual(d.state.status.text, "evaluation done")
        let text = view(d.state).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Evaluation lab"))
        XCTAssertTrue(text.contains("ndcg@10 (higher is better)"))
        d.key(.escape)
        XCTAssertEqual(d.state.screen, .explore)
    }
}

import Foundation
import RecsysEngine

// The embedding map (issue 7, key `M`): item vectors of a factor or tower model projected
// to 2-D by PCA and drawn as braille dots, coloured by genre, with the profile's ratings
// and current recommendations highlighted. Pure: the state is built by a job off the UI
// thread (`EmbeddingMapJob`), keys change only the viewport and the selection.

/// The map's data and view: projected points, the original vectors (for neighbours), viewport and selection.
public struct EmbeddingMapState: Sendable, Equatable {
    /// The model the vectors came from ("svd", "two-tower", …).
    public var algorithm: String
    /// Projected coordinates, scaled so the farthest point lies on the unit square's edge: x[i], y[i] ∈ [−1, 1].
    public var xs: [Float]
    public var ys: [Float]
    /// The original item vectors (itemCount × dim), for nearest neighbours in the model's own space.
    public var dim: Int
    public var vectors: [Float]
    /// Share of the variance the two axes keep (0…1).
    public var explained: Double
    /// Viewport centre in map coordinates and zoom (1 = the whole map fills the panel).
    public var centerX: Double = 0
    public var centerY: Double = 0
    public var zoom: Double = 1
    /// The selected item and its nearest neighbours (cosine in the model space), best first.
    public var selected: Int32?
    public var neighbours: [ScoredItem] = []

    public init(algorithm: String, xs: [Float], ys: [Float], dim: Int, vectors: [Float], explained: Double) {
        self.algorithm = algorithm
        self.xs = xs
        self.ys = ys
        self.dim = dim
        self.vectors = vectors
        self.explained = explained
    }

    public var count: Int { xs.count }

    /// Projects item vectors (n × dim) to 2-D with `PCA` and scales them into [−1, 1]².
    ///
    /// Complexity: O(iterations · n · dim) for the projection.
    public static func build(algorithm: String, dim: Int, vectors: [Float], seed: UInt64 = 42) -> EmbeddingMapState {
        let n = dim > 0 ? vectors.count / dim : 0
        guard n > 0 else { return EmbeddingMapState(algorithm: algorithm, xs: [], ys: [], dim: dim, vectors: [], explained: 0) }
        let pca = PCA(values: vectors, dim: dim, count: 2, seed: seed)
        let p = pca.project(values: vectors, dim: dim)
        let k = pca.components.count
        var xs = (0..<n).map { p[$0 * k] }
        var ys = (0..<n).map { k > 1 ? p[$0 * k + 1] : 0 }
        let extent = max(xs.map(abs).max() ?? 0, ys.map(abs).max() ?? 0)
        if extent > 0 {
            xs = xs.map { $0 / extent }
            ys = ys.map { $0 / extent }
        }
        // Total variance = trace of the covariance = mean squared distance to the mean.
        var total = 0.0
        for i in 0..<n { for c in 0..<dim { let d = Double(vectors[i * dim + c] - pca.mean[c]); total += d * d } }
        total /= Double(n)
        let explained = total > 0 ? min(1, pca.variances.reduce(0, +) / total) : 0
        return EmbeddingMapState(algorithm: algorithm, xs: xs, ys: ys, dim: dim, vectors: vectors, explained: explained)
    }

    /// The map of a fitted model's item vectors, or nil when the model has none (see `itemEmbeddings(of:)`).
    public static func build(algorithm: String, model: any Recommender, seed: UInt64 = 42) -> EmbeddingMapState? {
        guard let e = itemEmbeddings(of: model) else { return nil }
        return build(algorithm: algorithm, dim: e.dim, vectors: e.values, seed: seed)
    }

    // MARK: Viewport

    /// The dot (column, row) of point `i` in a grid of `width` × `height` dots, nil when outside the viewport.
    ///
    /// u = ((x − cx)·zoom + 1)/2, v = (1 − (y − cy)·zoom)/2 (y grows upwards); dot = ⌊u·W⌋, ⌊v·H⌋,
    /// with u = 1 (the right or bottom edge) drawn in the last dot.
    public func dot(_ i: Int, width: Int, height: Int) -> (x: Int, y: Int)? {
        let u = ((Double(xs[i]) - centerX) * zoom + 1) / 2
        let v = (1 - (Double(ys[i]) - centerY) * zoom) / 2
        guard u >= 0, u <= 1, v >= 0, v <= 1, width > 0, height > 0 else { return nil }
        return (min(width - 1, Int(u * Double(width))), min(height - 1, Int(v * Double(height))))
    }

    /// Pans by `dx`, `dy` of the visible half-width (positive: right / up).
    public mutating func pan(dx: Double, dy: Double) {
        centerX = max(-1, min(1, centerX + dx / zoom))
        centerY = max(-1, min(1, centerY + dy / zoom))
    }

    /// Multiplies the zoom by `factor`, kept within 1…256.
    public mutating func zoom(by factor: Double) {
        zoom = max(1, min(256, zoom * factor))
    }

    /// Back to the whole map.
    public mutating func resetView() {
        centerX = 0; centerY = 0; zoom = 1
    }

    /// Points inside the viewport, in item order.
    public func visiblePoints() -> [Int] {
        (0..<count).filter { dot($0, width: 1000, height: 1000) != nil }
    }

    /// Selects the point nearest the viewport centre (Euclidean in map coordinates).
    public mutating func selectNearestCentre() {
        var best: Int?, bestD = Double.infinity
        for i in 0..<count {
            let dx = Double(xs[i]) - centerX, dy = Double(ys[i]) - centerY
            let d = dx * dx + dy * dy
            if d < bestD { bestD = d; best = i }
        }
        if let best { select(Int32(best)) }
    }

    /// Selects the next (or previous) visible point after the current selection, wrapping around.
    public mutating func cycle(forward: Bool) {
        let visible = visiblePoints()
        guard !visible.isEmpty else { return }
        let current = selected.map(Int.init)
        let next: Int
        if let current {
            if forward { next = visible.first { $0 > current } ?? visible[0] } else {
                next = visible.last { $0 < current } ?? visible[visible.count - 1]
            }
        } else {
            next = forward ? visible[0] : visible[visible.count - 1]
        }
        select(Int32(next))
    }

    /// Selects `item` and finds its nearest neighbours by cosine similarity of the model vectors,
    /// cos(a, b) = a·b / (‖a‖ ‖b‖). Complexity O(n · dim).
    public mutating func select(_ item: Int32, neighbours k: Int = 8) {
        selected = item
        let i = Int(item)
        guard dim > 0, vectors.count >= (i + 1) * dim else { neighbours = []; return }
        func norm(_ r: Int) -> Float {
            var s: Float = 0
            for c in 0..<dim { s += vectors[r * dim + c] * vectors[r * dim + c] }
            return s.squareRoot()
        }
        let ni = max(1e-12, norm(i))
        var sims = [Float](repeating: -2, count: count)
        for j in 0..<count where j != i {
            var s: Float = 0
            for c in 0..<dim { s += vectors[i * dim + c] * vectors[j * dim + c] }
            sims[j] = s / (ni * max(1e-12, norm(j)))
        }
        neighbours = topK(sims, k: k) { $0 != item }
    }
}

/// Applies one key to the map through the map's key table (`Keymap.table(.embeddingMap)`); false when it is not a map key.
public func handleEmbeddingMapKey(_ map: inout EmbeddingMapState, _ key: Key) -> Bool {
    guard case .map(let action)? = Keymap.ownAction(for: key, on: .embeddingMap) else { return false }
    map.apply(action)
    return true
}

extension EmbeddingMapState {
    /// Does one map action: pan a quarter of the view, zoom by 1.5, reset, select or cycle points, centre.
    public mutating func apply(_ action: MapAction) {
        switch action {
        case .panLeft: pan(dx: -0.25, dy: 0)
        case .panRight: pan(dx: 0.25, dy: 0)
        case .panUp: pan(dx: 0, dy: 0.25)
        case .panDown: pan(dx: 0, dy: -0.25)
        case .zoomIn: zoom(by: 1.5)
        case .zoomOut: zoom(by: 1 / 1.5)
        case .resetView: resetView()
        case .nearest: selectNearestCentre()
        case .nextPoint: cycle(forward: true)
        case .previousPoint: cycle(forward: false)
        case .centre:
            guard let s = selected else { return }
            centerX = Double(xs[Int(s)])
            centerY = Double(ys[Int(s)])
        }
    }
}

/// Builds the map of one fitted model off the UI thread.
public struct EmbeddingMapJob: Sendable {
    public var algorithm: String
    public var model: any Recommender
    public var seed: UInt64
    public init(algorithm: String, model: any Recommender, seed: UInt64 = 42) {
        self.algorithm = algorithm
        self.model = model
        self.seed = seed
    }
    /// The map, or nil when the model has no item vectors.
    public func run() -> EmbeddingMapState? { EmbeddingMapState.build(algorithm: algorithm, model: model, seed: seed) }
}

/// The first of `preferred` (then of `algorithms`) that is fitted and has item vectors.
public func embeddingMapAlgorithm(active: String?, algorithms: [String], models: [String: any Recommender]) -> String? {
    let order = [active].compactMap { $0 } + algorithms
    return order.first { name in models[name].map { itemEmbeddings(of: $0) != nil } ?? false }
}

// MARK: - Rendering

/// Braille dot bits: `brailleBits[row][column]` for the 2 × 4 dots of a U+2800 cell.
let brailleBits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

/// Genre colours in `CatalogStats.genreNames` order (cycled).
let genrePalette: [Color] = [.red, .green, .yellow, .blue, .magenta, .cyan, .brightRed, .brightGreen,
                             .brightBlue, .brightMagenta, .brightCyan, .white, .brightYellow]

/// What the map highlights: the profile's rated items and the current recommendations.
public struct MapHighlights: Sendable, Equatable {
    public var rated: Set<Int32>
    public var recommended: Set<Int32>
    /// Class mode: each learner, drawn as ● and their name at the mean of these items.
    public var learners: [MapLearner] = []
    public init(rated: Set<Int32> = [], recommended: Set<Int32> = []) {
        self.rated = rated
        self.recommended = recommended
    }
}

/// A learner placed on the map (class mode).
public struct MapLearner: Sendable, Equatable {
    public var name: String
    /// The films that place them (the ones they liked).
    public var items: [Int32]
    public init(name: String, items: [Int32]) {
        self.name = name
        self.items = items
    }
}

/// Draws the points of `map` as braille dots into `area` (no border): each cell holds 2 × 4 dots.
///
/// A cell's colour is that of its most important point: selected > recommended > rated > genre
/// (first genre of the item, `genrePalette`). The profile's position (mean of its rated items)
/// is drawn as ✚. `genreOf(i)` gives the palette index of item i (nil: no genre).
/// Complexity: O(n) over the points plus O(area).
public func renderBraille(_ map: EmbeddingMapState, highlights: MapHighlights, genreOf: (Int32) -> Int?,
                          theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
    guard area.width > 0, area.height > 0 else { return }
    let w = area.width * 2, h = area.height * 4
    var bits = [UInt32](repeating: 0, count: area.width * area.height)
    var rank = [Int](repeating: -1, count: area.width * area.height)
    var style = [Style](repeating: .plain, count: area.width * area.height)
    func put(_ i: Int, _ r: Int, _ s: Style) {
        guard let d = map.dot(i, width: w, height: h) else { return }
        let cell = (d.y / 4) * area.width + d.x / 2
        bits[cell] |= brailleBits[d.y % 4][d.x % 2]
        if r > rank[cell] { rank[cell] = r; style[cell] = s }
    }
    for i in 0..<map.count {
        let item = Int32(i)
        if map.selected == item {
            put(i, 4, theme.selection)
        } else if highlights.recommended.contains(item) {
            put(i, 3, theme.colour ? Style(foreground: .brightWhite, background: .magenta, bold: true) : Style(bold: true, underline: true))
        } else if highlights.rated.contains(item) {
            put(i, 2, theme.colour ? Style(foreground: .black, background: .yellow, bold: true) : Style(bold: true))
        } else {
            let g = genreOf(item)
            put(i, g == nil ? 0 : 1, theme.colour ? Style(foreground: g.map { genrePalette[$0 % genrePalette.count] } ?? .white) : .plain)
        }
    }
    for y in 0..<area.height {
        for x in 0..<area.width where bits[y * area.width + x] != 0 {
            let ch = Character(Unicode.Scalar(0x2800 + bits[y * area.width + x])!)
            buffer.write(String(ch), x: area.x + x, y: area.y + y, style: style[y * area.width + x])
        }
    }
    // The profile's position: the mean of its rated items on the map.
    let rated = highlights.rated.filter { Int($0) < map.count }
    if !rated.isEmpty {
        var probe = map
        probe.xs = [rated.reduce(Float(0)) { $0 + map.xs[Int($1)] } / Float(rated.count)]
        probe.ys = [rated.reduce(Float(0)) { $0 + map.ys[Int($1)] } / Float(rated.count)]
        if let d = probe.dot(0, width: w, height: h) {
            buffer.write("✚", x: area.x + d.x / 2, y: area.y + d.y / 4, style: theme.error)
        }
    }
    // Class mode: every learner's position, labelled with their name (cut at the map's edge).
    for learner in highlights.learners {
        let items = learner.items.filter { Int($0) < map.count }
        guard !items.isEmpty else { continue }
        var probe = map
        probe.xs = [items.reduce(Float(0)) { $0 + map.xs[Int($1)] } / Float(items.count)]
        probe.ys = [items.reduce(Float(0)) { $0 + map.ys[Int($1)] } / Float(items.count)]
        guard let d = probe.dot(0, width: w, height: h) else { continue }
        let x = area.x + d.x / 2
        buffer.write("●" + learner.name, x: x, y: area.y + d.y / 4, style: theme.title, maxWidth: max(1, area.maxX - x))
    }
}

/// The whole embedding map screen: the map in a box on the left, legend, selection and neighbours on the right.
///
/// `map == nil` draws a hint (no fitted model with item vectors yet).
public func renderEmbeddingMap(_ map: EmbeddingMapState?, highlights: MapHighlights, stats: CatalogStats,
                               title: (Int32) -> String, theme: Theme, area: Rect, into buffer: inout ScreenBuffer) {
    guard area.width >= 20, area.height >= 6 else { return }
    let side = min(34, max(20, area.width / 3))
    let mapArea = Rect(x: area.x, y: area.y, width: area.width - side, height: area.height)
    let sideArea = Rect(x: area.x + area.width - side, y: area.y, width: side, height: area.height)
    guard let map else {
        Block(title: "Embedding map", titleStyle: theme.title, borderStyle: theme.border).render(mapArea, into: &buffer)
        let inner = Block.inner(mapArea)
        buffer.write("no fitted model with item vectors yet (svd, svd++, als, bpr, two-tower)", x: inner.x, y: inner.y,
                     style: theme.dim, maxWidth: inner.width)
        return
    }
    let zoomText = map.zoom == 1 ? "" : "×" + fixed(map.zoom, map.zoom < 10 ? 1 : 0)
    Block(title: "Embedding map: \(map.algorithm) · PCA \(Int((map.explained * 100).rounded()))% variance",
          titleStyle: theme.title, borderStyle: theme.focusedBorder, rightTitle: zoomText)
        .render(mapArea, into: &buffer)
    renderBraille(map, highlights: highlights, genreOf: { i in
        let mask = stats.genreMasks[Int(i)]
        return mask == 0 ? nil : mask.trailingZeroBitCount
    }, theme: theme, area: Block.inner(mapArea), into: &buffer)

    Block(title: "Legend", titleStyle: theme.title, borderStyle: theme.border).render(sideArea, into: &buffer)
    let inner = Block.inner(sideArea)
    var y = inner.y
    func line(_ l: Line) {
        guard y < inner.maxY else { return }
        _ = l.draw(into: &buffer, x: inner.x, y: y, maxWidth: inner.width)
        y += 1
    }
    line(Line([Span("⣿", theme.colour ? Style(foreground: .black, background: .yellow, bold: true) : Style(bold: true)),
               Span(" rated  "),
               Span("⣿", theme.colour ? Style(foreground: .brightWhite, background: .magenta, bold: true) : Style(bold: true, underline: true)),
               Span(" recommended")]))
    line(Line([Span("✚", theme.error), Span(" your position  "), Span("⣿", theme.selection), Span(" selected")]))
    // Genres: two per line, as many as fit above the selection block.
    let names = stats.genreNames
    let genreRows = min((names.count + 1) / 2, max(0, inner.height - 14))
    let half = max(1, (inner.width - 1) / 2)
    for r in 0..<genreRows {
        var spans: [Span] = []
        for k in [2 * r, 2 * r + 1] where k < names.count {
            let c = genrePalette[k % genrePalette.count]
            let label = DisplayWidth.pad(DisplayWidth.truncate(names[k], to: half - 3), to: half - 2)
            spans.append(Span("⣿", theme.colour ? Style(foreground: c) : .plain))
            spans.append(Span(" " + label + " "))
        }
        line(Line(spans))
    }
    if genreRows * 2 < names.count { line(Line("  +\(names.count - genreRows * 2) more genres", theme.dim)) }
    line("")
    if let s = map.selected {
        line(Line(DisplayWidth.truncate(title(s), to: inner.width), Style(bold: true)))
        let genres = names.indices.filter { stats.genreMasks[Int(s)] & (1 << UInt64($0)) != 0 }.map { names[$0] }
        line(Line(genres.isEmpty ? "no genre" : genres.joined(separator: ", "), theme.dim))
        line(Line("nearest (cosine):", theme.title))
        for nb in map.neighbours {
            line(Line([Span(fixed(Double(nb.score), 2, width: 5) + " ", theme.dim), Span(title(nb.item))]))
        }
    } else {
        line(Line("Enter: nearest the centre", theme.dim))
        line(Line("Tab: cycle visible points", theme.dim))
    }
    if inner.height >= 3 {
        buffer.write(DisplayWidth.truncate("←↑↓→ pan  +/- zoom  0 reset  c centre", to: inner.width),
                     x: inner.x, y: inner.maxY - 1, style: theme.dim)
    }
}

import Foundation
import RecsysEngine
import RecsysRuntime
import RecsysTestSupport
@testable import RecsysUI

/// A small content model for UI tests (independent of which engine models are registered):
/// score(i) = Σ_{j rated} (r_j − 3) · |G_i ∩ G_j| / |G_i ∪ G_j|.
final class GenreFanRecommender: Recommender, @unchecked Sendable {
    static let name = "genre-fan"
    static let summary = "test model: likes genres you rated above 3★"
    static let parameterSpecs: [ParameterSpec] = []
    let parameters = Parameters()
    private var genres: [Set<String>] = []
    private var titles: [String] = []

    init(parameters: Parameters = Parameters()) throws {}

    func fit(_ data: Dataset, context: FitContext) throws {
        genres = data.catalog.items.map { Set($0.genres) }
        titles = data.catalog.items.map(\.displayTitle)
    }

    func overlap(_ a: Int, _ b: Int) -> Float {
        let u = genres[a].union(genres[b]).count
        return u == 0 ? 0 : Float(genres[a].intersection(genres[b]).count) / Float(u)
    }

    func scores(_ profile: Profile) -> [Float] {
        (0..<genres.count).map { i in
            zip(profile.items, profile.ratings).reduce(Float(0)) { $0 + ($1.1 - 3) * overlap(i, Int($1.0)) }
                + Float(genres.count - i) * 1e-4
        }
    }

    func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let s = scores(profile)
        return items.map { Prediction(min(5, max(1, 3 + s[Int($0)])), isImpossible: profile.isEmpty) }
    }

    func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        topK((0..<genres.count).map { overlap(Int(item), $0) }, k: count) { $0 != item }
    }

    func explain(_ profile: Profile, item: Int32) -> Explanation {
        var terms = zip(profile.items, profile.ratings).map { j, r in
            Explanation.Term(kind: r < 3 ? .dislike : .ratedItem, value: (r - 3) * overlap(Int(item), Int(j)),
                             item: j, rating: r, signal: (r - 3) / 2, weight: overlap(Int(item), Int(j)))
        }.filter { $0.value != 0 }
        terms.append(.init(kind: .popularity, value: Float(genres.count - Int(item)) * 1e-4))
        return Explanation(algorithm: Self.name, item: item, score: scores(profile)[Int(item)],
                           formula: "score(i) = Σ_j (r_j − 3) · overlap(i, j)", terms: terms)
    }
}

/// Collects messages sent from `EffectRunner.run`.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Message] = []
    func append(_ m: Message) { lock.lock(); items.append(m); lock.unlock() }
    func drain() -> [Message] { lock.lock(); defer { items = []; lock.unlock() }; return items }
}

/// Drives the UI core like the terminal backend would, but synchronously: every effect is run
/// inline and its messages are fed back through `update` until nothing is left.
final class Driver {
    var state: AppState
    let store: InMemoryProfileStore
    /// Every effect `update` returned, in order.
    var effects: [Effect] = []
    /// When false, engine effects are recorded but not run (to test stale results by hand).
    var runEngine = true

    /// `runEngine: false` records the first fits without running them; `configure` adjusts the state
    /// (the fit plan's shape, budget, lanes; parameters) before `.started`.
    init(dataset: Dataset = UIFixtures.dataset(), algorithms: [String] = Algorithms.names, extraModels: Bool = true,
         width: Int = 80, height: Int = 24, ratings: [StoredRating] = [], colour: Bool = false, runEngine: Bool = true,
         configure: (inout AppState) -> Void = { _ in }) {
        store = InMemoryProfileStore()
        for r in ratings { try! store.setRating(profile: "default", item: r.item, value: r.value, timestamp: r.timestamp) }
        var names = algorithms
        if extraModels { names.insert(GenreFanRecommender.name, at: 0) }
        state = AppState(dataset: dataset, profileName: "default", storedRatings: try! store.ratings(profile: "default"),
                         algorithms: names, seed: 42, width: width, height: height, colour: colour)
        state.parameters = Driver.lightParameters
        configure(&state)
        self.runEngine = runEngine
        send(.started)
        if extraModels {
            let m = try! GenreFanRecommender()
            try! m.fit(dataset, context: FitContext())
            send(.modelFitted(algorithm: GenreFanRecommender.name, model: m, seconds: 0.001,
                              coverage: FitJob.catalogCoverage(m, dataset: dataset, users: 50, seed: 42)))
        }
        normalize()
    }

    /// Small model sizes so that fitting every registered model on the 16-movie fixture stays well under
    /// a second in debug builds (defaults such as 64 factors × 15 ALS sweeps are sized for MovieLens).
    /// Only keys a registered model declares are set.
    static let lightParameters: [String: Parameters] = {
        let wanted: [String: [String: String]] = [
            "als": ["factors": "4", "iterations": "3"],
            "bpr": ["factors": "4", "iterations": "10", "foldin_epochs": "5"],
            "svd": ["factors": "4", "epochs": "5"],
            "svdpp": ["factors": "4", "epochs": "5"],
            "two-tower": ["dim": "4", "epochs": "2", "head": "4"],
            "ranking": ["dim": "4", "epochs": "2", "head": "4"],
            "hybrid": ["w_als": "0", "w_svd": "0", "w_bpr": "0", "w_svdpp": "0", "w_user_knn": "0", "w_ease": "1",
                       "w_item_knn": "1", "w_content": "1", "w_popularity": "1", "w_baseline": "1"],
        ]
        var out: [String: Parameters] = [:]
        for (name, values) in wanted {
            guard let specs = Algorithms.type(named: name)?.parameterSpecs else { continue }
            out[name] = Parameters(values.filter { kv in specs.contains { $0.key == kv.key } })
        }
        return out
    }()

    func send(_ message: Message) {
        var queue = [message]
        while !queue.isEmpty {
            let m = queue.removeFirst()
            for e in update(&state, m) {
                effects.append(e)
                if e.lane == .quit || (e.lane == .engine && !runEngine) { continue }
                let inbox = Inbox()
                EffectRunner(store: store, now: { 1_700_000_000 }).run(e, send: inbox.append)
                queue += inbox.drain()
            }
        }
    }

    func key(_ k: Key) { send(.input(.key(k))); normalize() }

    /// Sends each character as a key press.
    func type(_ s: String) { for c in s { key(.char(c)) } }

    /// Replaces wall-clock timings with fixed values so screens are reproducible.
    func normalize() {
        if state.lastRecomputeMillis != nil { state.lastRecomputeMillis = 1.5 }
        for k in state.results.keys { state.results[k]!.millis = 0.5 }
        for (k, v) in state.fitStatus { if case .ready = v { state.fitStatus[k] = .ready(seconds: 0.01) } }
        if state.status.text.contains(" ready in ") {
            state.status.text = state.status.text.replacingOccurrences(
                of: #"ready in [0-9.]+ m?s"#, with: "ready in 10 ms", options: .regularExpression)
        }
    }

    func screen() -> [String] { view(state).lines }
    func screenText() -> String { screen().joined(separator: "\n") }

    /// Selects the catalog row of a title (searching for it).
    func select(_ title: String) {
        let i = state.dataset.catalog.items.firstIndex { $0.displayTitle == title }!
        state.catalogList.selected = state.visible.firstIndex(of: Int32(i))!
        state.focus = .catalog
    }

    func item(_ title: String) -> Int32 {
        Int32(state.dataset.catalog.items.firstIndex { $0.displayTitle == title }!)
    }
}

import RecsysEngine

/// The explorer's whole state. `view(state)` draws it; only `update` changes it.
///
/// Create it with the loaded dataset and the profile's stored ratings, then send
/// `.started` (which asks for the models to be fitted) and `.input(.resize(...))`
/// with the terminal size.
public struct AppState {
    // MARK: Data and profile

    public var dataset: Dataset
    /// Per-item counts, means, folded titles, sort orders (shared, immutable).
    public let stats: CatalogStats
    public var profileName: String
    /// Where the profile comes from, shown after its name in the header when not empty: "new" when
    /// the explorer just created it for this dataset, "of ml-latest-small" when it belongs to another
    /// dataset with the same movie ids. Cleared when another profile is loaded.
    public var profileTag: String = ""
    /// The interactive user's ratings on this dataset's item indices.
    public var profile: Profile
    /// Stored ratings of items this dataset does not have (kept, never dropped).
    public var unmatchedRatings: [StoredRating]
    /// Ratings changed in this session, newest last, for `u` (undo).
    public var undoStack: [RatingChange]
    public var seed: UInt64

    // MARK: Models

    /// Algorithm names in display order (from `Algorithms.all`).
    public var algorithms: [String]
    /// Fitted models by name (a model being refitted keeps serving until its replacement arrives).
    public var models: [String: any Recommender]
    /// Models loaded with `--model FILE`, by name: the first fit uses them instead of fitting
    /// (a `:set` of a parameter refits as usual).
    public var prefitted: [String: any Recommender] = [:]
    /// The fitted-model cache every fit reads first and writes after (nil: none, `--no-cache`).
    public var modelCache: ModelCache?
    /// Where each ready model came from: fitted now, the cache, or a model file.
    public var modelSources: [String: ModelSource] = [:]
    public var fitStatus: [String: FitStatus]
    /// Parameters set with `:set` (defaults otherwise).
    public var parameters: [String: Parameters]
    /// Sampled catalog coverage of each fitted model.
    public var coverage: [String: Double]
    /// Shared by every fit this state starts; cancelled when the explorer quits so fits stop early.
    public let cancellation = CancellationToken()
    /// The fit schedule: queue, lanes, budget (FitSchedule.swift).
    public var fitPlan: FitPlan
    /// The models panel's selection (a row per algorithm).
    public var modelsList = ListState()

    // MARK: Recommendations

    /// The profile version: bumped on every change that makes recommendations stale.
    public var generation: Int
    /// The latest accepted results by algorithm, and the generation they belong to.
    public var results: [String: AlgorithmResult]
    public var resultsGeneration: Int
    /// Each algorithm's list just before the last rating change: movement markers compare against it.
    public var baseline: [String: [Int32]]
    /// Predictions of items (details pane) for the current generation.
    public var predictions: [Int32: [String: Prediction]]
    public var lastRecomputeMillis: Double?
    /// Store writes sent and not yet confirmed (`.saved`); the status line says "saving…" meanwhile.
    public var pendingSaves: Int
    /// True tastes of synthetic users by raw user id (the sample's `tastes.csv`; empty for other data).
    public var knownTastes: [String: KnownTaste] = [:]
    /// True after "become this user" (`b` on Users): the profile is a copy of a dataset user's ratings,
    /// and rating changes are not written to the store.
    public var isScratch = false
    /// The stored profile a scratch profile came from (what `:profile` goes back to).
    public var homeProfile = ""
    /// Diverse popular movies to rate first.
    public let quickStart: [Int32]
    /// Whether the Recommendations pane holds the quick start: on when a session (or profile) starts
    /// empty, off after `quickStartGoal` ratings (once the hand is off the pane) or when `d` hides it.
    public var quickStartOn: Bool
    /// Ratings after which every list counts as personal and the quick start gives way.
    public static let quickStartGoal = 10
    /// The demographic attributes the dataset's users have (empty: the quick start does not ask who you are).
    public var datasetDemographics: [String] = []
    /// `:about` is saving who the profile is.
    public var aboutStatus: AboutStatus = .idle
    public enum AboutStatus: Sendable, Equatable { case idle, loading }

    // MARK: Explore screen

    public var focus: Pane
    public var catalogList: ListState
    public var recList: ListState
    /// Catalog rows after search, genre filter and sort.
    public var visible: [Int32]
    public var search: String
    /// The last query kept with Enter: a new `/` starts empty and ↑ brings this back.
    public var lastSearch: String
    public var genreFilter: String?
    public var sort: SortKey
    /// Index into `algorithms` of the active Recommendations tab.
    public var activeTab: Int
    /// True after `.` until the next key: the next digit d rates d − 0.5.
    public var pendingHalfStar: Bool

    // MARK: Modes, overlays, screens

    public var mode: InputMode
    public var overlay: Overlay?
    public var screen: Screen
    public var explain: ExplainState
    public var similar: SimilarState
    public var users: UsersState
    /// The embedding map (`M`, EmbeddingMap.swift); nil until built.
    public var embeddingMap: EmbeddingMapState?
    /// The evaluation lab (`v`, EvalLab.swift); nil until first opened.
    public var evalLab: EvalLabState?
    /// The replay of the profile's history (`R`, Replay.swift); nil until read.
    public var replay: ReplayState?
    /// Class mode (`--class`, `:class on`, ClassMode.swift).
    public var classMode = ClassModeState()
    /// First visible line of the Help overlay / Compare screen.
    public var scroll: Int

    // MARK: Lessons

    /// The lesson panel (`L`, `recsys-tui learn`): lessons, glossary, progress (Update+Lessons.swift).
    public var lessons = LessonsState()
    /// UI actions performed in this session (lesson checkpoints such as "pressed the formula key in Explain").
    public var performed = PerformedActions()

    // MARK: Terminal

    public var width: Int
    public var height: Int
    public var colour: Bool
    /// Presenter mode (`--presenter`, `P`): one big pane for a projector; nil when off.
    public var presenter: PresenterState?
    /// The terminal and locale can show Unicode math (Σ, ·, subscripts); false writes formulas in ASCII.
    public var unicode = true
    public var status: StatusMessage
    /// Background news held back while a fresh answer to the learner's key is on screen; shown
    /// once that answer has been readable for `StatusMessage.ownAnswerHold` ticks.
    public var heldNews: StatusMessage?
    public var shouldQuit: Bool

    /// - Parameters:
    ///   - dataset: the loaded dataset.
    ///   - profileName: the profile being rated.
    ///   - storedRatings: its ratings from the store (items unknown to the dataset are kept aside).
    ///   - algorithms: model names in tab order; defaults to every registered algorithm, in registry order.
    ///   - colour: false for monochrome (`NO_COLOR`, terminals without colour).
    public init(dataset: Dataset, profileName: String = "default", storedRatings: [StoredRating] = [],
                algorithms: [String] = Algorithms.names, seed: UInt64 = 42, width: Int = 80, height: Int = 24,
                colour: Bool = true) {
        self.dataset = dataset
        stats = CatalogStats(dataset: dataset)
        self.profileName = profileName
        profile = Profile()
        unmatchedRatings = []
        undoStack = []
        self.seed = seed
        self.algorithms = algorithms
        models = [:]
        fitStatus = Dictionary(uniqueKeysWithValues: algorithms.map { ($0, FitStatus.waiting) })
        fitPlan = FitPlan(shape: FitShape(dataset.ratings))
        parameters = [:]
        coverage = [:]
        generation = 0
        results = [:]
        resultsGeneration = -1
        baseline = [:]
        predictions = [:]
        lastRecomputeMillis = nil
        pendingSaves = 0
        quickStart = CatalogStats.quickStart(dataset: dataset, stats: stats)
        quickStartOn = false
        datasetDemographics = Demographics.present(in: dataset.userAttributes)
        focus = .catalog
        catalogList = ListState()
        recList = ListState()
        visible = []
        search = ""
        lastSearch = ""
        genreFilter = nil
        sort = .popularity
        activeTab = 0
        pendingHalfStar = false
        mode = .normal
        overlay = nil
        screen = .explore
        explain = ExplainState()
        similar = SimilarState()
        users = UsersState()
        scroll = 0
        self.width = width
        self.height = height
        self.colour = colour
        status = StatusMessage("")
        shouldQuit = false
        loadRatings(storedRatings)
        refilter()
    }

    /// Replaces the profile's ratings with stored ones; items not in the dataset go to `unmatchedRatings`.
    /// An empty profile starts with the quick start.
    public mutating func loadRatings(_ stored: [StoredRating]) {
        var pairs: [(Int32, Float)] = []
        unmatchedRatings = []
        for r in stored {
            if let i = dataset.catalog.index(of: r.item) { pairs.append((i, r.value)) } else { unmatchedRatings.append(r) }
        }
        profile = Profile(pairs)
        quickStartOn = profile.isEmpty
    }

    /// Where each pane goes now: the lesson panel, when open, takes rows above the status line.
    public var layout: Layout {
        Layout(width: width, height: height, lessonRows: lessons.open ? LessonPanel.rows(forHeight: height) : 0)
    }

    /// The theme for the colour flag.
    public var theme: Theme { Theme(colour: colour, highContrast: presenter != nil) }

    /// The active algorithm's name ("popularity"), nil when none is registered.
    public var activeAlgorithm: String? { algorithms.indices.contains(activeTab) ? algorithms[activeTab] : nil }

    /// True when the Recommendations pane shows the quick start list.
    /// Not on the demographic tab once the profile said who it is and has no rating: its list needs none.
    public var showsQuickStart: Bool {
        quickStartOn && !quickStart.isEmpty
            && !(activeAlgorithm == DemographicRecommender.name && !profile.attributes.isEmpty && profile.isEmpty)
    }

    /// Ratings still to make before the lists count as personal (0 when done).
    public var ratingsToPersonal: Int { max(0, AppState.quickStartGoal - profile.count) }

    /// The rows of the Recommendations pane: quick start items (rated ones stay, so no row moves
    /// under the cursor), or the active algorithm's list.
    public var recommendationItems: [Int32] {
        if showsQuickStart { return quickStart }
        return shownRecommendations.map(\.row.item)
    }

    /// The active algorithm's rows the pane shows, each with its rank in the whole list: all of them,
    /// or with a genre filter (`f`) only the films of that genre.
    public var shownRecommendations: [(rank: Int, row: RecommendationRow)] {
        guard let name = activeAlgorithm, let r = results[name] else { return [] }
        let all = r.rows.enumerated().map { (rank: $0.offset, row: $0.element) }
        guard let g = genreFilter else { return all }
        guard let bit = stats.genreBit(g) else { return [] }
        return all.filter { stats.genreMasks[Int($0.row.item)] & bit != 0 }
    }

    /// The item the rating keys, `e` and `m` act on: the selected row of the focused pane.
    public var selectedItem: Int32? {
        switch focus {
        case .catalog:
            guard let s = catalogList.selected, visible.indices.contains(s) else { return nil }
            return visible[s]
        case .recommendations:
            let items = recommendationItems
            guard let s = recList.selected, items.indices.contains(s) else { return nil }
            return items[s]
        }
    }

    /// The fitted models in tab order.
    public var fittedModels: [NamedModel] {
        algorithms.compactMap { name in models[name].map { NamedModel(name: name, model: $0) } }
    }

    /// "1 rating", "3 ratings".
    public var ratingCountText: String { profile.count == 1 ? "1 rating" : "\(profile.count) ratings" }

    /// Rebuilds `visible` from search, genre filter and sort, keeping the selected item selected when it is still shown.
    ///
    /// Complexity: O(n) over the catalog (plus O(n log n) for the your-rating / predicted sorts).
    public mutating func refilter() {
        let keep = selectedItem(in: .catalog)
        let order: [Int32]
        switch sort {
        case .popularity: order = stats.byPopularity
        case .mean: order = stats.byMean
        case .title: order = stats.byTitle
        case .year: order = stats.byYear
        case .yourRating:
            let p = profile
            order = stats.byPopularity.sorted { a, b in
                let ra = p.rating(of: a) ?? -1, rb = p.rating(of: b) ?? -1
                return ra != rb ? ra > rb : false
            }
        case .predicted:
            if let name = activeAlgorithm, let s = results[name]?.scores, s.count == stats.counts.count {
                order = stats.byPopularity.sorted { s[Int($0)] != s[Int($1)] ? s[Int($0)] > s[Int($1)] : false }
            } else {
                order = stats.byPopularity
            }
        }
        let query = SearchText.fold(mode.searchText ?? search).trimmingCharacters(in: .whitespaces)
        let terms = query.split(separator: " ").map(String.init)
        let bit = genreFilter.flatMap { stats.genreBit($0) }
        let filterUnknownGenre = genreFilter != nil && bit == nil
        if terms.isEmpty && genreFilter == nil {
            visible = order
        } else {
            visible = order.filter { i in
                if filterUnknownGenre { return false }
                if let b = bit, stats.genreMasks[Int(i)] & b == 0 { return false }
                let t = stats.searchKeys[Int(i)]
                return terms.allSatisfy { t.contains($0) }
            }
        }
        if let keep, let k = visible.firstIndex(of: keep) {
            catalogList.selected = k
        } else {
            catalogList.selected = visible.isEmpty ? nil : 0
            catalogList.offset = 0
        }
        catalogList.clamp(count: visible.count)
    }

    func selectedItem(in pane: Pane) -> Int32? {
        var copy = self
        copy.focus = pane
        return copy.selectedItem
    }
}

import Foundation

/// Which pane of the Explore screen has the keyboard.
public enum Pane: Sendable, Equatable { case catalog, recommendations }

/// The full-screen views. Explore is home; the others return to it with Esc.
public enum Screen: Sendable, Hashable { case explore, compare, explain, similar, users, embeddingMap, evalLab, replay, models }

/// Overlays drawn over a screen; Esc closes them.
public enum Overlay: Sendable, Equatable {
    case help
    /// Choosing a genre filter: row 0 is "all genres", then `CatalogStats.genreNames`.
    case genrePicker(ListState)
    /// The parameter panel of the active algorithm: one row per parameter (Enter edits it).
    case parameters(ListState)
    /// The glossary of the lessons' terms (`?` while the lesson panel is open).
    case glossary
}

/// Whether keys go to the key table or to a text input.
public enum InputMode: Sendable, Equatable {
    case normal
    /// `/`: incremental search; the catalog filters on every key.
    case search(TextInputState)
    /// `:`: a command line.
    case command(TextInputState)

    var searchText: String? {
        if case .search(let s) = self { return s.text }
        return nil
    }
}

/// Catalog orders (`s` cycles through them).
public enum SortKey: String, Sendable, CaseIterable {
    case popularity, mean, title, year
    case yourRating = "your rating"
    case predicted

    /// The next key in cycle order.
    public var next: SortKey {
        let all = SortKey.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// Parses a `:sort` argument ("mean", "your-rating", "predicted").
    public init?(argument: String) {
        let a = argument.lowercased().replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        if let k = SortKey(rawValue: a) { self = k; return }
        switch a {
        case "pop", "count", "popular": self = .popularity
        case "rating", "mine", "your": self = .yourRating
        case "score", "pred": self = .predicted
        default: return nil
        }
    }
}

/// A model's fitting state.
public enum FitStatus: Sendable, Equatable {
    /// Queued (see `FitPlan.queue` for the order).
    case waiting
    case fitting(fraction: Double, message: String)
    case ready(seconds: Double)
    case failed(String)
    /// Not fitted now, for this reason; the models panel runs it anyway.
    case deferred(FitDeferral)
}

/// A rating change, for undo: the item and its value before and after (nil = unrated).
public struct RatingChange: Sendable, Equatable {
    public var item: Int32
    public var before: Float?
    public var after: Float?
}

/// The status line's message.
public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    /// `.tick` messages since it was set.
    public var age: Int = 0
    /// Ticks (about seconds) an informational message stays.
    public static let lifetime = 8
    /// Said by background work (a model became ready), not in answer to a key.
    public var isBackground = false
    /// Ticks an answer to the learner's own key is kept from being replaced by background news.
    public static let ownAnswerHold = 2
    public init(_ text: String, isError: Bool = false, isBackground: Bool = false) {
        self.text = text
        self.isError = isError
        self.isBackground = isBackground
    }

    /// Whether background news may take this message's place: a fresh answer to the learner's
    /// own key ("quick start hidden", "exported 2 ratings") stays readable while models finish.
    public var yieldsToBackground: Bool {
        isBackground || text.isEmpty || age >= Self.ownAnswerHold
    }
}

/// The Explain screen: which item under which algorithm, and the engine's answer once it arrives.
public struct ExplainState: Sendable {
    public var item: Int32?
    public var result: ExplainResult?
    public var scroll: Int = 0
    /// `f`: the formula view (the prediction as its formula with the numbers filled in) instead of the terms.
    public var showFormula = false
    public init() {}
}

/// The Similar screen: the item and the lists once computed.
public struct SimilarState: Sendable {
    public var item: Int32?
    public var result: SimilarResults?
    public init() {}
}


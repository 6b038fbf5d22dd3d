import Foundation

/// A user as every model sees them: the items they rated (sorted by index) with
/// the ratings, and their training index when they are a user of the training data.
///
/// A profile without `trainingUser` (the interactive user, a cold-start test
/// user) is *folded in*: each model derives what it needs from the ratings
/// alone, against its fixed item parameters, without retraining.
public struct Profile: Sendable, Equatable {
    public private(set) var items: [Int32]
    public private(set) var ratings: [Float]
    public var trainingUser: Int32?

    public init() {
        items = []
        ratings = []
    }

    /// A profile from (item, rating) pairs; a repeated item keeps its last rating.
    public init<S: Sequence>(_ pairs: S, trainingUser: Int32? = nil) where S.Element == (Int32, Float) {
        var dict: [Int32: Float] = [:]
        for (i, r) in pairs { dict[i] = r }
        let sorted = dict.keys.sorted()
        items = sorted
        ratings = sorted.map { dict[$0]! }
        self.trainingUser = trainingUser
    }

    /// The profile of training user `u`, marked as such (models may use their trained state).
    public static func training(_ u: Int32, in matrix: RatingMatrix) -> Profile {
        let row = matrix.row(u)
        var p = Profile()
        p.items = Array(row.items)
        p.ratings = Array(row.ratings)
        p.trainingUser = u
        return p
    }

    public var count: Int { items.count }
    public var isEmpty: Bool { items.isEmpty }

    /// The profile's mean rating (0 when empty).
    public var meanRating: Float {
        ratings.isEmpty ? 0 : ratings.reduce(0, +) / Float(ratings.count)
    }

    public func rating(of item: Int32) -> Float? {
        var lo = 0, hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid] == item { return ratings[mid] }
            if items[mid] < item { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    public func contains(_ item: Int32) -> Bool { rating(of: item) != nil }

    /// Sets (or replaces) a rating. The profile stops being a training user's.
    public mutating func set(_ item: Int32, rating: Float) {
        trainingUser = nil
        var lo = 0, hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid] < item { lo = mid + 1 } else { hi = mid }
        }
        if lo < items.count && items[lo] == item {
            ratings[lo] = rating
        } else {
            items.insert(item, at: lo)
            ratings.insert(rating, at: lo)
        }
    }

    /// Removes a rating if present. The profile stops being a training user's.
    public mutating func remove(_ item: Int32) {
        guard let k = items.firstIndex(of: item) else { return }
        trainingUser = nil
        items.remove(at: k)
        ratings.remove(at: k)
    }
}

/// A predicted rating. When the model cannot predict (unknown user or item, no
/// neighbours), `isImpossible` is true and `value` is the fallback (usually the
/// global or item mean), as Surprise's `was_impossible`.
public struct Prediction: Sendable, Equatable {
    public var value: Float
    public var isImpossible: Bool

    public init(_ value: Float, isImpossible: Bool = false) {
        self.value = value
        self.isImpossible = isImpossible
    }
}

/// A progress event while fitting.
public struct FitProgress: Sendable {
    /// 0…1 of the whole fit.
    public var fraction: Double
    /// "epoch 3/20", "similarities", …
    public var message: String
    public var epoch: Int?
    /// Training loss at the end of an epoch, when the model has one.
    public var loss: Double?

    public init(fraction: Double, message: String, epoch: Int? = nil, loss: Double? = nil) {
        self.fraction = fraction
        self.message = message
        self.epoch = epoch
        self.loss = loss
    }
}

/// A flag that a long fit polls to stop early.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    public func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
    }
}

/// Thrown by `fit` when its cancellation token fires.
public struct FitCancelled: Error, Sendable {
    public init() {}
}

/// How a model is fitted: the seed of every random choice, threads, progress and cancellation.
public struct FitContext: Sendable {
    public var seed: UInt64
    /// Worker threads a model may use (results must not depend on it unless stated).
    public var threads: Int
    public var progress: @Sendable (FitProgress) -> Void
    public var cancellation: CancellationToken?

    public init(seed: UInt64 = 42, threads: Int = 2,
                progress: @escaping @Sendable (FitProgress) -> Void = { _ in },
                cancellation: CancellationToken? = nil) {
        self.seed = seed
        self.threads = max(1, threads)
        self.progress = progress
        self.cancellation = cancellation
    }

    /// Throws `FitCancelled` when cancellation was requested.
    public func checkCancelled() throws {
        if cancellation?.isCancelled == true { throw FitCancelled() }
    }
}

/// Why a model scored an item as it did: a one-line summary and weighted terms.
public struct Explanation: Sendable {
    public enum Kind: String, Sendable {
        /// A rated item that contributed (item-kNN, EASE, ALS, content alignment).
        case item
        /// A neighbouring user (user-kNN).
        case neighbour
        /// A content feature (genre, keyword, director, decade).
        case feature
        /// A latent factor's contribution.
        case factor
        /// A bias term (global mean, user bias, item bias).
        case bias
        /// Anything else (popularity, model-level facts).
        case other
    }

    public struct Term: Sendable, Equatable {
        public var kind: Kind
        public var label: String
        /// The term's contribution (or weight); signs matter: negative pulls the score down.
        public var value: Float
        /// Extra detail, e.g. "you rated it 5★" or "similarity 0.42".
        public var detail: String
        /// The catalog item the term is about, if any.
        public var item: Int32?

        public init(kind: Kind, label: String, value: Float, detail: String = "", item: Int32? = nil) {
            self.kind = kind
            self.label = label
            self.value = value
            self.detail = detail
            self.item = item
        }
    }

    public var algorithm: String
    public var item: Int32
    public var score: Float
    /// One line, shown beside a recommendation ("because you liked Alien and Aliens").
    public var summary: String
    /// Terms, largest absolute contribution first.
    public var terms: [Term]
    /// Model-level notes ("cold start: popularity", "EASE restricted to 20000 items").
    public var notes: [String]

    public init(algorithm: String, item: Int32, score: Float, summary: String, terms: [Term] = [],
                notes: [String] = []) {
        self.algorithm = algorithm
        self.item = item
        self.score = score
        self.summary = summary
        self.terms = terms
        self.notes = notes
    }
}

/// The answer to "why not X?": where the item stands and what pulls it down.
public struct WhyNot: Sendable {
    public var item: Int32
    /// 1-based rank among the candidates (items the profile did not rate), nil if the item was rated.
    public var rank: Int?
    public var candidates: Int
    public var score: Float
    /// Terms with the most negative (or least positive) contributions first.
    public var pullingDown: [Explanation.Term]
    public var explanation: Explanation
}

/// One interface for every algorithm: fit, predict, score for top-N, similar
/// items, fold-in of new profiles, and explanations.
///
/// Implementations are classes whose state is written only by `fit`; after it
/// returns, every other method is safe to call from any thread.
public protocol Recommender: AnyObject, Sendable {
    /// The stable algorithm name used by the CLI, the explorer and evaluation ("svd").
    static var name: String { get }
    /// One line for help text.
    static var summary: String { get }
    /// Every parameter with its default, range and meaning.
    static var parameterSpecs: [ParameterSpec] { get }

    /// Creates an unfitted model; throws `ParameterError` naming the allowed range of a bad value.
    init(parameters: Parameters) throws

    /// The parameters in force (defaults filled in).
    var parameters: Parameters { get }

    /// Learns from the dataset's ratings. Reports progress and honours cancellation.
    func fit(_ data: Dataset, context: FitContext) throws

    /// Predicted ratings of `items` for `profile`, on the dataset's scale.
    func predict(_ profile: Profile, items: [Int32]) -> [Prediction]

    /// A finite score for every catalog item (higher is better), for top-N.
    func scores(_ profile: Profile) -> [Float]

    /// The items most similar to `item` under this model, best first.
    func similarItems(to item: Int32, count: Int) -> [ScoredItem]

    /// Why `item` scored as it did for `profile`.
    func explain(_ profile: Profile, item: Int32) -> Explanation

    /// `explain(profile, item:)` for each of `items`, in order. Models whose fold-in is costly
    /// (svd, svd++) derive the user once for the whole list; the results are the same.
    func explain(_ profile: Profile, items: [Int32]) -> [Explanation]
}

extension Recommender {
    public var name: String { Self.name }

    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        items.map { explain(profile, item: $0) }
    }

    /// The top `count` items for `profile`, excluding what it rated and items `isAllowed` rejects.
    public func recommend(_ profile: Profile, count: Int, excludeRated: Bool = true,
                          where isAllowed: ((Int32) -> Bool)? = nil) -> [ScoredItem] {
        let s = scores(profile)
        return topK(s, k: count) { item in
            if excludeRated && profile.contains(item) { return false }
            return isAllowed?(item) ?? true
        }
    }

    /// Rank, score and the most negative terms of an item the profile may not see recommended.
    public func whyNot(_ profile: Profile, item: Int32) -> WhyNot {
        let s = scores(profile)
        let mine = s[Int(item)]
        var rank: Int? = nil
        var candidates = 0
        var better = 0
        for i in 0..<s.count where !profile.contains(Int32(i)) {
            candidates += 1
            if s[i] > mine || (s[i] == mine && i < Int(item)) { better += 1 }
        }
        if !profile.contains(item) { rank = better + 1 }
        let e = explain(profile, item: item)
        let down = e.terms.sorted { $0.value < $1.value }
        return WhyNot(item: item, rank: rank, candidates: candidates, score: mine,
                      pullingDown: Array(down.prefix(8)), explanation: e)
    }
}

import Foundation

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

    /// Whether `scores` are predicted ratings (`.stars`) or only an order (`.relative`, the default).
    var scoreUnit: ScoreUnit { get }

    /// The items most similar to `item` under this model, best first.
    func similarItems(to item: Int32, count: Int) -> [ScoredItem]

    /// Why `item` scored as it did for `profile`.
    func explain(_ profile: Profile, item: Int32) -> Explanation

    /// `explain(profile, item:)` for each of `items`, in order. Models whose fold-in is costly
    /// (svd, svd++) derive the user once for the whole list; the results are the same.
    func explain(_ profile: Profile, items: [Int32]) -> [Explanation]

    /// The limits the last fit applied (item caps, neighbour caps), as numbers; empty when none.
    var fitLimits: [FitLimit] { get }

    /// `item`'s score for `profile` as the model's formula with every number filled in (the formula
    /// view). Its `value` equals the explanation's score; by default it is read from `explain`'s terms.
    func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula
}

extension Recommender {
    public var name: String { Self.name }

    public var fitLimits: [FitLimit] { [] }

    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        items.map { explain(profile, item: $0) }
    }

    public func workedFormula(_ profile: Profile, item: Int32) -> WorkedFormula {
        WorkedFormula.fromTerms(explain(profile, item: item))
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

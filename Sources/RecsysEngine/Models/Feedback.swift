import Foundation

/// How a rating becomes a signal for a model that ranks (the one meaning of feedback).
///
/// Every implicit-feedback model (item-knn and user-knn top-N, als, bpr, ease, content, two-tower,
/// ranking, hybrid through its components) reads a user's ratings through one `Feedback` value and
/// sees, per rated item, a signed weight w ∈ [−1, 1]: w > 0 is a like, w < 0 a dislike, w = 0 is
/// ignored. The rules (`--param feedback=…`, `:set ALGO.feedback …`):
///
/// - `centered`: w = clamp((r − c_u) / h, −1, 1), where h = (max − min) / 2 is half the
///   scale and c_u = (Σ_j r_j + m·mid) / (n + m) is the user's mean damped towards the scale's
///   midpoint mid = (min + max) / 2 by m = 3 pseudo-ratings (the small-profile fallback: with no or
///   few ratings the centre is near the midpoint). A profile with only 1★ ratings has c_u > 1, so
///   every w < 0: no positives.
/// - `threshold:T`: w = 1 when r ≥ T, w = −1 when r ≤ T − 1.5, and 0 (ignored) in between.
///   `threshold:3` is the default (`FeedbackRule.standard`): on a 1–5 or 0.5–5 scale a 1★ is a
///   dislike, 2★ says nothing, 3★ and up are likes. docs/defaults.md shows why: over ml-100k, the
///   sample and a 10,000-film catalog it keeps 0.85–1.02× binary's NDCG@10 while telling dislikes
///   apart, where `centered` (which calls every below-your-mean 3★ a dislike) falls to 0.45–0.85×.
/// - `binary`: w = 1 for every rating (the implicit-library protocol; a 1★ counts as a like).
///
/// See docs/feedback.md for how each model uses w.
public enum FeedbackRule: Sendable, Equatable, CustomStringConvertible {
    case centered
    case threshold(Float)
    case binary

    /// The default rule (chosen by the three-data-set protocol in docs/defaults.md).
    public static let standard = FeedbackRule.threshold(3)

    /// Pseudo-ratings at the scale midpoint in the centre of `centered` (the small-profile fallback).
    public static let priorWeight: Float = 3

    /// The parameter every implicit-feedback model takes.
    public static let parameterSpec = ParameterSpec(
        "feedback", .feedbackRule, default: "threshold:3",
        "how ratings become likes and dislikes: threshold:T (r ≥ T like, r ≤ T−1.5 dislike), "
            + "centered (r − your damped mean) or binary (every rating a like)")

    /// Parses "centered", "binary" or "threshold:T" (T a number); nil otherwise.
    public init?(_ text: String) {
        switch text {
        case "centered": self = .centered
        case "binary": self = .binary
        default:
            guard text.hasPrefix("threshold:"), let t = Float(text.dropFirst("threshold:".count)),
                  t.isFinite else { return nil }
            self = .threshold(t)
        }
    }

    public var description: String {
        switch self {
        case .centered: return "centered"
        case .binary: return "binary"
        case .threshold(let t): return "threshold:" + (t == t.rounded() ? String(Int(t)) : String(t))
        }
    }

    /// Whether the rule can produce dislikes (every rule but `binary`).
    public var isSigned: Bool { self != .binary }
}

/// A rule applied on a rating scale: turns ratings into signed weights.
public struct Feedback: Sendable, Equatable {
    public var rule: FeedbackRule
    public var scale: RatingScale

    public init(_ rule: FeedbackRule, scale: RatingScale) {
        self.rule = rule
        self.scale = scale
    }

    /// The rule named by a model's resolved `feedback` parameter (the standard rule if absent).
    public init(parameters: Parameters, scale: RatingScale) {
        self.init(FeedbackRule(parameters.string("feedback")) ?? .standard, scale: scale)
    }

    /// The centre c_u of `centered`: the ratings' mean damped towards the scale midpoint.
    public func centre<C: Collection>(_ ratings: C) -> Float where C.Element == Float {
        let mid = (scale.min + scale.max) / 2
        var s: Float = 0
        for r in ratings { s += r }
        return (s + FeedbackRule.priorWeight * mid) / (Float(ratings.count) + FeedbackRule.priorWeight)
    }

    /// The signed weight of rating `r` for a user whose centre is `centre`.
    @inline(__always)
    public func weight(_ r: Float, centre: Float) -> Float {
        switch rule {
        case .binary: return 1
        case .threshold(let t): return r >= t ? 1 : (r <= t - 1.5 ? -1 : 0)
        case .centered:
            let h = max((scale.max - scale.min) / 2, 1e-6)
            return min(1, max(-1, (r - centre) / h))
        }
    }

    /// The signed weight of every rating in `ratings` (one user's), in order.
    public func weights<C: Collection>(_ ratings: C) -> [Float] where C.Element == Float {
        let c = rule == .centered ? centre(ratings) : 0
        return ratings.map { weight($0, centre: c) }
    }

    /// One user's signals: (item, rating, signed weight) for every rating, in the profile's order.
    public func signals(_ profile: Profile) -> [FeedbackSignal] {
        let w = weights(profile.ratings)
        return (0..<profile.count).map { FeedbackSignal(item: profile.items[$0], rating: profile.ratings[$0], weight: w[$0]) }
    }

    /// The signed weight of every rating of a matrix in CSR order (users' rows), each user centred on its own row.
    public func rowWeights(_ m: RatingMatrix) -> [Float] {
        var out = [Float](repeating: 0, count: m.count)
        for u in 0..<m.userCount {
            let lo = m.rowStart[u], hi = m.rowStart[u + 1]
            let w = weights(m.rowRatings[lo..<hi])
            for p in lo..<hi { out[p] = w[p - lo] }
        }
        return out
    }

    /// The same weights in CSC order (items' columns).
    public func columnWeights(_ m: RatingMatrix) -> [Float] {
        var centres = [Float](repeating: 0, count: m.userCount)
        if rule == .centered {
            for u in 0..<m.userCount { centres[u] = centre(m.rowRatings[m.rowStart[u]..<m.rowStart[u + 1]]) }
        }
        var out = [Float](repeating: 0, count: m.count)
        for p in 0..<m.count { out[p] = weight(m.colRatings[p], centre: centres[Int(m.colUsers[p])]) }
        return out
    }
}

/// One rated item as a model sees it: a like (weight > 0), a dislike (< 0) or ignored (0).
public struct FeedbackSignal: Sendable, Equatable {
    public var item: Int32
    public var rating: Float
    public var weight: Float

    public var isLike: Bool { weight > 0 }
    public var isDislike: Bool { weight < 0 }
}

extension Explanation.Term {
    /// A rated film's term: `.dislike` when its feedback weight is negative, else `.ratedItem`.
    static func rated(_ x: FeedbackSignal, value: Float, weight: Float? = nil) -> Explanation.Term {
        Explanation.Term(kind: x.weight < 0 ? .dislike : .ratedItem, value: value, item: x.item,
                         rating: x.rating, signal: x.weight, weight: weight)
    }
}

extension Feedback {
    /// The notes every feedback-reading model adds: the rule, and that binary ignores dislikes.
    var notes: [Explanation.Note] {
        rule.isSigned ? [.feedback(rule)] : [.feedback(rule), .ignoresDislikes]
    }
}

/// Why a model scored an item as it did, as data: the formula, and one signed term per part of it.
///
/// The score is reconstructible: `score == terms.map(\.value).reduce(0, +)` (up to float rounding).
/// Where a model's arithmetic is not fully itemised (a clamp, a non-linear layer, trained versus
/// re-solved factors), a `.remainder` term carries the difference, so nothing is hidden.
/// `related` holds context that is not part of the sum (how well a rated film's factors align).
///
/// Models never write English here: the one renderer (`ExplanationText` in RecsysUI) turns this
/// value into the one-line reason, the Explain screen and the CLI's reason column.
public struct Explanation: Sendable, Equatable {
    /// What a term is about.
    public enum Kind: String, Sendable, CaseIterable {
        /// A bias: global mean μ, user bias b_u, item bias b_i.
        case bias
        /// A rated film the user likes (or that counts as an interaction under `feedback=binary`).
        case ratedItem = "rated item"
        /// A rated film the user dislikes (feedback weight < 0): it pulls the score down, or up for
        /// films unlike it.
        case dislike
        /// Another user (user-kNN).
        case neighbour
        /// A content feature (genre, keyword, director, decade) or the tower's genre mix.
        case feature
        /// A latent factor's contribution p_uf·q_if.
        case factor
        /// A blended component (hybrid).
        case component
        /// Popularity (cold start, popularity model, tie-breaks).
        case popularity
        /// A learned embedding with no simpler reading (the tower's user-id embedding, an MLP).
        case embedding
        /// What the itemised terms do not cover (clamp, non-linear parts): score − Σ other terms.
        case remainder
        /// A demographic group's share of the film (demographic model): `name` says who the group
        /// is, `count` how many of its `total` users liked the film, `rating` the like threshold.
        case group
    }

    public struct Term: Sendable, Equatable {
        public var kind: Kind
        /// Signed contribution to the score: negative pulls it down.
        public var value: Float
        /// The film the term is about (a rated item, the scored item for its bias), if any.
        public var item: Int32?
        /// The user the term is about (a neighbour's dense index), if any.
        public var user: Int32?
        /// An identifier for terms without an item or user: a feature ("genre:Sci-Fi"), a bias
        /// ("μ", "b_u", "b_i"), a factor ("f3"), a component ("svd"). Not prose.
        public var name: String?
        /// The rating involved: yours for a rated item, the neighbour's for a neighbour.
        public var rating: Float?
        /// The feedback weight w ∈ [−1, 1] the rating became (see `Feedback`), when the model uses it.
        public var signal: Float?
        /// The model's coefficient in the term: a similarity, an alignment, a blend weight.
        public var weight: Float?
        /// How many of your rated films carry the feature (content), or the item's rating count (bias).
        public var count: Int?
        /// Out of how many: a group's size (`.group`).
        public var total: Int?

        public init(kind: Kind, value: Float, item: Int32? = nil, user: Int32? = nil, name: String? = nil,
                    rating: Float? = nil, signal: Float? = nil, weight: Float? = nil, count: Int? = nil,
                    total: Int? = nil) {
            self.kind = kind
            self.value = value
            self.item = item
            self.user = user
            self.name = name
            self.rating = rating
            self.signal = signal
            self.weight = weight
            self.count = count
            self.total = total
        }
    }

    /// Facts about the model or the profile that shape the whole explanation.
    public enum Note: Sendable, Equatable {
        /// No ratings: the model ranks by popularity.
        case coldStart
        /// Not enough neighbours or data: the prediction is a fallback estimate.
        case fallbackEstimate
        /// Neighbours were computed now from the profile's ratings (not stored from training).
        case liveNeighbours
        /// Top-N is the feedback-weighted sum of item similarities under this weighting.
        case summedSimilarity(weighting: String)
        /// The terms decompose an exact re-solve of the user's factors; the score uses the trained ones.
        case reSolvedFactors
        /// Item terms are factor alignments scaled to the factor part of the score.
        case scaledAlignments
        /// The model covers only the `kept` most rated of `total` items.
        case restricted(kept: Int, total: Int)
        /// The item is outside the `kept` items the model covers.
        case outsideCoverage(kept: Int)
        /// The ratings carry no signal (all at the user's centre): popularity instead.
        case noSignal
        /// Hybrid: component weights fitted on held-out users, with that NDCG@10.
        case fittedWeights(users: Int, ndcg: Float)
        /// Hybrid: too few ratings to fit weights.
        case equalWeights
        /// Hybrid: the weights in force, per component.
        case weights(names: [String], values: [Float])
        /// Hybrid: few ratings, so the blend leans towards content and popularity.
        case fewRatings(Int)
        /// Tower: the terms are the linear part before the hidden layer.
        case linearPartOnly
        /// SVD++: the user's taste includes the implicit factors of the rated items.
        case implicitFactors(count: Int)
        /// The item has no training ratings, so no factors.
        case unknownItem
        /// The profile has no like: nothing pulls a film up, so films rank by popularity minus what
        /// the dislikes hold down.
        case noLikes
        /// The feedback rule the model read the ratings with.
        case feedback(FeedbackRule)
        /// The model cannot use dislikes: every rating counts as a like (`feedback=binary`), or the
        /// model has no way to represent them.
        case ignoresDislikes
        /// Demographic: the profile's cell has `users` users; its share is shrunk towards everyone's
        /// with `shrinkage` pseudo-users, leaving `cellWeight` on the cell.
        case demographicCell(users: Int, shrinkage: Float, cellWeight: Float)
        /// Demographic: the cell is smaller than the shrinkage, so the list is mostly everyone's.
        case smallCell
        /// Demographic: the profile has not said who it is, so everyone's favourites are shown.
        case unknownDemographics
        /// Demographic (`combine=sum`): everyone's share plus one shrunk shift per known attribute.
        case demographicShifts(shrinkage: Float)
        /// Hybrid: weights by profile size were fitted on `users` simulated new users shown N of their
        /// ratings for each N in `levels` (NDCG@10 of the blend at each level in `ndcg`).
        case sizeWeightsFitted(users: Int, levels: [Int], ndcg: [Float])
        /// Hybrid: this new profile of `ratings` ratings is blended with the weights fitted for `level` ratings.
        case sizeWeights(ratings: Int, level: Int)
    }

    /// What the raw score means.
    public enum ScoreMeaning: String, Sendable {
        /// A predicted rating on the dataset's scale.
        case predictedRating = "predicted rating"
        /// A ranking score: only the order (and differences) matter.
        case rankingScore = "ranking score"
        /// A popularity count.
        case popularity
    }

    public var algorithm: String
    public var item: Int32
    public var score: Float
    public var meaning: ScoreMeaning
    /// The model's scoring formula that the terms decompose, in the notation of its header comment.
    public var formula: String
    /// Additive terms: they sum to `score`.
    public var terms: [Term]
    /// Context that is not part of the sum (e.g. how well rated films align in factor space).
    public var related: [Term]
    public var notes: [Note]
    /// Component explanations (hybrid), in the order of its component terms.
    public var parts: [Explanation]

    public init(algorithm: String, item: Int32, score: Float, meaning: ScoreMeaning = .rankingScore,
                formula: String = "", terms: [Term] = [], related: [Term] = [], notes: [Note] = [],
                parts: [Explanation] = []) {
        self.algorithm = algorithm
        self.item = item
        self.score = score
        self.meaning = meaning
        self.formula = formula
        self.terms = terms
        self.related = related
        self.notes = notes
        self.parts = parts
    }

    /// An item the model does not know (past the catalog).
    public static func unknown(_ algorithm: String, item: Int32) -> Explanation {
        Explanation(algorithm: algorithm, item: item, score: 0, notes: [.unknownItem])
    }

    /// Σ of the terms: equals `score` up to rounding.
    public var termTotal: Float { terms.reduce(0) { $0 + $1.value } }

    /// Adds a `.remainder` term when the itemised terms miss the score by more than rounding.
    public mutating func closeWithRemainder(tolerance: Float = 1e-4) {
        let gap = score - termTotal
        if abs(gap) > tolerance * max(1, abs(score)) { terms.append(Term(kind: .remainder, value: gap)) }
    }

    /// Terms ordered by absolute contribution, largest first (ties keep their order).
    public var termsByMagnitude: [Term] {
        terms.enumerated().sorted { a, b in
            abs(a.element.value) != abs(b.element.value) ? abs(a.element.value) > abs(b.element.value) : a.offset < b.offset
        }.map(\.element)
    }

    /// Rated films that push this one up (liked ones only: a dislike is never a reason for).
    public var reasonsFor: [Term] {
        termsByMagnitude.filter { $0.kind == .ratedItem && $0.value > 0 && ($0.signal ?? 1) > 0 }
    }

    /// Dislikes that hold this one down, most negative first.
    public var dislikesAgainst: [Term] {
        terms.filter { $0.kind == .dislike && $0.value < 0 }.sorted { $0.value < $1.value }
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

/// What als and bpr share, written once: user factors x_u and item factors y_i as flat Float
/// rows of stride `ld` (k rounded up to 8), a popularity fallback for profiles they cannot place,
/// cosine neighbours of the item factors, and (SharedFactors+Persistence.swift) the saved-model
/// entries they have in common. Each model's file keeps its fit, its fold-in and its scores and
/// explanations. Public only because its two subclasses are; nothing in it is.
public class LatentFactorModel: @unchecked Sendable {
    public let parameters: Parameters
    var fallback = RatingFallback()
    var k = 0
    /// Row stride of the factor matrices (k rounded up to 8).
    var ld = 0
    var userFactors: [Float] = []
    var itemFactors: [Float] = []
    var itemNorms: [Float] = []
    var userCount = 0
    var itemCount = 0
    var feedback = Feedback(.binary, scale: .wholeStars)

    /// `parameters` already resolved against the subclass's specs.
    init(resolved parameters: Parameters) {
        self.parameters = parameters
    }

    /// The `factors` parameter both models take.
    static let factorsSpec = ParameterSpec("factors", .integer(1...1024), default: "64", "latent factors k")

    /// What a fit or a load takes from the dataset and the parameters before any factor exists:
    /// fallback, sizes, k and ld, and the feedback rule.
    func adopt(_ data: Dataset) {
        fallback = RatingFallback(data.ratings, scale: data.scale)
        k = parameters.int("factors")
        ld = (k + 7) / 8 * 8
        userCount = data.ratings.userCount
        itemCount = data.ratings.itemCount
        feedback = Feedback(parameters: parameters, scale: data.scale)
    }

    /// ‖y_i‖ of every item, for `similarItems`.
    func computeItemNorms() {
        let f = itemFactors, k = k, ld = ld
        itemNorms = (0..<itemCount).map { i in
            var s: Float = 0
            for c in 0..<k { s += f[i * ld + c] * f[i * ld + c] }
            return s.squareRoot()
        }
    }

    /// The trained x_u of a training user (nil for any other profile).
    func trainedUserVector(_ profile: Profile) -> [Float]? {
        guard let u = profile.trainingUser, Int(u) < userCount, !userFactors.isEmpty else { return nil }
        return Array(userFactors[Int(u) * ld..<(Int(u) + 1) * ld])
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        fallback.predict(profile, items: items)
    }

    /// Cosine similarity of item factors.
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        cosineNeighbours(of: item, in: itemFactors, norms: itemNorms, rows: itemCount, ld: ld, count: count)
    }
}

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
    /// Who the user says they are (`profile set NAME age=25-34 …`); empty when unknown. Models that use
    /// demographics (demographic, two-tower) read it for folded-in profiles; a training user's own
    /// attributes come from the dataset.
    public var attributes: UserAttributes = UserAttributes()

    public init() {
        items = []
        ratings = []
    }

    /// A profile from (item, rating) pairs; a repeated item keeps its last rating.
    public init<S: Sequence>(_ pairs: S, trainingUser: Int32? = nil, attributes: UserAttributes = UserAttributes())
        where S.Element == (Int32, Float) {
        var dict: [Int32: Float] = [:]
        for (i, r) in pairs { dict[i] = r }
        let sorted = dict.keys.sorted()
        items = sorted
        ratings = sorted.map { dict[$0]! }
        self.trainingUser = trainingUser
        self.attributes = attributes
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

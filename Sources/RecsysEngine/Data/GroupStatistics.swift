import Foundation

/// How taste differs across a demographic attribute (`info --by age`): per group, its size, mean rating,
/// the genres it rates more than everyone does, and the films most over-represented in it (lift).
///
/// - Genre lift: `(ratings of g by the group / the group's ratings) / (ratings of g / all ratings)`.
/// - Film lift: `(n_gi / N_g) / (n_i / N)`, the share of the group's users who rated film i over the
///   share of all users who did; only films rated by at least 10 % of the group's users (and at least
///   `minSupport`) count, since a film two people in a small group happened to rate has a large but
///   meaningless lift.
public struct GroupStatistics: Sendable, Codable, Equatable {
    public struct Lift: Sendable, Codable, Equatable {
        public var name: String
        public var lift: Double
        /// Raters (films) or ratings (genres) in the group.
        public var count: Int
    }

    public struct Group: Sendable, Codable, Equatable {
        public var value: String
        /// Users with at least one rating.
        public var users: Int
        public var ratings: Int
        public var meanRating: Double
        public var topGenres: [Lift]
        public var overRepresented: [Lift]

        enum CodingKeys: String, CodingKey {
            case value, users, ratings
            case meanRating = "mean_rating"
            case topGenres = "top_genres"
            case overRepresented = "over_represented"
        }
    }

    public var attribute: String
    public var groups: [Group]
    /// Users (with ratings) whose value is unknown.
    public var unknownUsers: Int

    enum CodingKeys: String, CodingKey {
        case attribute, groups
        case unknownUsers = "unknown_users"
    }

    /// The statistics of `dataset` by `attribute` (one of ``Demographics/attributes``); nil for another name.
    public init?(_ dataset: Dataset, by attribute: String, genres: Int = 3, films: Int = 5, minSupport: Int = 5) {
        guard let a = Demographics.attributes.firstIndex(of: attribute), let values = Demographics.values(of: attribute)
        else { return nil }
        self.attribute = attribute
        let m = dataset.ratings
        let n = m.itemCount
        var groupOf = [Int](repeating: -1, count: m.userCount)
        for u in 0..<m.userCount where u < dataset.userAttributes.count {
            groupOf[u] = Demographics.codes(of: dataset.userAttributes[u])[a] ?? -1
        }
        var users = [Int](repeating: 0, count: values.count)
        var ratings = [Int](repeating: 0, count: values.count)
        var sums = [Double](repeating: 0, count: values.count)
        var raters = [[Int]](repeating: [Int](repeating: 0, count: n), count: values.count)
        var totalRaters = [Int](repeating: 0, count: n)
        var activeUsers = 0, unknown = 0
        for u in 0..<m.userCount {
            let row = m.row(Int32(u))
            guard !row.items.isEmpty else { continue }
            activeUsers += 1
            for i in row.items { totalRaters[Int(i)] += 1 }
            let g = groupOf[u]
            guard g >= 0 else { unknown += 1; continue }
            users[g] += 1
            ratings[g] += row.items.count
            for (i, r) in zip(row.items, row.ratings) {
                sums[g] += Double(r)
                raters[g][Int(i)] += 1
            }
        }
        unknownUsers = unknown
        // Genre shares: per group and overall, counted in ratings.
        let catalog = dataset.catalog
        var genreIndex: [String: Int] = [:]
        for g in catalog.genres { genreIndex[g] = genreIndex.count }
        let genreNames = catalog.genres
        var genreAll = [Double](repeating: 0, count: genreNames.count)
        var genreBy = [[Double]](repeating: [Double](repeating: 0, count: genreNames.count), count: values.count)
        for i in 0..<n {
            for name in catalog[Int32(i)].genres {
                guard let k = genreIndex[name] else { continue }
                genreAll[k] += Double(m.columnCount(Int32(i)))
                for g in values.indices { genreBy[g][k] += Double(raters[g][i]) }
            }
        }
        let allRatings = Double(m.count)
        var out: [Group] = []
        for g in values.indices where users[g] > 0 {
            let gr = Double(ratings[g])
            let genreLift = genreNames.indices.filter { genreAll[$0] > 0 && genreBy[g][$0] > 0 }.map { k in
                Lift(name: genreNames[k], lift: (genreBy[g][k] / gr) / (genreAll[k] / allRatings), count: Int(genreBy[g][k]))
            }.sorted { ($0.lift, $1.name) > ($1.lift, $0.name) }
            let support = max(minSupport, Int((0.1 * Double(users[g])).rounded(.up)))
            let filmLift = (0..<n).filter { raters[g][$0] >= support && totalRaters[$0] > 0 }.map { i in
                Lift(name: catalog[Int32(i)].title,
                     lift: (Double(raters[g][i]) / Double(users[g])) / (Double(totalRaters[i]) / Double(activeUsers)),
                     count: raters[g][i])
            }.sorted { ($0.lift, $1.name) > ($1.lift, $0.name) }
            out.append(Group(value: values[g], users: users[g], ratings: ratings[g],
                             meanRating: gr > 0 ? sums[g] / gr : 0, topGenres: Array(genreLift.prefix(genres)),
                             overRepresented: Array(filmLift.prefix(films))))
        }
        groups = out
    }
}

import Foundation

/// Descriptive statistics of a dataset: size, sparsity, rating distribution,
/// activity per user and item, genres, popularity long tail and time span.
///
/// Computed once from the CSR/CSC views; `recsys-tui info` prints it and the
/// explorer can show it. Encodes to JSON with snake_case keys.
///
/// Complexity: O(ratings + items · log items + genres · items).
public struct DatasetStatistics: Sendable, Codable, Equatable {
    /// Minimum, median, mean and maximum of a count.
    public struct Distribution: Sendable, Codable, Equatable {
        public var min: Int
        /// The middle value (mean of the two middle values for an even count).
        public var median: Double
        public var mean: Double
        public var max: Int
    }

    /// One bar of the rating histogram: ratings equal to `value` (rounded to the scale's step).
    public struct HistogramBin: Sendable, Codable, Equatable {
        public var value: Float
        public var count: Int
    }

    public struct GenreCount: Sendable, Codable, Equatable {
        public var genre: String
        /// Catalog items with this genre.
        public var items: Int
        /// Ratings of those items.
        public var ratings: Int
    }

    /// The popularity long tail: the fewest items that together receive `coverage` of all ratings.
    public struct LongTail: Sendable, Codable, Equatable {
        /// The fraction of ratings to cover (0.8).
        public var coverage: Double
        /// The number of most-rated items needed.
        public var items: Int
        /// `items` divided by the number of rated items.
        public var shareOfRatedItems: Double
        /// `items` divided by the catalog size.
        public var shareOfCatalog: Double

        enum CodingKeys: String, CodingKey {
            case coverage, items
            case shareOfRatedItems = "share_of_rated_items"
            case shareOfCatalog = "share_of_catalog"
        }
    }

    /// First and last rating time (seconds since 1970, UTC).
    public struct TimeSpan: Sendable, Codable, Equatable {
        public var first: Int64
        public var last: Int64
        /// "YYYY-MM-DD" of `first` and `last` (UTC).
        public var firstDate: String
        public var lastDate: String
        public var days: Int

        enum CodingKeys: String, CodingKey {
            case first, last, days
            case firstDate = "first_date"
            case lastDate = "last_date"
        }
    }

    public var name: String
    /// Distinct users (with at least one rating).
    public var users: Int
    /// Distinct catalog items (the items file, or the rated items when there is none).
    public var items: Int
    /// Items with at least one rating.
    public var ratedItems: Int
    /// Ratings after duplicates were merged.
    public var ratings: Int
    /// `ratings / (users · items)`.
    public var density: Double
    public var ratingScale: RatingScale
    public var meanRating: Double
    /// Counts per rating value from the scale's minimum to its maximum, in steps.
    public var histogram: [HistogramBin]
    public var ratingsPerUser: Distribution
    /// Over every catalog item, unrated ones included (their count is 0).
    public var ratingsPerItem: Distribution
    /// Genres by number of ratings (most first), then name.
    public var topGenres: [GenreCount]
    public var longTail: LongTail
    /// Nil when the data has no timestamps.
    public var timeSpan: TimeSpan?
    public var duplicateRatings: Int
    public var placeholderItems: Int
    public var skippedLines: Int
    /// Users with attributes from a MovieLens users file (`u.user`, `users.dat`: age, gender, occupation,
    /// zip). A `users.csv` counts in `usersWithDemographics` only, so this key means what it always did.
    public var usersWithAttributes: Int
    /// The demographic attributes at least one user has (``Demographics/attributes`` order; region may
    /// come from a US zip code).
    public var demographics: [String]
    /// Users with at least one known demographic attribute.
    public var usersWithDemographics: Int
    /// How taste differs by one attribute (`info --by age`); absent otherwise.
    public var by: GroupStatistics?

    enum CodingKeys: String, CodingKey {
        case name, users, items, ratings, density, histogram
        case ratedItems = "rated_items"
        case ratingScale = "rating_scale"
        case meanRating = "mean_rating"
        case ratingsPerUser = "ratings_per_user"
        case ratingsPerItem = "ratings_per_item"
        case topGenres = "top_genres"
        case longTail = "long_tail"
        case timeSpan = "time_span"
        case duplicateRatings = "duplicate_ratings"
        case placeholderItems = "placeholder_items"
        case skippedLines = "skipped_lines"
        case usersWithAttributes = "users_with_attributes"
        case demographics
        case usersWithDemographics = "users_with_demographics"
        case by
    }

    /// The most histogram bars; wider scales are grouped into this many equal bins.
    public static let maxHistogramBins = 20

    /// Computes the statistics of `dataset`.
    public init(_ dataset: Dataset) {
        let m = dataset.ratings
        let n = m.count
        name = dataset.name
        users = dataset.userCount
        items = dataset.itemCount
        ratings = n
        let cells = Double(users) * Double(items)
        density = cells > 0 ? Double(n) / cells : 0
        ratingScale = dataset.scale
        var sum = 0.0
        for r in m.rowRatings { sum += Double(r) }
        meanRating = n > 0 ? sum / Double(n) : 0

        // Histogram in steps of the scale (or grouped when the scale is wide).
        let scale = dataset.scale
        var step = Double(scale.step > 0 ? scale.step : 1)
        let span = (Double(scale.max) - Double(scale.min)) / step
        var bins = span.isFinite && span >= 0 && span < 1e6 ? Int(span.rounded()) + 1 : Int.max
        if bins > Self.maxHistogramBins {
            bins = Self.maxHistogramBins
            step = max((Double(scale.max) - Double(scale.min)) / Double(bins - 1), .leastNonzeroMagnitude)
        }
        var counts = [Int](repeating: 0, count: bins)
        for r in m.rowRatings {
            let b = Int(((Double(r) - Double(scale.min)) / step).rounded())
            counts[Swift.min(Swift.max(b, 0), bins - 1)] += 1
        }
        histogram = counts.enumerated().map { HistogramBin(value: Float(Double(scale.min) + Double($0.offset) * step), count: $0.element) }

        ratingsPerUser = Self.distribution((0..<users).map { m.rowStart[$0 + 1] - m.rowStart[$0] })
        let itemCounts = (0..<items).map { m.colStart[$0 + 1] - m.colStart[$0] }
        ratingsPerItem = Self.distribution(itemCounts)
        ratedItems = itemCounts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }

        // Genres.
        var genreItems: [String: Int] = [:], genreRatings: [String: Int] = [:]
        for (i, item) in dataset.catalog.items.enumerated() {
            for g in Set(item.genres) {
                genreItems[g, default: 0] += 1
                genreRatings[g, default: 0] += itemCounts[i]
            }
        }
        topGenres = genreItems.keys.map { GenreCount(genre: $0, items: genreItems[$0]!, ratings: genreRatings[$0]!) }
            .sorted { $0.ratings != $1.ratings ? $0.ratings > $1.ratings : $0.genre < $1.genre }

        longTail = Self.longTail(itemCounts: itemCounts, ratedItems: ratedItems, coverage: 0.8)

        // Time span over known (non-zero) timestamps.
        var first = Int64.max, last = Int64.min
        for t in m.rowTimestamps where t != 0 {
            first = Swift.min(first, t)
            last = Swift.max(last, t)
        }
        timeSpan = first <= last
            ? TimeSpan(first: first, last: last, firstDate: Self.date(first), lastDate: Self.date(last),
                       days: Int((last - first) / 86_400))
            : nil
        duplicateRatings = dataset.loadReport.duplicateRatings
        placeholderItems = dataset.loadReport.placeholderItems
        skippedLines = dataset.loadReport.skippedLines
        usersWithAttributes = dataset.loadReport.usersCSV != nil ? 0
            : dataset.userAttributes.filter { $0 != UserAttributes() }.count
        demographics = Demographics.present(in: dataset.userAttributes)
        usersWithDemographics = dataset.userAttributes.filter { a in Demographics.codes(of: a).contains { $0 != nil } }.count
    }

    /// Min, median, mean and max of counts (all zero when empty).
    static func distribution(_ counts: [Int]) -> Distribution {
        guard !counts.isEmpty else { return Distribution(min: 0, median: 0, mean: 0, max: 0) }
        let s = counts.sorted()
        let mid = s.count / 2
        let median = s.count % 2 == 1 ? Double(s[mid]) : Double(s[mid - 1] + s[mid]) / 2
        let total = s.reduce(0, +)
        return Distribution(min: s[0], median: median, mean: Double(total) / Double(s.count), max: s[s.count - 1])
    }

    /// The fewest most-rated items whose ratings reach `coverage` of all ratings.
    static func longTail(itemCounts: [Int], ratedItems: Int, coverage: Double) -> LongTail {
        let total = itemCounts.reduce(0, +)
        let sorted = itemCounts.sorted(by: >)
        var k = 0
        var covered = 0
        let target = coverage * Double(total)
        while k < sorted.count && Double(covered) < target {
            covered += sorted[k]
            k += 1
        }
        return LongTail(coverage: coverage, items: k,
                        shareOfRatedItems: ratedItems > 0 ? Double(k) / Double(ratedItems) : 0,
                        shareOfCatalog: itemCounts.isEmpty ? 0 : Double(k) / Double(itemCounts.count))
    }

    /// "YYYY-MM-DD" (UTC, proleptic Gregorian) of a Unix time.
    ///
    /// Uses the days-to-civil conversion: shift the epoch to 0000-03-01 so leap
    /// days fall at the end of a 400-year era, then split into era, year of era,
    /// day of year and month.
    public static func date(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: Swift.max(0, w - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(d, 2))"
    }
}

extension Dataset {
    /// The dataset's statistics (computed on each call).
    public func statistics() -> DatasetStatistics { DatasetStatistics(self) }
}

import Foundation

/// Settings of the synthetic population.
public struct SampleGeneratorOptions: Sendable, Equatable {
    /// Every random number comes from SplitMix64 streams derived from this seed.
    public var seed: UInt64 = 42
    /// Number of simulated users.
    public var users: Int = 720
    /// First day a rating may carry (Unix seconds, UTC). Default 2015-01-01.
    public var startTime: Int64 = Int64(SampleMath.days(year: 2015, month: 1, day: 1)) * 86_400
    /// Last day a rating may carry (Unix seconds, UTC). Default 2025-06-30.
    public var endTime: Int64 = Int64(SampleMath.days(year: 2025, month: 6, day: 30)) * 86_400
    /// λ: the probability that a demographic attribute follows the user's primary archetype
    /// (``SampleDemographics``); 0 makes demographics independent of taste.
    public var demographicTie: Double = SampleDemographics.tieStrength

    public init(seed: UInt64 = 42, users: Int = 720) {
        self.seed = seed
        self.users = users
    }
}

/// A latent taste factor: a named mix of genre loadings and an era the factor prefers.
public struct SampleArchetype: Sendable, Equatable {
    public var name: String
    /// Loading per genre in `SampleCatalog.genres` order, in [-1, 1].
    public var loadings: [Double]
    /// Preferred release year and how wide (one standard deviation, in years) the preference is.
    public var eraCenter: Double
    public var eraWidth: Double
}

/// The hidden truth about one simulated user: what the generator used to pick and rate films.
public struct SampleTaste: Sendable, Equatable {
    /// 1-based, as written to `ratings.csv`.
    public var userId: Int
    /// Archetype index and mixing weight (weights sum to 1).
    public var archetypes: [(index: Int, weight: Double)]
    /// Taste per genre in `SampleCatalog.genres` order, in [-1, 1].
    public var genreTaste: [Double]
    /// Keywords the user is drawn to (positive) or put off by (negative), with weights.
    public var keywordTaste: [(keyword: String, weight: Double)]
    public var eraCenter: Double
    public var eraWidth: Double
    /// Added to every rating the user gives (stars).
    public var bias: Double
    /// Standard deviation of the per-rating noise (stars).
    public var noise: Double
    /// Exponent on item popularity when choosing what to watch: high = mainstream, low = explores the tail.
    public var mainstream: Double
    /// Number of ratings the user gives.
    public var activity: Int
    /// The window in which the user rates (Unix seconds).
    public var activeFrom: Int64
    public var activeTo: Int64

    public static func == (a: SampleTaste, b: SampleTaste) -> Bool {
        a.userId == b.userId && a.archetypes.map(\.index) == b.archetypes.map(\.index)
            && a.archetypes.map(\.weight) == b.archetypes.map(\.weight) && a.genreTaste == b.genreTaste
            && a.keywordTaste.map(\.keyword) == b.keywordTaste.map(\.keyword)
            && a.keywordTaste.map(\.weight) == b.keywordTaste.map(\.weight) && a.eraCenter == b.eraCenter
            && a.eraWidth == b.eraWidth && a.bias == b.bias && a.noise == b.noise && a.mainstream == b.mainstream
            && a.activity == b.activity && a.activeFrom == b.activeFrom && a.activeTo == b.activeTo
    }
}

/// One generated rating. `movie` indexes the catalog array given to the generator.
public struct SampleRating: Sendable, Equatable {
    public var userId: Int
    public var movie: Int
    public var stars: Int
    public var timestamp: Int64
}

/// What the generator produced: the catalog it used, the true tastes, and the ratings.
public struct SampleOutput: Sendable {
    public var movies: [SampleMovie]
    public var tastes: [SampleTaste]
    /// Sorted by user, then time, then movie.
    public var ratings: [SampleRating]
    /// Popularity latent (log scale) and quality bias (stars) per movie, for lessons and tests.
    public var itemPopularity: [Double]
    public var itemBias: [Double]
    /// Each user's synthetic demographics, in `tastes` order (see ``SampleDemographics``).
    public var demographics: [UserAttributes]
}

/// A seeded generator of synthetic ratings over a real catalog.
///
/// The model, per user u and film i (all draws from SplitMix64 streams derived from the seed):
///
/// - Taste: u mixes one or two archetypes (latent factors, see `archetypes`):
///   `t_u,g = clamp(Σ_a w_a·L_a,g + 0.2·N(0,1), −1, 1)`; plus 3–5 liked and 1–2 disliked keywords
///   (weights ±0.3…0.9) and an era preference `(c_u, s_u)`.
/// - Affinity: `A_ui = mean_{g∈G_i} t_u,g + 0.45·clamp(Σ_{k∈K_i} κ_u,k, −1.5, 1.5) + 0.5·(exp(−(y_i−c_u)²/2s_u²) − 0.5)`.
/// - Popularity: `p_i = 1.7·z_i + mean_{g∈G_i} π_g + Σ_{k∈K_i} ρ_k + 0.5·clamp((y_i − 1965)/30, −1, 1)`,
///   `z_i ~ N(0,1)`, π = `genrePopularity`, ρ = `keywordPopularity` — a log-normal long tail.
/// - What u watches: n_u films drawn without replacement with weight `exp(α_u·p_i + 2.6·A_ui)`
///   among films released before the end of u's active window (α_u = mainstreamness).
/// - Activity n_u: 70 % of users 20–60 ratings, 25 % 60–200, 5 % 200–500.
/// - Stars: `r_ui = clamp(round(2.95 + b_u + b_i + 1.5·A_ui + ε), 1, 5)`, `b_u ~ N(0, 0.4)`,
///   `b_i = 0.2·z_i + 0.3·N(0,1)`, `ε ~ N(0, σ_u)`, σ_u ∈ [0.5, 0.95].
/// - Time: uniform in u's window, never before the film's release (1 July of its year).
/// - Demographics: age bracket, gender, occupation and region, tied to the primary archetype with
///   probability 0.35 per attribute, from separate streams (``SampleDemographics``).
///
/// Users are generated from independent streams, so `--users 100` gives the first 100 users of
/// `--users 720` unchanged.
public enum SampleGenerator {
    /// The latent factors users are mixed from.
    public static let archetypes: [SampleArchetype] = {
        func a(_ name: String, _ center: Double, _ width: Double, _ l: [String: Double]) -> SampleArchetype {
            SampleArchetype(name: name, loadings: SampleCatalog.genres.map { l[$0] ?? 0 }, eraCenter: center,
                            eraWidth: width)
        }
        return [
            a("blockbuster", 2008, 15, ["Action": 1, "Adventure": 0.9, "Sci-Fi": 0.7, "Fantasy": 0.6, "Thriller": 0.4,
                                        "Documentary": -0.6, "Film-Noir": -0.5, "Musical": -0.4, "Western": -0.2]),
            a("sci-fi", 1995, 25, ["Sci-Fi": 1, "Fantasy": 0.5, "Thriller": 0.4, "Mystery": 0.3, "Horror": 0.2,
                                   "Romance": -0.5, "Musical": -0.6, "Children": -0.3]),
            a("crime-thriller", 1995, 25, ["Crime": 1, "Thriller": 0.9, "Mystery": 0.7, "Film-Noir": 0.5, "Drama": 0.2,
                                           "Children": -0.7, "Musical": -0.6, "Animation": -0.5]),
            a("classic-cinephile", 1955, 18, ["Film-Noir": 1, "Drama": 0.6, "Western": 0.6, "War": 0.5, "Mystery": 0.4,
                                              "Romance": 0.3, "Action": -0.3, "Children": -0.4, "Animation": -0.3]),
            a("family-animation", 2005, 20, ["Animation": 1, "Children": 0.9, "Fantasy": 0.6, "Musical": 0.5,
                                             "Comedy": 0.5, "Adventure": 0.4, "Horror": -0.9, "Crime": -0.4,
                                             "War": -0.4, "Film-Noir": -0.5]),
            a("romance-musical", 1990, 30, ["Romance": 1, "Musical": 0.8, "Comedy": 0.6, "Drama": 0.4, "Horror": -0.8,
                                            "War": -0.5, "Sci-Fi": -0.4, "Western": -0.4]),
            a("horror", 1995, 25, ["Horror": 1, "Thriller": 0.6, "Mystery": 0.4, "Sci-Fi": 0.4, "Children": -0.6,
                                   "Musical": -0.5, "Romance": -0.4, "Documentary": -0.3]),
            a("arthouse-drama", 1985, 30, ["Drama": 1, "Documentary": 0.6, "Romance": 0.3, "War": 0.3, "Mystery": 0.2,
                                           "Action": -0.5, "Children": -0.5, "Adventure": -0.3, "Animation": -0.2]),
            a("comedy", 2000, 20, ["Comedy": 1, "Romance": 0.4, "Adventure": 0.3, "Animation": 0.3, "Crime": 0.2,
                                   "Documentary": -0.4, "War": -0.5, "Horror": -0.4, "Film-Noir": -0.3]),
            a("history-war", 1975, 25, ["War": 1, "Western": 0.7, "Documentary": 0.6, "Drama": 0.5, "Action": 0.3,
                                        "Musical": -0.5, "Children": -0.5, "Romance": -0.3, "Horror": -0.4]),
        ]
    }()

    /// How much a genre raises a film's popularity prior (log scale), in `SampleCatalog.genres` order:
    /// action, adventure, animation, sci-fi and fantasy draw crowds; documentaries and film noir draw few.
    public static let genrePopularity: [Double] = {
        let p: [String: Double] = ["Action": 0.5, "Adventure": 0.5, "Animation": 0.3, "Children": 0.1, "Comedy": 0.3,
                                   "Crime": 0.2, "Documentary": -0.8, "Drama": -0.1, "Fantasy": 0.3,
                                   "Film-Noir": -0.5, "Horror": -0.1, "Musical": -0.2, "Mystery": 0.0,
                                   "Romance": 0.0, "Sci-Fi": 0.4, "Thriller": 0.2, "War": -0.2, "Western": -0.3]
        return SampleCatalog.genres.map { p[$0] ?? 0 }
    }()

    /// Catalog markers of mass appeal (franchises, superheroes, computer animation) and of niche
    /// appeal (black-and-white, silent), added to a film's popularity prior (log scale).
    public static let keywordPopularity: [String: Double] = [
        "sequel": 0.5, "based-on-comic": 0.4, "superhero": 0.4, "computer-animation": 0.5, "epic": 0.2,
        "feel-good": 0.2, "black-and-white": -0.6, "silent-film": -0.4,
    ]

    // Stream numbers for SplitMix64.derived, kept apart so adding users never shifts item draws.
    static let itemStream: UInt64 = 1
    static func userStream(_ u: Int) -> UInt64 { 1_000_000 + UInt64(u) }

    /// Generates tastes and ratings for `movies` (already parsed, e.g. by `SampleCatalog.load`).
    ///
    /// - Complexity: O(U·(M + n̄·log M)) for U users, M movies, n̄ ratings per user.
    public static func generate(movies: [SampleMovie], options: SampleGeneratorOptions = .init()) -> SampleOutput {
        let genreIndex = Dictionary(uniqueKeysWithValues: SampleCatalog.genres.enumerated().map { ($1, $0) })
        var keywordIndex: [String: Int] = [:]
        var keywordNames: [String] = []
        let movieGenres: [[Int]] = movies.map { $0.genres.compactMap { genreIndex[$0] } }
        let movieKeywords: [[Int]] = movies.map { m in
            m.keywords.map { k in
                if let i = keywordIndex[k] { return i }
                keywordIndex[k] = keywordNames.count
                keywordNames.append(k)
                return keywordNames.count - 1
            }
        }
        let years: [Double] = movies.map { Double($0.year ?? 1990) }
        let yearRange = Int(years.min() ?? 1990)...Int(years.max() ?? 1990)
        let yearSlot: [Int] = years.map { Int($0) - yearRange.lowerBound }
        let releaseTime: [Int64] = movies.map { Int64(SampleMath.days(year: $0.year ?? 1900, month: 7, day: 1)) * 86_400 }

        // Items: popularity (log scale) and quality bias.
        var itemRNG = SplitMix64.derived(seed: options.seed, stream: itemStream)
        var popularity = [Double](repeating: 0, count: movies.count)
        var itemBias = [Double](repeating: 0, count: movies.count)
        for i in movies.indices {
            let z = SampleMath.gaussian(&itemRNG)
            let recency = min(1, max(-1, (years[i] - 1965) / 30))
            var prior = 0.0
            for g in movieGenres[i] { prior += genrePopularity[g] }
            if !movieGenres[i].isEmpty { prior /= Double(movieGenres[i].count) }
            for k in movies[i].keywords { prior += keywordPopularity[k] ?? 0 }
            popularity[i] = 1.7 * z + prior + 0.5 * recency
            itemBias[i] = 0.2 * z + 0.3 * SampleMath.gaussian(&itemRNG)
        }

        var tastes: [SampleTaste] = []
        var ratings: [SampleRating] = []
        tastes.reserveCapacity(options.users)
        let span = max(86_400, options.endTime - options.startTime)
        for u in 0..<max(0, options.users) {
            var rng = SplitMix64.derived(seed: options.seed, stream: userStream(u))
            let taste = makeTaste(userId: u + 1, rng: &rng, options: options, span: span, movieGenres: movieGenres,
                                  movieKeywords: movieKeywords, keywordNames: keywordNames)
            let kwWeight = denseKeywordWeights(taste, keywordIndex: keywordIndex, count: keywordNames.count)
            // The era term depends on the year only: one exp per distinct year, not per film.
            var eraByYear = [Double](repeating: 0, count: yearRange.count)
            for (k, y) in yearRange.enumerated() { eraByYear[k] = eraAffinity(year: Double(y), taste: taste) }

            // Candidates: films released before the user's window ends.
            var candidates: [Int] = []
            var affinity: [Double] = []
            var logWeights: [Double] = []
            for i in movies.indices where releaseTime[i] < taste.activeTo {
                let a = self.affinity(genres: movieGenres[i], keywords: movieKeywords[i],
                                      era: eraByYear[yearSlot[i]], taste: taste, keywordWeight: kwWeight)
                candidates.append(i)
                affinity.append(a)
                logWeights.append(taste.mainstream * popularity[i] + 2.6 * a)
            }
            guard !candidates.isEmpty else {
                tastes.append(taste)
                continue
            }
            // Integer weights, scaled so the largest is 2^40 and none is zero.
            let maxLog = logWeights.max() ?? 0
            let scaled = logWeights.map { UInt64(max(1, (SampleMath.exp($0 - maxLog) * 1_099_511_627_776).rounded())) }
            var sampler = FenwickSampler(weights: scaled)
            let n = min(taste.activity, candidates.count)
            var mine: [SampleRating] = []
            mine.reserveCapacity(n)
            for _ in 0..<n {
                guard let c = sampler.draw(&rng) else { break }
                let i = candidates[c]
                let raw = 2.95 + taste.bias + itemBias[i] + 1.5 * affinity[c] + taste.noise * SampleMath.gaussian(&rng)
                let stars = Int(min(5, max(1, raw.rounded())))
                let from = max(taste.activeFrom, releaseTime[i])
                let width = max(1, taste.activeTo - from)
                let t = from + Int64(rng.next() % UInt64(width))
                mine.append(SampleRating(userId: u + 1, movie: i, stars: stars, timestamp: t))
            }
            mine.sort { ($0.timestamp, $0.movie) < ($1.timestamp, $1.movie) }
            var recorded = taste
            recorded.activity = mine.count
            tastes.append(recorded)
            ratings.append(contentsOf: mine)
        }
        return SampleOutput(movies: movies, tastes: tastes, ratings: ratings, itemPopularity: popularity,
                            itemBias: itemBias,
                            demographics: SampleDemographics.draw(tastes: tastes, seed: options.seed,
                                                                      tie: options.demographicTie))
    }

    /// `A_ui`: how much user u is drawn to a film with these genres, keywords and year.
    /// `era` is `eraAffinity(year:taste:)` of the film's year.
    static func affinity(genres: [Int], keywords: [Int], era: Double, taste: SampleTaste,
                         keywordWeight: [Double]) -> Double {
        var g = 0.0
        for x in genres { g += taste.genreTaste[x] }
        if !genres.isEmpty { g /= Double(genres.count) }
        var k = 0.0
        for x in keywords { k += keywordWeight[x] }
        return g + 0.45 * min(1.5, max(-1.5, k)) + 0.5 * era
    }

    /// `exp(−(y − c_u)²/2s_u²) − 0.5`: +0.5 at the user's favourite year, −0.5 far from it.
    static func eraAffinity(year: Double, taste: SampleTaste) -> Double {
        let d = (year - taste.eraCenter) / taste.eraWidth
        return SampleMath.exp(-0.5 * d * d) - 0.5
    }

    static func denseKeywordWeights(_ taste: SampleTaste, keywordIndex: [String: Int], count: Int) -> [Double] {
        var w = [Double](repeating: 0, count: count)
        for (k, v) in taste.keywordTaste { if let i = keywordIndex[k] { w[i] += v } }
        return w
    }

    static func makeTaste(userId: Int, rng: inout SplitMix64, options: SampleGeneratorOptions, span: Int64,
                          movieGenres: [[Int]], movieKeywords: [[Int]], keywordNames: [String]) -> SampleTaste {
        let A = archetypes
        // Latent mix: a primary archetype, and with probability 0.6 a secondary one.
        let primary = rng.nextInt(A.count)
        var mix: [(index: Int, weight: Double)] = [(primary, 1)]
        if rng.nextDouble() < 0.6 {
            var secondary = rng.nextInt(A.count - 1)
            if secondary >= primary { secondary += 1 }
            let s = SampleMath.uniform(&rng, 0.1, 0.45)
            mix = [(primary, 1 - s), (secondary, s)]
        }
        var genreTaste = [Double](repeating: 0, count: SampleCatalog.genres.count)
        for g in genreTaste.indices {
            var v = 0.2 * SampleMath.gaussian(&rng)
            for (a, w) in mix { v += w * A[a].loadings[g] }
            genreTaste[g] = min(1, max(-1, v))
        }
        var eraCenter = 0.0, eraWidth = 0.0
        for (a, w) in mix {
            eraCenter += w * A[a].eraCenter
            eraWidth += w * A[a].eraWidth
        }
        eraCenter += 8 * SampleMath.gaussian(&rng)
        eraWidth *= SampleMath.uniform(&rng, 0.7, 1.3)

        // Keywords: liked ones come from films of the user's favourite genres, disliked from films they avoid.
        func meanTaste(_ i: Int) -> Double {
            let gs = movieGenres[i]
            guard !gs.isEmpty else { return 0 }
            return gs.reduce(0) { $0 + genreTaste[$1] } / Double(gs.count)
        }
        var keywordTaste: [(keyword: String, weight: Double)] = []
        var used = Set<Int>()
        func pickKeyword(fromFilmsWhere accept: (Double) -> Bool, weight: Double) {
            for _ in 0..<200 {
                let i = rng.nextInt(movieGenres.count)
                guard accept(meanTaste(i)), !movieKeywords[i].isEmpty else { continue }
                let k = movieKeywords[i][rng.nextInt(movieKeywords[i].count)]
                guard used.insert(k).inserted else { continue }
                keywordTaste.append((keywordNames[k], weight))
                return
            }
        }
        let liked = 3 + rng.nextInt(3), disliked = 1 + rng.nextInt(2)
        for _ in 0..<liked { pickKeyword(fromFilmsWhere: { $0 > 0.35 }, weight: SampleMath.uniform(&rng, 0.3, 0.9)) }
        for _ in 0..<disliked {
            pickKeyword(fromFilmsWhere: { $0 < -0.1 }, weight: -SampleMath.uniform(&rng, 0.3, 0.9))
        }

        // Activity: skewed, a few very active users.
        let roll = rng.nextDouble()
        let heavy = roll < 0.05
        let activity: Int
        if heavy {
            activity = 200 + rng.nextInt(301)
        } else if roll < 0.30 {
            activity = 60 + rng.nextInt(141)
        } else {
            activity = 20 + rng.nextInt(41)
        }
        let mainstream = SampleMath.uniform(&rng, 0.7, 1.4) - (heavy ? 0.25 : 0)
        let bias = 0.4 * SampleMath.gaussian(&rng)
        let noise = SampleMath.uniform(&rng, 0.5, 0.95)

        // Active window: heavy users stay for years, others for weeks to two years.
        let day: Int64 = 86_400
        let length = heavy ? Int64(365 + rng.nextInt(1100)) * day : Int64(20 + rng.nextInt(700)) * day
        let clipped = min(length, span)
        let from = options.startTime + Int64(rng.next() % UInt64(max(1, span - clipped + 1)))
        return SampleTaste(userId: userId, archetypes: mix, genreTaste: genreTaste, keywordTaste: keywordTaste,
                           eraCenter: eraCenter, eraWidth: eraWidth, bias: bias, noise: noise, mainstream: mainstream,
                           activity: activity, activeFrom: from, activeTo: from + clipped)
    }
}

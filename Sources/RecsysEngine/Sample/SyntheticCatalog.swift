import Foundation

/// A seeded catalog of made-up films shaped like MovieLens latest: many films, genres that come
/// in realistic clusters, a recent-heavy release year distribution and a few keywords per film.
///
/// `sample generate --synthetic-movies N` writes it as `movies.csv` and then simulates users over
/// it with ``SampleGenerator``, so the folder has ratings with real genre structure and known
/// tastes (`tastes.csv`). docs/defaults.md uses a 10,000-film catalog of this kind as its third
/// dataset, beside ml-100k and the bundled sample.
///
/// Model, per film (SplitMix64 stream derived from the seed):
/// - a *kind* drawn with the weights of `kinds` (drama, comedy, action, …), which fixes a
///   probability for each genre; each genre is then included independently with its
///   probability (at least the kind's first genre), and with probability 0.1 one random genre
///   more. The kinds are tuned so the genre shares follow ml-latest-small's order (Drama ≈ 45 %,
///   Comedy ≈ 39 %, Thriller, Action, Romance, … Film-Noir ≈ 1 %), with ~2.2 genres per film;
/// - a release year 2018 − ⌊E⌋, E exponential with mean 17 (clamped to 1915), so recent films
///   dominate as in MovieLens;
/// - one to three keywords from the kind's pool, plus "black-and-white" before 1960,
///   "computer-animation" for animation after 1995 and "sequel" for 8 % of films;
/// - a director shared by about four films.
public enum SyntheticCatalog {
    /// A kind of film: its weight, and the probability of each genre given the kind (the first is certain).
    struct Kind {
        var weight: Double
        var genres: [(String, Double)]
        var keywords: [String]
    }

    static let kinds: [Kind] = [
        Kind(weight: 0.22, genres: [("Drama", 1), ("Romance", 0.25), ("Comedy", 0.1), ("Crime", 0.1), ("War", 0.08),
                                    ("Mystery", 0.05)],
             keywords: ["family", "based-on-novel", "coming-of-age", "death", "friendship", "small-town", "loneliness"]),
        Kind(weight: 0.20, genres: [("Comedy", 1), ("Romance", 0.35), ("Drama", 0.25), ("Crime", 0.08),
                                    ("Fantasy", 0.05), ("Musical", 0.04)],
             keywords: ["satire", "feel-good", "road-trip", "wedding", "slapstick", "parody", "new-york"]),
        Kind(weight: 0.13, genres: [("Action", 1), ("Adventure", 0.45), ("Thriller", 0.45), ("Sci-Fi", 0.3),
                                    ("Crime", 0.25), ("Fantasy", 0.1), ("War", 0.05), ("Western", 0.04)],
             keywords: ["martial-arts", "car-chase", "heist", "superhero", "based-on-comic", "revenge", "spy"]),
        Kind(weight: 0.12, genres: [("Thriller", 0.8), ("Crime", 0.6), ("Drama", 0.5), ("Mystery", 0.35),
                                    ("Action", 0.1), ("Film-Noir", 0.08)],
             keywords: ["police", "serial-killer", "detective", "conspiracy", "wrong-man", "heist", "prison"]),
        Kind(weight: 0.08, genres: [("Horror", 1), ("Thriller", 0.5), ("Mystery", 0.2), ("Sci-Fi", 0.2),
                                    ("Comedy", 0.1), ("Fantasy", 0.1)],
             keywords: ["supernatural", "haunted-house", "zombie", "slasher", "monster", "possession", "vampire"]),
        Kind(weight: 0.08, genres: [("Children", 0.8), ("Animation", 0.6), ("Comedy", 0.5), ("Adventure", 0.5),
                                    ("Fantasy", 0.4), ("Musical", 0.12)],
             keywords: ["talking-animals", "friendship", "fairy-tale", "magic", "toys", "princess", "feel-good"]),
        Kind(weight: 0.07, genres: [("Sci-Fi", 0.7), ("Fantasy", 0.5), ("Adventure", 0.5), ("Action", 0.3),
                                    ("Mystery", 0.1)],
             keywords: ["space", "dystopia", "time-travel", "robot", "alien", "post-apocalyptic", "magic"]),
        Kind(weight: 0.045, genres: [("Documentary", 1), ("War", 0.05), ("Drama", 0.05), ("Musical", 0.04)],
             keywords: ["music", "nature", "politics", "history", "sports", "biography", "true-story"]),
        Kind(weight: 0.035, genres: [("War", 0.7), ("Drama", 0.6), ("Western", 0.45), ("Action", 0.3),
                                     ("Adventure", 0.2)],
             keywords: ["world-war-ii", "soldier", "cowboy", "frontier", "battle", "history", "anti-war"]),
        Kind(weight: 0.02, genres: [("Musical", 1), ("Romance", 0.5), ("Comedy", 0.5), ("Drama", 0.3)],
             keywords: ["dance", "broadway", "singer", "music", "show-business", "romance-triangle", "feel-good"]),
    ]

    /// `count` films with ids 1…count; the same seed gives the same films.
    public static func generate(count: Int, seed: UInt64) -> [SampleMovie] {
        var rng = SplitMix64.derived(seed: seed, stream: 7_000_000)
        let total = kinds.reduce(0) { $0 + $1.weight }
        let directors = max(1, count / 4)
        var movies: [SampleMovie] = []
        movies.reserveCapacity(max(0, count))
        for j in 0..<max(0, count) {
            var r = rng.nextDouble() * total
            var kind = kinds[kinds.count - 1]
            for k in kinds {
                if r < k.weight { kind = k; break }
                r -= k.weight
            }
            var genres: [String] = []
            for (k, (g, p)) in kind.genres.enumerated() where k == 0 || rng.nextDouble() < p {
                genres.append(g)
            }
            if rng.nextDouble() < 0.1 {
                let extra = SampleCatalog.genres[rng.nextInt(SampleCatalog.genres.count)]
                if !genres.contains(extra) { genres.append(extra) }
            }
            let exponential = -17 * log(max(1e-12, 1 - rng.nextDouble()))
            let year = max(1915, 2018 - Int(exponential))
            var keywords: [String] = []
            for _ in 0..<(1 + rng.nextInt(3)) {
                let k = kind.keywords[rng.nextInt(kind.keywords.count)]
                if !keywords.contains(k) { keywords.append(k) }
            }
            if year < 1960 { keywords.append("black-and-white") }
            if genres.contains("Animation") && year > 1995 { keywords.append("computer-animation") }
            if rng.nextDouble() < 0.08 { keywords.append("sequel") }
            let order = SampleCatalog.genres
            genres.sort { (order.firstIndex(of: $0) ?? 99) < (order.firstIndex(of: $1) ?? 99) }
            movies.append(SampleMovie(id: String(j + 1), title: "Synthetic Film \(j + 1) (\(year))", year: year,
                                      genres: genres, keywords: keywords,
                                      director: "Director \(1 + rng.nextInt(directors))"))
        }
        return movies
    }

    /// The films as `movies.csv` in the sample layout (movieId,title,genres,keywords,director).
    public static func csv(_ movies: [SampleMovie]) -> Data {
        var lines = [SampleCatalog.header.joined(separator: ",")]
        lines.reserveCapacity(movies.count + 1)
        for m in movies {
            lines.append([m.id, m.title, m.genres.joined(separator: "|"), m.keywords.joined(separator: "|"), m.director]
                .joined(separator: ","))
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }
}

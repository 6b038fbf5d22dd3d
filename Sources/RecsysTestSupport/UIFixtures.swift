import RecsysEngine

/// A tiny, hand-made movie dataset for UI tests: 16 movies (one accented title, one CJK title),
/// 10 users with tastes in clusters (sci-fi fans, drama fans, comedy fans), whole or half stars.
///
/// Deterministic: the same call gives the same dataset.
public enum UIFixtures {
    public static let movies: [Item] = [
        Item(rawID: "1", title: "Star Wars (1977)", year: 1977, genres: ["Action", "Adventure", "Sci-Fi"],
             keywords: ["space", "rebellion"], director: "George Lucas"),
        Item(rawID: "2", title: "Alien (1979)", year: 1979, genres: ["Horror", "Sci-Fi"], keywords: ["space", "monster"],
             director: "Ridley Scott"),
        Item(rawID: "3", title: "Aliens (1986)", year: 1986, genres: ["Action", "Sci-Fi"], keywords: ["space", "marines"],
             director: "James Cameron"),
        Item(rawID: "4", title: "Blade Runner (1982)", year: 1982, genres: ["Sci-Fi", "Thriller"],
             keywords: ["android", "noir"], director: "Ridley Scott"),
        Item(rawID: "5", title: "The Terminator (1984)", year: 1984, genres: ["Action", "Sci-Fi"],
             keywords: ["android", "time travel"], director: "James Cameron"),
        Item(rawID: "6", title: "Casablanca (1942)", year: 1942, genres: ["Drama", "Romance"], keywords: ["war", "love"],
             director: "Michael Curtiz"),
        Item(rawID: "7", title: "The Godfather (1972)", year: 1972, genres: ["Crime", "Drama"], keywords: ["mafia", "family"],
             director: "Francis Ford Coppola"),
        Item(rawID: "8", title: "Amélie (2001)", year: 2001, genres: ["Comedy", "Romance"], keywords: ["paris", "whimsy"],
             director: "Jean-Pierre Jeunet"),
        Item(rawID: "9", title: "Schindler's List (1993)", year: 1993, genres: ["Drama", "War"],
             keywords: ["holocaust", "history"], director: "Steven Spielberg"),
        Item(rawID: "10", title: "Groundhog Day (1993)", year: 1993, genres: ["Comedy", "Fantasy", "Romance"],
             keywords: ["time loop"], director: "Harold Ramis"),
        Item(rawID: "11", title: "Airplane! (1980)", year: 1980, genres: ["Comedy"], keywords: ["parody"],
             director: "Jim Abrahams"),
        Item(rawID: "12", title: "千と千尋の神隠し (2001)", year: 2001, genres: ["Animation", "Fantasy"],
             keywords: ["spirits"], director: "Hayao Miyazaki"),
        Item(rawID: "13", title: "Toy Story (1995)", year: 1995, genres: ["Animation", "Children's", "Comedy"],
             keywords: ["toys"], director: "John Lasseter"),
        Item(rawID: "14", title: "Heat (1995)", year: 1995, genres: ["Action", "Crime", "Thriller"],
             keywords: ["heist"], director: "Michael Mann"),
        Item(rawID: "15", title: "Fargo (1996)", year: 1996, genres: ["Crime", "Drama", "Thriller"],
             keywords: ["kidnapping", "snow"], director: "Joel Coen"),
        Item(rawID: "16", title: "Obscure Festival Short (1999)", year: 1999, genres: ["Documentary"]),
    ]

    /// (user, item raw id, stars) — users 1–3 like sci-fi, 4–6 drama, 7–9 comedy, 10 a bit of everything.
    static let ratings: [(String, String, Float)] = [
        ("u1", "1", 5), ("u1", "2", 5), ("u1", "3", 4), ("u1", "4", 5), ("u1", "5", 4), ("u1", "6", 2), ("u1", "11", 3),
        ("u2", "1", 5), ("u2", "2", 4), ("u2", "3", 5), ("u2", "5", 5), ("u2", "14", 4), ("u2", "7", 3),
        ("u3", "1", 4), ("u3", "4", 5), ("u3", "5", 4), ("u3", "12", 4), ("u3", "10", 2),
        ("u4", "6", 5), ("u4", "7", 5), ("u4", "9", 5), ("u4", "15", 4), ("u4", "1", 3), ("u4", "8", 3),
        ("u5", "6", 4), ("u5", "7", 5), ("u5", "9", 4), ("u5", "14", 4), ("u5", "15", 5), ("u5", "2", 2),
        ("u6", "7", 4), ("u6", "9", 5), ("u6", "15", 4), ("u6", "6", 4), ("u6", "13", 2),
        ("u7", "8", 5), ("u7", "10", 5), ("u7", "11", 4), ("u7", "13", 4), ("u7", "1", 3),
        ("u8", "8", 4), ("u8", "10", 4), ("u8", "11", 5), ("u8", "12", 5), ("u8", "13", 5), ("u8", "6", 3),
        ("u9", "10", 5), ("u9", "11", 4), ("u9", "13", 4), ("u9", "8", 5), ("u9", "9", 2),
        ("u10", "1", 4), ("u10", "7", 4), ("u10", "8", 4), ("u10", "14", 3), ("u10", "16", 3), ("u10", "12", 5),
    ]

    /// The fixture dataset. With `halfStars`, every rating of an even-numbered user is lowered by half a star
    /// and the scale is 0.5–5 in steps of 0.5.
    public static func dataset(halfStars: Bool = false) -> Dataset {
        let catalog = Catalog(items: movies)
        var users = Vocabulary()
        var triples: [RatingTriple] = []
        for (k, (u, i, r)) in ratings.enumerated() {
            let user = users.insert(u)
            let value = halfStars && Int(u.dropFirst())! % 2 == 0 ? r - 0.5 : r
            triples.append(RatingTriple(user: user, item: catalog.index(of: i)!, rating: value,
                                        timestamp: 1_000_000 + Int64(k)))
        }
        let matrix = RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: triples)
        let attributes = (0..<users.count).map { k in
            UserAttributes(age: 20 + 3 * k, gender: k % 2 == 0 ? "F" : "M", occupation: ["student", "writer", "engineer"][k % 3])
        }
        return Dataset(name: halfStars ? "fixture-half" : "fixture", source: "memory", catalog: catalog, users: users,
                       ratings: matrix, userAttributes: attributes, scale: halfStars ? .halfStars : .wholeStars)
    }
}

extension UIFixtures {
    /// A synthetic catalog the size of MovieLens-latest-small (by default 9 700 movies, 610 users, ~100 000 ratings)
    /// with made-up titles, years and genres, for render benchmarks. Seeded: the same arguments give the same data.
    public static func synthetic(items: Int = 9_700, users: Int = 610, ratingsPerUser: Int = 165,
                                 seed: UInt64 = 7) -> Dataset {
        var rng = SplitMix64(seed: seed)
        let genres = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
                      "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
                      "Western"]
        let words = ["Night", "City", "Return", "Dark", "Love", "Last", "Star", "Blue", "Summer", "Secret", "Lost",
                     "Kingdom", "River", "Ghost", "Éclair", "Dream", "Iron", "Storm", "Garden", "Shadow"]
        var list: [Item] = []
        for k in 0..<items {
            let title = (0..<(2 + rng.nextInt(3))).map { _ in words[rng.nextInt(words.count)] }.joined(separator: " ")
            let year = 1930 + rng.nextInt(90)
            let g = Array(Set((0..<(1 + rng.nextInt(3))).map { _ in genres[rng.nextInt(genres.count)] })).sorted()
            list.append(Item(rawID: String(k + 1), title: "\(title) \(k) (\(year))", year: year, genres: g,
                             keywords: ["tag\(k % 50)"], director: "Director \(k % 300)"))
        }
        let catalog = Catalog(items: list)
        var vocab = Vocabulary()
        var triples: [RatingTriple] = []
        for u in 0..<users {
            let user = vocab.insert("u\(u + 1)")
            var seen = Set<Int>()
            for _ in 0..<ratingsPerUser {
                // Popularity skew: squaring a uniform draw favours low indices.
                let x = rng.nextDouble()
                let i = Int(x * x * Double(items))
                guard seen.insert(i).inserted else { continue }
                triples.append(RatingTriple(user: user, item: Int32(i), rating: Float(1 + rng.nextInt(9)) * 0.5 + 0.5))
            }
        }
        return Dataset(name: "synthetic", catalog: catalog, users: vocab,
                       ratings: RatingMatrix(userCount: users, itemCount: items, triples: triples), scale: .halfStars)
    }
}

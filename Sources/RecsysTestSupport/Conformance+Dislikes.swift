import RecsysEngine
import RecsysUI

/// The dislike suite (issue 11): a 1★ is a dislike for every algorithm.
///
/// Profile L rates the 10 most popular films of one genre 5★; profile D is L plus the 10 most
/// popular films of another genre rated 1★. For every algorithm:
/// 1. the disliked genre's share of D's top 20 is at most its share of L's top 20 + 0.05;
/// 2. no reason line for D's top 20 cites a 1★ film, and no explanation term counts a 1★ film
///    as a like (a `.ratedItem` term, or a liked `related` film).
extension Conformance {
    /// The outcome of the suite for one algorithm on one dataset.
    public struct DislikeReport: Sendable, CustomStringConvertible {
        public var algorithm: String
        public var liked: String
        public var disliked: String
        /// The disliked genre's share of the top 20, for L and for D.
        public var shareL: Double
        public var shareD: Double
        /// Reasons (of D's top 20) that cite a 1★ film.
        public var citingReasons: [String]
        /// Explanation terms (of D's top 20) that count a 1★ film as a like.
        public var likeTerms: Int

        public var passes: Bool { shareD <= shareL + 0.05 + 1e-9 && citingReasons.isEmpty && likeTerms == 0 }

        public var description: String {
            "\(algorithm): \(disliked) share of the top 20 \(fmt(shareL)) → \(fmt(shareD)) after disliking 10 \(disliked) films"
                + " (liking \(liked)); \(citingReasons.count) reasons cite a 1★ film"
                + (citingReasons.first.map { " (e.g. \"\($0)\")" } ?? "") + "; \(likeTerms) terms count a 1★ film as a like"
        }

        private func fmt(_ x: Double) -> String { String(Int((x * 100).rounded())) + "%" }
    }

    /// The `count` most rated films of `genre`, most rated first (ties by index).
    public static func mostPopular(_ genre: String, in data: Dataset, count: Int = 10) -> [Int32] {
        let items = (0..<Int32(data.itemCount)).filter { data.catalog[$0].genres.contains(genre) }
        return Array(items.sorted {
            let a = data.ratings.columnCount($0), b = data.ratings.columnCount($1)
            return a != b ? a > b : $0 < $1
        }.prefix(count))
    }

    /// Runs the dislike suite for a fitted model: like `liked`'s top 10, then also dislike `disliked`'s.
    public static func dislikeReport(_ m: any Recommender, data: Dataset, liked: String, disliked: String) -> DislikeReport {
        let likes = mostPopular(liked, in: data), dislikes = mostPopular(disliked, in: data)
        let l = Profile(likes.map { ($0, data.scale.max) })
        let d = Profile(likes.map { ($0, data.scale.max) } + dislikes.map { ($0, data.scale.min) })
        func share(_ p: Profile) -> (Double, [ScoredItem]) {
            let top = m.recommend(p, count: 20)
            let hits = top.filter { data.catalog[$0.item].genres.contains(disliked) }.count
            return (top.isEmpty ? 0 : Double(hits) / Double(top.count), top)
        }
        let (sl, _) = share(l)
        let (sd, topD) = share(d)
        let text = ExplanationText(dataset: data)
        let oneStar = Set(dislikes)
        let titles = dislikes.map { data.catalog[$0].title }
        var citing: [String] = []
        var likeTerms = 0
        for r in topD {
            let e = m.explain(d, item: r.item)
            let reason = text.reason(e)
            if titles.contains(where: { reason.contains($0) }) { citing.append(reason) }
            likeTerms += allTerms(e).filter { t in
                guard let i = t.item, oneStar.contains(i) else { return false }
                return t.kind == .ratedItem && t.value > 0
            }.count
        }
        return DislikeReport(algorithm: m.name, liked: liked, disliked: disliked, shareL: sl, shareD: sd,
                             citingReasons: citing, likeTerms: likeTerms)
    }

    /// Terms, related context and the terms of component explanations.
    static func allTerms(_ e: Explanation) -> [Explanation.Term] {
        e.terms + e.related + e.parts.flatMap(allTerms)
    }

    /// 160 films in 4 genres (40 each, popularity falling with the index), 240 users who each love one
    /// genre (4–5★), dislike another (1–2★) and feel 3★ about the rest, 32 seeded ratings each.
    public static func genreFixture(seed: UInt64 = 11) -> Dataset {
        let genres = ["Romance", "Sci-Fi", "Western", "Horror"]
        let perGenre = 40, users = 240
        var items: [Item] = []
        for (g, name) in genres.enumerated() {
            for k in 0..<perGenre {
                items.append(Item(rawID: "\(g * perGenre + k + 1)", title: "\(name) film \(k + 1)", year: 1980 + k % 30,
                                  genres: [name]))
            }
        }
        var rng = SplitMix64(seed: seed)
        var triples: [RatingTriple] = []
        for u in 0..<users {
            let love = u % genres.count, hate = (u / genres.count + love + 1) % genres.count
            var seen = Set<Int>()
            while seen.count < 32 {
                // Popular films first: the index within a genre is drawn with a quadratic skew.
                let g = rng.nextInt(5) < 2 ? love : rng.nextInt(genres.count)
                let x = rng.nextFloat()
                let k = Int(x * x * Float(perGenre))
                let i = g * perGenre + min(k, perGenre - 1)
                guard seen.insert(i).inserted else { continue }
                let r: Float
                if g == love { r = rng.nextInt(3) == 0 ? 4 : 5 } else if g == hate { r = rng.nextInt(2) == 0 ? 1 : 2 } else {
                    r = Float(2 + rng.nextInt(3))
                }
                triples.append(RatingTriple(user: Int32(u), item: Int32(i), rating: r))
            }
        }
        let m = RatingMatrix(userCount: users, itemCount: items.count, triples: triples)
        return Dataset(name: "genres", catalog: Catalog(items: items),
                       users: Vocabulary((0..<users).map { "u\($0 + 1)" }), ratings: m, scale: .wholeStars)
    }
}

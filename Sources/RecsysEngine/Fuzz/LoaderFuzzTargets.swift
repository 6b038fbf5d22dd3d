import Foundation

/// Fuzz targets for every dataset layout `DatasetLoader.load` reads.
///
/// The seeds are small, valid, generated datasets (no MovieLens data): a 100K-style folder
/// (`u.data`, `u.item` in Latin-1, `u.genre`, `u.user`), a 1M-style folder (`::`
/// separators), a 10M-style folder with `tags.dat`, a "latest"-style CSV folder
/// (`ratings.csv`, `movies.csv` with quoted titles, `tags.csv`, `links.csv`), and generic
/// CSV/TSV ratings files. Each case loads with `skipBadLines` on or off at random.
public enum LoaderFuzzTargets {
    /// Every loader target.
    public static func all(seed: UInt64 = 1) -> [FuzzTarget] {
        let read: @Sendable (String, inout SplitMix64) throws -> Void = { path, rng in
            _ = try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: rng.nextInt(2) == 0))
        }
        var rng = SplitMix64(seed: seed)
        let g = Generated(rng: &rng)
        return [
            FuzzTarget(name: "ml-100k", seeds: [FuzzSeed(name: "ml-100k", files: g.ml100k, entry: "")], read: read),
            FuzzTarget(name: "ml-1m", seeds: [FuzzSeed(name: "ml-1m", files: g.ml1m, entry: ""),
                                              FuzzSeed(name: "ml-10m", files: g.ml10m, entry: "")], read: read),
            FuzzTarget(name: "ml-latest", seeds: [FuzzSeed(name: "ml-latest", files: g.latest, entry: "")], read: read),
            FuzzTarget(name: "ratings-file", seeds: [
                FuzzSeed(name: "csv", files: ["ratings.csv": g.csv], entry: "ratings.csv"),
                FuzzSeed(name: "tsv", files: ["ratings.tsv": g.tsv], entry: "ratings.tsv"),
            ], read: read),
        ]
    }

    /// A small random dataset written in each layout.
    struct Generated {
        var ml100k: [String: [UInt8]] = [:]
        var ml1m: [String: [UInt8]] = [:]
        var ml10m: [String: [UInt8]] = [:]
        var latest: [String: [UInt8]] = [:]
        var csv: [UInt8] = []
        var tsv: [UInt8] = []

        init(rng: inout SplitMix64) {
            let users = 12, items = 20
            let genres = ["Action", "Adventure", "Animation", "Children's", "Comedy", "Drama", "Sci-Fi"]
            var triples: [(Int, Int, Int, Int)] = []
            for u in 1...users {
                for i in 1...items where rng.nextInt(3) == 0 {
                    triples.append((u, i, 1 + rng.nextInt(5), 880_000_000 + rng.nextInt(1_000_000)))
                }
            }
            func titleOf(_ i: Int) -> String { "Movie \(i)\(i % 4 == 0 ? ", The" : "") (\(1950 + i))" }
            func genresOf(_ i: Int) -> [String] { [genres[i % genres.count], genres[(i * 3) % genres.count]] }

            // 100K: tab ratings; pipe items in Latin-1 with 19 genre flags; u.genre; u.user.
            ml100k["u.data"] = utf8(triples.map { "\($0.0)\t\($0.1)\t\($0.2)\t\($0.3)" })
            var itemBytes: [UInt8] = []
            let all100k = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
                           "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
                           "Thriller", "War", "Western"]
            for i in 1...items {
                let flags = all100k.map { genresOf(i).contains($0) ? "1" : "0" }.joined(separator: "|")
                itemBytes += Array("\(i)|".utf8) + [UInt8(ascii: "C"), 0xE9] + Array(" \(titleOf(i))|01-Jan-\(1950 + i)||http://example.org/\(i)|\(flags)\n".utf8)
            }
            ml100k["u.item"] = itemBytes
            ml100k["u.genre"] = utf8(all100k.enumerated().map { "\($0.element)|\($0.offset)" })
            ml100k["u.user"] = utf8((1...users).map { "\($0)|\(18 + $0)|\($0 % 2 == 0 ? "M" : "F")|student|0\($0)139" })

            // 1M: '::' everywhere, genres joined by '|'.
            ml1m["ratings.dat"] = utf8(triples.map { "\($0.0)::\($0.1)::\($0.2)::\($0.3)" })
            ml1m["movies.dat"] = utf8((1...items).map { "\($0)::\(titleOf($0))::\(genresOf($0).joined(separator: "|"))" })
            ml1m["users.dat"] = utf8((1...users).map { "\($0)::\($0 % 2 == 0 ? "M" : "F")::25::4::0\($0)139" })
            // 10M: half-star ratings, tags.dat.
            ml10m["ratings.dat"] = utf8(triples.map { "\($0.0)::\($0.1)::\(Double($0.2) - 0.5)::\($0.3)" })
            ml10m["movies.dat"] = ml1m["movies.dat"]
            ml10m["tags.dat"] = utf8(triples.prefix(15).map { "\($0.0)::\($0.1)::tag \($0.2)::\($0.3)" })

            // latest: CSV with headers and a quoted title containing a comma.
            latest["ratings.csv"] = utf8(["userId,movieId,rating,timestamp"] + triples.map { "\($0.0),\($0.1),\($0.2).0,\($0.3)" })
            latest["movies.csv"] = utf8(["movieId,title,genres"] + (1...items).map {
                let t = titleOf($0)
                return "\($0),\(t.contains(",") ? "\"\(t)\"" : t),\(genresOf($0).joined(separator: "|"))"
            })
            latest["tags.csv"] = utf8(["userId,movieId,tag,timestamp"] + triples.prefix(15).map { "\($0.0),\($0.1),\"tag, \($0.2)\",\($0.3)" })
            latest["links.csv"] = utf8(["movieId,imdbId,tmdbId"] + (1...items).map { "\($0),0\(100000 + $0),\(800 + $0)" })

            csv = utf8(["user,item,rating,timestamp"] + triples.map { "u\($0.0),m\($0.1),\($0.2),\($0.3)" })
            tsv = utf8(triples.map { "\($0.0)\t\($0.1)\t\($0.2)" })
        }

        private func utf8(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }
    }
}

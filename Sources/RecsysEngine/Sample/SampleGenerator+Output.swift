import Foundation

extension SampleOutput {
    /// `ratings.csv`: `userId,movieId,rating,timestamp`, integer stars, Unix seconds, one line per rating,
    /// sorted by user then time.
    public func ratingsCSV() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(ratings.count * 24 + 40)
        out.append(contentsOf: Array("userId,movieId,rating,timestamp\n".utf8))
        let ids = movies.map { Array($0.id.utf8) }
        for r in ratings {
            Self.appendInt(Int64(r.userId), to: &out)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: ids[r.movie])
            out.append(UInt8(ascii: ","))
            Self.appendInt(Int64(r.stars), to: &out)
            out.append(UInt8(ascii: ","))
            Self.appendInt(r.timestamp, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return Data(out)
    }

    /// The column names of `tastes.csv`.
    public static let tasteColumns: [String] = [
        "userId", "archetypes", "likedGenres", "dislikedGenres", "likedKeywords", "dislikedKeywords", "eraCenter",
        "eraWidth", "bias", "noise", "mainstream", "ratings", "activeFrom", "activeTo",
    ] + SampleCatalog.genres

    /// `tastes.csv`: the true profile of every user. Lists are `name:weight` joined by `|`;
    /// liked/disliked genres are those with taste ≥ 0.25 / ≤ −0.25, strongest first; the last 18 columns
    /// hold the full genre taste vector. Floats have three decimals.
    public func tastesCSV() -> Data {
        let f = { (x: Double) in SampleMath.fixed(x, 3) }
        let genres = SampleCatalog.genres
        var lines: [String] = [Self.tasteColumns.joined(separator: ",")]
        lines.reserveCapacity(tastes.count + 1)
        for t in tastes {
            let order = t.genreTaste.indices.sorted { (t.genreTaste[$0], -$0) > (t.genreTaste[$1], -$1) }
            let liked = order.filter { t.genreTaste[$0] >= 0.25 }.map { "\(genres[$0]):\(f(t.genreTaste[$0]))" }
            let disliked = order.reversed().filter { t.genreTaste[$0] <= -0.25 }
                .map { "\(genres[$0]):\(f(t.genreTaste[$0]))" }
            let likedK = t.keywordTaste.filter { $0.weight > 0 }.map { "\($0.keyword):\(f($0.weight))" }
            let dislikedK = t.keywordTaste.filter { $0.weight < 0 }.map { "\($0.keyword):\(f($0.weight))" }
            let mix = t.archetypes.map { "\(SampleGenerator.archetypes[$0.index].name):\(f($0.weight))" }
            var fields: [String] = [
                String(t.userId), mix.joined(separator: "|"), liked.joined(separator: "|"),
                disliked.joined(separator: "|"), likedK.joined(separator: "|"), dislikedK.joined(separator: "|"),
                SampleMath.fixed(t.eraCenter, 1), SampleMath.fixed(t.eraWidth, 1), f(t.bias), f(t.noise),
                f(t.mainstream), String(t.activity), SampleMath.isoDate(t.activeFrom), SampleMath.isoDate(t.activeTo),
            ]
            fields += t.genreTaste.map(f)
            lines.append(fields.joined(separator: ","))
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            appendInt(-v, to: &out)
            return
        }
        if v >= 10 { appendInt(v / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }
}

/// What `SampleGenerator.run` wrote.
public struct SampleSummary: Sendable, Equatable {
    public var directory: String
    public var movies: Int
    public var users: Int
    public var ratings: Int
    public var files: [String]
}

extension SampleGenerator {
    /// Reads the catalog at `moviesPath`, generates, and writes `ratings.csv`, `tastes.csv`, `users.csv`
    /// and `demographic-effects.csv` into
    /// `outDirectory` (created if needed). The catalog is copied there as `movies.csv` byte for byte
    /// unless it already is that file, so the folder loads as a dataset on its own.
    public static func run(moviesPath: String, outDirectory: String,
                           options: SampleGeneratorOptions = .init()) throws -> SampleSummary {
        let fm = FileManager.default
        guard let catalogBytes = fm.contents(atPath: moviesPath) else {
            throw LoadError(file: moviesPath, "cannot read the movies file (missing or unreadable)")
        }
        let movies = try SampleCatalog.parse(data: catalogBytes, file: moviesPath)
        guard !movies.isEmpty else { throw LoadError(file: moviesPath, "the movies file lists no movies") }
        let output = generate(movies: movies, options: options)

        let dir = URL(fileURLWithPath: outDirectory)
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw LoadError(file: outDirectory, "cannot create the output folder")
        }
        var files: [String] = []
        func write(_ data: Data, _ name: String) throws {
            let url = dir.appendingPathComponent(name)
            do { try data.write(to: url, options: .atomic) } catch {
                throw LoadError(file: url.path, "cannot write the file")
            }
            files.append(url.path)
        }
        let target = dir.appendingPathComponent("movies.csv")
        let same = URL(fileURLWithPath: moviesPath).resolvingSymlinksInPath().standardizedFileURL.path
            == target.resolvingSymlinksInPath().standardizedFileURL.path
        if !same { try write(catalogBytes, "movies.csv") }
        try write(output.ratingsCSV(), "ratings.csv")
        try write(output.tastesCSV(), "tastes.csv")
        try write(output.usersCSV(), "users.csv")
        try write(output.demographicEffectsCSV(), "demographic-effects.csv")
        return SampleSummary(directory: dir.path, movies: movies.count, users: output.tastes.count,
                             ratings: output.ratings.count, files: files)
    }
}

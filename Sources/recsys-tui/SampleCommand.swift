import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui sample`: the synthetic sample dataset.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Work with the bundled sample dataset.",
        subcommands: [Generate.self]
    )

    /// `recsys-tui sample generate --seed N --out DIR [--users N] [--movies FILE]`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate synthetic ratings and the users' true tastes over a movie catalog.",
            discussion: """
                Writes ratings.csv (userId,movieId,rating,timestamp), tastes.csv (each simulated user's true \
                genre, keyword and era preferences, bias, noise and activity), users.csv (synthetic age bracket, \
                gender, occupation and region), demographic-effects.csv (how much each attribute really tells \
                about taste) and a copy of the catalog as movies.csv. The same seed gives byte-identical files.
                """
        )

        @Option(help: "Seed for every random draw (SplitMix64).")
        var seed: UInt64 = 42

        @Option(help: "Folder to write into (created if missing).")
        var out: String

        @Option(help: "Number of simulated users.")
        var users: Int = SampleGeneratorOptions().users

        @Option(name: .customLong("demographic-tie"),
                help: "Probability that each demographic attribute follows the user's main taste (0…1).")
        var demographicTie: Double = SampleDemographics.tieStrength

        @Option(help: "Catalog CSV (movieId,title,genres,keywords,director); default: the bundled sample-data/movies.csv.")
        var movies: String?

        @Option(name: .customLong("synthetic-movies"),
                help: "Instead of a catalog file, make up N films shaped like MovieLens latest (seeded; see docs/defaults.md).")
        var syntheticMovies: Int?

        func validate() throws {
            guard users >= 1 && users <= 1_000_000 else {
                throw ValidationError("--users must be between 1 and 1000000, got \(users)")
            }
            guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
            guard demographicTie >= 0 && demographicTie <= 1 else {
                throw ValidationError("--demographic-tie must be between 0 and 1, got \(demographicTie)")
            }
            if let n = syntheticMovies {
                guard n >= 1 && n <= 200_000 else {
                    throw ValidationError("--synthetic-movies must be between 1 and 200000, got \(n)")
                }
                guard movies == nil else { throw ValidationError("use either --movies or --synthetic-movies, not both") }
            }
        }

        func run() throws {
            var moviesPath = movies ?? (SampleData.path as NSString).appendingPathComponent("movies.csv")
            if let n = syntheticMovies {
                moviesPath = (out as NSString).appendingPathComponent("movies.csv")
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    try SyntheticCatalog.csv(SyntheticCatalog.generate(count: n, seed: seed))
                        .write(to: URL(fileURLWithPath: moviesPath), options: .atomic)
                } catch {
                    throw LoadError(file: moviesPath, "cannot write the synthetic catalog")
                }
            }
            var options = SampleGeneratorOptions(seed: seed, users: users)
            options.demographicTie = demographicTie
            let summary = try SampleGenerator.run(moviesPath: moviesPath, outDirectory: out, options: options)
            print("wrote \(summary.ratings) ratings by \(summary.users) users over \(summary.movies) movies "
                  + "(seed \(seed)) to \(summary.directory)")
        }
    }
}

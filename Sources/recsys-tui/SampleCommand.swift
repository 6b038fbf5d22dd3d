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
                genre, keyword and era preferences, bias, noise and activity) and a copy of the catalog as \
                movies.csv. The same seed gives byte-identical files.
                """
        )

        @Option(help: "Seed for every random draw (SplitMix64).")
        var seed: UInt64 = 42

        @Option(help: "Folder to write into (created if missing).")
        var out: String

        @Option(help: "Number of simulated users.")
        var users: Int = SampleGeneratorOptions().users

        @Option(help: "Catalog CSV (movieId,title,genres,keywords,director); default: the bundled sample-data/movies.csv.")
        var movies: String?

        func validate() throws {
            guard users >= 1 && users <= 1_000_000 else {
                throw ValidationError("--users must be between 1 and 1000000, got \(users)")
            }
            guard !out.isEmpty else { throw ValidationError("--out must name a folder") }
        }

        func run() throws {
            let moviesPath = movies ?? (SampleData.path as NSString).appendingPathComponent("movies.csv")
            let summary = try SampleGenerator.run(moviesPath: moviesPath, outDirectory: out,
                                    options: SampleGeneratorOptions(seed: seed, users: users))
            print("wrote \(summary.ratings) ratings by \(summary.users) users over \(summary.movies) movies "
                  + "(seed \(seed)) to \(summary.directory)")
        }
    }
}

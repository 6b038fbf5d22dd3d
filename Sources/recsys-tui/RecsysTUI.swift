import ArgumentParser
import Foundation
import RecsysEngine

@main
struct RecsysTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recsys-tui",
        abstract: "Browse a movie catalog, rate movies, and watch recommenders recompute live.",
        discussion: """
            With no subcommand, opens the interactive explorer on the bundled sample data.
            Point --data at a MovieLens folder (100K, 1M, 10M, latest, 20M, 25M, 32M) or a ratings file.
            """,
        version: "0.1.0",
        subcommands: [
            ExploreCommand.self, InfoCommand.self,
            SampleCommand.self,
            LoadBenchCommand.self,
            EvalCommand.self,
            RecommendCommand.self, SimilarCommand.self, BenchCommand.self,
            ProfileCommand.self, FuzzCommand.self,
            IndexBenchCommand.self,
            TrainCommand.self, ServeCommand.self,
        ],
        defaultSubcommand: ExploreCommand.self
    )

    /// Parses and runs, turning a command-line mistake into one line on stderr and exit status 2
    /// (help and --version still print in full and exit 0).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if error is ExitCode { Foundation.exit(code.rawValue) }
            let message = RecsysTUI.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if message.isEmpty { Foundation.exit(code.rawValue) }
            let stripped = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            fail(stripped + " (see 'recsys-tui help')")
        }
    }
}

/// Options every data-reading command shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "A MovieLens folder or a ratings file (default: the bundled sample data).")
    var data: String?

    @Flag(name: .long, help: "Load what can be loaded; report skipped malformed lines instead of stopping.")
    var skipBadLines = false

    @Option(name: .long, help: "An items file (movies.csv, movies.dat or u.item layout) for a ratings file given with --data.")
    var items: String?

    /// The path that will be loaded.
    var path: String { data ?? SampleData.path }

    func load() throws -> Dataset {
        try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: skipBadLines, itemsPath: items))
    }
}

/// Prints an error on one line to stderr and exits with `code`.
func fail(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data(("recsys-tui: " + message + "\n").utf8))
    exit(code)
}

/// Runs `body`, turning data and parameter errors into a one-line message and exit status 2.
func withCleanErrors<T>(_ body: () throws -> T) rethrows -> T {
    do {
        return try body()
    } catch let e as LoadError {
        fail(e.description)
    } catch let e as ParameterError {
        fail(e.description)
    } catch let e as ModelFileError {
        fail(e.description)
    }
}

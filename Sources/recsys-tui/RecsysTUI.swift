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
            ExploreCommand.self, LearnCommand.self, InfoCommand.self,
            SampleCommand.self,
            LoadBenchCommand.self,
            EvalCommand.self,
            RecommendCommand.self, SimilarCommand.self, BenchCommand.self,
            ProfileCommand.self, FuzzCommand.self,
            IndexBenchCommand.self,
            TrainCommand.self, ServeCommand.self,
            CacheCommand.self,
            ClassCommand.self, ReplayCommand.self, ReportCommand.self,
        ],
        defaultSubcommand: ExploreCommand.self
    )

    /// Parses and runs. Every failure ends here, in one place: help and --version print in full and
    /// exit 0; anything else prints one line on stderr and exits with status 2 (or the `ExitCode` thrown).
    static func main() {
        do {
            var command = try parseAsRoot(normalisedArguments(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exit(with: error)
        }
    }

    /// `--class` takes an optional folder: a bare `--class` (last, or followed by another option)
    /// becomes `--class=:db` (the profile database), which ArgumentParser can parse.
    static func normalisedArguments(_ args: [String]) -> [String] {
        var out: [String] = []
        for (k, a) in args.enumerated() {
            if a == "--class", k + 1 == args.count || args[k + 1].hasPrefix("-") {
                out.append("--class=" + ExplorerOptions.classDatabase)
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// Maps an error to its output and exit status (ArgumentParser's `exit(withError:)`, in one line).
    static func exit(with error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        let line: String
        if let known = CommandError.describing(error) {
            line = known
        } else {
            // A command-line mistake reported by ArgumentParser (or a ValidationError): one line plus a pointer to help.
            let message = RecsysTUI.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if message.isEmpty { Foundation.exit(2) }
            line = (message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) + " (see 'recsys-tui help')"
        }
        FileHandle.standardError.write(Data(("recsys-tui: " + line + "\n").utf8))
        Foundation.exit(2)
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
        do {
            return try DatasetLoader.load(path: path, options: LoadOptions(skipBadLines: skipBadLines, itemsPath: items))
        } catch var e as LoadError {
            if e.file == path, Self.looksLikeItemsFile(path) {
                e.message += " — this looks like an items file (movie id, title, genres): give the ratings file with --data and this one with --items"
            }
            throw e
        }
    }

    /// True when the first line of `path` is a movies.csv / movies.dat / u.item row or header:
    /// a "title" header, or a second field that is text with a "(year)" rather than a number.
    static func looksLikeItemsFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let first = String(decoding: head.prefix { $0 != 10 }, as: UTF8.self).lowercased()
        if first.contains("title") { return true }
        for sep in ["::", "|", ",", "\t"] {
            let fields = first.components(separatedBy: sep)
            if fields.count >= 2, Double(fields[1].trimmingCharacters(in: .whitespaces)) == nil,
               fields[1].range(of: #"\(\d{4}\)"#, options: .regularExpression) != nil {
                return true
            }
        }
        return false
    }
}

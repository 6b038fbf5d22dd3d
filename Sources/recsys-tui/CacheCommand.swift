import ArgumentParser
import Foundation
import RecsysEngine

/// `--no-cache`: the commands that load data and fit models read the dataset image and the fitted
/// models from the cache (`$XDG_CACHE_HOME/recsys-tui`, else `~/.cache/recsys-tui`) and write them
/// there; this flag bypasses both.
struct CacheOptions: ParsableArguments {
    @Flag(name: .customLong("no-cache"), help: ArgumentHelp(
        "Neither read nor write the cache of parsed datasets and fitted models ($XDG_CACHE_HOME/recsys-tui or ~/.cache/recsys-tui)."))
    var noCache = false

    /// Where the cache is, or nil with `--no-cache`.
    var location: CacheLocation? { noCache ? nil : CacheLocation.resolve() }
}

/// A dataset from its source files or from the dataset cache.
struct CachedDataset {
    var dataset: Dataset
    /// Known when the dataset came from its image (saves computing it).
    var fingerprint: DatasetFingerprint?
    var fromImage: Bool
    /// "dataset cache for ml-25m was corrupt: read the files again", when an image was refused.
    var notice: String?
    /// Saves the image of a dataset parsed from its files (nil when it came from the image or the
    /// cache is off). Call it off the UI path; `fingerprint` computes the dataset's when needed.
    var storeImage: (@Sendable (_ fingerprint: DatasetFingerprint) -> Void)?
}

extension DataOptions {
    /// Loads the data through the dataset cache at `location` (nil: straight from the files).
    func load(cache location: CacheLocation?) throws -> CachedDataset {
        guard let location else { return CachedDataset(dataset: try load(), fromImage: false) }
        let cache = DatasetCache(location: location)
        let options = LoadOptions(skipBadLines: skipBadLines, itemsPath: items)
        var notice: String?
        switch cache.load(path: path, options: options) {
        case .hit(let ds, let fp):
            return CachedDataset(dataset: ds, fingerprint: fp, fromImage: true)
        case .miss: break
        case .refused(let why):
            notice = "dataset cache for \(DatasetCache.displayName(path)) was \(why.word): read the files again"
        }
        let ds = try load()
        let path = self.path
        return CachedDataset(dataset: ds, fromImage: false, notice: notice, storeImage: { fp in
            try? cache.store(ds, fingerprint: fp, path: path, options: options)
        })
    }
}

/// `recsys-tui cache list|clear`: the cache of parsed datasets and fitted models.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "List or clear the cache of parsed datasets and fitted models.",
        discussion: """
            The explorer, recommend and similar keep each parsed dataset as a binary image and each fitted \
            model under $XDG_CACHE_HOME/recsys-tui (else ~/.cache/recsys-tui), so a second start reads them \
            instead of parsing and fitting again. An entry is used only while the source files, the \
            algorithm, its parameters, the seed and the format versions are the same; a damaged or stale \
            entry is refitted and replaced. --no-cache bypasses the cache.
            """,
        subcommands: [List.self, Clear.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cache entries: entry, kind, dataset, algorithm, size and age.",
            discussion: "JSON: {\"cache\": DIR, \"entries\": [{entry, kind, dataset, algorithm, detail, bytes, age_seconds}], \"bytes\": TOTAL}.")

        @Option(help: "Output format: table or json.")
        var format: CacheListFormat = .table

        func run() throws {
            let location = CacheLocation.resolve()
            let entries = CacheInventory.entries(location)
            let total = entries.reduce(0) { $0 + $1.bytes }
            switch format {
            case .json:
                let rows = entries.map { e in
                    "{\"entry\": \(jsonString(e.entry)), \"kind\": \(jsonString(e.kind)), \"dataset\": \(jsonString(e.dataset)), "
                        + "\"algorithm\": \(jsonString(e.algorithm)), \"detail\": \(jsonString(e.detail)), "
                        + "\"bytes\": \(e.bytes), \"age_seconds\": \(Int(e.ageSeconds))}"
                }
                print("{\"cache\": \(jsonString(location.root)), \"entries\": [" + rows.joined(separator: ", ")
                      + "], \"bytes\": \(total)}")
            case .table:
                print("cache: \(location.root) (\(entries.count) \(entries.count == 1 ? "entry" : "entries"), \(byteText(total)))")
                guard !entries.isEmpty else { return }
                let w = max(5, entries.map(\.entry.count).max() ?? 5)
                let dw = max(7, entries.map(\.dataset.count).max() ?? 7)
                print(padCell("entry", w + 2) + padCell("kind", 12) + padCell("dataset", dw + 2) + padCell("algorithm", 13)
                      + padCell("size", 11) + "age")
                for e in entries {
                    print(padCell(e.entry, w + 2) + padCell(e.kind, 12) + padCell(e.dataset.isEmpty ? "-" : e.dataset, dw + 2)
                          + padCell(e.algorithm.isEmpty ? "-" : e.algorithm, 13) + padCell(byteText(e.bytes), 11)
                          + ageText(e.ageSeconds))
                }
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove cache entries (all, or those of one dataset and/or algorithm) and print what was removed.")

        @Option(help: ArgumentHelp("Only entries of this dataset (its name, as in 'cache list', or its folder).",
                                   valueName: "name"))
        var dataset: String?

        @Option(help: ArgumentHelp("Only fitted models of this algorithm.", valueName: "name"))
        var algorithm: String?

        func validate() throws {
            if let algorithm, Algorithms.type(named: algorithm) == nil {
                throw ValidationError("unknown algorithm '\(algorithm)' (valid: \(Algorithms.names.joined(separator: ", ")))")
            }
        }

        func run() throws {
            let location = CacheLocation.resolve()
            let removed = CacheInventory.clear(location, dataset: dataset, algorithm: algorithm)
            for e in removed {
                let what = [e.kind, e.dataset, e.algorithm].filter { !$0.isEmpty }.joined(separator: " ")
                print("removed \(e.entry) (\(what), \(byteText(e.bytes)))")
            }
            print("removed \(removed.count) \(removed.count == 1 ? "entry" : "entries"), "
                  + "\(byteText(removed.reduce(0) { $0 + $1.bytes })) from \(location.root)")
        }
    }

    enum CacheListFormat: String, ExpressibleByArgument, CaseIterable { case table, json }
}

/// "1.2 MB", "312 B".
func byteText(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    if n < 1 << 20 { return String(format: "%.1f KB", Double(n) / 1024) }
    if n < 1 << 30 { return String(format: "%.1f MB", Double(n) / 1_048_576) }
    return String(format: "%.2f GB", Double(n) / 1_073_741_824)
}

/// "12 s", "5 min", "3 h", "2 d".
func ageText(_ s: Double) -> String {
    if s < 60 { return "\(Int(s)) s" }
    if s < 3600 { return "\(Int(s / 60)) min" }
    if s < 86400 { return "\(Int(s / 3600)) h" }
    return "\(Int(s / 86400)) d"
}

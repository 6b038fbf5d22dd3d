import ArgumentParser
import Foundation
import RecsysEngine

/// Output formats of the listing commands.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Options shared by `recommend` and `similar`: the algorithm (or a saved model), its parameters,
/// the seed, the count and the output format.
struct ModelOptions: ParsableArguments {
    static let defaultAlgorithm = "ease"

    @Option(name: .long, help: "Algorithm: \(Algorithms.names.joined(separator: ", ")) (default: \(defaultAlgorithm), or the saved model's).")
    var algorithm: String?

    @OptionGroup var saved: SavedModelOptions

    @Option(name: [.customLong("param")], help: ArgumentHelp(
        "A parameter of the algorithm, KEY=VALUE or ALGO.KEY=VALUE (repeatable), e.g. --param lambda=250.",
        valueName: "KEY=VALUE"))
    var params: [String] = []

    @Option(name: .short, help: "How many items to list.")
    var n = 10

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: "Output format: table, json or csv.")
    var format: ListFormat = .table

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1 (got \(n))") }
        if let algorithm, Algorithms.type(named: algorithm) == nil {
            throw ValidationError("unknown algorithm '\(algorithm)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        for p in params where !p.contains("=") {
            throw ValidationError("--param expects KEY=VALUE (got '\(p)')")
        }
    }

    /// The model: loaded from `--model FILE`, else the chosen algorithm fitted on the whole dataset.
    func fittedModel(on ds: Dataset) throws -> any Recommender {
        let name = algorithm ?? (saved.model == nil ? Self.defaultAlgorithm : nil)
        let parameters = try parseParameterAssignments(params, algorithm: name ?? "")
        return try loadOrFit(algorithm: name, model: saved.model, dataset: ds, parameters: parameters, seed: seed)
    }
}

/// Writes a listing as a table, JSON (`{"algorithm": …, key: value, "items": [...]}`) or CSV.
func printListing(_ rows: [ListedItem], algorithm: String, key: String, value: String, format: ListFormat,
                  notes: [String] = []) {
    switch format {
    case .json:
        var s = "{\"algorithm\": \(jsonString(algorithm)), \(jsonString(key)): \(jsonString(value)), \"items\": ["
        s += rows.map { $0.json() }.joined(separator: ", ")
        s += "]"
        if !notes.isEmpty { s += ", \"notes\": [" + notes.map(jsonString).joined(separator: ", ") + "]" }
        print(s + "}")
    case .csv:
        print("rank,item,title,score,reason")
        for r in rows {
            print([String(r.rank), csvField(r.item), csvField(r.title), jsonNumber(r.score), csvField(r.reason)]
                .joined(separator: ","))
        }
    case .table:
        for note in notes { print("note: \(note)") }
        let titleWidth = min(48, max(5, rows.map { $0.title.count }.max() ?? 5))
        let idWidth = max(4, rows.map { $0.item.count }.max() ?? 4)
        print(padCell("#", 4) + padCell("item", idWidth + 2) + padCell("title", titleWidth + 2) + padCell("score", 10) + "reason")
        for r in rows {
            let t = r.title.count > titleWidth ? String(r.title.prefix(titleWidth - 1)) + "…" : r.title
            print(padCell(String(r.rank), 4) + padCell(r.item, idWidth + 2) + padCell(t, titleWidth + 2)
                  + padCell(jsonNumber(r.score), 10) + r.reason)
        }
    }
}

func padCell(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

/// A JSON string literal with the required escapes.
func jsonString(_ s: String) -> String { JSONText.quoted(s) }

/// A finite number with at most 4 decimals ("4.61", "12", "-0.0312").
func jsonNumber(_ x: Float) -> String { JSONText.number(x) }

func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// `recsys-tui recommend`: top-N for a training user or a stored profile.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend movies for a user of the data or for a saved profile.",
        discussion: """
            The model is fitted on the whole dataset, then lists the top N items the user has not rated,
            each with the one-line reason from its explanation. A profile's ratings are folded in.
            JSON: {"algorithm": …, "user"|"profile": …, "items": [{"rank", "item", "title", "score", "reason"}]}.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Raw id of a user in the data.")
    var user: String?

    @Option(help: "Name of a saved profile.")
    var profile: String?

    @Option(help: "Profile database (default: the standard location).")
    var db: String?

    func validate() throws {
        if (user == nil) == (profile == nil) {
            throw ValidationError("give exactly one of --user RAW_ID or --profile NAME")
        }
    }

    func run() throws {
        let ds = try withCleanErrors { try dataOptions.load() }
        var p: Profile
        var notes: [String] = []
        if let user {
            guard let u = ds.users.index(of: user) else {
                fail("unknown user '\(user)' in \(ds.name) (\(ds.userCount) users, e.g. \(ds.users.ids.prefix(3).joined(separator: ", ")))")
            }
            p = Profile.training(u, in: ds.ratings)
        } else {
            let store: any ProfileStoring
            let stored: [StoredRating]
            do {
                store = try openProfileStore(db: db)
                stored = try store.ratings(profile: profile!)
            } catch {
                fail("cannot read profile '\(profile!)': \(error)")
            }
            var pairs: [(Int32, Float)] = []
            var unknown = 0
            for r in stored {
                if let i = ds.catalog.index(of: r.item) { pairs.append((i, r.value)) } else { unknown += 1 }
            }
            if unknown > 0 { notes.append("\(unknown) rated items of this profile are not in \(ds.name)") }
            p = Profile(pairs)
        }
        let m = withStoreErrors { try model.fittedModel(on: ds) }
        let listing = Listings.recommendations(m, profile: p, catalog: ds.catalog, count: model.n)
        notes += listing.notes
        printListing(listing.items, algorithm: m.name, key: user != nil ? "user" : "profile",
                     value: user ?? profile!, format: model.format, notes: notes)
    }
}

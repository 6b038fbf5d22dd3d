import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore
import RecsysUI

/// `recsys-tui profile …`: list, inspect, export, import, rename, delete and undo profiles.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage rating profiles (stored in SQLite; see --db).",
        discussion: """
            Export and import use the generic ratings format: CSV with the header \
            user,item,rating,timestamp where user is the profile name, so an exported profile \
            loads and evaluates like any ratings file.
            """,
        subcommands: [
            List.self, Show.self, SetDemographics.self, Export.self, Import.self, Copy.self, Bind.self, Delete.self, Rename.self,
            Undo.self, Bench.self,
        ])

    // MARK: set

    struct SetDemographics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Say who a profile is: age, gender, occupation, region (used by demographic and two-tower).",
            discussion: """
                Values: age \(Demographics.ageBrackets.joined(separator: ", ")); gender F or M; occupation one of \
                the MovieLens 1M list (\(Demographics.occupations.joined(separator: ", "))); region \
                \(Demographics.regions.joined(separator: ", ")). Attributes not named keep their value; \
                ATTRIBUTE= (empty) forgets one. The profile is created if new.
                """)
        @Argument(help: "The profile name.") var name: String
        @Argument(help: "ATTRIBUTE=VALUE pairs, e.g. age=25-34 gender=F occupation=programmer region=west.")
        var assignments: [String] = []
        @OptionGroup var store: StoreOptions

        func run() throws {
            do {
                var pairs: [String: String] = [:]
                for (attribute, value) in Demographics.values(of: try DemographicsParsing.current(store: store, name: name)) {
                    pairs[attribute] = value
                }
                guard !assignments.isEmpty else {
                    throw ParameterError("profile set \(name): give ATTRIBUTE=VALUE pairs (attributes: \(Demographics.attributes.joined(separator: ", ")))")
                }
                for a in assignments {
                    guard let eq = a.firstIndex(of: "="), eq != a.startIndex else {
                        throw ParameterError("expected ATTRIBUTE=VALUE, got '\(a)' (attributes: \(Demographics.attributes.joined(separator: ", ")))")
                    }
                    let key = String(a[..<eq]).lowercased()
                    _ = try Demographics.attributes(from: [(key, String(a[a.index(after: eq)...]))])
                    pairs[key] = String(a[a.index(after: eq)...])
                }
                let attributes = try Demographics.attributes(from: pairs.map { ($0.key, $0.value) })
                let s = try store.open()
                try s.setDemographics(profile: name, attributes)
                let stored = Demographics.values(of: try s.demographics(profile: name))
                print("profile \(name): " + (stored.isEmpty ? "no demographics"
                    : stored.map { "\($0.attribute) \($0.value)" }.joined(separator: ", ")))
            }
        }
    }

    /// Reading a profile's demographics without creating the profile.
    enum DemographicsParsing {
        static func current(store: StoreOptions, name: String) throws -> UserAttributes {
            let s = try store.open()
            guard try s.profileNames().contains(name) else { return UserAttributes() }
            return try s.demographics(profile: name)
        }
    }

    // MARK: list

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List profiles with their rating counts.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Output format: text or json.") var format: TextOrJSON = .text

        func run() throws {
            let s = try store.open()
            let all = try s.profiles()
            switch format {
            case .json:
                printJSON(ListJSON(database: s.path, profiles: all))
            case .text:
                if all.isEmpty {
                    print("no profiles in \(s.path)")
                    return
                }
                let w = max(4, all.map { $0.name.count }.max() ?? 4)
                print(padRight("NAME", w) + "  RATINGS  LAST RATED            DATASET")
                for p in all {
                    print(padRight(p.name, w) + "  " + lpad("\(p.ratingCount)", 7) + "  "
                          + padRight(p.lastRated.map(isoTime) ?? "-", 20) + "  " + datasetLabel(p))
                }
                print("(\(all.count) profile\(all.count == 1 ? "" : "s") in \(s.path))")
            }
        }
    }

    struct ListJSON: Encodable { var database: String; var profiles: [ProfileSummary] }

    // MARK: show

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a profile's ratings with titles from its own dataset; with --data, match them to another by raw item id.")
        @OptionGroup var selection: ProfileSelection
        var name: String { selection.name }
        @OptionGroup var store: StoreOptions
        @Option(help: "A dataset (folder or ratings file) to match items against by raw id.") var data: String?
        @Flag(help: "Load what can be loaded from --data; skip malformed lines.") var skipBadLines = false
        @Option(help: "Output format: text or json.") var format: TextOrJSON = .text

        func run() throws {
            if let data, !FileManager.default.fileExists(atPath: data) {
                throw LoadError(file: data, "no such file or folder (--data)")
            }
            let s = try store.open()
            let summary = try s.summary(profile: name, dataset: selection.dataset)
            let ratings = try s.existingRatings(profile: name, dataset: summary.dataset)
                .sorted { ($0.timestamp, $0.item) < ($1.timestamp, $1.item) }
            var matched: Int?
            var titles: [String: String] = [:]
            var datasetName: String?
            var titleNote: String?
            if data == nil {
                // The profile's own dataset supplies the titles, when it is still where it was.
                (titles, titleNote) = ownTitles(summary, ratings: ratings, skipBadLines: skipBadLines)
            } else if let data {
                let ds = try DatasetLoader.load(path: data, options: LoadOptions(skipBadLines: skipBadLines))
                datasetName = ds.name
                var m = 0
                for r in ratings {
                    if let i = ds.catalog.index(of: r.item) {
                        m += 1
                        titles[r.item] = ds.catalog[i].title
                    }
                }
                matched = m
            }
            // Who the profile said it is (unknown when the name is ambiguous across datasets).
            let who = Demographics.values(of: (try? s.demographics(profile: name)) ?? UserAttributes())
            switch format {
            case .json:
                printJSON(ShowJSON(
                    profile: summary, database: s.path, dataset: datasetName, matched: matched,
                    missing: matched.map { ratings.count - $0 },
                    demographics: Dictionary(uniqueKeysWithValues: who.map { ($0.attribute, $0.value) }),
                    ratings: ratings.map { .init(item: $0.item, rating: $0.value, timestamp: $0.timestamp,
                                                 title: titles[$0.item]) }))
            case .text:
                print("profile \(summary.name) (\(s.path))")
                print("created \(isoTime(summary.created)), " + (summary.bound ? "dataset " : "last used with ")
                      + (summary.dataset ?? "no dataset yet") + (summary.datasetSource.map { " (\($0))" } ?? ""))
                if let titleNote { print(titleNote) }
                print("demographics: " + (who.isEmpty ? "none (profile set \(name) age=… gender=… to add)"
                    : who.map { "\($0.attribute) \($0.value)" }.joined(separator: ", ")))
                print("\(ratings.count) rating\(ratings.count == 1 ? "" : "s")")
                if let matched, let datasetName {
                    let missing = ratings.count - matched
                    print("with \(datasetName): \(matched) matched, \(missing) not in this dataset"
                          + (missing > 0 ? " (kept in the profile)" : ""))
                }
                if ratings.isEmpty { return }
                let w = max(4, ratings.map { $0.item.count }.max() ?? 4)
                print("  " + padRight("ITEM", w) + "  RATING  RATED AT              TITLE")
                for r in ratings {
                    let title = titles[r.item] ?? (data == nil ? "" : "(not in this dataset)")
                    print("  " + padRight(r.item, w) + "  " + lpad(formatRating(r.value), 6) + "  "
                          + padRight(isoTime(r.timestamp), 20) + "  " + title)
                }
            }
        }
    }

    struct ShowJSON: Encodable {
        struct Entry: Encodable { var item: String; var rating: Float; var timestamp: Int64; var title: String? }
        var profile: ProfileSummary
        var database: String
        var dataset: String?
        var matched: Int?
        var missing: Int?
        /// Attribute → value for what the profile said about itself (empty when nothing).
        var demographics: [String: String]
        var ratings: [Entry]
    }

    // MARK: export

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a profile as a ratings file (CSV user,item,rating,timestamp or JSON).")
        @OptionGroup var selection: ProfileSelection
        var name: String { selection.name }
        @OptionGroup var store: StoreOptions
        @Option(help: "csv or json (default: from the --out extension, else csv).") var format: ExportFormat?
        @Option(help: "Write to this file instead of standard output (.csv or .json).") var out: String?

        /// The format to write: --format, else the extension of --out, else CSV. A mismatch is refused.
        func resolvedFormat() throws -> ExportFormat {
            let ext = out.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
            let fromExtension = ExportFormat(rawValue: ext)
            if let format, let fromExtension, format != fromExtension {
                throw ValidationError("--format \(format.rawValue) does not match --out \(out!) (a .\(ext) file); "
                                      + "change one of them")
            }
            return format ?? fromExtension ?? .csv
        }

        func validate() throws { _ = try resolvedFormat() }

        func run() throws {
            let format = try resolvedFormat()
            let s = try store.open()
            let summary = try s.summary(profile: name, dataset: selection.dataset)
            let data = ProfileFile.export(profile: summary, ratings: try s.existingRatings(profile: name, dataset: summary.dataset),
                                          format: format.fileFormat)
            if let out {
                let folder = (out as NSString).deletingLastPathComponent
                if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
                    throw LoadError(file: out, "cannot write: the folder \(folder) does not exist")
                }
                do {
                    try data.write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw LoadError(file: out, "cannot write the file (\(error.localizedDescription))")
                }
                FileHandle.standardError.write(Data(
                    "exported \(summary.ratingCount) ratings of \(summary.name) to \(out)\n".utf8))
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case csv, json
        var fileFormat: ProfileFile.Format { self == .csv ? .csv : .json }
    }

    // MARK: import

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the ratings of a file (CSV/TSV/'::' ratings or an exported JSON) to a profile.",
            discussion: "The import is one transaction: all ratings are stored, or none. Each change is undoable.")
        @Argument(help: "The profile name (created if new).") var name: String
        @Argument(help: "The ratings file.") var file: String
        @OptionGroup var store: StoreOptions
        @Option(help: "Take the rows of this user id (required when the file has several users).") var user: String?
        @Flag(help: "Also remove the profile's ratings of items the file lacks.") var replace = false
        @Option(help: ArgumentHelp("The dataset whose item ids the file uses: the profile is that dataset's (made and bound if new).",
                                   valueName: "path"))
        var data: String?

        func run() throws {
            let parsed = try ProfileFile.read(path: file, user: user)
            let s = try store.open()
            let r: ImportSummary
            if let data {
                let ds = try DatasetLoader.load(path: data, options: LoadOptions())
                let id = try DatasetProfiles(store: s, dataset: DatasetIdentity(ds)).resolve(name)
                r = try s.importRatings(id: id, parsed.ratings, replace: replace)
            } else {
                r = try s.importRatings(profile: name, parsed.ratings, replace: replace)
            }
            var line = "imported \(parsed.ratings.count) ratings into \(name) from \(file): "
                + "\(r.added) new, \(r.changed) changed, \(r.unchanged) unchanged"
            if replace { line += ", \(r.removed) removed" }
            if parsed.duplicates > 0 { line += "; \(parsed.duplicates) duplicate rows (the last kept)" }
            print(line)
        }
    }

    // MARK: delete, rename, undo

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a profile with its ratings and history (export it first to keep a copy).")
        @OptionGroup var selection: ProfileSelection
        var name: String { selection.name }
        @OptionGroup var store: StoreOptions

        func run() throws {
            let s = try store.open()
            let n = try s.summary(profile: name, dataset: selection.dataset).ratingCount
            try s.deleteProfile(name, dataset: selection.dataset)
            print("deleted profile \(name) (\(n) rating\(n == 1 ? "" : "s"))")
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a profile.")
        @Argument(help: "The current name.") var old: String
        @Argument(help: "The new name.") var new: String
        @Option(help: ArgumentHelp("The dataset (as 'profile list' names it) when several have a profile of that name.",
                                   valueName: "name"))
        var dataset: String?
        @OptionGroup var store: StoreOptions

        func run() throws {
            try store.open().renameProfile(old, to: new, dataset: dataset)
            print("renamed profile \(old) to \(new)")
        }
    }

    struct Undo: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Undo the profile's last rating change.")
        @OptionGroup var selection: ProfileSelection
        var name: String { selection.name }
        @OptionGroup var store: StoreOptions

        func run() throws {
            let s = try store.open()
            let summary = try s.summary(profile: name, dataset: selection.dataset)
            guard let e = try s.undoLast(profile: name, dataset: summary.dataset) else {
                print("nothing to undo in \(name)")
                return
            }
            let before = e.oldValue.map(formatRating) ?? "unrated"
            switch e.kind {
            case .set: print("undid rating \(e.item) = \(e.newValue.map(formatRating) ?? "?"); now \(before)")
            case .remove: print("undid removal of \(e.item); restored \(before)")
            }
        }
    }

    // MARK: bench
}

struct ProfileSelection: ParsableArguments {
    @Argument(help: "The profile name.") var name: String
    @Option(help: ArgumentHelp("The dataset (as 'profile list' names it) when several have a profile of that name.",
                               valueName: "name"))
    var dataset: String?
}

/// "ml-100k" for a bound profile, "ml-100k (last used; bound on next open)" for one written before
/// profiles were bound to datasets, "-" for one never opened with a dataset.
func datasetLabel(_ p: ProfileSummary) -> String {
    guard let d = p.dataset else { return "-" }
    return p.bound ? d : d + " (last used; bound on next open)"
}

/// Titles of `ratings` from the profile's own dataset (loaded from where it was bound), and a note
/// when that dataset is gone or changed.
func ownTitles(_ summary: ProfileSummary, ratings: [StoredRating], skipBadLines: Bool) -> ([String: String], String?) {
    guard summary.bound, let source = summary.datasetSource, !ratings.isEmpty else { return ([:], nil) }
    guard FileManager.default.fileExists(atPath: source) else {
        return ([:], "titles: \(source) (its dataset) is no longer there")
    }
    guard let ds = try? DatasetLoader.load(path: source, options: LoadOptions(skipBadLines: skipBadLines)) else {
        return ([:], "titles: \(source) (its dataset) no longer loads")
    }
    guard DatasetIdentity(ds).key == summary.datasetKey else {
        return ([:], "titles: \(source) now holds another catalog; pass --data to match by id anyway")
    }
    var titles: [String: String] = [:]
    for r in ratings { if let i = ds.catalog.index(of: r.item) { titles[r.item] = ds.catalog[i].title } }
    return (titles, nil)
}

enum SynchronousOption: String, ExpressibleByArgument, CaseIterable {
    case full, normal
    var value: SQLiteProfileStore.Synchronous { self == .full ? .full : .normal }
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable { case text, json }

func printJSON<T: Encodable>(_ value: T) {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? enc.encode(value) { FileHandle.standardOutput.write(data + Data("\n".utf8)) }
}

private func padRight(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
private func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }

private func isoTime(_ t: Int64) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
}

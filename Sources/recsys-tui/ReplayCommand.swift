import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore
import RecsysUI

/// `recsys-tui replay --profile NAME`: the profile's rating history, one rating at a time, with
/// every algorithm's top 5 after each step.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Step through a profile's rating history: every algorithm's top 5 after each rating.",
        discussion: """
            The history is the store's event log (sets and removals still in force, oldest first). Every \
            model is fitted once on the dataset; after each event the profile as it was then is folded in \
            and each model lists its top N, with each film's movement since the previous step.

            JSON: {"profile", "dataset", "steps": [{"step", "at", "time", "item", "title", "rating" (null: removed), \
            "ratings", "lists": {ALGO: [{"rank", "item", "title", "score", "movement" (null: new)}]}}]}. \
            CSV: one row per step, algorithm and rank: step,at,time,event_item,event_title,rating,algorithm,rank,item,title,score,movement.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "The profile to replay.")
    var profile: String

    @Option(help: "Algorithms, comma-separated (default: all).")
    var algorithms: String?

    @Option(name: .short, help: "How many items each list shows.")
    var n = 5

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: "Output format: table, json or csv.")
    var format: ListFormat = .table

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1 (got \(n))") }
    }

    func run() throws {
        let ds = try dataOptions.load()
        let names = try ClassSummaryCommand.parseAlgorithms(algorithms)
        let db = try store.open()
        let events = try db.readHistory(profile, on: DatasetIdentity(ds))
        let who = (try? db.demographics(profile: profile)) ?? UserAttributes()
        var models: [(String, any Recommender)] = []
        for name in names {
            let m = try Algorithms.make(name, parameters: Parameters())
            try m.fit(ds, context: FitContext(seed: seed))
            models.append((name, m))
        }
        let steps = Replay.timeline(events: events, catalog: ds.catalog, models: models, attributes: who, count: n)
        let titles = ds.catalog.items.map(\.title)
        switch format {
        case .json: try printJSON(steps, dataset: ds, titles: titles)
        case .csv: printCSV(steps, dataset: ds, titles: titles)
        case .table: printTable(steps, dataset: ds, titles: titles)
        }
    }

    struct Doc: Encodable {
        struct Entry: Encodable { var rank: Int; var item: String; var title: String; var score: Float; var movement: Int? }
        struct Step: Encodable {
            var step: Int
            var at: Int64?
            var time: String?
            var item: String?
            var title: String?
            var rating: Float?
            var ratings: Int
            var lists: [String: [Entry]]
        }
        var profile: String
        var dataset: String
        var steps: [Step]
    }

    func printJSON(_ steps: [ReplayStep], dataset ds: Dataset, titles: [String]) throws {
        let doc = Doc(profile: profile, dataset: ds.name, steps: steps.map { s in
            Doc.Step(step: s.index, at: s.event?.at, time: s.event.map { replayTimeText($0.at) }, item: s.event?.item,
                     title: s.item.map { titles[Int($0)] }, rating: s.event?.value, ratings: s.ratingCount,
                     lists: Dictionary(uniqueKeysWithValues: s.lists.map { l in
                         (l.algorithm, l.entries.map { e in
                             Doc.Entry(rank: e.rank, item: ds.catalog[e.item].rawID, title: titles[Int(e.item)],
                                       score: (e.score * 10_000).rounded() / 10_000, movement: e.movement)
                         })
                     }))
        })
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try enc.encode(doc), as: UTF8.self))
    }

    func printCSV(_ steps: [ReplayStep], dataset ds: Dataset, titles: [String]) {
        print("step,at,time,event_item,event_title,rating,algorithm,rank,item,title,score,movement")
        for s in steps {
            let head = [String(s.index), s.event.map { String($0.at) } ?? "", s.event.map { replayTimeText($0.at) } ?? "",
                        csvField(s.event?.item ?? ""), csvField(s.item.map { titles[Int($0)] } ?? ""),
                        s.event.map { $0.value.map(jsonNumber) ?? "removed" } ?? ""]
            for l in s.lists {
                for e in l.entries {
                    print((head + [l.algorithm, String(e.rank), csvField(ds.catalog[e.item].rawID), csvField(titles[Int(e.item)]),
                                   jsonNumber(e.score), e.movement.map(String.init) ?? "new"]).joined(separator: ","))
                }
            }
        }
    }

    func printTable(_ steps: [ReplayStep], dataset ds: Dataset, titles: [String]) {
        print("replay of \(profile) on \(ds.name): \(max(0, steps.count - 1)) rating events")
        for s in steps {
            print("")
            if let e = s.event {
                let what = s.item.map { titles[Int($0)] } ?? "item \(e.item) (not in \(ds.name))"
                print("step \(s.index) · \(replayTimeText(e.at)) · " + (e.value.map { "rated \(what) \(starText($0))" } ?? "removed \(what)"))
            } else {
                print("step 0 · before the first rating")
            }
            let w = (s.lists.map(\.algorithm.count).max() ?? 8) + 2
            for l in s.lists {
                let row = l.entries.map { e in
                    let m = movementText(e.movement)
                    return String(titles[Int(e.item)].prefix(28)) + (m.isEmpty ? "" : " " + m)
                }.joined(separator: " · ")
                print("  " + padCell(l.algorithm, w) + row)
            }
        }
    }
}

/// "2026-11-30 08:12:03 UTC".
func replayTimeText(_ at: Int64) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(at))) + " UTC"
}

extension ClassSummaryCommand {
    /// A comma-separated algorithm list (nil: all), checked against the registry.
    static func parseAlgorithms(_ text: String?) throws -> [String] {
        guard let text else { return Algorithms.names }
        let list = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for a in list where Algorithms.type(named: a) == nil {
            throw ValidationError("unknown algorithm '\(a)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        return list
    }
}

import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore

/// `recsys-tui class …`: the class as a whole (class mode's learners).
struct ClassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "class",
        abstract: "A class's learners: every profile of a shared database, or a folder of exported profiles.",
        subcommands: [ClassSummaryCommand.self])
}

/// `recsys-tui class summary [DIR] [--db PATH] [--data …] [--format table|json]`.
struct ClassSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Each learner's ratings, nearest classmate, favourite genre, and how well each algorithm found what they liked later.",
        discussion: """
            The learners are every profile of the database (--db, default the XDG one) that belongs to the \
            dataset, or every 'profile export' file of DIR (a bad file is skipped with one line on stderr).

            "Afterwards": each learner's ratings are ordered by their time in the event log; the first 70% \
            (at least one) are the earlier part. Every model is fitted once on the dataset plus every \
            learner's earlier part; each learner's top 10 from their earlier ratings is checked against the \
            later ratings of 4★ or more: hits and recall@10 (hits / later 4★+ ratings). See docs/class.md.

            JSON: {"dataset", "source", "learners": [{"name", "ratings", "nearest", "nearestSimilarity", \
            "favouriteGenre", "earlier", "laterLiked", "algorithms": {NAME: {"hits", "recall"}}}], \
            "algorithms": {NAME: {"meanRecall", "learners"}}, "skipped": [LINE]}.
            """)

    @Argument(help: ArgumentHelp("A folder of 'profile export' files (default: the profile database).", valueName: "dir"))
    var folder: String?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Algorithms to score, comma-separated (default: all).")
    var algorithms: String?

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: "Output format: table or json.")
    var format: SummaryFormat = .table

    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func validate() throws {
        if folder != nil && store.db != nil { throw ValidationError("give a class folder or --db, not both") }
    }

    func run() throws {
        let ds = try dataOptions.load()
        let names = try chosenAlgorithms()
        let source: any ClassSource = try folder.map { FolderClass(folder: $0) }
            ?? StoreClass(store: store.open(), dataset: DatasetIdentity(ds))
        let snapshot = try source.load(excluding: "")
        for p in snapshot.problems { FileHandle.standardError.write(Data(("recsys-tui: skipped " + p + "\n").utf8)) }
        let learners = try ClassSummary.build(base: ds, members: snapshot.members, algorithms: names) { name, data in
            let m = try Algorithms.make(name, parameters: Parameters())
            try m.fit(data, context: FitContext(seed: seed))
            return m
        }
        let report = Report(dataset: ds.name, source: folder ?? store.path, learners: learners, algorithms: names,
                            skipped: snapshot.problems)
        switch format {
        case .json:
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        case .table:
            printTable(report)
        }
    }

    func chosenAlgorithms() throws -> [String] { try Self.parseAlgorithms(algorithms) }

    /// The JSON shape (a contract: extend, never break).
    struct Report: Encodable {
        struct Hits: Encodable { var hits: Int; var recall: Double }
        struct Learner: Encodable {
            var name: String
            var ratings: Int
            var nearest: String?
            var nearestSimilarity: Double?
            var favouriteGenre: String?
            var earlier: Int
            var laterLiked: Int
            var algorithms: [String: Hits]
        }
        struct Algorithm: Encodable { var meanRecall: Double?; var learners: Int }
        var dataset: String
        var source: String
        var learners: [Learner]
        var algorithms: [String: Algorithm]
        var skipped: [String]

        init(dataset: String, source: String, learners: [LearnerSummary], algorithms names: [String], skipped: [String]) {
            self.dataset = dataset
            self.source = source
            self.skipped = skipped
            self.learners = learners.map { l in
                Learner(name: l.name, ratings: l.ratings, nearest: l.nearest,
                        nearestSimilarity: l.nearestSimilarity.map { ($0 * 10_000).rounded() / 10_000 },
                        favouriteGenre: l.favouriteGenre, earlier: l.earlier, laterLiked: l.laterLiked,
                        algorithms: l.algorithms.mapValues { Hits(hits: $0.hits, recall: ($0.recall * 10_000).rounded() / 10_000) })
            }
            var algos: [String: Algorithm] = [:]
            for a in names {
                let scored = learners.compactMap { $0.algorithms[a]?.recall }
                let mean = scored.isEmpty ? nil : (scored.reduce(0, +) / Double(scored.count) * 10_000).rounded() / 10_000
                algos[a] = Algorithm(meanRecall: mean, learners: scored.count)
            }
            self.algorithms = algos
        }
    }

    func printTable(_ r: Report) {
        print("class of \(r.learners.count) on \(r.dataset) (\(r.source))")
        if r.learners.isEmpty {
            print("no learner has rated a film of \(r.dataset) yet")
            return
        }
        let nameW = max(7, min(20, r.learners.map(\.name.count).max() ?? 7))
        print(padCell("learner", nameW + 2) + padCell("ratings", 9) + padCell("nearest classmate", 24)
              + padCell("favourite genre", 18) + "best top 10 (later 4★+ found)")
        for l in r.learners {
            let near = l.nearest.map { n in n + (l.nearestSimilarity.map { " " + String(format: "%.2f", $0) } ?? "") } ?? "–"
            let summary = LearnerSummary(name: l.name, ratings: l.ratings, nearest: l.nearest,
                                         nearestSimilarity: l.nearestSimilarity, favouriteGenre: l.favouriteGenre,
                                         earlier: l.earlier, laterLiked: l.laterLiked,
                                         algorithms: l.algorithms.mapValues { LearnerSummary.Hits(hits: $0.hits, recall: $0.recall) })
            let bestText = summary.bestText
            print(padCell(String(l.name.prefix(nameW)), nameW + 2) + padCell(String(l.ratings), 9)
                  + padCell(String(near.prefix(22)), 24) + padCell(l.favouriteGenre ?? "–", 18) + bestText)
        }
        print("")
        print(padCell("algorithm", 14) + padCell("mean recall@10", 16) + "learners scored")
        for a in r.algorithms.keys.sorted(by: { (r.algorithms[$0]?.meanRecall ?? -1, $1) > (r.algorithms[$1]?.meanRecall ?? -1, $0) }) {
            let v = r.algorithms[a]!
            print(padCell(a, 14) + padCell(v.meanRecall.map { String(format: "%.3f", $0) } ?? "–", 16) + String(v.learners))
        }
        for s in r.skipped { print("skipped: \(s)") }
    }
}

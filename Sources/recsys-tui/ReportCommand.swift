import ArgumentParser
import Foundation
import RecsysEngine
import RecsysReport
import RecsysStore
import RecsysUI

/// `recsys-tui report`: a learner's workshop handout (docs/handout.md).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a learner's handout: one self-contained HTML page (or Markdown with SVG charts).",
        discussion: """
            The handout holds the profile's ratings, a histogram of them, every algorithm's top 10 with \
            reasons, the overlap of the top 10s (Compare), one worked formula per family with the learner's \
            numbers, the profile's last evaluation-lab run (kept when the lab finishes in the explorer) and, \
            with --class, the class table of 'class summary'. Every model is fitted on the whole dataset with \
            --seed, as 'recommend' does, so the lists are the same as 'recommend --profile NAME'.

            The HTML page needs nothing else: no network, no fonts, no scripts; it prints one section per \
            page. --format md (or an --out ending in .md) writes Markdown, with each chart as an SVG file \
            beside it (NAME-hist.svg, NAME-overlap.svg, …). See docs/handout.md.
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Name of the saved profile the handout is for.")
    var profile: String

    @Option(name: .customLong("class"), help: ArgumentHelp(
        "Class mode: every other profile of the database (bare --class) or of a folder of 'profile export' files (--class DIR) joins as users, and the handout gets the class table.",
        valueName: "dir"))
    var classFolder: String?

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The file to write (FILE.html, or FILE.md with --format md).", valueName: "file"))
    var out: String

    @Option(help: "Output format: html or md (default: md when --out ends in .md, else html).")
    var format: HandoutFormat?

    @Option(help: "Algorithms to include, comma-separated (default: all).")
    var algorithms: String?

    @Option(name: [.customLong("param")], help: ArgumentHelp(
        "A parameter of one algorithm, ALGO.KEY=VALUE (repeatable), e.g. --param ease.lambda=250.",
        valueName: "ALGO.KEY=VALUE"))
    var params: [String] = []

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @OptionGroup var cacheOptions: CacheOptions

    enum HandoutFormat: String, ExpressibleByArgument, CaseIterable { case html, md }

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out needs a file name") }
        _ = try ClassSummaryCommand.parseAlgorithms(algorithms)
        for p in params {
            let key = p.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard p.contains("="), let dot = key.firstIndex(of: "."), Algorithms.type(named: String(key[..<dot])) != nil else {
                throw ValidationError("--param expects ALGO.KEY=VALUE with a known algorithm (got '\(p)')")
            }
        }
    }

    var chosenFormat: HandoutFormat { format ?? (out.lowercased().hasSuffix(".md") ? .md : .html) }

    func run() throws {
        let location = cacheOptions.location
        let loaded = try dataOptions.load(cache: location)
        if let notice = loaded.notice { FileHandle.standardError.write(Data("recsys-tui: \(notice)\n".utf8)) }
        let base = loaded.dataset
        let identity = DatasetIdentity(base)
        let db = try store.open()
        // Read-only, as `recommend`: never creates or binds a profile; another catalog's profile is refused.
        let (stored, sharedFrom) = try db.readProfile(profile, on: identity)
        if let sharedFrom { warn("profile \(profile) belongs to \(sharedFrom), which shares movie ids with \(base.name)") }
        let who = (try? db.demographics(profile: profile)) ?? UserAttributes()
        let lab: LabRecord?
        do { lab = try db.readLabResult(profile, on: identity) } catch {
            warn((CommandError.describing(error) ?? "\(error)") + " (the handout says how to run the lab again)")
            lab = nil
        }
        let names = try ClassSummaryCommand.parseAlgorithms(algorithms)

        // Class mode: the classmates join the dataset as users (as in the explorer); the class table
        // is `class summary`'s, over every learner including this one.
        var ds = base
        var learners: [LearnerSummary]?
        var skipped: [String] = []
        var classLabel = ""
        if let classFolder {
            let source: any ClassSource = classFolder == ExplorerOptions.classDatabase
                ? StoreClass(store: db, dataset: identity) : FolderClass(folder: classFolder)
            classLabel = classFolder == ExplorerOptions.classDatabase ? store.path : classFolder
            let everyone = try source.load(excluding: "")
            skipped = everyone.problems
            for p in skipped { warn("skipped " + p) }
            ds = base.withClass(everyone.members.filter { $0.name != profile })
            learners = try ClassSummary.build(base: base, members: everyone.members, algorithms: names) { name, data in
                let m = try Algorithms.make(name, parameters: try parameters(for: name))
                try m.fit(data, context: FitContext(seed: seed))
                return m
            }
        }
        var pairs: [(Int32, Float)] = []
        var unknown = 0
        for r in stored {
            if let i = ds.catalog.index(of: r.item) { pairs.append((i, r.value)) } else { unknown += 1 }
        }
        if unknown > 0 { warn("\(unknown) rated items of this profile are not in \(ds.name)") }
        let folded = Profile(pairs, attributes: who)
        // The model cache holds fits of the dataset as loaded; class mode fits a different one.
        let cache = classFolder == nil
            ? location.map { ModelCache(location: $0, dataset: base, fingerprint: loaded.fingerprint) } : nil
        if let cache, let storeImage = loaded.storeImage { storeImage(cache.fingerprint) }
        let models = try names.map { name in
            try loadOrFit(algorithm: name, model: nil, dataset: ds, parameters: try parameters(for: name), seed: seed,
                          cache: cache)
        }
        let input = HandoutInput(dataset: ds, profileName: profile, profile: folded, models: models, seed: seed, lab: lab,
                                 classLearners: learners, classAlgorithms: names, classSource: classLabel,
                                 classSkipped: skipped, made: Self.now())
        let handout = HandoutBuilder.build(input)
        try write(handout)
    }

    /// The parameters given for `algorithm` (`--param ALGO.KEY=VALUE`).
    func parameters(for algorithm: String) throws -> Parameters {
        try parseParameterAssignments(params.filter { $0.hasPrefix(algorithm + ".") }, algorithm: algorithm)
    }

    func write(_ handout: Handout) throws {
        let url = URL(fileURLWithPath: out)
        func save(_ text: String, to path: String) throws {
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CommandError("cannot write \(path): \(error.localizedDescription)")
            }
        }
        switch chosenFormat {
        case .html:
            try save(HandoutHTML.render(handout), to: out)
            print("wrote \(out): \(handout.sections.count) sections, \(handout.charts.count) charts")
        case .md:
            let stem = url.deletingPathExtension().lastPathComponent
            let (markdown, files) = HandoutMarkdown.render(handout, base: stem)
            let folder = url.deletingLastPathComponent().path
            for f in files { try save(f.svg, to: (folder as NSString).appendingPathComponent(f.name)) }
            try save(markdown, to: out)
            print("wrote \(out) and \(files.count) SVG chart\(files.count == 1 ? "" : "s") beside it")
        }
    }

    func warn(_ line: String) { FileHandle.standardError.write(Data(("recsys-tui: " + line + "\n").utf8)) }

    static func now() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: Date())
    }
}

import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore

extension ProfileCommand {
    /// `profile copy NAME --to-data PATH`: a profile's ratings carried to another dataset.
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a profile to another dataset, matching films by id where the ids are shared, else by title and year.",
            discussion: """
                MovieLens latest-small, latest, 20M, 25M and 32M share movie ids, so ratings carry over \
                by id. Between other datasets (the sample, 100K, 1M, 10M, a ratings file) films are \
                matched by title and release year; the command says how many matched and names the \
                first that did not. The copy is a new profile bound to the target dataset; the original \
                is left as it was.
                """)
        @OptionGroup var selection: ProfileSelection
        @Option(help: ArgumentHelp("The dataset to copy the profile to (folder or ratings file).", valueName: "path"))
        var toData: String
        @Option(help: ArgumentHelp("The profile's own dataset, when the profile does not know it (made before profiles were bound to datasets).",
                                   valueName: "path"))
        var fromData: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("The new profile's name (default: the same name).", valueName: "name"))
        var newName: String?
        @OptionGroup var store: StoreOptions
        @Flag(help: "Load what can be loaded from the datasets; skip malformed lines.") var skipBadLines = false

        func run() throws {
            let s = try store.open()
            let summary = try s.summary(profile: selection.name, dataset: selection.dataset)
            let ratings = try s.existingRatings(profile: selection.name, dataset: summary.dataset)
            let options = LoadOptions(skipBadLines: skipBadLines)
            let target = try DatasetLoader.load(path: toData, options: options)
            let targetID = DatasetIdentity(target)
            let sourcePath = fromData ?? (summary.bound ? summary.datasetSource : nil)
            guard let sourcePath else {
                throw ValidationError("profile \(selection.name) does not know its dataset (made before profiles were bound to datasets); pass --from-data PATH")
            }
            let source = try DatasetLoader.load(path: sourcePath, options: options)
            let sourceID = DatasetIdentity(source)
            if fromData == nil, let key = summary.datasetKey, key != sourceID.key {
                throw ValidationError("\(sourcePath), the dataset of profile \(selection.name), now holds another catalog; pass --from-data PATH")
            }
            let result = ProfileTransfer.map(ratings, from: source, sourceID: sourceID, to: target, targetID: targetID)
            let name = newName ?? selection.name
            let id = try s.createProfile(name, on: targetID)
            try s.addRatings(id: id, result.ratings)
            var line = "copied \(result.ratings.count) of \(ratings.count) ratings of \(selection.name) (\(sourceID.name)) "
                + "to \(name) for \(targetID.name) \(result.byID ? "by movie id" : "by title and year"): "
                + "\(result.ratings.count) matched, \(result.unmatched.count) unmatched"
            if !result.unmatched.isEmpty {
                line += " (e.g. " + result.unmatched.prefix(3).joined(separator: "; ") + ")"
            }
            print(line)
        }
    }
}

extension ProfileCommand {
    /// `profile bind NAME --data PATH`: says which dataset a profile from before binding was rated on.
    struct Bind: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bind a profile made before profiles knew their dataset to the dataset it was rated on.",
            discussion: """
                Profiles written by recsys-tui 0.1.0 remember only the dataset they were last opened with, \
                which is not always the one they were rated on. A profile already bound is refused: \
                use 'profile copy' to carry it to another dataset.
                """)
        @OptionGroup var selection: ProfileSelection
        @Option(help: ArgumentHelp("The dataset the profile's ratings were made on.", valueName: "path")) var data: String
        @OptionGroup var store: StoreOptions

        func run() throws {
            let s = try store.open()
            let summary = try s.summary(profile: selection.name, dataset: selection.dataset)
            if summary.bound {
                throw ValidationError("profile \(selection.name) already belongs to \(summary.dataset ?? "?"); "
                                      + "use 'profile copy \(selection.name) --to-data PATH' for another dataset")
            }
            let ds = try DatasetLoader.load(path: data, options: LoadOptions())
            let ratings = try s.existingRatings(profile: selection.name, dataset: summary.dataset)
            let found = ratings.filter { ds.catalog.index(of: $0.item) != nil }.count
            guard let id = try s.profileID(named: selection.name, dataset: summary.dataset) else { return }
            try s.bind(id: id, to: DatasetIdentity(ds))
            print("bound \(selection.name) to \(ds.name): \(found) of \(ratings.count) rated items are in it")
        }
    }
}

/// Maps a profile's ratings from one catalog to another.
enum ProfileTransfer {
    struct Result {
        var ratings: [StoredRating]
        /// Titles (or ids) of the ratings that found no film in the target.
        var unmatched: [String]
        var byID: Bool
    }

    /// By raw id when the two share ids, else by title and year (`TitleYearMatcher`).
    static func map(_ ratings: [StoredRating], from source: Dataset, sourceID: DatasetIdentity,
                    to target: Dataset, targetID: DatasetIdentity) -> Result {
        let byID = sourceID.sharesItemIDs(with: targetID)
        let matcher = byID ? nil : TitleYearMatcher(target.catalog)
        var out: [StoredRating] = []
        var unmatched: [String] = []
        for r in ratings {
            let title = source.catalog.index(of: r.item).map { source.catalog[$0].title }
            let hit: Int32?
            if byID {
                hit = target.catalog.index(of: r.item)
            } else {
                hit = title.flatMap { matcher?.match(title: $0) }
            }
            if let hit {
                out.append(StoredRating(item: target.catalog[hit].rawID, value: r.value, timestamp: r.timestamp))
            } else {
                unmatched.append(title ?? "item \(r.item)")
            }
        }
        return Result(ratings: out, unmatched: unmatched, byID: byID)
    }
}

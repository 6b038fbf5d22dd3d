import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore

/// The `--db PATH` option every profile-using command shares (declared here once).
///
/// nil means the XDG default (`$XDG_DATA_HOME/recsys-tui/profiles.sqlite`, else
/// `~/.local/share/recsys-tui/profiles.sqlite`), `":memory:"` a volatile store. Resolution lives in
/// `StorePaths` so every entry point agrees.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The profile database (default: $XDG_DATA_HOME/recsys-tui/profiles.sqlite or ~/.local/share/recsys-tui/profiles.sqlite; :memory: for none).",
        valueName: "path"))
    var db: String?

    /// The resolved path, for messages.
    var path: String { StorePaths.resolve(db: db) }

    /// - Throws: `StoreError` naming the file and what to do (corrupted, locked, read-only, …).
    func open() throws -> SQLiteProfileStore { try SQLiteProfileStore.open(db: db) }
}

/// The explorer's profile, bound to the dataset being explored, and the line that says what happened.
struct OpenedProfile {
    var profiles: DatasetProfiles
    var ratings: [StoredRating]
    /// "new profile default for ml-100k", "profile bob of ml-latest-small (same movie ids): …", or "".
    var notice: String
    /// The header's tag: "new", "of ml-latest-small", or "".
    var tag: String
}

/// Opens `profile` for `dataset` as the explorer does: its own profile, one with shared ids, or a new
/// one (said so); a profile of a dataset whose ids mean other films is refused with one line.
func openDatasetProfiles(store: StoreOptions, dataset: Dataset, profile: String) throws -> OpenedProfile {
    let identity = DatasetIdentity(dataset)
    let profiles = DatasetProfiles(store: try store.open(), dataset: identity)
    let ratings = try profiles.ratings(profile: profile)
    var notice = "", tag = ""
    if profiles.created.contains(profile) {
        tag = "new"
        notice = "new profile \(profile) for \(dataset.name)"
        // A profile of that name from before binding, last opened elsewhere, may hold ratings of this dataset.
        if let old = try profiles.store.profiles().first(where: { $0.name == profile && !$0.bound && $0.ratingCount > 0 }) {
            notice += "; the older \(profile) (\(old.ratingCount) ratings, last used with \(old.dataset ?? "?")) is kept: "
                + "'profile bind \(profile) --dataset \(old.dataset ?? "?") --data PATH' if it was rated here"
        }
    } else if let other = profiles.sharedDataset(of: profile) {
        tag = "of \(other)"
        let matched = ratings.filter { dataset.catalog.index(of: $0.item) != nil }.count
        notice = "profile \(profile) of \(other) (same movie ids): \(matched) ratings matched, \(ratings.count - matched) not in \(dataset.name)"
    }
    return OpenedProfile(profiles: profiles, ratings: ratings, notice: notice, tag: tag)
}

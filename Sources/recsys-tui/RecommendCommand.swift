import ArgumentParser
import Foundation
import RecsysEngine
import RecsysUI
import RecsysStore

/// `recsys-tui recommend`: top-N for a training user or a stored profile.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend movies for a user of the data or for a saved profile.",
        discussion: """
            The model is fitted on the whole dataset, then lists the top N items the user has not rated, \
            each with the one-line reason from its explanation. A profile's ratings are folded in; a \
            profile made on another dataset is refused unless the two share movie ids.

            JSON: {"algorithm": …, "user"|"profile": …, "items": [{"rank", "item", "title", "score", "reason"}]}.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Raw id of a user in the data.")
    var user: String?

    @Option(help: "Name of a saved profile.")
    var profile: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if (user == nil) == (profile == nil) {
            throw ValidationError("give exactly one of --user RAW_ID or --profile NAME")
        }
    }

    func run() throws {
        let (ds, cache) = try model.load(dataOptions)
        var p: Profile
        var notes: [String] = []
        if let user {
            guard let u = ds.users.index(of: user) else {
                throw CommandError("unknown user '\(user)' in \(ds.name) (\(ds.userCount) users, e.g. \(ds.users.ids.prefix(3).joined(separator: ", ")))")
            }
            p = Profile.training(u, in: ds.ratings)
        } else {
            // Read-only: never creates or binds a profile; a profile of another catalog is refused.
            let (stored, sharedFrom) = try store.open().readProfile(profile!, on: DatasetIdentity(ds))
            // Who the profile said it is (`profile set`); unknown when the name is ambiguous across datasets.
            let who = (try? store.open().demographics(profile: profile!)) ?? UserAttributes()
            var pairs: [(Int32, Float)] = []
            var unknown = 0
            for r in stored {
                if let i = ds.catalog.index(of: r.item) { pairs.append((i, r.value)) } else { unknown += 1 }
            }
            if let sharedFrom { notes.append("profile \(profile!) belongs to \(sharedFrom), which shares movie ids with \(ds.name)") }
            if unknown > 0 { notes.append("\(unknown) rated items of this profile are not in \(ds.name)") }
            p = Profile(pairs, attributes: who)
        }
        let m = try model.fittedModel(on: ds, cache: cache)
        let listing = Listings.recommendations(m, profile: p, dataset: ds, count: model.n)
        notes += listing.notes
        printListing(listing.items, algorithm: m.name, key: user != nil ? "user" : "profile",
                     value: user ?? profile!, format: model.format, notes: notes)
    }
}

import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui similar`: the items most similar to one item under a model.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the movies most similar to one movie.",
        discussion: """
            Pick the movie by raw id (--item) or by title (--title, case- and accent-insensitive). When a title
            matches several movies they are listed and the command exits with status 2: repeat with --item.
            JSON: {"algorithm": …, "item": …, "items": [{"rank", "item", "title", "score", "reason"}]}.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Raw id of the movie.")
    var item: String?

    @Option(help: "Title (or part of it) of the movie.")
    var title: String?

    func validate() throws {
        if (item == nil) == (title == nil) {
            throw ValidationError("give exactly one of --item RAW_ID or --title TEXT")
        }
    }

    func run() throws {
        let ds = try withCleanErrors { try dataOptions.load() }
        let target: Int32
        if let item {
            guard let i = ds.catalog.index(of: item) else { fail("unknown item '\(item)' in \(ds.name)") }
            target = i
        } else {
            let found = TitleSearch.find(title!, in: ds.catalog)
            if found.isEmpty { fail("no movie title matches '\(title!)'") }
            if found.count > 1 {
                var lines = ["'\(title!)' matches \(found.count) movies; pick one with --item:"]
                for i in found.prefix(30) { lines.append("  \(ds.catalog[i].rawID)\t\(ds.catalog[i].title)") }
                if found.count > 30 { lines.append("  … and \(found.count - 30) more") }
                fail(lines.joined(separator: "\n"))
            }
            target = found[0]
        }
        let m = withStoreErrors { try model.fittedModel(on: ds) }
        let rows = Listings.similar(m, to: target, catalog: ds.catalog, count: model.n)
        printListing(rows, algorithm: m.name, key: "item", value: ds.catalog[target].rawID,
                     format: model.format)
    }
}

import ArgumentParser
import Foundation
import RecsysEngine
import RecsysUI

/// `recsys-tui similar`: the items most similar to one item under a model.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the movies most similar to one movie.",
        discussion: """
            Pick the movie by raw id (--item) or by title (--title, case- and accent-insensitive). When a title \
            matches several movies they are listed and the command exits with status 2: repeat with --item.

            The output names the movie it matched ("query"); when the title is also part of other titles, \
            those are named as alternatives.

            JSON: {"algorithm": …, "item": …, "query": {"item", "title"}, "alternatives": [{"item", "title"}], \
            "items": [{"rank", "item", "title", "score", "reason"}]}.
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
        let (ds, cache) = try model.load(dataOptions)
        let target: Int32
        var alternatives: [Int32] = []
        if let item {
            guard let i = ds.catalog.index(of: item) else { throw CommandError("unknown item '\(item)' in \(ds.name)") }
            target = i
        } else {
            let search = TitleSearch.search(title!, in: ds.catalog)
            let found = search.exact.isEmpty ? search.partial : search.exact
            if !search.exact.isEmpty { alternatives = search.partial }
            if found.isEmpty { throw CommandError("no movie title matches '\(title!)'") }
            if found.count > 1 {
                var lines = ["'\(title!)' matches \(found.count) movies; pick one with --item:"]
                for i in found.prefix(30) { lines.append("  \(ds.catalog[i].rawID)\t\(ds.catalog[i].title)") }
                if found.count > 30 { lines.append("  … and \(found.count - 30) more") }
                throw CommandError(lines.joined(separator: "\n"))
            }
            target = found[0]
        }
        let m = try model.fittedModel(on: ds, cache: cache)
        let rows = Listings.similar(m, to: target, catalog: ds.catalog, count: model.n)
        let query = ds.catalog[target]
        var preface = ["similar to \(query.title) (item \(query.rawID))"]
        if !alternatives.isEmpty {
            let shown = alternatives.prefix(5).map { "\(ds.catalog[$0].title) (item \(ds.catalog[$0].rawID))" }
            preface.append("also matching '\(title!)': " + shown.joined(separator: ", ")
                           + (alternatives.count > 5 ? ", … \(alternatives.count - 5) more" : "") + "; pick one with --item")
        }
        func ref(_ i: Int32) -> String {
            "{\"item\": \(jsonString(ds.catalog[i].rawID)), \"title\": \(jsonString(ds.catalog[i].title))}"
        }
        var fields = [("query", ref(target))]
        if !alternatives.isEmpty { fields.append(("alternatives", "[" + alternatives.map(ref).joined(separator: ", ") + "]")) }
        printListing(rows, algorithm: m.name, key: "item", value: query.rawID, format: model.format,
                     preface: preface, jsonFields: fields)
    }
}

import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui info`: statistics of a dataset.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show statistics of a dataset.")

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let ds = try withCleanErrors { try dataOptions.load() }
        print("\(ds.name): \(ds.userCount) users, \(ds.itemCount) items, \(ds.ratings.count) ratings")
    }
}

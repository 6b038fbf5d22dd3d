import ArgumentParser
import Foundation
import RecsysEngine

/// The interactive explorer (default subcommand).
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the interactive explorer (the default).")

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The profile to rate with.")
    var profile = "default"

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    func run() throws {
        let ds = try withCleanErrors { try dataOptions.load() }
        print("explorer: would open \(ds.name) (\(ds.userCount) users, \(ds.itemCount) items, \(ds.ratings.count) ratings) with profile \(profile)")
    }
}

import ArgumentParser
import Foundation
import RecsysEngine

/// Options shared by `recommend` and `similar`: the algorithm (or a saved model), its parameters,
/// the seed, the count and the output format.
struct ModelOptions: ParsableArguments {
    static let defaultAlgorithm = "ease"

    @Option(name: .long, help: "Algorithm: \(Algorithms.names.joined(separator: ", ")) (default: \(defaultAlgorithm), or the saved model's).")
    var algorithm: String?

    @OptionGroup var saved: SavedModelOptions

    @Option(name: [.customLong("param")], help: ArgumentHelp(
        "A parameter of the algorithm, KEY=VALUE or ALGO.KEY=VALUE (repeatable), e.g. --param lambda=250.",
        valueName: "KEY=VALUE"))
    var params: [String] = []

    // `.unconditional` so that `-n -5` reaches `validate()` ("must be at least 1") instead of being read as an option.
    @Option(name: .short, parsing: .unconditional, help: "How many items to list.")
    var n = 10

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: "Output format: table, json or csv.")
    var format: ListFormat = .table

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1 (got \(n))") }
        if let algorithm, Algorithms.type(named: algorithm) == nil {
            throw ValidationError("unknown algorithm '\(algorithm)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        for p in params where !p.contains("=") {
            throw ValidationError("--param expects KEY=VALUE (got '\(p)')")
        }
    }

    /// The model: loaded from `--model FILE`, else the chosen algorithm fitted on the whole dataset.
    func fittedModel(on ds: Dataset) throws -> any Recommender {
        let name = algorithm ?? (saved.model == nil ? Self.defaultAlgorithm : nil)
        let parameters = try parseParameterAssignments(params, algorithm: name ?? "")
        return try loadOrFit(algorithm: name, model: saved.model, dataset: ds, parameters: parameters, seed: seed)
    }
}

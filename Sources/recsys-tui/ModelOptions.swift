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

    @OptionGroup var cacheOptions: CacheOptions

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1 (got \(n))") }
        if let algorithm, Algorithms.type(named: algorithm) == nil {
            throw ValidationError("unknown algorithm '\(algorithm)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        for p in params where !p.contains("=") {
            throw ValidationError("--param expects KEY=VALUE (got '\(p)')")
        }
    }

    /// The model: loaded from `--model FILE`, else the chosen algorithm fitted on the whole dataset
    /// (or read from the fitted-model `cache`).
    func fittedModel(on ds: Dataset, cache: ModelCache? = nil) throws -> any Recommender {
        let name = algorithm ?? (saved.model == nil ? Self.defaultAlgorithm : nil)
        let parameters = try parseParameterAssignments(params, algorithm: name ?? "")
        return try loadOrFit(algorithm: name, model: saved.model, dataset: ds, parameters: parameters, seed: seed,
                             cache: cache)
    }

    /// The dataset (through the dataset cache unless `--no-cache`; a parsed one is saved as an
    /// image for next time) and the model cache for it.
    func load(_ data: DataOptions) throws -> (Dataset, ModelCache?) {
        let location = cacheOptions.location
        let loaded = try data.load(cache: location)
        if let notice = loaded.notice { FileHandle.standardError.write(Data("recsys-tui: \(notice)\n".utf8)) }
        let cache = location.map { ModelCache(location: $0, dataset: loaded.dataset, fingerprint: loaded.fingerprint) }
        if let cache, let store = loaded.storeImage { store(cache.fingerprint) }
        return (loaded.dataset, cache)
    }
}

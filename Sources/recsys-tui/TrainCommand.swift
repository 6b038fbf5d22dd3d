import ArgumentParser
import Foundation
import RecsysEngine

/// `recsys-tui train`: fit a model and save it for `--model FILE`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a model and save it to a file for later use with --model.",
        discussion: """
            The file (format: docs/model-format.md) records the algorithm, its parameters and a fingerprint of \
            the dataset; loading it on other data is refused. Progress goes to stderr.

            JSON (--format json): {"algorithm", "dataset", "users", "items", "ratings", "parameters": {…}, \
            "seed", "seconds", "out", "bytes"}.
            """)

    @Option(name: .long, help: "Algorithm to fit: \(Algorithms.names.joined(separator: ", ")).")
    var algorithm: String

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var memoryOptions: MemoryOptions

    @Option(name: .customLong("param"), help: ArgumentHelp(
        "A parameter of the algorithm, KEY=VALUE or ALGO.KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var params: [String] = []

    @Option(help: "Seed of every random choice in the fit.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads the fit may use.")
    var threads = 2

    @Option(name: .long, help: ArgumentHelp("Where to write the model.", valueName: "FILE"))
    var out: String

    @Option(help: "Output format of the summary: text or json.")
    var format: SummaryFormat = .text

    @Flag(name: .long, help: "No progress on stderr.")
    var quiet = false

    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard Algorithms.type(named: algorithm) != nil else {
            throw ValidationError("unknown algorithm '\(algorithm)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        guard ModelFiles.persistableNames.contains(algorithm) else {
            throw ValidationError("\(algorithm) models cannot be saved yet (saveable: "
                + ModelFiles.persistableNames.joined(separator: ", ") + ")")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64 (got \(threads))") }
    }

    func run() throws {
        memoryOptions.apply()
        let parameters = try parseParameterAssignments(params, algorithm: algorithm)
        // Check the parameters before the (possibly long) load.
        _ = try Algorithms.make(algorithm, parameters: parameters)
        let data = try dataOptions.load()
        let reporter = ProgressReporter(label: "train \(algorithm)", enabled: !quiet)
        let start = Date()
        let model = try loadOrFit(algorithm: algorithm, model: nil, dataset: data, parameters: parameters, seed: seed,
                      threads: threads, progress: reporter.callback)
        reporter.finish()
        let seconds = Date().timeIntervalSince(start)
        try ModelFiles.save(model, dataset: data, to: out)
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: out))?[.size] as? NSNumber)?.intValue ?? 0
        switch format {
        case .text:
            print("trained \(algorithm) (\(model.parameters)) on \(DatasetFingerprint(data)) in "
                + String(format: "%.2f", seconds) + " s → \(out) (\(bytes) bytes)")
        case .json:
            let ps = model.parameters.values.keys.sorted()
                .map { "\(jsonQuoted($0)): \(jsonQuoted(model.parameters.values[$0]!))" }.joined(separator: ", ")
            print("{\"algorithm\": \(jsonQuoted(algorithm)), \"dataset\": \(jsonQuoted(data.name)), "
                + "\"users\": \(data.userCount), \"items\": \(data.itemCount), \"ratings\": \(data.ratings.count), "
                + "\"parameters\": {\(ps)}, \"seed\": \(seed), \"seconds\": \(String(format: "%.3f", seconds)), "
                + "\"out\": \(jsonQuoted(out)), \"bytes\": \(bytes)}")
        }
    }
}

/// A JSON string literal.
private func jsonQuoted(_ s: String) -> String { JSONText.quoted(s) }

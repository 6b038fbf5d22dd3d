import ArgumentParser
import Foundation
import RecsysEngine

/// `--model FILE`: serve a model saved by `recsys-tui train` instead of fitting one.
///
/// Adopt with `@OptionGroup var modelOptions: SavedModelOptions` and build the model with
/// `loadOrFit(algorithm:model:dataset:parameters:seed:)`.
struct SavedModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Use a model saved by 'recsys-tui train' instead of fitting (it must have been trained on the same data).",
        valueName: "FILE"))
    var model: String?
}

/// A ready model: loaded from `model` when given, else `algorithm` fitted on `dataset`.
///
/// - Parameters:
///   - algorithm: the algorithm to fit; with a model file, nil accepts any algorithm
///     and a name must match the file's.
///   - model: a saved model path, or nil to fit.
///   - parameters: `KEY=V` values for the fit; with a model file they must be empty or
///     agree with the saved ones (a saved model cannot be re-parameterised).
///   - seed, threads, progress: the fit's `FitContext`.
///   - cache: the fitted-model cache to read before fitting and write after (a damaged or stale
///     entry is reported on stderr, refitted and replaced).
/// - Throws: `ModelFileError` (unreadable file, other dataset, other algorithm),
///   `ParameterError` (unknown algorithm, bad or conflicting parameters).
func loadOrFit(algorithm: String?, model: String?, dataset: Dataset, parameters: Parameters = Parameters(),
               seed: UInt64 = 42, threads: Int = 2,
               progress: @escaping @Sendable (FitProgress) -> Void = { _ in },
               cache: ModelCache? = nil) throws -> any Recommender {
    if let model {
        let loaded = try ModelFiles.load(from: model, dataset: dataset, expecting: algorithm)
        if !parameters.values.isEmpty {
            let wanted = try parameters.resolved(for: loaded.name, specs: type(of: loaded).parameterSpecs)
            if wanted != loaded.parameters {
                throw ParameterError("--param conflicts with the model in \(model), saved with \(loaded.parameters)")
            }
        }
        return loaded
    }
    guard let algorithm else {
        throw ParameterError("no algorithm given (valid: \(Algorithms.names.joined(separator: ", ")))")
    }
    let key = cache?.key(algorithm: algorithm, parameters: parameters, seed: seed, threads: threads)
    if let cache, let key {
        switch cache.load(key) {
        case .hit(let m, _): return m
        case .miss: break
        case .refused(let why):
            FileHandle.standardError.write(Data("recsys-tui: cache entry for \(algorithm) was \(why.word): refitting\n".utf8))
        }
    }
    let m = try Algorithms.make(algorithm, parameters: parameters)
    try m.fit(dataset, context: FitContext(seed: seed, threads: threads, progress: progress))
    if let cache, let key { try? cache.store(key, model: m) }
    return m
}

/// Parses `--param` values for one algorithm: `KEY=V` or `ALGO.KEY=V`.
///
/// A prefix naming another registered algorithm is an error (it would silently do nothing).
func parseParameterAssignments(_ list: [String], algorithm: String) throws -> Parameters {
    var values: [String: String] = [:]
    for item in list {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ParameterError("--param expects KEY=VALUE or \(algorithm).KEY=VALUE (got '\(item)')")
        }
        var key = String(item[..<eq])
        let value = String(item[item.index(after: eq)...])
        if let dot = key.firstIndex(of: "."), Algorithms.type(named: String(key[..<dot])) != nil {
            let prefix = String(key[..<dot])
            guard prefix == algorithm else {
                throw ParameterError("--param \(item) is for \(prefix), not \(algorithm)")
            }
            key = String(key[key.index(after: dot)...])
        }
        values[key] = value
    }
    return Parameters(values)
}

/// Fit progress on stderr: a redrawn bar on a terminal, plain lines otherwise.
///
/// On a TTY the bar is redrawn at most every 50 ms and cleared at the end; on a
/// pipe or file one line is written per epoch or per 10 % step.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let isTTY: Bool
    private let label: String
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var lastEpoch: Int?
    private var lastDecile = -1
    private var drewBar = false

    init(label: String, enabled: Bool = true) {
        self.label = label
        self.enabled = enabled
        isTTY = isatty(STDERR_FILENO) == 1
    }

    /// A `FitContext` progress callback.
    var callback: @Sendable (FitProgress) -> Void { { [self] p in report(p) } }

    func report(_ p: FitProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let fraction = min(1, max(0, p.fraction))
        var detail = p.message
        if let loss = p.loss { detail += String(format: ", loss %.4f", loss) }
        if isTTY {
            let now = Date()
            guard fraction >= 1 || now.timeIntervalSince(lastDraw) >= 0.05 else { return }
            lastDraw = now
            let width = 30
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\u{1B}[2K\r\(label) \(bar) \(String(format: "%3.0f", fraction * 100))% \(detail)")
            drewBar = true
        } else {
            let decile = Int(fraction * 10)
            guard p.epoch != lastEpoch || decile != lastDecile else { return }
            lastEpoch = p.epoch
            lastDecile = decile
            write("\(label): \(String(format: "%3.0f", fraction * 100))% \(detail)\n")
        }
    }

    /// Clears the bar (TTY) so the next output starts on a clean line.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drewBar { write("\u{1B}[2K\r") }
        drewBar = false
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

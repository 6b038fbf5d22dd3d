import Foundation
import RecsysEngine

/// One model the service answers with: the fitted recommender and where it came from.
public struct ServedModel: Sendable {
    /// The fitted (or loaded) model; safe to call from any thread once fitted.
    public var model: any Recommender
    /// The model file it was loaded from, or nil when it was fitted at start.
    public var file: String?
    /// Seconds spent fitting (nil for a loaded file, whose fit happened in `train`).
    public var fitSeconds: Double?
    /// Seconds spent reading and restoring the file (nil for a fitted model).
    public var loadSeconds: Double?
    /// The file's modification time when it was read, to skip unchanged files on reload.
    public var fileModified: Date?

    public init(model: any Recommender, file: String? = nil, fitSeconds: Double? = nil, loadSeconds: Double? = nil,
                fileModified: Date? = nil) {
        self.model = model
        self.file = file
        self.fitSeconds = fitSeconds
        self.loadSeconds = loadSeconds
        self.fileModified = fileModified
    }

    public var algorithm: String { model.name }

    /// Loads a model saved by `recsys-tui train` through the engine's `ModelFiles.load`,
    /// which refuses files trained on other data.
    ///
    /// - Throws: `ModelFileError` naming the file.
    public static func load(file: String, dataset: Dataset) throws -> ServedModel {
        let modified = Self.modificationDate(file)
        let start = Date()
        let m = try ModelFiles.load(from: file, dataset: dataset)
        return ServedModel(model: m, file: file, loadSeconds: Date().timeIntervalSince(start), fileModified: modified)
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// An immutable set of served models over one dataset. A request takes the current set once
/// and uses it to the end, so a reload never changes the model under a request in flight.
public struct ModelSet: Sendable {
    public let dataset: Dataset
    public let fingerprint: DatasetFingerprint
    /// In the order given at start; the first is the default algorithm.
    public let models: [ServedModel]
    /// 1 at start, +1 per reload that changed something.
    public let generation: Int

    /// - Throws: `ServeSetupError` when two models have the same algorithm or none is given.
    public init(dataset: Dataset, models: [ServedModel], generation: Int = 1,
                fingerprint: DatasetFingerprint? = nil) throws {
        guard !models.isEmpty else { throw ServeSetupError("no model to serve: give --model FILE or --algorithm A") }
        var seen = Set<String>()
        for m in models where !seen.insert(m.algorithm).inserted {
            throw ServeSetupError("two models for \(m.algorithm)" + (m.file.map { " (the second from \($0))" } ?? "")
                + ": serve one model per algorithm")
        }
        self.dataset = dataset
        self.models = models
        self.generation = generation
        self.fingerprint = fingerprint ?? DatasetFingerprint(dataset)
    }

    /// The default model (the first given).
    public var defaultModel: ServedModel { models[0] }

    public func model(named name: String) -> ServedModel? { models.first { $0.algorithm == name } }

    public var algorithmNames: [String] { models.map(\.algorithm) }
}

/// A setup problem found before the server starts (printed as one line, exit 2).
public struct ServeSetupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What `POST /v1/models/reload` did.
public struct ReloadReport: Sendable {
    public var generation: Int
    /// Files read again because they changed since they were loaded.
    public var reloaded: [String]
    /// Files whose modification time had not changed.
    public var unchanged: [String]
}

/// Holds the current `ModelSet` and swaps it atomically on reload.
///
/// Readers take a snapshot under a lock (nanoseconds); a reload builds the whole new set
/// off the lock, then swaps. Reloads are serialised so two cannot interleave.
public final class ModelRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private let reloadLock = NSLock()
    private var set: ModelSet

    public init(_ set: ModelSet) { self.set = set }

    /// The models to answer one request with.
    public var current: ModelSet {
        lock.lock(); defer { lock.unlock() }
        return set
    }

    /// Re-reads every model file whose modification time changed and swaps the set in one step.
    /// Fitted models are kept as they are. On any error nothing changes.
    ///
    /// - Throws: `ModelFileError` naming the file that cannot be loaded.
    public func reload() throws -> ReloadReport {
        reloadLock.lock(); defer { reloadLock.unlock() }
        let old = current
        var next: [ServedModel] = []
        var reloaded: [String] = [], unchanged: [String] = []
        for m in old.models {
            guard let file = m.file else { next.append(m); continue }
            let modified = ServedModel.modificationDate(file)
            if modified != nil && modified == m.fileModified {
                unchanged.append(file)
                next.append(m)
                continue
            }
            let fresh = try ServedModel.load(file: file, dataset: old.dataset)
            guard fresh.algorithm == m.algorithm else {
                throw ModelFileError(path: file, "now holds a \(fresh.algorithm) model, not the \(m.algorithm) "
                    + "model served from it; restart the server to change algorithms")
            }
            next.append(fresh)
            reloaded.append(file)
        }
        let generation = old.generation + (reloaded.isEmpty ? 0 : 1)
        let swapped = try ModelSet(dataset: old.dataset, models: next, generation: generation,
                                   fingerprint: old.fingerprint)
        lock.lock(); set = swapped; lock.unlock()
        return ReloadReport(generation: generation, reloaded: reloaded, unchanged: unchanged)
    }
}

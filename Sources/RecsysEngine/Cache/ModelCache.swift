import Foundation

/// Where recsys-tui keeps its caches: `$XDG_CACHE_HOME/recsys-tui` when `XDG_CACHE_HOME` is an
/// absolute path (the XDG rule: relative values are ignored), else `~/.cache/recsys-tui`.
/// Fitted models go in `models/`, dataset images in `datasets/`.
public struct CacheLocation: Sendable, Equatable {
    public var root: String

    public init(root: String) { self.root = root }

    /// The location the environment gives.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> CacheLocation {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return CacheLocation(root: (xdg as NSString).appendingPathComponent("recsys-tui"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return CacheLocation(root: (home as NSString).appendingPathComponent(".cache/recsys-tui"))
    }

    public var models: String { (root as NSString).appendingPathComponent("models") }
    public var datasets: String { (root as NSString).appendingPathComponent("datasets") }
}

/// Why a cache entry was not used.
public enum CacheRefusal: Sendable, Equatable {
    /// Damaged: wrong signature, cut short, checksum mismatch, contents that do not parse.
    case corrupt(String)
    /// Well formed but made for other data, parameters or program version.
    case stale(String)

    /// "corrupt" or "stale".
    public var word: String {
        if case .corrupt = self { return "corrupt" }
        return "stale"
    }

    public var detail: String {
        switch self {
        case .corrupt(let d), .stale(let d): return d
        }
    }
}

/// The fitted-model cache of one dataset: entries keyed by the dataset's fingerprint, the
/// algorithm, its parameters (defaults filled in, sorted), the seed, the fit's thread count, the
/// saved-model format version and the algorithm's state version.
///
/// An entry is a `CacheFile` of kind `.model` whose payload is a saved model (docs/model-format.md),
/// named `models/<algorithm>-<16 hex digits of the key>.rsc`. `load` refuses (and deletes) an entry
/// that is corrupt or stale, so the caller refits and `store` replaces it; it never trusts one.
/// Only algorithms that can be saved (`ModelFiles.persistableNames`) are cached.
///
/// Thread-safe: fits on several threads may share one cache (the fingerprint is computed once).
public final class ModelCache: @unchecked Sendable {
    public let location: CacheLocation
    public let dataset: Dataset
    private let lock = NSLock()
    private var knownFingerprint: DatasetFingerprint?

    /// - Parameter fingerprint: the dataset's fingerprint when already known (a dataset image
    ///   stores it); computed on first use otherwise (O(ratings)).
    public init(location: CacheLocation, dataset: Dataset, fingerprint: DatasetFingerprint? = nil) {
        self.location = location
        self.dataset = dataset
        self.knownFingerprint = fingerprint
    }

    public var fingerprint: DatasetFingerprint {
        lock.lock(); defer { lock.unlock() }
        if let f = knownFingerprint { return f }
        let f = DatasetFingerprint(dataset)
        knownFingerprint = f
        return f
    }

    /// True when models of `algorithm` can be cached.
    public static func caches(_ algorithm: String) -> Bool {
        Algorithms.type(named: algorithm).map { $0 is any PersistableRecommender.Type } ?? false
    }

    /// The key of a fit, or nil when the algorithm is not cached or the parameters are invalid.
    public func key(algorithm: String, parameters: Parameters, seed: UInt64, threads: Int) -> CacheKey? {
        guard let t = Algorithms.type(named: algorithm), let pt = t as? any PersistableRecommender.Type,
              let resolved = try? parameters.resolved(for: algorithm, specs: t.parameterSpecs) else { return nil }
        let f = fingerprint
        var k = CacheKey()
        k.add("kind", CacheEntryKind.model.name)
        k.add("dataset", f.name)
        k.add("algorithm", algorithm)
        k.add("parameters", resolved.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        k.add("seed", String(seed))
        k.add("threads", String(threads))
        k.add("fingerprint", Self.text(f))
        k.add("model-format", String(ModelArchive.formatVersion))
        k.add("state-version", String(pt.stateVersion))
        return k
    }

    /// "users:items:ratings:item-id hash:user-id hash:rating hash" (hashes in hex).
    static func text(_ f: DatasetFingerprint) -> String {
        "\(f.userCount):\(f.itemCount):\(f.ratingCount):" + [f.itemIDHash, f.userIDHash, f.ratingHash]
            .map { String($0, radix: 16) }.joined(separator: ":")
    }

    /// The file of an entry.
    public func path(for key: CacheKey) -> String {
        (location.models as NSString).appendingPathComponent("\(key["algorithm"] ?? "model")-\(key.digest)\(CacheFile.suffix)")
    }

    /// What a lookup found.
    public enum Lookup: Sendable {
        /// The model, and the key as stored (with the `notes` given to `store`).
        case hit(any Recommender, stored: CacheKey)
        /// No entry.
        case miss
        /// An entry that could not be used; it has been deleted.
        case refused(CacheRefusal)
    }

    /// Looks an entry up and restores its model for this cache's dataset.
    ///
    /// A damaged or stale entry is deleted and reported as `.refused`; nothing in it is used.
    public func load(_ key: CacheKey) -> Lookup {
        let path = path(for: key)
        guard FileManager.default.fileExists(atPath: path) else { return .miss }
        do {
            let (model, stored) = try Self.readEntry(path: path, key: key, dataset: dataset, fingerprint: fingerprint)
            return .hit(model, stored: stored)
        } catch let e as LoadError {
            try? FileManager.default.removeItem(atPath: path)
            return .refused(e.message == CacheFile.staleMessage ? .stale(e.message) : .corrupt(e.message))
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            return .refused(.corrupt("\(error)"))
        }
    }

    /// Reads the model entry at `path` for `dataset`; every refusal is a one-line `LoadError`.
    ///
    /// With `key` nil any well-formed entry is read (the fuzz target); the saved model inside is
    /// still checked in full (format, algorithm, state version, fingerprint, array sizes).
    public static func read(path: String, key: CacheKey?, dataset: Dataset,
                            fingerprint: DatasetFingerprint? = nil) throws -> any Recommender {
        try readEntry(path: path, key: key, dataset: dataset, fingerprint: fingerprint).0
    }

    static func readEntry(path: String, key: CacheKey?, dataset: Dataset,
                          fingerprint: DatasetFingerprint?) throws -> (any Recommender, CacheKey) {
        try CacheFile.read(path: path, kind: .model, key: key) { payload, stored in
            (try restore(payload, path: path, key: key, dataset: dataset, fingerprint: fingerprint), stored)
        }
    }

    private static func restore(_ payload: UnsafeRawBufferPointer, path: String, key: CacheKey?, dataset: Dataset,
                                fingerprint: DatasetFingerprint?) throws -> any Recommender {
        do {
            // The container's checksum already covered these bytes.
            let archive = try ModelArchive(decoding: payload, path: path, verifyingChecksum: false)
            return try ModelFiles.restore(archive, dataset: dataset, expecting: key?["algorithm"],
                                          fingerprint: fingerprint)
        } catch let e as ModelFileError {
            // The key (versions, fingerprint) matched, so a model that does not restore is damaged.
            throw LoadError(file: path, "corrupt: " + oneLine(e.message))
        } catch let e as ParameterError {
            throw LoadError(file: path, "corrupt: " + oneLine(e.message))
        }
    }

    /// Stores a fitted model under `key` (atomically: a temporary file renamed into place).
    ///
    /// - Parameter notes: extra `name=value` fields kept in the stored key (not part of the match),
    ///   such as facts about the model that are costly to compute again.
    public func store(_ key: CacheKey, model: any Recommender, notes: [(String, String)] = []) throws {
        let archive = try ModelFiles.archive(model, dataset: dataset, fingerprint: fingerprint)
        var stored = key
        for (n, v) in notes { stored.add(n, v) }
        // Streamed: the model's arrays go to the file from their own storage, never copied into
        // one buffer (EASE's B is 1.6 GB at its 20,000-film cap).
        try CacheFile.write(path: path(for: key), kind: .model, key: stored, payloadLength: archive.encodedCount) { emit in
            try archive.encode(emit)
        }
    }
}

/// `text` with control characters (newlines, NULs: damaged names read from a file) escaped, so a
/// message stays one line.
func oneLine(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
        if u.properties.generalCategory == .control { out += "\\u{" + String(u.value, radix: 16) + "}" } else { out.unicodeScalars.append(u) }
    }
    return out
}

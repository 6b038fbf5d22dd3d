import Foundation

/// A recommender whose fitted state can be saved to a model file and loaded back.
///
/// The contract: for every profile, a model restored with
/// `init(archive:dataset:)` from what `saveState(into:)` wrote returns
/// bit-for-bit the same `scores`, `predict` and `similarItems` as the model that
/// was saved (floats are stored by their bit patterns; nothing is recomputed in a
/// different order). Each model's tests check this on a small fixture.
///
/// A final class conforms in an extension file (`Persistence/Svd+Persistence.swift`)
/// with a `convenience init` that calls `init(parameters: archive.parameters)` and
/// then restores its arrays.
public protocol PersistableRecommender: Recommender {
    /// Version of this model's own state layout; bump it when the arrays change meaning,
    /// so old files are refused with a message instead of misread.
    static var stateVersion: Int { get }

    /// Writes the fitted state (not the parameters or fingerprint: `ModelFiles` adds them).
    func saveState(into archive: inout ModelArchive) throws

    /// A fitted model from `archive`, serving `dataset` (whose fingerprint was already checked).
    /// Throws `ModelFileError` when an array is missing or has the wrong size.
    init(archive: ModelArchive, dataset: Dataset) throws
}

extension PersistableRecommender {
    public static var stateVersion: Int { 1 }
}

/// Saving and loading models: the bridge between recommenders and `ModelArchive` files.
public enum ModelFiles {
    /// Names of registered algorithms whose models can be saved.
    public static var persistableNames: [String] {
        Algorithms.all.filter { $0 is any PersistableRecommender.Type }.map { $0.name }
    }

    /// The archive of a fitted `model` trained on `dataset`.
    ///
    /// Throws `ModelFileError` when the algorithm cannot be saved. `fingerprint`, when the caller
    /// already has the dataset's, saves computing it again (O(ratings)).
    public static func archive(_ model: any Recommender, dataset: Dataset,
                               fingerprint: DatasetFingerprint? = nil) throws -> ModelArchive {
        guard let p = model as? any PersistableRecommender else {
            throw ModelFileError(path: "", "\(model.name) models cannot be saved yet (saveable: "
                + persistableNames.joined(separator: ", ") + ")")
        }
        var archive = ModelArchive(algorithm: model.name, stateVersion: type(of: p).stateVersion,
                                   parameters: model.parameters,
                                   fingerprint: fingerprint ?? DatasetFingerprint(dataset))
        try p.saveState(into: &archive)
        return archive
    }

    /// Saves a fitted `model` trained on `dataset` to `path` (atomically).
    public static func save(_ model: any Recommender, dataset: Dataset, to path: String) throws {
        var a: ModelArchive
        do {
            a = try archive(model, dataset: dataset)
        } catch var e as ModelFileError {
            e.path = path
            throw e
        }
        a.path = path
        try a.write(to: path)
    }

    /// Loads the model at `path` for `dataset`.
    ///
    /// Refuses, with a one-line `ModelFileError`: a file that is not a valid
    /// model, an algorithm this program does not know or cannot load, a state
    /// layout of another version, a model trained on another dataset (naming
    /// both), and a model of another algorithm than `algorithm` when given.
    public static func load(from path: String, dataset: Dataset, expecting algorithm: String? = nil) throws
        -> any Recommender {
        try restore(ModelArchive.read(from: path), dataset: dataset, expecting: algorithm)
    }

    /// Restores a model from an archive already in memory (see `load`); `fingerprint` is the
    /// dataset's when already known.
    public static func restore(_ archive: ModelArchive, dataset: Dataset, expecting algorithm: String? = nil,
                               fingerprint: DatasetFingerprint? = nil) throws -> any Recommender {
        let path = archive.path
        if let algorithm, algorithm != archive.algorithm {
            throw ModelFileError(path: path, "holds a \(archive.algorithm) model, not \(algorithm)")
        }
        guard let t = Algorithms.type(named: archive.algorithm) else {
            throw ModelFileError(path: path, "holds a model of unknown algorithm '\(archive.algorithm)' "
                + "(known: \(Algorithms.names.joined(separator: ", ")))")
        }
        guard let pt = t as? any PersistableRecommender.Type else {
            throw ModelFileError(path: path, "\(archive.algorithm) models cannot be loaded by this program")
        }
        guard archive.stateVersion == pt.stateVersion else {
            throw ModelFileError(path: path, "\(archive.algorithm) state version \(archive.stateVersion) "
                + "is not the one this program reads (\(pt.stateVersion)); retrain it with recsys-tui train")
        }
        try checkFingerprint(archive, dataset: dataset, fingerprint: fingerprint)
        var archive = archive
        // Models saved before the feedback rule existed read every rating as a like.
        if archive.parameters["feedback"] == nil, t.parameterSpecs.contains(where: { $0.key == "feedback" }) {
            archive.parameters["feedback"] = FeedbackRule.binary.description
        }
        do {
            return try pt.init(archive: archive, dataset: dataset)
        } catch var e as ModelFileError {
            if e.path.isEmpty { e.path = path }
            throw e
        } catch let e as ParameterError {
            throw ModelFileError(path: path, "bad parameters in the model: \(e.message)")
        }
    }

    /// Throws when `archive` was trained on data other than `dataset`, naming both.
    public static func checkFingerprint(_ archive: ModelArchive, dataset: Dataset,
                                        fingerprint: DatasetFingerprint? = nil) throws {
        let mine = archive.fingerprint, theirs = fingerprint ?? DatasetFingerprint(dataset)
        guard let why = mine.mismatch(with: theirs) else { return }
        throw ModelFileError(path: archive.path, "this \(archive.algorithm) model was trained on dataset \(mine), "
            + "not on the loaded dataset \(theirs)" + (mine.name == theirs.name && why != "sizes differ"
                ? " (\(why))" : "") + "; retrain it with recsys-tui train")
    }
}

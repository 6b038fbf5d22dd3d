import Foundation
import GRDB
import RecsysEngine

/// How a profile name relates to a dataset about to be used with it.
public enum ProfileMatch: Sendable, Equatable {
    /// The profile belongs to this dataset. `adopt` is true for a profile written before profiles
    /// were bound (unbound, or last used with a dataset of this name): using it binds it.
    case own(id: Int64, adopt: Bool)
    /// The profile belongs to another dataset whose raw item ids mean the same films
    /// (MovieLens latest-small … 32M share movieId).
    case sharedIDs(id: Int64, dataset: String)
    /// The name exists only on datasets whose ids mean other films.
    case otherDatasets([String])
    /// No profile has that name.
    case missing
}

/// Binding profiles to the dataset their ratings were made on.
extension SQLiteProfileStore {
    /// `datasetKey` of a profile written before binding: `legacy:<last dataset name>`.
    static let legacyPrefix = "legacy:"

    /// Where `profile` stands with `dataset`. Reads only; never creates or binds.
    ///
    /// Order: a profile bound to this catalog; an unbound or legacy one whose last dataset has
    /// this name; one on a dataset sharing the id scheme; else the datasets that have the name.
    public func match(profile: String, on dataset: DatasetIdentity) throws -> ProfileMatch {
        try read { db in try Self.match(db, profile: profile, on: dataset) }
    }

    static func match(_ db: Database, profile: String, on d: DatasetIdentity) throws -> ProfileMatch {
        let rows = try Row.fetchAll(db, sql: "SELECT id, dataset, datasetKey, datasetScheme FROM profile WHERE name = ? ORDER BY id",
                                    arguments: [profile])
        if let r = rows.first(where: { ($0["datasetKey"] as String) == d.key }) { return .own(id: r["id"], adopt: false) }
        if let r = rows.first(where: { ($0["datasetKey"] as String) == legacyPrefix + d.name })
            ?? rows.first(where: { ($0["datasetKey"] as String).isEmpty }) {
            return .own(id: r["id"], adopt: true)
        }
        if let scheme = d.idScheme, let r = rows.first(where: { ($0["datasetScheme"] as String?) == scheme }) {
            return .sharedIDs(id: r["id"], dataset: r["dataset"] ?? "?")
        }
        if rows.isEmpty { return .missing }
        return .otherDatasets(rows.map { ($0["dataset"] as String?) ?? "?" })
    }

    /// The id of the profile `name` (the one of `dataset` when several datasets have that name).
    public func profileID(named name: String, dataset: String? = nil) throws -> Int64? {
        try read { db in try profileID(db, name, dataset: dataset) }
    }

    /// Binds profile `id` to `dataset` (its catalog fingerprint, name, id scheme and source).
    ///
    /// An empty profile of the same name already bound to that dataset (the `default` the explorer made
    /// before the user bound an older one) gives way; one with ratings is refused (`.profileExists`).
    public func bind(id: Int64, to dataset: DatasetIdentity) throws {
        try write { db in
            let clash = try Int64.fetchOne(db, sql: """
                SELECT p.id FROM profile p, profile me WHERE me.id = ? AND p.name = me.name AND p.datasetKey = ? AND p.id != me.id
                """, arguments: [id, dataset.key])
            if let clash {
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rating WHERE profileId = ?", arguments: [clash]) ?? 0 > 0 {
                    throw StoreError(.profileExists, file: path, "\(dataset.name) already has a profile of that name with ratings",
                                     hint: "rename one of them first (profile rename OLD NEW --dataset NAME)")
                }
                try db.execute(sql: "DELETE FROM profile WHERE id = ?", arguments: [clash])
            }
            try Self.bind(db, id: id, to: dataset)
        }
    }

    static func bind(_ db: Database, id: Int64, to d: DatasetIdentity) throws {
        try db.execute(sql: """
            UPDATE profile SET dataset = ?, datasetKey = ?, datasetScheme = ?, datasetSource = ? WHERE id = ?
            """, arguments: [d.name, d.key, d.idScheme, d.source, id])
    }

    /// Creates an empty profile bound to `dataset`; throws `.profileExists` if it already has one of that name.
    @discardableResult
    public func createProfile(_ name: String, on dataset: DatasetIdentity) throws -> Int64 {
        try Self.validate(name: name, path: path)
        return try write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM profile WHERE name = ? AND datasetKey = ?",
                                  arguments: [name, dataset.key]) != nil {
                throw StoreError(.profileExists, file: path,
                                 "a profile named \(String(reflecting: name)) already exists for \(dataset.name)",
                                 hint: "choose another name with --as, or delete it first")
            }
            try db.execute(sql: "INSERT INTO profile (name, created) VALUES (?, ?)", arguments: [name, now()])
            let id = db.lastInsertedRowID
            try Self.bind(db, id: id, to: dataset)
            return id
        }
    }

    /// The ratings of profile `id`, sorted by item id.
    public func ratings(id: Int64) throws -> [StoredRating] {
        try read { db in try storedRatings(db, id) }
    }

    /// Adds `ratings` to profile `id` in one transaction, one undoable event each.
    public func addRatings(id: Int64, _ ratings: [StoredRating]) throws {
        for r in ratings { try Self.validate(item: r.item, path: path) }
        try write { db in
            for r in ratings { _ = try set(db, id, item: r.item, value: r.value, timestamp: r.timestamp) }
        }
    }

    /// The one line that refuses to read a profile on a dataset whose ids mean other films.
    public func otherDatasetError(profile: String, datasets: [String], here: DatasetIdentity) -> StoreError {
        let quoted = String(reflecting: profile)
        return StoreError(.otherDataset, file: path,
                          "profile \(quoted) belongs to \(datasets.joined(separator: ", ")), whose item ids mean other films than in \(here.name)",
                          hint: "use --profile NEW for a new profile, or carry its ratings over by title with "
                              + "'recsys-tui profile copy \(profile) --to-data \(here.source)'")
    }

    /// Reads a profile for `dataset` without creating or binding anything (read-only commands).
    ///
    /// - Returns: its ratings and, when it belongs to another dataset with shared ids, that dataset's name.
    /// - Throws: `.noSuchProfile` (closest names first) or `.otherDataset` with the way out.
    public func readProfile(_ name: String, on dataset: DatasetIdentity) throws -> (ratings: [StoredRating], sharedFrom: String?) {
        switch try match(profile: name, on: dataset) {
        case .own(let id, _): return (try ratings(id: id), nil)
        case .sharedIDs(let id, let other): return (try ratings(id: id), other)
        case .otherDatasets(let names): throw otherDatasetError(profile: name, datasets: names, here: dataset)
        case .missing: throw try read { db in try noSuchProfile(db, name) }
        }
    }
}

/// The profile store seen from one dataset: what the explorer rates into.
///
/// A name resolves to the profile bound to this dataset (adopting a legacy one of the same
/// dataset name), else to one on a dataset with the same item ids. A name that exists only on
/// datasets whose ids mean other films is refused (`.otherDataset`), except `default`, of which
/// every dataset has its own. A name that does not exist is created, bound to this dataset, and
/// remembered in `created` so that the caller can say so.
public final class DatasetProfiles: ProfileStoring, @unchecked Sendable {
    public let store: SQLiteProfileStore
    public let dataset: DatasetIdentity
    /// The name every dataset has its own profile of.
    public static let defaultName = "default"
    private let lock = NSLock()
    private var ids: [String: Int64] = [:]
    private var createdNames: [String] = []
    private var sharedFrom: [String: String] = [:]

    public init(store: SQLiteProfileStore, dataset: DatasetIdentity) {
        self.store = store
        self.dataset = dataset
    }

    /// Names created by this view (new profiles), in order.
    public var created: [String] { lock.lock(); defer { lock.unlock() }; return createdNames }

    /// The dataset a profile's ratings come from when it is not this one (shared ids).
    public func sharedDataset(of profile: String) -> String? { lock.lock(); defer { lock.unlock() }; return sharedFrom[profile] }

    /// The profile id for `name` on this dataset, creating or binding as described on the type.
    public func resolve(_ name: String) throws -> Int64 {
        lock.lock()
        if let id = ids[name] { lock.unlock(); return id }
        lock.unlock()
        let id: Int64
        switch try store.match(profile: name, on: dataset) {
        case .own(let found, let adopt):
            if adopt { try store.bind(id: found, to: dataset) }
            id = found
        case .sharedIDs(let found, let other):
            id = found
            lock.lock(); sharedFrom[name] = other; lock.unlock()
        case .otherDatasets(let names):
            guard name == Self.defaultName else {
                throw store.otherDatasetError(profile: name, datasets: names, here: dataset)
            }
            id = try store.createProfile(name, on: dataset)
            lock.lock(); createdNames.append(name); lock.unlock()
        case .missing:
            id = try store.createProfile(name, on: dataset)
            lock.lock(); createdNames.append(name); lock.unlock()
        }
        lock.lock(); ids[name] = id; lock.unlock()
        return id
    }

    public func ratings(profile: String) throws -> [StoredRating] {
        try SQLiteProfileStore.validate(name: profile, path: store.path)
        return try store.ratings(id: try resolve(profile))
    }

    public func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws {
        try SQLiteProfileStore.validate(name: profile, path: store.path)
        guard value.isFinite else {
            throw StoreError(.invalidName, file: store.path, "rating \(value) for item \(item) is not a finite number")
        }
        try store.addRatings(id: try resolve(profile), [StoredRating(item: item, value: value, timestamp: timestamp)])
    }

    public func removeRating(profile: String, item: String) throws {
        let id = try resolve(profile)
        try store.write { db in try store.remove(db, id, item: item) }
    }

    /// Names of the profiles usable on this dataset (its own and those with shared ids).
    public func profileNames() throws -> [String] {
        let d = dataset
        return try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT name FROM profile
                WHERE datasetKey IN (?, ?, '') OR (datasetScheme IS NOT NULL AND datasetScheme = ?) ORDER BY name
                """, arguments: [d.key, SQLiteProfileStore.legacyPrefix + d.name, d.idScheme])
        }
    }

    /// Binding happens on first use; nothing more to note.
    public func noteDataset(profile: String, dataset: String) throws {}

    /// Who the profile of this dataset says it is (`profile set`, `:about`).
    public func demographics(profile: String) throws -> UserAttributes { try store.demographics(id: try resolve(profile)) }

    public func setDemographics(profile: String, _ attributes: UserAttributes) throws {
        try store.setDemographics(id: try resolve(profile), attributes)
    }

    /// The lesson progress of the profile of this dataset.
    public func lessonProgress(profile: String) throws -> [LessonProgress] { try store.lessonProgress(id: try resolve(profile)) }

    public func setLessonProgress(profile: String, _ progress: LessonProgress) throws {
        try store.setLessonProgress(id: try resolve(profile), progress)
    }

    /// The last lab run of the profile of this dataset.
    public func labResult(profile: String) throws -> LabRecord? { try store.labResult(id: try resolve(profile)) }

    public func setLabResult(profile: String, _ record: LabRecord) throws {
        try store.setLabResult(id: try resolve(profile), record)
    }
}

/// Ordering profile names by how close they are to a mistyped one.
enum ProfileNames {
    /// `names` sorted by edit distance to `query` (case-insensitive; a shared prefix breaks ties), then by name.
    static func closestFirst(to query: String, _ names: [String]) -> [String] {
        let q = Array(query.lowercased())
        func score(_ name: String) -> (Int, Int, String) {
            let n = Array(name.lowercased())
            var prefix = 0
            while prefix < min(q.count, n.count) && q[prefix] == n[prefix] { prefix += 1 }
            return (distance(q, n), -prefix, name)
        }
        return names.map { (score($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Levenshtein distance. Complexity: O(|a|·|b|).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

extension SQLiteProfileStore {
    /// `readProfile`'s history counterpart: the profile's rating events for `replay`, read-only.
    public func readHistory(_ name: String, on dataset: DatasetIdentity) throws -> [RatingEvent] {
        switch try match(profile: name, on: dataset) {
        case .own(let id, _), .sharedIDs(let id, _): return try ratingHistory(id: id)
        case .otherDatasets(let names): throw otherDatasetError(profile: name, datasets: names, here: dataset)
        case .missing: throw try read { db in try noSuchProfile(db, name) }
        }
    }
}

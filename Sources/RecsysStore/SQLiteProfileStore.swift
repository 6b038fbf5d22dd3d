import Foundation
import GRDB
import RecsysEngine

/// One profile's facts, for `profile list` and `profile show`.
public struct ProfileSummary: Sendable, Equatable, Codable {
    public var name: String
    /// Seconds since 1970 when the profile was created.
    public var created: Int64
    /// The dataset the profile belongs to (its name), if any. For a profile written before
    /// profiles were bound to datasets (`bound == false`), the dataset it was last opened with.
    public var dataset: String?
    public var ratingCount: Int
    /// Timestamp of the newest rating, if any.
    public var lastRated: Int64?
    /// True when the profile is bound to `dataset` by its catalog fingerprint.
    public var bound: Bool = false
    /// Where that dataset was loaded from (a folder or a file), once bound.
    public var datasetSource: String? = nil
    /// The catalog fingerprint of that dataset (`DatasetIdentity.key`), once bound.
    public var datasetKey: String? = nil
}

/// One entry of a profile's event log: a rating set or removed, with what it replaced.
public struct ProfileEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case set, remove }
    public var id: Int64
    public var kind: Kind
    public var item: String
    /// The rating before the event (nil when the item was not rated).
    public var oldValue: Float?
    public var oldTimestamp: Int64?
    /// The rating after the event (nil for a removal).
    public var newValue: Float?
    /// When the event happened (seconds since 1970).
    public var at: Int64
    /// True once `undoLast` has reverted it.
    public var undone: Bool
}

/// What an import changed.
public struct ImportSummary: Sendable, Equatable {
    /// Items the profile did not have.
    public var added = 0
    /// Items whose value or timestamp changed.
    public var changed = 0
    /// Items already stored with the same value and timestamp.
    public var unchanged = 0
    /// Items removed because `replace` was set and the file lacks them.
    public var removed = 0
}

/// Profiles in a SQLite file, through GRDB, in WAL mode.
///
/// Tables (see `Schema`): `profile(id, name, created, dataset)`, `rating(profileId,
/// item, value, timestamp)` keyed by (profile, raw item id), `profile_attribute(profileId,
/// attribute, value)` (demographics), and `event(…)`, an
/// append-only log of every set and remove with the value it replaced, which
/// makes `undoLast(profile:)` possible.
///
/// **Durability.** Every write is one `BEGIN IMMEDIATE … COMMIT` transaction and the
/// connection runs with `PRAGMA synchronous = FULL`. In WAL mode that means the
/// WAL is fsync'ed at every commit, so a rating survives not only a killed process
/// (which `NORMAL` would already guarantee: the committed frames are in the OS page
/// cache) but also a power cut or a laptop whose battery dies while suspended, which
/// `NORMAL` does not (it syncs only at checkpoints). The price is one fsync per rating;
/// `recsys-tui profile bench [--synchronous normal]` measures it against the alternative
/// (a fraction of a millisecond to a few milliseconds: far under the time a person needs
/// to press the next key). Note that GRDB's WAL setup puts the writer connection back to
/// `NORMAL`, so the store sets `FULL` on the writer after opening the pool.
///
/// **Concurrency.** Several processes may open the same file: SQLite's WAL locks
/// serialise writers and the busy timeout (5 s by default) makes a second writer wait
/// instead of failing. Writes begin IMMEDIATE, so a writer never has to upgrade a read
/// lock (the case SQLite cannot resolve by waiting).
///
/// **Safety on open.** A file that is not a SQLite database (checked by its 16-byte
/// header, before SQLite may treat a short file as empty), a damaged one (`PRAGMA
/// quick_check`), a foreign SQLite database, one written by a newer version, a locked
/// or a read-only one each throw a `StoreError` naming the file and what to do; none
/// is ever opened as an empty profile. Before migrating an existing file to a newer
/// schema, the old file is copied to `profiles.sqlite.bak-<last migration>`.
public final class SQLiteProfileStore: ProfileStoring {
    /// The database file, or `":memory:"`.
    public let path: String
    let writer: any DatabaseWriter
    let now: @Sendable () -> Int64

    /// How commits reach the disk (SQLite's `PRAGMA synchronous` in WAL mode).
    public enum Synchronous: String, Sendable, CaseIterable {
        /// fsync the WAL at every commit: survives a killed process and a power cut. The default.
        case full
        /// fsync only at checkpoints: survives a killed process; a power cut may lose the last commits.
        /// Offered to measure what `full` costs (`profile bench --synchronous normal`).
        case normal
    }

    /// Opens (creating if needed) the profile database at `path`.
    ///
    /// - Parameters:
    ///   - path: a file path, or `":memory:"` for a volatile store.
    ///   - busyTimeout: how long a write waits for another process's lock before failing with `.locked`.
    ///   - synchronous: `.full` (default) or `.normal`; see the type's documentation.
    ///   - now: the clock for creation and removal times (injectable for tests).
    /// - Throws: `StoreError`.
    public init(path: String, busyTimeout: TimeInterval = 5, synchronous: Synchronous = .full,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws {
        self.path = path
        self.now = now
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        let syncPragma = "PRAGMA synchronous = \(synchronous.rawValue.uppercased())"
        config.prepareDatabase { db in
            try db.execute(sql: syncPragma)
        }
        if path == StorePaths.memory {
            do {
                let queue = try DatabaseQueue(configuration: config)
                try Schema.migrator.migrate(queue)
                writer = queue
            } catch {
                throw StoreError.from(error, path: path)
            }
            return
        }
        try Self.checkBeforeOpening(path)
        do {
            writer = try Self.retryingWhileBusy(for: busyTimeout) {
                // Inspect with a plain connection first: opening a pool switches the file to WAL,
                // which would rewrite the header of a foreign or damaged database.
                var inspect = config
                inspect.journalMode = .default
                do {
                    let probe = try DatabaseQueue(path: path, configuration: inspect)
                    defer { try? probe.close() }
                    try Self.checkContents(probe, path: path)
                }
                let pool = try DatabasePool(path: path, configuration: config)
                // GRDB's WAL setup sets the writer to synchronous=NORMAL after `prepareDatabase` ran;
                // all writes go through this one writer connection, so set FULL on it again here.
                try pool.writeWithoutTransaction { db in try db.execute(sql: syncPragma) }
                try Schema.migrateWithBackup(pool, path: path)
                return pool
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
        OpenFiles.shared.insert(path)
    }

    /// Runs `open` again while SQLite answers SQLITE_BUSY, until `timeout` has passed.
    ///
    /// Switching a file to WAL (`PRAGMA journal_mode = WAL`, which opening a pool does) takes
    /// an exclusive lock, and SQLite reports a clash there at once instead of calling the busy
    /// handler. When several learners start at the same moment on one shared database (a class
    /// on one server), the losers of that race wait and try again rather than fail.
    static func retryingWhileBusy<T>(for timeout: TimeInterval, _ open: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(max(timeout, 0))
        var pause: useconds_t = 5_000
        while true {
            do {
                return try open()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(pause)
                pause = min(pause * 2, 100_000)
            }
        }
    }

    /// Opens the store at `StorePaths.resolve(db:)`.
    public static func open(db: String?) throws -> SQLiteProfileStore {
        try SQLiteProfileStore(path: StorePaths.resolve(db: db))
    }

    // MARK: Helpers

    /// Runs `body` in one IMMEDIATE transaction, mapping errors to `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot, concurrent with writers in WAL).
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    static func validate(name: String, path: String) throws {
        if name.isEmpty || name.count > 200 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            || name != name.trimmingCharacters(in: .whitespaces)
        {
            throw StoreError(.invalidName, file: path, "invalid profile name \(String(reflecting: name))",
                             hint: "use 1–200 printable characters without leading or trailing spaces")
        }
    }

    static func validate(item: String, path: String) throws {
        if item.isEmpty || item.utf8.count > 1000
            || item.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw StoreError(.invalidName, file: path, "invalid item id \(String(reflecting: String(item.prefix(40))))",
                             hint: "item ids are 1–1000 bytes without control characters")
        }
    }

    /// The id of the one profile called `name`; nil when there is none.
    ///
    /// - Parameter dataset: when several datasets have a profile of that name, the dataset name
    ///   (as `profile list` shows it) choosing one; without it that case throws `.ambiguousProfile`.
    func profileID(_ db: Database, _ name: String, dataset: String? = nil) throws -> Int64? {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, dataset FROM profile WHERE name = ? ORDER BY id"),
                                    arguments: [name])
        let chosen = dataset.map { d in rows.filter { ($0["dataset"] as String?) == d } } ?? rows
        if chosen.count > 1 || (chosen.isEmpty && rows.count > 1 && dataset != nil) {
            let names = rows.map { ($0["dataset"] as String?) ?? "no dataset" }
            throw StoreError(.ambiguousProfile, file: path,
                             "profile \(String(reflecting: name)) exists for \(rows.count) datasets (\(names.joined(separator: ", ")))",
                             hint: "add --dataset NAME to choose one")
        }
        return chosen.first?["id"]
    }

    func profileIDCreating(_ db: Database, _ name: String) throws -> Int64 {
        if let id = try profileID(db, name) { return id }
        try db.execute(sql: "INSERT INTO profile (name, created) VALUES (?, ?)", arguments: [name, now()])
        return db.lastInsertedRowID
    }

    func requireProfile(_ db: Database, _ name: String, dataset: String? = nil) throws -> Int64 {
        if let id = try profileID(db, name, dataset: dataset) { return id }
        throw try noSuchProfile(db, name, dataset: dataset)
    }

    /// "no profile named "bbo" — profiles: bob, bobby, alice" (closest names first).
    func noSuchProfile(_ db: Database, _ name: String, dataset: String? = nil, among: [String]? = nil) throws -> StoreError {
        let all = try among ?? String.fetchAll(db, sql: "SELECT DISTINCT name FROM profile")
        let names = ProfileNames.closestFirst(to: name, all)
        let what = dataset.map { "no profile named \(String(reflecting: name)) for \($0)" }
            ?? "no profile named \(String(reflecting: name))"
        return StoreError(.noSuchProfile, file: path, what,
                          hint: names.isEmpty ? "the database has no profiles yet"
                              : "profiles: " + names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : ""))
    }

    func storedRatings(_ db: Database, _ id: Int64) throws -> [StoredRating] {
        try Row.fetchAll(db, sql: "SELECT item, value, timestamp FROM rating WHERE profileId = ? ORDER BY item",
                         arguments: [id]).map {
            StoredRating(item: $0["item"], value: Float($0["value"] as Double), timestamp: $0["timestamp"])
        }
    }

    /// Sets one rating and logs the event; returns whether anything was stored.
    func set(_ db: Database, _ id: Int64, item: String, value: Float, timestamp: Int64) throws -> StoredRating? {
        let old = try Row.fetchOne(db.cachedStatement(sql: "SELECT value, timestamp FROM rating WHERE profileId = ? AND item = ?"),
                                   arguments: [id, item])
        try db.cachedStatement(sql: """
            INSERT INTO rating (profileId, item, value, timestamp) VALUES (?, ?, ?, ?)
            ON CONFLICT (profileId, item) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp
            """).execute(arguments: [id, item, Double(value), timestamp])
        try db.cachedStatement(sql: """
            INSERT INTO event (profileId, kind, item, oldValue, oldTimestamp, newValue, newTimestamp, at)
            VALUES (?, 'set', ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, item, old?["value"] as Double?, old?["timestamp"] as Int64?, Double(value),
                             timestamp, timestamp])
        return old.map { StoredRating(item: item, value: Float($0["value"] as Double), timestamp: $0["timestamp"]) }
    }

    func remove(_ db: Database, _ id: Int64, item: String) throws {
        guard let old = try Row.fetchOne(db.cachedStatement(sql: "SELECT value, timestamp FROM rating WHERE profileId = ? AND item = ?"),
                                         arguments: [id, item]) else { return }
        try db.cachedStatement(sql: "DELETE FROM rating WHERE profileId = ? AND item = ?").execute(arguments: [id, item])
        try db.cachedStatement(sql: """
            INSERT INTO event (profileId, kind, item, oldValue, oldTimestamp, at) VALUES (?, 'remove', ?, ?, ?, ?)
            """).execute(arguments: [id, item, old["value"] as Double, old["timestamp"] as Int64, now()])
    }

    // MARK: ProfileStoring

    /// The profile's ratings sorted by item id, creating the profile if it is new.
    public func ratings(profile: String) throws -> [StoredRating] {
        try Self.validate(name: profile, path: path)
        return try write { db in try storedRatings(db, try profileIDCreating(db, profile)) }
    }

    /// Records a rating (replacing an earlier one for the item) and logs the event.
    /// Committed with an fsync of the WAL before it returns. Complexity: O(log n) B-tree updates.
    public func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws {
        try Self.validate(name: profile, path: path)
        try Self.validate(item: item, path: path)
        guard value.isFinite else {
            throw StoreError(.invalidName, file: path, "rating \(value) for item \(item) is not a finite number")
        }
        try write { db in _ = try set(db, try profileIDCreating(db, profile), item: item, value: value, timestamp: timestamp) }
    }

    /// Removes a rating (no-op if the item is not rated) and logs the event.
    public func removeRating(profile: String, item: String) throws {
        try Self.validate(name: profile, path: path)
        try write { db in
            guard let id = try profileID(db, profile) else { return }
            try remove(db, id, item: item)
        }
    }

    public func profileNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM profile ORDER BY name") }
    }

    /// Notes the dataset an unbound profile was used with (by name only, as before profiles were
    /// bound to datasets). A bound profile is left alone: see `DatasetProfiles`, which binds.
    public func noteDataset(profile: String, dataset: String) throws {
        try Self.validate(name: profile, path: path)
        try write { db in
            let id = try profileIDCreating(db, profile)
            try db.execute(sql: """
                UPDATE OR IGNORE profile SET dataset = ?, datasetKey = ? WHERE id = ? AND (datasetKey = '' OR datasetKey LIKE 'legacy:%')
                """, arguments: [dataset, Self.legacyPrefix + dataset, id])
        }
    }

    /// Who the profile says it is; empty for a profile that never said (or does not exist yet).
    public func demographics(profile: String) throws -> UserAttributes {
        guard let id = try read({ db in try profileID(db, profile) }) else { return UserAttributes() }
        return try demographics(id: id)
    }

    /// Who profile `id` says it is.
    public func demographics(id: Int64) throws -> UserAttributes {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT attribute, value FROM profile_attribute WHERE profileId = ?",
                                        arguments: [id])
            let pairs: [(String, String)] = rows.map { ($0["attribute"], $0["value"]) }
            return (try? Demographics.attributes(from: pairs)) ?? UserAttributes()
        }
    }

    /// Replaces the profile's demographics in one transaction (creating the profile if new).
    public func setDemographics(profile: String, _ attributes: UserAttributes) throws {
        try Self.validate(name: profile, path: path)
        let id = try write { db in try profileIDCreating(db, profile) }
        try setDemographics(id: id, attributes)
    }

    /// Replaces profile `id`'s demographics in one transaction.
    public func setDemographics(id: Int64, _ attributes: UserAttributes) throws {
        let pairs = Demographics.values(of: attributes)
        try write { db in
            try db.execute(sql: "DELETE FROM profile_attribute WHERE profileId = ?", arguments: [id])
            for (attribute, value) in pairs {
                try db.execute(sql: "INSERT INTO profile_attribute (profileId, attribute, value) VALUES (?, ?, ?)",
                               arguments: [id, attribute, value])
            }
        }
    }
}

/// Paths this process has already opened and validated (see `checkBeforeOpening`).
final class OpenFiles: @unchecked Sendable {
    static let shared = OpenFiles()
    private let lock = NSLock()
    private var paths = Set<String>()
    func insert(_ p: String) { lock.lock(); paths.insert(p); lock.unlock() }
    func contains(_ p: String) -> Bool { lock.lock(); defer { lock.unlock() }; return paths.contains(p) }
}

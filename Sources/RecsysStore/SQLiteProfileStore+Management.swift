import Foundation
import GRDB
import RecsysEngine

/// Managing profiles: list, summary, delete, rename, import, history and undo.
extension SQLiteProfileStore {

    /// Every profile with its counts, sorted by name (then dataset).
    public func profiles() throws -> [ProfileSummary] {
        try read { db in try Self.summaries(db, where: "1", arguments: []) }
    }

    static func summaries(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [ProfileSummary] {
        try Row.fetchAll(db, sql: """
            SELECT p.name, p.created, p.dataset, p.datasetKey, p.datasetSource, COUNT(r.item) AS n, MAX(r.timestamp) AS last
            FROM profile p LEFT JOIN rating r ON r.profileId = p.id WHERE \(condition)
            GROUP BY p.id ORDER BY p.name, p.dataset
            """, arguments: arguments).map {
            let key: String = $0["datasetKey"]
            let bound = !key.isEmpty && !key.hasPrefix(legacyPrefix)
            return ProfileSummary(name: $0["name"], created: $0["created"], dataset: $0["dataset"],
                                  ratingCount: $0["n"], lastRated: $0["last"],
                                  bound: bound, datasetSource: $0["datasetSource"], datasetKey: bound ? key : nil)
        }
    }

    /// One profile's summary; throws `.noSuchProfile` (listing the closest names first) when absent.
    ///
    /// - Parameter dataset: chooses among profiles of that name on several datasets.
    public func summary(profile: String, dataset: String? = nil) throws -> ProfileSummary {
        try read { db in
            let id = try requireProfile(db, profile, dataset: dataset)
            guard let s = try Self.summaries(db, where: "p.id = ?", arguments: [id]).first else {
                throw StoreError(.noSuchProfile, file: path, "profile \(String(reflecting: profile)) was deleted while reading")
            }
            return s
        }
    }

    /// The ratings of an existing profile, sorted by item id, without creating it.
    public func existingRatings(profile: String, dataset: String? = nil) throws -> [StoredRating] {
        try read { db in try storedRatings(db, try requireProfile(db, profile, dataset: dataset)) }
    }

    /// Deletes a profile with its ratings and event log.
    public func deleteProfile(_ name: String, dataset: String? = nil) throws {
        try write { db in
            let id = try requireProfile(db, name, dataset: dataset)
            try db.execute(sql: "DELETE FROM profile WHERE id = ?", arguments: [id])
        }
    }

    /// Renames a profile; its ratings, history and dataset move with it.
    public func renameProfile(_ old: String, to new: String, dataset: String? = nil) throws {
        try Self.validate(name: new, path: path)
        try write { db in
            let id = try requireProfile(db, old, dataset: dataset)
            if old == new { return }
            let clash = try Int64.fetchOne(db, sql: """
                SELECT id FROM profile WHERE name = ? AND datasetKey = (SELECT datasetKey FROM profile WHERE id = ?)
                """, arguments: [new, id])
            if clash != nil {
                throw StoreError(.profileExists, file: path, "a profile named \(String(reflecting: new)) already exists",
                                 hint: "delete or rename it first")
            }
            try db.execute(sql: "UPDATE profile SET name = ? WHERE id = ?", arguments: [new, id])
        }
    }

    /// Stores many ratings in one transaction (all or nothing), logging one event per change.
    ///
    /// - Parameters:
    ///   - replace: also remove the profile's ratings of items absent from `ratings`.
    /// - Complexity: O(n log m) for n new and m stored ratings.
    @discardableResult
    public func importRatings(profile: String, _ ratings: [StoredRating], replace: Bool = false) throws -> ImportSummary {
        try Self.validate(name: profile, path: path)
        return try importRatings(into: { db in try self.profileIDCreating(db, profile) }, ratings, replace: replace)
    }

    /// `importRatings` into the profile with id `id` (see `DatasetProfiles.resolve` for choosing it).
    @discardableResult
    public func importRatings(id: Int64, _ ratings: [StoredRating], replace: Bool = false) throws -> ImportSummary {
        try importRatings(into: { _ in id }, ratings, replace: replace)
    }

    private func importRatings(into profileID: (Database) throws -> Int64, _ ratings: [StoredRating],
                               replace: Bool) throws -> ImportSummary {
        for r in ratings {
            try Self.validate(item: r.item, path: path)
            guard r.value.isFinite else {
                throw StoreError(.invalidName, file: path, "rating for item \(r.item) is not a finite number")
            }
        }
        return try write { db in
            let id = try profileID(db)
            var summary = ImportSummary()
            var seen = Set<String>()
            for r in ratings {
                seen.insert(r.item)
                let current = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT value, timestamp FROM rating WHERE profileId = ? AND item = ?"),
                    arguments: [id, r.item])
                if let current, Float(current["value"] as Double) == r.value, current["timestamp"] as Int64 == r.timestamp {
                    summary.unchanged += 1
                    continue
                }
                if try set(db, id, item: r.item, value: r.value, timestamp: r.timestamp) == nil {
                    summary.added += 1
                } else {
                    summary.changed += 1
                }
            }
            if replace {
                for old in try storedRatings(db, id) where !seen.contains(old.item) {
                    try remove(db, id, item: old.item)
                    summary.removed += 1
                }
            }
            return summary
        }
    }

    /// The profile's event log, newest first.
    public func history(profile: String, dataset: String? = nil, limit: Int = 100) throws -> [ProfileEvent] {
        try read { db in
            let id = try requireProfile(db, profile, dataset: dataset)
            return try Row.fetchAll(db, sql: """
                SELECT * FROM event WHERE profileId = ? ORDER BY id DESC LIMIT ?
                """, arguments: [id, limit]).map(Self.event)
        }
    }

    static func event(_ row: Row) -> ProfileEvent {
        ProfileEvent(id: row["id"], kind: ProfileEvent.Kind(rawValue: row["kind"]) ?? .set, item: row["item"],
                     oldValue: (row["oldValue"] as Double?).map(Float.init), oldTimestamp: row["oldTimestamp"],
                     newValue: (row["newValue"] as Double?).map(Float.init), at: row["at"], undone: row["undone"])
    }

    /// Reverts the newest not-yet-undone event of the profile: a set restores the value it
    /// replaced (or removes the item if it was unrated); a removal puts the rating back.
    /// Repeated calls walk further back. The undo itself is not logged as a new event.
    ///
    /// - Returns: the event that was undone, or nil when there is nothing to undo.
    @discardableResult
    public func undoLast(profile: String, dataset: String? = nil) throws -> ProfileEvent? {
        try write { db in
            guard let id = try profileID(db, profile, dataset: dataset),
                  let row = try Row.fetchOne(db, sql: """
                      SELECT * FROM event WHERE profileId = ? AND undone = 0 ORDER BY id DESC LIMIT 1
                      """, arguments: [id])
            else { return nil }
            let e = Self.event(row)
            if let old = e.oldValue, let ts = e.oldTimestamp {
                try db.execute(sql: """
                    INSERT INTO rating (profileId, item, value, timestamp) VALUES (?, ?, ?, ?)
                    ON CONFLICT (profileId, item) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp
                    """, arguments: [id, e.item, Double(old), ts])
            } else {
                try db.execute(sql: "DELETE FROM rating WHERE profileId = ? AND item = ?", arguments: [id, e.item])
            }
            try db.execute(sql: "UPDATE event SET undone = 1 WHERE id = ?", arguments: [e.id])
            return e
        }
    }
}

extension SQLiteProfileStore {
    /// The profile's rating history in the order it happened, for `replay`: every set and removal
    /// still in force (an undone event was reverted, so it is left out, as the undo itself is not
    /// logged). Applying them in order gives the profile's current ratings.
    public func ratingHistory(profile: String, dataset: String? = nil) throws -> [RatingEvent] {
        try read { db in
            let id = try requireProfile(db, profile, dataset: dataset)
            return try Row.fetchAll(db, sql: """
                SELECT kind, item, newValue, at FROM event WHERE profileId = ? AND undone = 0 ORDER BY id
                """, arguments: [id]).map { row in
                let kind: String = row["kind"]
                return RatingEvent(at: row["at"], item: row["item"],
                                   value: kind == "set" ? (row["newValue"] as Double?).map(Float.init) : nil)
            }
        }
    }

    /// `ratingHistory` of profile `id`.
    public func ratingHistory(id: Int64) throws -> [RatingEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT kind, item, newValue, at FROM event WHERE profileId = ? AND undone = 0 ORDER BY id",
                             arguments: [id]).map { row in
                let kind: String = row["kind"]
                return RatingEvent(at: row["at"], item: row["item"],
                                   value: kind == "set" ? (row["newValue"] as Double?).map(Float.init) : nil)
            }
        }
    }
}

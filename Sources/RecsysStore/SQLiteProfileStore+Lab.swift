import Foundation
import GRDB
import RecsysEngine

/// The last evaluation-lab run per profile (migration `lab-results-v1`): one row per profile, the
/// `LabRecord` as JSON, replaced by each finished run.
extension SQLiteProfileStore {
    public func labResult(profile: String) throws -> LabRecord? {
        guard let id = try read({ db in try profileID(db, profile) }) else { return nil }
        return try labResult(id: id)
    }

    public func setLabResult(profile: String, _ record: LabRecord) throws {
        try Self.validate(name: profile, path: path)
        let id = try write { db in try profileIDCreating(db, profile) }
        try setLabResult(id: id, record)
    }

    /// Profile `id`'s last lab run, or nil.
    /// - Throws: `StoreError(.corrupted)` naming the file when the stored record is not a lab record.
    public func labResult(id: Int64) throws -> LabRecord? {
        let text = try read { db in
            try String.fetchOne(db, sql: "SELECT record FROM lab_result WHERE profileId = ?", arguments: [id])
        }
        guard let text else { return nil }
        do {
            return try LabRecord.decode(text)
        } catch {
            throw StoreError(.corrupted, file: path, "the stored lab result of profile #\(id) is not a lab record (\(error))",
                             hint: "run the lab again (v, then r) to replace it")
        }
    }

    /// Replaces profile `id`'s last lab run (committed before it returns).
    public func setLabResult(id: Int64, _ record: LabRecord) throws {
        let text = try record.json()
        try write { db in
            try db.execute(sql: """
                INSERT INTO lab_result (profileId, saved, record) VALUES (?, ?, ?)
                ON CONFLICT (profileId) DO UPDATE SET saved = excluded.saved, record = excluded.record
                """, arguments: [id, record.savedAt, text])
        }
    }
}

extension SQLiteProfileStore {
    /// `readProfile`'s lab counterpart, read-only: the last lab run of the profile `name` as seen
    /// from `dataset` (its own, or one with shared movie ids); nil when it never finished one.
    public func readLabResult(_ name: String, on dataset: DatasetIdentity) throws -> LabRecord? {
        switch try match(profile: name, on: dataset) {
        case .own(let id, _), .sharedIDs(let id, _): return try labResult(id: id)
        case .otherDatasets(let names): throw otherDatasetError(profile: name, datasets: names, here: dataset)
        case .missing: throw try read { db in try noSuchProfile(db, name) }
        }
    }
}

import Foundation
import GRDB

/// The versioned schema of the profile database and how an existing file is upgraded.
///
/// Migrations are append-only: a released migration is never edited, a change is a new
/// one. `migrateWithBackup` copies an existing file aside before applying any of them.
enum Schema {
    /// Identifiers in order. The last one is the current schema version.
    static let versions = ["v1", "v2", "profile-dataset-binding", "demographics-v1", "lesson-progress-v1", "lab-results-v1"]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        // v1: profiles, ratings keyed by (profile, raw item id), and the event log for undo.
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE profile (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    created INTEGER NOT NULL,
                    dataset TEXT
                );
                CREATE TABLE rating (
                    profileId INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
                    item TEXT NOT NULL,
                    value REAL NOT NULL,
                    timestamp INTEGER NOT NULL,
                    PRIMARY KEY (profileId, item)
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    profileId INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('set', 'remove')),
                    item TEXT NOT NULL,
                    oldValue REAL,
                    oldTimestamp INTEGER,
                    newValue REAL,
                    newTimestamp INTEGER,
                    at INTEGER NOT NULL,
                    undone INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        // v2: undo looks up "the newest live event of a profile"; without this index that is a
        // scan of the whole log, and deleting a profile scans it again for the cascade.
        m.registerMigration("v2") { db in
            try db.execute(sql: "CREATE INDEX event_profile_live ON event (profileId, undone, id)")
        }
        // profile-dataset-binding: a profile belongs to the dataset its ratings were made on
        // (ratings are raw item ids, which mean other films in another catalog). A name is unique
        // per dataset, so every dataset has its own `default`. The table is rebuilt (SQLite cannot
        // drop the old UNIQUE(name)); ids are kept, so ratings and events stay attached.
        // Profiles written before this knew only the dataset they were last opened with: that
        // name is kept as `legacy:<name>` and the first open on a dataset of that name binds it.
        // Profiles never opened in the explorer (imported, or made by `recommend`) stay unbound.
        m.registerMigration("profile-dataset-binding") { db in
            try db.execute(sql: """
                CREATE TABLE profile_new (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    dataset TEXT,
                    datasetKey TEXT NOT NULL DEFAULT '',
                    datasetScheme TEXT,
                    datasetSource TEXT,
                    UNIQUE (name, datasetKey)
                );
                INSERT INTO profile_new (id, name, created, dataset, datasetKey)
                    SELECT id, name, created, dataset,
                           CASE WHEN dataset IS NULL THEN '' ELSE 'legacy:' || dataset END FROM profile;
                DROP TABLE profile;
                ALTER TABLE profile_new RENAME TO profile;
                """)
        }
        // demographics-v1: who a profile says it is (`profile set NAME age=25-34 …`), one row per known
        // attribute, values in the `Demographics` vocabulary (age bracket, F/M, ml-1m occupation, region).
        m.registerMigration("demographics-v1") { db in
            try db.execute(sql: """
                CREATE TABLE profile_attribute (
                    profileId INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
                    attribute TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (profileId, attribute)
                ) WITHOUT ROWID;
                """)
        }
        // lesson-progress-v1: how far a profile got in each lesson (the step it is on, the steps done),
        // so a learner resumes where they left off (`recsys-tui learn`, `L` in the explorer).
        m.registerMigration("lesson-progress-v1") { db in
            try db.execute(sql: """
                CREATE TABLE lesson_progress (
                    profileId INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
                    lesson TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    done TEXT NOT NULL DEFAULT '',
                    updated INTEGER NOT NULL,
                    PRIMARY KEY (profileId, lesson)
                ) WITHOUT ROWID;
                """)
        }
        // lab-results-v1: the profile's last evaluation-lab run (a `LabRecord` as JSON), kept when the lab
        // finishes in the explorer so `recsys-tui report` can chart it in the handout.
        m.registerMigration("lab-results-v1") { db in
            try db.execute(sql: """
                CREATE TABLE lab_result (
                    profileId INTEGER PRIMARY KEY REFERENCES profile(id) ON DELETE CASCADE,
                    saved INTEGER NOT NULL,
                    record TEXT NOT NULL
                );
                """)
        }
        return m
    }

    /// Brings the database at `path` to the current schema.
    ///
    /// When the file already holds an older schema, it is first copied (with SQLite's online
    /// backup, which includes committed WAL frames) to `<path>.bak-<last applied migration>`
    /// (`.bak-v1-2`, `-3`, … if that name is taken). Two processes opening an old file at once
    /// are serialised by an advisory `flock` on the file's folder (no lock file is left
    /// behind, and SQLite's own POSIX locks on the database file are not disturbed), so the
    /// backup is taken once and each migration runs once.
    static func migrateWithBackup(_ pool: DatabasePool, path: String) throws {
        if try pool.read({ db in try migrator.hasCompletedMigrations(db) }) { return }
        var lockPath = (path as NSString).deletingLastPathComponent
        if lockPath.isEmpty { lockPath = "." }
        let fd = open(lockPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen, file: path, "cannot open its folder to lock it for the schema upgrade",
                             hint: "check the folder's permissions")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR {
                throw StoreError(.io, file: path, "cannot lock its folder for the schema upgrade (errno \(errno))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        let applied = try pool.read { db in try migrator.completedMigrations(db) }
        if applied.count == versions.count { return }
        if let last = applied.last {
            var backup = "\(path).bak-\(last)"
            var n = 2
            while FileManager.default.fileExists(atPath: backup) {
                backup = "\(path).bak-\(last)-\(n)"
                n += 1
            }
            let copy = try DatabaseQueue(path: backup)
            try pool.backup(to: copy)
            try copy.close()
        }
        try migrator.migrate(pool)
    }
}

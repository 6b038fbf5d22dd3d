import Foundation
import GRDB

/// A profile-store failure that names the database file and says what to do.
///
/// Printed as one line: `path: what happened — what to do`. The CLI prints it
/// and exits with status 2; the explorer shows it instead of opening an empty profile.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure it is, so callers and tests can branch without parsing text.
    public enum Kind: String, Sendable {
        /// The file is not a SQLite database, or SQLite reports damage.
        case corrupted
        /// A SQLite database, but not one of ours (foreign tables, no migration record).
        case notAProfileDatabase
        /// Written by a newer recsys-tui (unknown migrations).
        case newerVersion
        /// Another program holds the database lock longer than the busy timeout.
        case locked
        /// The file or its folder cannot be written.
        case readOnly
        /// The file cannot be created or opened (missing folder, a directory, no space…).
        case cannotOpen
        /// The named profile does not exist.
        case noSuchProfile
        /// Several datasets have a profile of that name and nothing chose one.
        case ambiguousProfile
        /// The profile belongs to a dataset whose item ids mean other films.
        case otherDataset
        /// A profile with the target name already exists.
        case profileExists
        /// A profile name or item id that cannot be stored.
        case invalidName
        /// Any other SQLite or file-system error.
        case io
    }

    public var kind: Kind
    /// The database file (or the file being read/written) the error concerns.
    public var file: String
    public var message: String
    /// What the user can do about it; empty when nothing useful can be said.
    public var hint: String

    public init(_ kind: Kind, file: String, _ message: String, hint: String = "") {
        self.kind = kind
        self.file = file
        self.message = message
        self.hint = hint
    }

    /// One line: `file: message — hint`.
    public var description: String {
        let text = hint.isEmpty ? "\(file): \(message)" : "\(file): \(message) — \(hint)"
        // Never let a message from SQLite or a file name break the one-line promise.
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}

extension StoreError {
    /// Translates a SQLite/GRDB error raised while using the database at `path`.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let db = error as? DatabaseError else {
            return StoreError(.io, file: path, "\(error)")
        }
        let detail = db.message ?? "SQLite error \(db.resultCode.rawValue)"
        switch db.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return corrupted(path: path, detail: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.locked, file: path, "the database is locked by another program (\(detail))",
                              hint: "close the other recsys-tui or sqlite3 session using it and try again")
        case .SQLITE_READONLY:
            return readOnly(path: path, detail: detail)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(.cannotOpen, file: path, "cannot open the database (\(detail))",
                              hint: "check that the folder exists and is writable, or pass --db with another path")
        case .SQLITE_FULL:
            return StoreError(.io, file: path, "the disk is full (\(detail))",
                              hint: "free some space; no rating was lost, the last one was not saved")
        default:
            return StoreError(.io, file: path, detail)
        }
    }

    static func corrupted(path: String, detail: String) -> StoreError {
        StoreError(.corrupted, file: path, "not a readable profile database (\(detail))",
                   hint: "move it aside (e.g. mv \(path) \(path).broken) to start fresh, or restore a .bak copy")
    }

    static func readOnly(path: String, detail: String) -> StoreError {
        StoreError(.readOnly, file: path, "the database cannot be written (\(detail))",
                   hint: "make it and its folder writable (chmod u+w), or pass --db with a writable path")
    }
}

import Foundation
import GRDB

/// The checks made before a database file is opened as a profile store: a folder, a file that
/// is not SQLite, a read-only place, a damaged or foreign database, or one from a newer release
/// is refused with one line instead of being opened (or worse, rewritten) as an empty store.
extension SQLiteProfileStore {

    /// The first 16 bytes of every SQLite 3 database file.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// File-level checks before SQLite touches the file: a folder, a non-SQLite file or a
    /// read-only file/folder is refused; a missing file gets its folder created.
    static func checkBeforeOpening(_ path: String) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let folder = (path as NSString).deletingLastPathComponent
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue {
                throw StoreError(.cannotOpen, file: path, "is a folder, not a database file",
                                 hint: "pass --db with a file path such as \(path)/\(StorePaths.fileName)")
            }
            if !isWritable(path) {
                throw StoreError.readOnly(path: path, detail: "the file is read-only")
            }
            if !isWritable(folder.isEmpty ? "." : folder) {
                throw StoreError.readOnly(path: path, detail: "its folder is read-only, so SQLite cannot create the -wal file")
            }
            // Another connection of this process already validated it; reading it again through a
            // second descriptor would risk dropping that connection's POSIX locks when closed.
            if OpenFiles.shared.contains(path) { return }
            let size = ((try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            if size == 0 { return }  // An empty file is a new database (e.g. made by `touch`).
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw StoreError(.cannotOpen, file: path, "cannot read the file", hint: "check its permissions")
            }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            try? handle.close()
            if size < 512 || Array(head) != sqliteHeader {
                throw StoreError.corrupted(path: path, detail: "the file does not start with a SQLite header")
            }
        } else {
            if !folder.isEmpty && !fm.fileExists(atPath: folder) {
                do {
                    try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(.cannotOpen, file: path, "cannot create the folder \(folder)",
                                     hint: "create it yourself or pass --db with another path")
                }
            }
            if !isWritable(folder.isEmpty ? "." : folder) {
                throw StoreError.readOnly(path: path, detail: "its folder is read-only")
            }
        }
    }

    /// Writable for us. Root passes `access(W_OK)` on any file, so a file whose mode has no
    /// write bit at all is also treated as read-only: someone meant it to be.
    static func isWritable(_ path: String) -> Bool {
        guard FileManager.default.isWritableFile(atPath: path) else { return false }
        var st = stat()
        guard stat(path, &st) == 0 else { return true }
        return st.st_mode & 0o222 != 0
    }

    /// Reads the file once: SQLite parses the header and schema (raising NOTADB/CORRUPT), quick_check
    /// looks for damaged pages, and a database with tables but no migration record is not ours.
    static func checkContents(_ probe: DatabaseQueue, path: String) throws {
        try probe.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
            if check != ["ok"] {
                throw StoreError.corrupted(path: path, detail: "quick_check: " + check.joined(separator: "; "))
            }
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                """)
            if !tables.isEmpty && !tables.contains("grdb_migrations") {
                throw StoreError(.notAProfileDatabase, file: path,
                                 "a SQLite database of another program (tables: \(tables.prefix(5).joined(separator: ", ")))",
                                 hint: "pass --db with another path; this file was left untouched")
            }
            if try Schema.migrator.hasBeenSuperseded(db) {
                throw StoreError(.newerVersion, file: path, "written by a newer recsys-tui (unknown schema migrations)",
                                 hint: "use the newer recsys-tui, or pass --db with another path")
            }
        }
    }
}

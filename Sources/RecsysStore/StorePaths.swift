import Foundation

/// Where the profile database lives, shared by every command and the explorer.
public enum StorePaths {
    /// The file name inside the data folder.
    public static let fileName = "profiles.sqlite"
    /// The special `--db` value for a volatile in-memory store (tests, demos).
    public static let memory = ":memory:"

    /// Resolves the database path.
    ///
    /// Order: an explicit `--db PATH` (a leading `~/` is expanded); else
    /// `$XDG_DATA_HOME/recsys-tui/profiles.sqlite` when `XDG_DATA_HOME` is set to an
    /// absolute path (the XDG Base Directory rule: relative values are ignored);
    /// else `$HOME/.local/share/recsys-tui/profiles.sqlite`.
    ///
    /// - Parameters:
    ///   - db: the `--db` option, if given.
    ///   - environment: the process environment (injectable for tests).
    /// - Returns: an absolute path, or `":memory:"`.
    public static func resolve(db: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        if let db, !db.isEmpty {
            if db == memory { return db }
            if db == "~" { return home }
            if db.hasPrefix("~/") { return (home as NSString).appendingPathComponent(String(db.dropFirst(2))) }
            if db.hasPrefix("/") { return db }
            return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(db)
        }
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (home as NSString).appendingPathComponent(".local/share")
        }
        return ((base as NSString).appendingPathComponent("recsys-tui") as NSString).appendingPathComponent(fileName)
    }
}

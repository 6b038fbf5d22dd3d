import Foundation

/// Paths typed by a person (`:export ~/ratings.csv`).
public enum UserPath {
    /// Expands a leading `~` or `~/` to the home folder, as a shell would; other paths are returned as typed.
    ///
    /// - Parameter home: the home folder (default: `$HOME`, else the account's home).
    public static func expand(_ path: String, home: String? = nil) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let env = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        let h = home ?? env ?? NSHomeDirectory()
        return path == "~" ? h : (h as NSString).appendingPathComponent(String(path.dropFirst(2)))
    }
}

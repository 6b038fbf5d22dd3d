import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore

/// Opens the profile store for the explorer and the `profile` commands.
///
/// `db` is the `--db` option: nil means the XDG default
/// (`$XDG_DATA_HOME/recsys-tui/profiles.sqlite`, else `~/.local/share/recsys-tui/profiles.sqlite`),
/// `":memory:"` a volatile store. Resolution lives in `StorePaths` so every entry point agrees.
///
/// - Throws: `StoreError` naming the file and what to do (corrupted, locked, read-only, …).
func openProfileStore(db: String?) throws -> any ProfileStoring {
    try SQLiteProfileStore.open(db: db)
}

/// The `--db PATH` option every profile-using command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The profile database (default: $XDG_DATA_HOME/recsys-tui/profiles.sqlite or ~/.local/share/recsys-tui/profiles.sqlite).",
        valueName: "path"))
    var db: String?

    /// The resolved path, for messages.
    var path: String { StorePaths.resolve(db: db) }

    func open() throws -> SQLiteProfileStore { try SQLiteProfileStore.open(db: db) }
}

/// Runs `body`, printing any store, load or other error on one line and exiting with status 2.
func withStoreErrors<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch let e as StoreError {
        fail(e.description)
    } catch let e as LoadError {
        fail(e.description)
    } catch let e as ParameterError {
        fail(e.description)
    } catch {
        fail(String(describing: error).replacingOccurrences(of: "\n", with: " "))
    }
}

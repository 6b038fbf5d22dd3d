import Foundation
import RecsysEngine
import RecsysStore
import RecsysTerminal
import RecsysUI

/// A command's failure that is not a command-line mistake: an unknown user, an ambiguous title, a
/// folder that cannot be made. Thrown from `run()`; `RecsysTUI.exit(with:)` prints it as one line
/// (`recsys-tui: …`) and exits with status 2, as it does for the engine's and the store's errors.
struct CommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// The one line for an error of the engine, the store, the terminal or a command; nil for
    /// ArgumentParser's own errors (usage mistakes, which get a pointer to help).
    static func describing(_ error: any Error) -> String? {
        let text: String
        switch error {
        case let e as CommandError: text = e.description
        case let e as LoadError: text = e.description
        case let e as StoreError: text = e.description
        case let e as ParameterError: text = e.description
        case let e as ModelFileError: text = e.description
        case let e as EvalError: text = e.description
        case let e as TerminalError: text = e.description
        case let e as LessonError: text = e.description
        case let e as CocoaError: text = e.localizedDescription
        default: return nil
        }
        // Never let a file name or a library's message break the one-line promise.
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}

import ArgumentParser
import Foundation
import RecsysEngine

/// `--memory SIZE`: the memory budget of every fit the command runs (`MemoryBudget`).
///
/// Adopt with `@OptionGroup var memoryOptions: MemoryOptions` and call `apply()` first in `run()`:
/// it sets `MemoryBudget.processDefault`, which every `FitContext` made afterwards starts from
/// (the explorer's background fits, eval's folds, train, bench).
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Memory budget of each fit, e.g. 4G or 512M (default: a third of physical memory, 512M…4G; here "
            + MemoryBudget.describe(MemoryBudget.defaultBytes) + ").",
        valueName: "SIZE"))
    var memory: String?

    func validate() throws {
        if let memory, MemoryBudget.parse(memory) == nil {
            throw ValidationError("--memory expects a size such as 4G, 512M or 1.5G, at least 16M (got '\(memory)')")
        }
    }

    /// The budget in bytes: the flag's, else the default.
    var bytes: Int { memory.flatMap(MemoryBudget.parse) ?? MemoryBudget.defaultBytes }

    /// Makes the flag the budget of every later fit in this process.
    func apply() {
        if let memory, let b = MemoryBudget.parse(memory) { MemoryBudget.processDefault = b }
    }
}

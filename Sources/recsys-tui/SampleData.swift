import Foundation

/// Finds the bundled `sample-data/` folder from any working directory.
///
/// Order: `$RECSYS_TUI_SAMPLE_DATA`; `sample-data` beside the executable or in
/// one of its parent folders (an installed copy); the package's own folder,
/// known at compile time from this source file's path.
enum SampleData {
    static var path: String {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["RECSYS_TUI_SAMPLE_DATA"], !env.isEmpty {
            return env
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("sample-data")
            if fm.fileExists(atPath: candidate.appendingPathComponent("movies.csv").path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        // Sources/recsys-tui/SampleData.swift → package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("sample-data").path
    }
}

import Foundation

/// The one reader of `tastes.csv` (written by `sample generate`): one row per simulated user with
/// `userId` and lists of `name:weight` joined by `|` (`archetypes`, `likedGenres`,
/// `dislikedGenres`; other columns are ignored here). ``UserTastes`` (the taste-agreement metric)
/// and ``KnownTaste`` (what the explorer and lessons reveal) both read it through this type, so they
/// accept and refuse the same files with the same messages.
public enum TastesFile {
    public typealias Weighted = [(name: String, weight: Double)]

    /// One user's row: its raw id, its 1-based line, and each requested list column.
    public struct Row {
        public var userId: String
        public var line: Int
        public var lists: [String: Weighted]
    }

    /// Reads the rows, parsing the list `columns` (each must be in the header).
    ///
    /// - Throws: ``LoadError`` with file, line and column when the header lacks a column, a row has
    ///   the wrong number of fields, or a list entry is not `Name:weight`.
    public static func read(path: String, columns wanted: [String]) throws -> [Row] {
        try ByteParsing.requireRegularFile(path)
        guard let text = String(data: try Data(contentsOf: URL(fileURLWithPath: path)), encoding: .utf8) else {
            throw LoadError(file: path, "not valid UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let needed = ["userId"] + wanted
        guard let header = lines.first else {
            throw LoadError(file: path, "empty file: expected a header with \(needed.joined(separator: ","))")
        }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var index: [String: Int] = [:]
        for name in needed {
            guard let k = names.firstIndex(of: name) else {
                throw LoadError(file: path, line: 1, column: 1, "expected a header with the column \(name)")
            }
            index[name] = k
        }
        var rows: [Row] = []
        rows.reserveCapacity(lines.count - 1)
        for (k, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let lineNumber = k + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw LoadError(file: path, line: lineNumber, column: min(fields.count, names.count) + 1,
                                "expected \(names.count) fields, found \(fields.count)")
            }
            var lists: [String: Weighted] = [:]
            for name in wanted {
                let c = index[name]!
                lists[name] = try fields[c].split(separator: "|").map { entry in
                    let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
                    guard parts.count == 2, !parts[0].isEmpty, let w = Double(parts[1]) else {
                        throw LoadError(file: path, line: lineNumber, column: c + 1,
                                        "expected Genre:weight entries joined by '|', found '\(entry)'")
                    }
                    return (String(parts[0]), w)
                }
            }
            rows.append(Row(userId: String(fields[index["userId"]!]), line: lineNumber, lists: lists))
        }
        return rows
    }
}

import Foundation

/// A synthetic user's true taste as the sample generator drew it (from `tastes.csv`): what an
/// exercise can reveal after learners have guessed it from the ratings.
public struct KnownTaste: Sendable, Equatable {
    /// Archetype names with their weights (largest first), e.g. `blockbuster` 1.0.
    public var archetypes: [(name: String, weight: Double)]
    /// Liked genres with positive weights, strongest first.
    public var liked: [(name: String, weight: Double)]
    /// Disliked genres with negative weights, strongest first.
    public var disliked: [(name: String, weight: Double)]

    public init(archetypes: [(name: String, weight: Double)], liked: [(name: String, weight: Double)],
                disliked: [(name: String, weight: Double)]) {
        self.archetypes = archetypes
        self.liked = liked
        self.disliked = disliked
    }

    public static func == (a: KnownTaste, b: KnownTaste) -> Bool {
        func same(_ x: [(name: String, weight: Double)], _ y: [(name: String, weight: Double)]) -> Bool {
            x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.weight == $1.weight }
        }
        return same(a.archetypes, b.archetypes) && same(a.liked, b.liked) && same(a.disliked, b.disliked)
    }

    /// Reads `tastes.csv` (`userId,archetypes,likedGenres,dislikedGenres,…`, lists as `name:weight`
    /// joined by `|`) into a map from raw user id to taste.
    ///
    /// - Throws: `LoadError` naming file:line:column and what was expected.
    public static func read(path: String) throws -> [String: KnownTaste] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var out: [String: KnownTaste] = [:]
        var columns: [String: Int] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if n == 0 {
                for (k, f) in fields.enumerated() { columns[f] = k }
                for wanted in ["userId", "archetypes", "likedGenres", "dislikedGenres"] where columns[wanted] == nil {
                    throw LoadError(file: path, line: 1, "expected a header with column '\(wanted)'")
                }
                continue
            }
            func list(_ column: String) throws -> [(name: String, weight: Double)] {
                let k = columns[column]!
                guard k < fields.count else {
                    throw LoadError(file: path, line: n + 1, column: k + 1, "expected a \(column) field")
                }
                return try fields[k].split(separator: "|").map { entry in
                    let parts = entry.split(separator: ":")
                    guard parts.count == 2, let w = Double(parts[1]) else {
                        throw LoadError(file: path, line: n + 1, column: k + 1, "expected name:weight, got '\(entry)'")
                    }
                    return (String(parts[0]), w)
                }
            }
            let id = fields[columns["userId"]!]
            out[id] = KnownTaste(archetypes: try list("archetypes").sorted { $0.weight > $1.weight },
                                 liked: try list("likedGenres").sorted { $0.weight > $1.weight },
                                 disliked: try list("dislikedGenres").sorted { $0.weight < $1.weight })
        }
        return out
    }
}

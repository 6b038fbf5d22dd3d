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

    /// Reads `tastes.csv` (through ``TastesFile``, the one reader) into a map from raw user id to
    /// taste: archetypes and liked genres strongest first, disliked genres most negative first.
    ///
    /// - Throws: `LoadError` naming file:line:column and what was expected.
    public static func read(path: String) throws -> [String: KnownTaste] {
        var out: [String: KnownTaste] = [:]
        for row in try TastesFile.read(path: path, columns: ["archetypes", "likedGenres", "dislikedGenres"]) {
            out[row.userId] = KnownTaste(archetypes: row.lists["archetypes"]!.sorted { $0.weight > $1.weight },
                                         liked: row.lists["likedGenres"]!.sorted { $0.weight > $1.weight },
                                         disliked: row.lists["dislikedGenres"]!.sorted { $0.weight < $1.weight })
        }
        return out
    }
}

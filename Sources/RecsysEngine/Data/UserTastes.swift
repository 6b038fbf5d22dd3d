import Foundation

/// The known true tastes of a dataset's users: which genres each one likes and dislikes.
///
/// Only synthetic data has them: `sample generate` writes `tastes.csv` beside the ratings, with
/// one row per simulated user and the columns `userId`, `likedGenres` and `dislikedGenres`
/// (lists of `Genre:weight` joined by `|`; other columns are ignored). The loader reads the file
/// when a MovieLens-CSV folder has one. `taste-agreement@k` (docs/metrics.md) measures how well
/// a model's lists agree with these tastes.
///
/// Genres are kept as bit masks over `genres` (at most 64 names), so checking an item against a
/// user's tastes is two AND operations.
public struct UserTastes: Sendable, Equatable {
    /// Genre names in first-seen order; bit k of a mask is `genres[k]`.
    public private(set) var genres: [String]
    /// Per dense user index: liked genres as a mask (0 for users without a row).
    public private(set) var liked: [UInt64]
    /// Per dense user index: disliked genres as a mask.
    public private(set) var disliked: [UInt64]
    /// Per dense user index: whether the file has a row for the user.
    public private(set) var known: [Bool]

    /// Tastes for `userCount` users, none known yet.
    public init(userCount: Int) {
        genres = []
        liked = [UInt64](repeating: 0, count: userCount)
        disliked = [UInt64](repeating: 0, count: userCount)
        known = [Bool](repeating: false, count: userCount)
    }

    /// Records user `u`'s liked and disliked genres (names outside the first 64 distinct genres are refused).
    public mutating func set(user u: Int32, liked likedNames: [String], disliked dislikedNames: [String]) throws {
        let l = try mask(likedNames), d = try mask(dislikedNames)
        liked[Int(u)] = l
        disliked[Int(u)] = d
        known[Int(u)] = true
    }

    /// Users with a row.
    public var knownUserCount: Int { known.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Each catalog item's genres as a mask over `genres` (genres the tastes never name are left out).
    public func itemMasks(_ catalog: Catalog) -> [UInt64] {
        var index: [String: Int] = [:]
        for (k, g) in genres.enumerated() { index[g.lowercased()] = k }
        return catalog.items.map { item in
            item.genres.reduce(UInt64(0)) { acc, g in index[g.lowercased()].map { acc | (1 << UInt64($0)) } ?? acc }
        }
    }

    private mutating func mask(_ names: [String]) throws -> UInt64 {
        var m: UInt64 = 0
        for name in names {
            let k: Int
            if let found = genres.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                k = found
            } else {
                guard genres.count < 64 else { throw EvalError("more than 64 distinct genres in the tastes") }
                genres.append(name)
                k = genres.count - 1
            }
            m |= 1 << UInt64(k)
        }
        return m
    }

    /// Reads `tastes.csv` into the indices of `users`; rows of users the ratings do not know are skipped.
    ///
    /// - Throws: ``LoadError`` with file, line and column when the header lacks a needed column,
    ///   a row has the wrong number of fields, or a genre list is not `Name:weight|…`.
    public static func read(path: String, users: Vocabulary) throws -> UserTastes {
        var tastes = UserTastes(userCount: users.count)
        for row in try TastesFile.read(path: path, columns: ["likedGenres", "dislikedGenres"]) {
            guard let u = users.index(of: row.userId) else { continue }
            do {
                try tastes.set(user: u, liked: row.lists["likedGenres"]!.map(\.name),
                               disliked: row.lists["dislikedGenres"]!.map(\.name))
            } catch let e as EvalError {
                throw LoadError(file: path, line: row.line, e.message)
            }
        }
        return tastes
    }
}

extension UserTastes {
    /// Tastes from their stored parts (a dataset image); the arrays must have one value per user.
    init(genres: [String], liked: [UInt64], disliked: [UInt64], known: [Bool]) {
        self.genres = genres
        self.liked = liked
        self.disliked = disliked
        self.known = known
    }

    /// The same tastes for `userCount` users: users past the old count are unknown (a class's
    /// learners added to a synthetic dataset, `Dataset.withClass`).
    public func extended(to userCount: Int) -> UserTastes {
        var t = self
        let extra = max(0, userCount - known.count)
        t.liked += [UInt64](repeating: 0, count: extra)
        t.disliked += [UInt64](repeating: 0, count: extra)
        t.known += [Bool](repeating: false, count: extra)
        return t
    }
}

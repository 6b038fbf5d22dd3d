import Foundation

/// One learner of a class: a profile (from the shared database or an exported file) with its
/// ratings by raw item id.
public struct ClassMember: Sendable, Equatable {
    /// The profile's name, shown wherever the learner appears ("alice rated it 5★").
    public var name: String
    public var ratings: [StoredRating]
    /// Who the learner says they are (empty when unknown).
    public var attributes: UserAttributes

    public init(name: String, ratings: [StoredRating], attributes: UserAttributes = UserAttributes()) {
        self.name = name
        self.ratings = ratings
        self.attributes = attributes
    }
}

/// The classmates in a dataset: the dense user indices they occupy and their display names.
///
/// Classmates are appended after the dataset's own users (`Dataset.withClass`), so the
/// indices of the dataset's users never move, and a learner who joins later takes the next
/// index: models fitted before keep naming the right people.
public struct ClassRoster: Sendable, Equatable {
    /// Dense index of the first classmate (the base dataset's user count).
    public var first: Int32
    /// Display names, in index order (`first`, `first + 1`, …).
    public var names: [String]

    public init(first: Int32 = 0, names: [String] = []) {
        self.first = first
        self.names = names
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    /// The dense indices of the classmates.
    public var users: Range<Int32> { first..<(first + Int32(names.count)) }

    /// The learner's name when `user` is a classmate, else nil.
    public func name(of user: Int32) -> String? {
        let k = Int(user) - Int(first)
        return k >= 0 && k < names.count ? names[k] : nil
    }

    /// The dense index of the classmate called `name`.
    public func user(named name: String) -> Int32? {
        names.firstIndex(of: name).map { first + Int32($0) }
    }
}

/// What reading a class produced: its members and the one-line problems of what was skipped.
public struct ClassSnapshot: Sendable, Equatable {
    public var members: [ClassMember]
    /// "class/bob.csv:3:2: expected a rating number, found "x"" — one line per skipped file or profile.
    public var problems: [String]
    /// A value that changes whenever the class's data does (see `ClassSource.fingerprint`).
    public var fingerprint: String

    public init(members: [ClassMember], problems: [String] = [], fingerprint: String = "") {
        self.members = members
        self.problems = problems
        self.fingerprint = fingerprint
    }
}

/// Where a class's learners come from: every other profile of a shared profile database, or a
/// folder of `profile export` files. Implemented in RecsysStore; the explorer polls it.
public protocol ClassSource: Sendable {
    /// A cheap value that changes when any classmate's data changes (a rating set, removed or
    /// undone, a profile added, renamed or deleted, a file written). Called about once a second.
    func fingerprint(excluding me: String) throws -> String
    /// Reads every classmate: every learner but `me` (the learner's own profile).
    func load(excluding me: String) throws -> ClassSnapshot
    /// "the class of profiles.sqlite", "the class in ./class": for the status line and messages.
    var label: String { get }
}

extension Dataset {
    /// This dataset with the class's learners added as users after its own, named by profile.
    ///
    /// Each learner's ratings of items the catalog does not know are dropped; a learner with no
    /// rating left is left out. A learner's raw user id is their name, made unique against the
    /// dataset's ids by a `~2`, `~3` suffix if needed (the display name stays theirs). Demographics
    /// and known tastes are extended so every user keeps an entry.
    ///
    /// Complexity: O(ratings of the dataset + ratings of the class): the CSR rows are copied and the
    /// column view rebuilt.
    public func withClass(_ members: [ClassMember]) -> Dataset {
        var users = self.users
        var rowStart = ratings.rowStart
        var rowItems = ratings.rowItems
        var rowRatings = ratings.rowRatings
        var stamps = ratings.rowTimestamps
        let keepStamps = !stamps.isEmpty || ratings.count == 0
        var attributes = userAttributes
        let hadAttributes = !userAttributes.isEmpty
        var names: [String] = []
        for m in members {
            var byItem: [Int32: StoredRating] = [:]
            for r in m.ratings {
                if let i = catalog.index(of: r.item) { byItem[i] = r }
            }
            if byItem.isEmpty { continue }
            var raw = m.name
            var n = 2
            while users.contains(raw) { raw = "\(m.name)~\(n)"; n += 1 }
            users.insert(raw)
            names.append(m.name)
            for i in byItem.keys.sorted() {
                let r = byItem[i]!
                rowItems.append(i)
                rowRatings.append(r.value)
                if keepStamps { stamps.append(r.timestamp) }
            }
            rowStart.append(rowItems.count)
            if hadAttributes { attributes.append(m.attributes) }
        }
        var out = self
        out.users = users
        out.ratings = RatingMatrix(userCount: users.count, itemCount: catalog.count, rowStart: rowStart,
                                   rowItems: rowItems, rowRatings: rowRatings,
                                   rowTimestamps: keepStamps ? stamps : [], duplicateCount: ratings.duplicateCount)
        out.userAttributes = attributes
        out.tastes = tastes?.extended(to: users.count)
        out.roster = ClassRoster(first: Int32(self.users.count), names: names)
        return out
    }
}

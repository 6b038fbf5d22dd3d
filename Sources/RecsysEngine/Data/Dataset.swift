/// Optional per-user features (MovieLens 100K `u.user`, 1M `users.dat`, a `users.csv` beside
/// `ratings.csv`, a profile's `profile set`). See ``Demographics`` for the shared vocabulary.
public struct UserAttributes: Sendable, Equatable {
    /// Years, or a bracket's lower bound (ml-1m codes, `users.csv` brackets).
    public var age: Int?
    public var gender: String?
    public var occupation: String?
    public var zip: String?
    /// northeast, midwest, south or west (``Demographics/regions``); derived from `zip` when absent.
    public var region: String?

    public init(age: Int? = nil, gender: String? = nil, occupation: String? = nil, zip: String? = nil,
                region: String? = nil) {
        self.age = age
        self.gender = gender
        self.occupation = occupation
        self.zip = zip
        self.region = region
    }

    /// True when no attribute is known.
    public var isEmpty: Bool { self == UserAttributes() }
}

/// A loaded dataset: catalog, users, ratings, optional user attributes and the rating scale.
public struct Dataset: Sendable {
    public var name: String
    /// Where it was loaded from (a folder or a file), for messages.
    public var source: String
    public var catalog: Catalog
    /// Raw user id ↔ dense index.
    public var users: Vocabulary
    public var ratings: RatingMatrix
    /// `userAttributes[u]` when the dataset has them, else empty.
    public var userAttributes: [UserAttributes]
    public var scale: RatingScale
    /// Facts gathered while loading (skipped lines, duplicates, placeholder items).
    public var loadReport: LoadReport
    /// The users' true liked and disliked genres, when the data is synthetic and says so (`tastes.csv`).
    public var tastes: UserTastes?
    /// The class's learners added with `withClass` (empty otherwise): who they are among the users.
    public var roster = ClassRoster()

    public init(name: String, source: String = "", catalog: Catalog, users: Vocabulary, ratings: RatingMatrix,
                userAttributes: [UserAttributes] = [], scale: RatingScale, loadReport: LoadReport = LoadReport(),
                tastes: UserTastes? = nil) {
        self.name = name
        self.source = source
        self.catalog = catalog
        self.users = users
        self.ratings = ratings
        self.userAttributes = userAttributes
        self.scale = scale
        self.loadReport = loadReport
        self.tastes = tastes
    }

    public var userCount: Int { users.count }
    public var itemCount: Int { catalog.count }
}

/// What happened while loading: counts a user should know about.
public struct LoadReport: Sendable, Equatable {
    /// Lines skipped with `--skip-bad-lines`.
    public var skippedLines: Int = 0
    /// The first few skipped line numbers, with their file, for the message.
    public var skippedExamples: [LoadError] = []
    /// Duplicate (user, item) pairs; the last one wins.
    public var duplicateRatings: Int = 0
    /// Items that appear in the ratings but not in the items file (kept under a placeholder title).
    public var placeholderItems: Int = 0
    /// Wall-clock seconds of the whole load.
    public var seconds: Double = 0
    /// Bytes of the ratings file read.
    public var ratingsBytes: Int = 0
    /// Seconds spent parsing the ratings file into columns.
    public var parseSeconds: Double = 0
    /// Seconds spent building the CSR and CSC views from the columns.
    public var buildSeconds: Double = 0
    /// The `users.csv` the demographics were read from (MovieLens-CSV layout), nil otherwise.
    public var usersCSV: String?

    public init() {}
}

/// A load failure with its address: file, line, column and what was expected.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line, 0 when the error concerns the whole file.
    public var line: Int
    /// 1-based column (field number for delimited files), 0 when unknown.
    public var column: Int
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// One line: `path:line:column: message`.
    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if line > 0 && column > 0 { s += ":\(column)" }
        return s + ": " + message
    }
}

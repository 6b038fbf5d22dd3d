/// One catalog item (a movie).
public struct Item: Sendable, Equatable {
    /// The raw id as written in the data files ("50", "tt0076759", …).
    public var rawID: String
    public var title: String
    /// Release year, usually taken from a trailing "(1995)" in the title.
    public var year: Int?
    /// Genre names in the MovieLens vocabulary ("Action", "Sci-Fi", …).
    public var genres: [String]
    /// Descriptive keywords or user tags ("heist", "space", …).
    public var keywords: [String]
    public var director: String?
    /// True when the item appeared only in the ratings and has no row in the items file.
    public var isPlaceholder: Bool

    public init(rawID: String, title: String, year: Int? = nil, genres: [String] = [],
                keywords: [String] = [], director: String? = nil, isPlaceholder: Bool = false) {
        self.rawID = rawID
        self.title = title
        self.year = year
        self.genres = genres
        self.keywords = keywords
        self.director = director
        self.isPlaceholder = isPlaceholder
    }

    /// The title without a trailing "(1995)".
    public var displayTitle: String { Item.splitTitleYear(title).title }

    /// Splits "Heat (1995)" into ("Heat", 1995). Titles without a trailing year are returned whole.
    public static func splitTitleYear(_ title: String) -> (title: String, year: Int?) {
        let trimmed = title.trimmingTrailingSpaces()
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return (trimmed, nil) }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        // Accept "1995" and "1995-1996" (series) forms.
        let digits = inner.prefix(4)
        guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(digits),
              inner.count == 4 || (inner.count == 9 && inner.dropFirst(4).first == "-")
        else { return (trimmed, nil) }
        return (String(trimmed[..<open]).trimmingTrailingSpaces(), year)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        return String(s)
    }
}

/// The items of a dataset, in dense-index order, with their vocabulary.
public struct Catalog: Sendable {
    /// `items[i]` is the item with dense index `i`.
    public private(set) var items: [Item]
    /// Raw item id ↔ dense index.
    public private(set) var vocabulary: Vocabulary
    /// Every genre used, sorted.
    public private(set) var genres: [String]

    public init(items: [Item]) {
        self.items = []
        self.vocabulary = Vocabulary()
        self.genres = []
        for item in items { append(item) }
    }

    public var count: Int { items.count }

    public subscript(index: Int32) -> Item { items[Int(index)] }

    public func index(of rawID: String) -> Int32? { vocabulary.index(of: rawID) }

    /// Adds an item (or replaces the one with the same raw id) and returns its index.
    @discardableResult
    public mutating func append(_ item: Item) -> Int32 {
        if let existing = vocabulary.index(of: item.rawID) {
            items[Int(existing)] = item
            mergeGenres(item.genres)
            return existing
        }
        let index = vocabulary.insert(item.rawID)
        items.append(item)
        mergeGenres(item.genres)
        return index
    }

    public mutating func setKeywords(_ keywords: [String], at index: Int32) {
        items[Int(index)].keywords = keywords
    }

    private mutating func mergeGenres(_ new: [String]) {
        var changed = false
        for g in new where !genres.contains(g) {
            genres.append(g)
            changed = true
        }
        if changed { genres.sort() }
    }
}

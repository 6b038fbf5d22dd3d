import Foundation

/// What a profile needs to know about the dataset its ratings were made on.
///
/// Profiles store ratings by raw item id, and a raw id means a film only within one catalog:
/// item 50 is *Star Wars* in MovieLens 100K and *The Usual Suspects* in MovieLens latest.
/// The identity has three parts:
///
/// - `key`, a fingerprint of the catalog: a hash of every (raw id, title) pair. Two loads with
///   the same key give every raw id the same film. The ratings are not part of it, so a
///   regenerated sample or a ratings file with more lines keeps its profiles.
/// - `name`, for people ("sample-data", "ml-100k").
/// - `idScheme`, set when the ids are shared beyond this one catalog: the MovieLens releases
///   latest-small, latest, 20M, 25M and 32M all use the same `movieId` (recognised by their
///   `links.csv`, which ties each movieId to IMDb and TMDB). MovieLens 100K, 1M and 10M,
///   the sample and generic ratings files have ids of their own (`idScheme == nil`).
public struct DatasetIdentity: Sendable, Equatable, Codable {
    /// The scheme of the MovieLens releases that share `movieId` (latest-small … 32M).
    public static let movieLensMovieID = "movielens-movieId"

    public var name: String
    public var key: String
    public var idScheme: String?
    /// Where it was loaded from, so that a profile can find its titles again.
    public var source: String

    public init(name: String, key: String, idScheme: String?, source: String) {
        self.name = name
        self.key = key
        self.idScheme = idScheme
        self.source = source
    }

    /// The identity of a loaded dataset. Complexity: O(items).
    public init(_ dataset: Dataset) {
        var h = FNV1a64()
        for item in dataset.catalog.items {
            h.add(item.rawID); h.add(byte: 0)
            h.add(item.title); h.add(byte: 0)
        }
        let hex = String(h.value, radix: 16)
        key = "catalog:\(dataset.itemCount):" + String(repeating: "0", count: 16 - hex.count) + hex
        name = dataset.name
        source = dataset.source
        idScheme = Self.scheme(source: dataset.source)
    }

    /// `movieLensMovieID` for a MovieLens CSV folder with `links.csv`, nil otherwise.
    static func scheme(source: String) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDir), isDir.boolValue else { return nil }
        let has = { (f: String) in FileManager.default.fileExists(atPath: (source as NSString).appendingPathComponent(f)) }
        return has("ratings.csv") && has("movies.csv") && has("links.csv") ? movieLensMovieID : nil
    }

    /// True when a raw item id means the same film in both: the same catalog, or a shared id scheme.
    public func sharesItemIDs(with other: DatasetIdentity) -> Bool {
        key == other.key || (idScheme != nil && idScheme == other.idScheme)
    }
}

/// Carries ratings from one catalog to another by title and release year, for datasets
/// whose ids differ (MovieLens 100K → latest, the sample → MovieLens …).
///
/// Titles are compared without case, accents, punctuation or a trailing English article
/// moved to the front ("Godfather, The (1972)" equals "The Godfather (1972)"); the year
/// must be equal when both titles have one. A title that appears twice in the target with
/// the same year is ambiguous and left unmatched rather than guessed.
public struct TitleYearMatcher: Sendable {
    private var index: [String: Int32] = [:]
    private var ambiguous: Set<String> = []

    public init(_ target: Catalog) {
        for i in 0..<target.count {
            let k = Self.key(target[Int32(i)].title)
            if index[k] != nil { ambiguous.insert(k) } else { index[k] = Int32(i) }
        }
    }

    /// The target item with the same title and year, or nil (none, or more than one).
    public func match(title: String) -> Int32? {
        let k = Self.key(title)
        return ambiguous.contains(k) ? nil : index[k]
    }

    /// "godfather|1972" for "The Godfather (1972)" and "Godfather, The (1972)".
    public static func key(_ title: String) -> String {
        let (bare, year) = Item.splitTitleYear(title)
        var t = bare.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        for article in ["the", "a", "an", "les", "la", "le", "il", "el", "das", "der", "die"] {
            if t.hasSuffix(", " + article) { t = article + " " + t.dropLast(article.count + 2) }
        }
        let words = t.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let trimmed = words.first.map({ ["the", "a", "an"].contains(String($0)) }) == true ? words.dropFirst() : words[...]
        return trimmed.joined(separator: " ") + "|" + (year.map(String.init) ?? "")
    }
}

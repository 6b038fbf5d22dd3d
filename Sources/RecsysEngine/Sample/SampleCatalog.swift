import Foundation

/// One film of the bundled sample catalog (`sample-data/movies.csv`).
public struct SampleMovie: Sendable, Equatable {
    /// The raw `movieId` from the file.
    public var id: String
    /// Title with its year, e.g. `Heat (1995)`.
    public var title: String
    /// The year from a trailing `(1995)` in the title, if any.
    public var year: Int?
    /// Genres in the MovieLens vocabulary (see `SampleCatalog.genres`).
    public var genres: [String]
    /// Lowercase descriptive keywords: themes, setting, tone.
    public var keywords: [String]
    public var director: String

    public init(id: String, title: String, year: Int?, genres: [String], keywords: [String], director: String) {
        self.id = id
        self.title = title
        self.year = year
        self.genres = genres
        self.keywords = keywords
        self.director = director
    }
}

/// Reads the sample catalog: `movieId,title,genres,keywords,director`, RFC 4180 quoting,
/// genres and keywords separated by `|`.
///
/// This is a small, strict reader for the generator; the general dataset loaders live in
/// `DatasetLoader`. Every problem is a `LoadError` with file, line and column.
public enum SampleCatalog {
    /// The 18 MovieLens genres, in MovieLens order.
    public static let genres: [String] = [
        "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]

    /// The exact header the catalog must start with.
    public static let header = ["movieId", "title", "genres", "keywords", "director"]

    /// Loads and parses a catalog file.
    public static func load(path: String) throws -> [SampleMovie] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read the file (missing or unreadable)")
        }
        return try parse(data: data, file: path)
    }

    /// Parses catalog bytes (UTF-8). `file` is used in error messages only.
    ///
    /// - Complexity: O(n) in the size of the input.
    public static func parse(data: Data, file: String) throws -> [SampleMovie] {
        guard String(data: data, encoding: .utf8) != nil else {
            throw LoadError(file: file, "expected UTF-8 text")
        }
        let records = try CSVRecords.parse(Array(data), file: file)
        guard let first = records.first else { throw LoadError(file: file, "empty file: expected a header line") }
        guard first.fields == header else {
            throw LoadError(file: file, line: first.line, column: 1,
                            "expected the header `\(header.joined(separator: ","))`")
        }
        let known = Set(genres)
        var seen = Set<String>()
        var movies: [SampleMovie] = []
        movies.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            let f = record.fields
            if f.count == 1 && f[0].isEmpty { continue }  // a blank line
            guard f.count == header.count else {
                throw LoadError(file: file, line: record.line, column: min(f.count, header.count) + 1,
                                "expected \(header.count) fields, found \(f.count)")
            }
            let id = f[0]
            guard !id.isEmpty else { throw LoadError(file: file, line: record.line, column: 1, "expected a movieId") }
            guard seen.insert(id).inserted else {
                throw LoadError(file: file, line: record.line, column: 1, "duplicate movieId \(id)")
            }
            guard !f[1].isEmpty else { throw LoadError(file: file, line: record.line, column: 2, "expected a title") }
            let genreList = f[2].isEmpty || f[2] == "(no genres listed)" ? [] : f[2].split(separator: "|").map(String.init)
            for g in genreList where !known.contains(g) {
                throw LoadError(file: file, line: record.line, column: 3,
                                "unknown genre \"\(g)\" (expected one of \(genres.joined(separator: ", ")))")
            }
            let keywords = f[3].isEmpty ? [] : f[3].split(separator: "|").map(String.init)
            movies.append(SampleMovie(id: id, title: f[1], year: year(inTitle: f[1]), genres: genreList,
                                      keywords: keywords, director: f[4]))
        }
        return movies
    }

    /// The year in a trailing `(1995)`, or nil.
    public static func year(inTitle title: String) -> Int? {
        let t = title.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix(")"), let open = t.lastIndex(of: "(") else { return nil }
        let inside = t[t.index(after: open)..<t.index(before: t.endIndex)]
        guard inside.count == 4, inside.allSatisfy(\.isASCII), let y = Int(inside) else { return nil }
        return y
    }
}

/// A minimal RFC 4180 record splitter over bytes: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVRecords {
    struct Record {
        /// 1-based line where the record starts.
        var line: Int
        var fields: [String]
    }

    static func parse(_ bytes: [UInt8], file: String) throws -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0
        let n = bytes.count
        var fieldStarted = false  // any byte or quote seen for the current record
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < n {
            let b = bytes[i]
            if b == quote && field.isEmpty {
                // A quoted field.
                let startLine = line
                i += 1
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < n && bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if c == lf { line += 1 }
                    field.append(c)
                    i += 1
                }
                guard closed else {
                    throw LoadError(file: file, line: startLine, column: fields.count + 1, "unclosed quote")
                }
                fieldStarted = true
                if i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
                    throw LoadError(file: file, line: line, column: fields.count + 1,
                                    "expected a comma or end of line after a closing quote")
                }
                continue
            }
            if b == comma {
                endField()
                fieldStarted = true
                i += 1
                continue
            }
            if b == lf || b == cr {
                if b == cr && i + 1 < n && bytes[i + 1] == lf { i += 1 }
                endField()
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll(keepingCapacity: true)
                fieldStarted = false
                i += 1
                line += 1
                recordLine = line
                continue
            }
            if b == quote {
                throw LoadError(file: file, line: line, column: fields.count + 1,
                                "unexpected quote inside an unquoted field (quote the whole field and double the quote)")
            }
            field.append(b)
            fieldStarted = true
            i += 1
        }
        if fieldStarted || !field.isEmpty || !fields.isEmpty {
            endField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}

import Foundation

/// Readers for the side files of a dataset: items, genres, users, tags.
///
/// These files are small next to the ratings (62k movies, 1M tags for 25M), so
/// they are read whole and split into fields; every problem is still reported
/// with its file, line and field.
enum ItemFiles {
    /// The genre list of MovieLens 100K `u.genre`, used when that file is absent.
    static let defaultML100KGenres = [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
        "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]

    /// Genre names that mean "no genre".
    static let noGenre: Set<String> = ["unknown", "(no genres listed)", ""]

    /// MovieLens 1M occupation codes (`users.dat`), as documented in its README.
    static let ml1MOccupations = [
        "other", "academic/educator", "artist", "clerical/admin", "college/grad student", "customer service",
        "doctor/health care", "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer",
        "programmer", "retired", "sales/marketing", "scientist", "self-employed", "technician/engineer",
        "tradesman/craftsman", "unemployed", "writer",
    ]

    /// How text fields are decoded.
    enum TextEncoding {
        /// Strict UTF-8: invalid bytes are an error.
        case utf8
        /// ISO-8859-1 (MovieLens 100K `u.item`, 1M `movies.dat`): every byte is a character.
        case latin1
    }

    // MARK: - Line iteration

    /// Calls `body` for each non-blank line (without `\r\n`) with its 1-based number.
    static func forEachLine(_ bytes: [UInt8], _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { p in
            var i = 0
            var lineNo = 0
            let n = p.count
            while i < n {
                var e = i
                while e < n && p[e] != ASCII.newline { e += 1 }
                lineNo += 1
                var end = e
                if end > i && p[end - 1] == ASCII.carriageReturn { end -= 1 }
                let line = UnsafeBufferPointer(rebasing: p[i..<end])
                if line.contains(where: { $0 != ASCII.space && $0 != ASCII.tab }) { try body(lineNo, line) }
                i = e + 1
            }
        }
    }

    /// Splits a line, turning a field problem into a ``LoadError``.
    static func fields(_ line: UnsafeBufferPointer<UInt8>, _ delimiter: FieldDelimiter, path: String,
                       lineNo: Int) throws -> [[UInt8]] {
        do {
            return try ByteParsing.splitLine(line, delimiter)
        } catch {
            throw LoadError(file: path, line: lineNo, column: error.column, error.message)
        }
    }

    /// Decodes a field, trimming spaces. Invalid UTF-8 is a ``FieldProblem``.
    static func text(_ f: [UInt8], _ encoding: TextEncoding, column: Int) throws(FieldProblem) -> String {
        var s = 0, e = f.count
        while s < e && (f[s] == ASCII.space || f[s] == ASCII.tab) { s += 1 }
        while e > s && (f[e - 1] == ASCII.space || f[e - 1] == ASCII.tab) { e -= 1 }
        let bytes = Array(f[s..<e])
        switch encoding {
        case .latin1: return ByteParsing.latin1(bytes)
        case .utf8:
            guard let t = ByteParsing.utf8(bytes) else {
                throw FieldProblem(column: column, message: "expected UTF-8 text, found invalid bytes \(ByteParsing.describeField(bytes))")
            }
            return t
        }
    }

    /// An id field: non-empty text.
    static func id(_ f: [UInt8], _ encoding: TextEncoding, column: Int, what: String = "an item id")
        throws(FieldProblem) -> String {
        let t = try text(f, encoding, column: column)
        guard !t.isEmpty else { throw FieldProblem(column: column, message: "expected \(what), found an empty field") }
        return t
    }

    /// Runs `body` for one line; a problem is thrown (strict) or counted (skip-bad-lines).
    static func guarded(path: String, lineNo: Int, options: LoadOptions, report: inout LoadReport,
                        _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let problem as FieldProblem {
            try DatasetLoader.reject(LoadError(file: path, line: lineNo + problem.lineOffset, column: problem.column,
                                               problem.message), options: options, report: &report)
        } catch let error as LoadError {
            try DatasetLoader.reject(error, options: options, report: &report)
        }
    }

    static func emptyFileError(_ path: String, expected: String) -> LoadError {
        LoadError(file: path, "empty file: expected \(expected)")
    }

    static func isBlank(_ bytes: [UInt8]) -> Bool {
        !bytes.contains(where: { $0 != ASCII.space && $0 != ASCII.tab && $0 != ASCII.newline && $0 != ASCII.carriageReturn })
    }

    /// Latin-1 when the file is not valid UTF-8 (the MovieLens 100K/1M originals), else UTF-8.
    static func sniffEncoding(_ bytes: [UInt8]) -> TextEncoding {
        bytes.withUnsafeBufferPointer { ByteParsing.isValidUTF8($0) } ? .utf8 : .latin1
    }

    // MARK: - MovieLens 100K

    /// Reads `u.genre` (`name|index` lines) into names by index.
    static func readUGenre(path: String, options: LoadOptions, report: inout LoadReport) throws -> [String] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "genre|index lines") }
        var byIndex: [Int: String] = [:]
        try forEachLine(bytes) { lineNo, line in
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                let f = try fields(line, .pipe, path: path, lineNo: lineNo)
                guard f.count == 2 else {
                    throw FieldProblem(column: min(f.count + 1, 3), message: "expected 2 '|'-separated fields (genre|index), found \(f.count)")
                }
                let name = try text(f[0], .utf8, column: 1)
                guard let index = ByteParsing.integer(f[1]), index >= 0, index < 1000 else {
                    throw FieldProblem(column: 2, message: "expected a genre index 0–999, found \(ByteParsing.describeField(f[1]))")
                }
                byIndex[Int(index)] = name
            }
        }
        guard let top = byIndex.keys.max() else { return defaultML100KGenres }
        return (0...top).map { byIndex[$0] ?? "" }
    }

    /// Reads `u.item`: `id|title|release date|video release date|IMDb URL|flags…`,
    /// one 0/1 flag per genre of `u.genre`. The original file is ISO-8859-1.
    static func readUItem(path: String, genres: [String], options: LoadOptions, report: inout LoadReport) throws
        -> [Item] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "id|title|date|video date|url|genre flags lines") }
        let encoding = sniffEncoding(bytes)
        let expected = 5 + genres.count
        var items: [Item] = []
        try forEachLine(bytes) { lineNo, line in
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                let f = try fields(line, .pipe, path: path, lineNo: lineNo)
                guard f.count == expected else {
                    throw FieldProblem(column: min(f.count + 1, expected),
                                       message: "expected \(expected) '|'-separated fields (id|title|release date|video release date|IMDb URL|\(genres.count) genre flags), found \(f.count)")
                }
                let rawID = try id(f[0], encoding, column: 1)
                let title = try text(f[1], encoding, column: 2)
                var itemGenres: [String] = []
                for g in 0..<genres.count {
                    let flag = f[5 + g]
                    if flag == [ASCII.zero + 1] {
                        if !noGenre.contains(genres[g]) { itemGenres.append(genres[g]) }
                    } else if flag != [ASCII.zero] {
                        throw FieldProblem(column: 6 + g, message: "expected a genre flag 0 or 1, found \(ByteParsing.describeField(flag))")
                    }
                }
                var year = Item.splitTitleYear(title).year
                if year == nil {
                    // "01-Jan-1995"
                    let date = try text(f[2], encoding, column: 3)
                    if date.count >= 4, let y = Int(date.suffix(4)) { year = y }
                }
                items.append(Item(rawID: rawID, title: title, year: year, genres: itemGenres))
            }
        }
        return items
    }

    /// The order of the fields of a users file.
    enum UserFieldOrder {
        /// `id|age|gender|occupation|zip` (100K `u.user`).
        case ml100K
        /// `id::gender::age::occupation::zip` (1M `users.dat`; age and occupation are codes).
        case ml1M
    }

    /// Reads per-user attributes keyed by raw user id.
    static func readUsers(path: String, delimiter: FieldDelimiter, order: UserFieldOrder, options: LoadOptions,
                          report: inout LoadReport) throws -> [String: UserAttributes] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "user lines") }
        var out: [String: UserAttributes] = [:]
        try forEachLine(bytes) { lineNo, line in
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                let f = try fields(line, delimiter, path: path, lineNo: lineNo)
                guard f.count == 5 else {
                    let names = order == .ml100K ? "id|age|gender|occupation|zip" : "id::gender::age::occupation::zip"
                    throw FieldProblem(column: min(f.count + 1, 5), message: "expected 5 fields (\(names)), found \(f.count)")
                }
                let user = try id(f[0], .utf8, column: 1, what: "a user id")
                let ageColumn = order == .ml100K ? 1 : 2
                let genderColumn = order == .ml100K ? 2 : 1
                guard let age = ByteParsing.integer(f[ageColumn]), age >= 0, age < 200 else {
                    throw FieldProblem(column: ageColumn + 1, message: "expected an age, found \(ByteParsing.describeField(f[ageColumn]))")
                }
                let gender = try text(f[genderColumn], .utf8, column: genderColumn + 1)
                var occupation = try text(f[3], .utf8, column: 4)
                if order == .ml1M {
                    guard let code = Int(occupation), code >= 0, code < ml1MOccupations.count else {
                        throw FieldProblem(column: 4, message: "expected an occupation code 0–20, found \(ByteParsing.describeField(f[3]))")
                    }
                    occupation = ml1MOccupations[code]
                }
                let zip = try text(f[4], .utf8, column: 5)
                out[user] = UserAttributes(age: Int(age), gender: gender.isEmpty ? nil : gender,
                                           occupation: occupation.isEmpty ? nil : occupation,
                                           zip: zip.isEmpty ? nil : zip)
            }
        }
        return out
    }

    // MARK: - MovieLens 1M / 10M

    /// Reads `movies.dat`: `id::title::genre|genre…` (1M is ISO-8859-1, 10M UTF-8).
    static func readMoviesDat(path: String, options: LoadOptions, report: inout LoadReport) throws -> [Item] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "id::title::genres lines") }
        let encoding = sniffEncoding(bytes)
        var items: [Item] = []
        try forEachLine(bytes) { lineNo, line in
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                let f = try fields(line, .doubleColon, path: path, lineNo: lineNo)
                guard f.count >= 3 else {
                    throw FieldProblem(column: f.count + 1, message: "expected 3 '::'-separated fields (id::title::genres), found \(f.count)")
                }
                let rawID = try id(f[0], encoding, column: 1)
                // A title containing "::" is rejoined.
                let titleBytes = Array(f[1..<(f.count - 1)].joined(separator: [ASCII.colon, ASCII.colon]))
                let title = try text(titleBytes, encoding, column: 2)
                let genres = try splitList(f[f.count - 1], encoding, column: f.count).filter { !noGenre.contains($0) }
                items.append(Item(rawID: rawID, title: title, year: Item.splitTitleYear(title).year, genres: genres))
            }
        }
        return items
    }

    /// Splits a `|`-separated list, trimming each entry and dropping empty ones.
    static func splitList(_ f: [UInt8], _ encoding: TextEncoding, column: Int) throws(FieldProblem) -> [String] {
        var out: [String] = []
        for part in f.split(separator: ASCII.pipe, omittingEmptySubsequences: true) {
            let t = try text(Array(part), encoding, column: column)
            if !t.isEmpty { out.append(t) }
        }
        return out
    }

    // MARK: - Generic items file

    /// Reads an items file given with a generic ratings file, recognising the
    /// `movies.dat` (`::`), `u.item` (`|`) and `movies.csv` (header) layouts.
    static func readAnyItemsFile(path: String, options: LoadOptions, report: inout LoadReport) throws -> [Item] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "item lines") }
        let firstLine = bytes.prefix { $0 != ASCII.newline }
        let hasDoubleColon = firstLine.indices.dropLast().contains { firstLine[$0] == ASCII.colon && firstLine[$0 + 1] == ASCII.colon }
        if hasDoubleColon { return try readMoviesDat(path: path, options: options, report: &report) }
        let pipes = firstLine.filter { $0 == ASCII.pipe }.count
        if pipes >= 5 && !firstLine.contains(ASCII.comma) || pipes >= 23 {
            return try readUItem(path: path, genres: defaultML100KGenres, options: options, report: &report)
        }
        return try readMoviesCSV(path: path, options: options, report: &report)
    }
}

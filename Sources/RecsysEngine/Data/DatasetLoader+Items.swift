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

    /// The columns a `users.csv` may have; `userId` is required, the rest optional, in any order.
    static let usersCSVColumns = ["userId", "age", "gender", "occupation", "region", "zip"]

    /// Reads `users.csv` (beside `ratings.csv`): a header naming some of `usersCSVColumns`, then one user
    /// per line. `age` is a bracket (`25-34`) or whole years; `gender` F/M; `occupation` an ml-1m
    /// occupation (ml-100k names are mapped); `region` northeast/midwest/south/west; empty means unknown.
    /// An unknown column, a wrong field count or a value outside the vocabulary is a file:line error.
    static func readUsersCSV(path: String, options: LoadOptions, report: inout LoadReport) throws
        -> [String: UserAttributes] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "a header userId,age,gender,occupation,region and user lines") }
        var out: [String: UserAttributes] = [:]
        var columns: [String]? = nil
        try forEachCSVRecord(bytes, path: path, options: options, report: &report) { lineNo, f, report in
            guard let names = columns else {
                var names: [String] = []
                for (k, raw) in f.enumerated() {
                    let name = (ByteParsing.utf8(raw) ?? "").trimmingCharacters(in: .whitespaces)
                    guard usersCSVColumns.contains(name) else {
                        throw LoadError(file: path, line: lineNo, column: k + 1,
                                        "unknown column \"\(name)\": expected some of \(usersCSVColumns.joined(separator: ", "))")
                    }
                    guard !names.contains(name) else {
                        throw LoadError(file: path, line: lineNo, column: k + 1, "column \"\(name)\" appears twice")
                    }
                    names.append(name)
                }
                guard names.contains("userId") else {
                    throw LoadError(file: path, line: lineNo, column: 1, "expected a header with a userId column")
                }
                columns = names
                return
            }
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                guard f.count == names.count else {
                    throw FieldProblem(column: f.count > names.count ? names.count + 1 : f.count + 1,
                                       message: "expected \(names.count) fields (\(names.joined(separator: ",")))), found \(f.count)")
                }
                var a = UserAttributes()
                var user = ""
                for (k, name) in names.enumerated() {
                    let v = try text(f[k], .utf8, column: k + 1)
                    if name == "userId" {
                        user = try id(f[k], .utf8, column: k + 1, what: "a user id")
                        continue
                    }
                    if v.isEmpty { continue }
                    func bad(_ allowed: String) -> FieldProblem {
                        FieldProblem(column: k + 1, message: "expected \(name) \(allowed), found \(ByteParsing.describeField(f[k]))")
                    }
                    switch name {
                    case "age":
                        guard let age = Demographics.age(fromText: v) else {
                            throw bad("as a bracket (\(Demographics.ageBrackets.joined(separator: ", "))) or whole years")
                        }
                        a.age = age
                    case "gender":
                        guard let g = Demographics.gender(fromText: v) else { throw bad("F or M") }
                        a.gender = g
                    case "occupation":
                        guard let o = Demographics.occupation(fromText: v) else {
                            throw bad("one of \(Demographics.occupations.joined(separator: ", "))")
                        }
                        a.occupation = o
                    case "region":
                        guard let r = Demographics.region(fromText: v) else {
                            throw bad("one of \(Demographics.regions.joined(separator: ", "))")
                        }
                        a.region = r
                    default:
                        a.zip = v
                    }
                }
                out[user] = a
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

    // MARK: - MovieLens CSV (latest, 20M, 25M, 32M, sample data)

    /// Parses a whole CSV file with a header into records, calling `body(lineNo, fields)`.
    /// Quoted fields may span lines (RFC 4180).
    static func forEachCSVRecord(_ bytes: [UInt8], path: String, options: LoadOptions, report: inout LoadReport,
                                 _ body: (Int, [[UInt8]], inout LoadReport) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { p in
            var i = 0
            var lineNo = 1
            while i < p.count {
                let recordLine = lineNo
                var extra = 0
                let record: [[UInt8]]
                do throws(FieldProblem) {
                    record = try ByteParsing.parseCSVRecord(p, at: &i, lines: &extra)
                } catch {
                    // An unclosed quote swallows the rest of the file: nothing more to read.
                    let e = LoadError(file: path, line: recordLine + error.lineOffset, column: error.column, error.message)
                    if error.message.hasPrefix("unclosed quote") || !options.skipBadLines { throw e }
                    try DatasetLoader.reject(e, options: options, report: &report)
                    // Skip to the end of this line.
                    while i < p.count && p[i] != ASCII.newline { i += 1 }
                    i += 1
                    lineNo += 1 + error.lineOffset
                    continue
                }
                lineNo += 1 + extra
                if record.count == 1 && record[0].allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) { continue }
                try body(recordLine, record, &report)
            }
        }
    }

    /// Reads `movies.csv`: header `movieId,title,genres` and, in the project's
    /// sample data, `keywords` and `director` (lists are `|`-separated); a `year`
    /// column is used when present, else the trailing "(1995)" of the title.
    static func readMoviesCSV(path: String, options: LoadOptions, report: inout LoadReport) throws -> [Item] {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { throw emptyFileError(path, expected: "a header movieId,title,genres and movie lines") }
        var items: [Item] = []
        var columns: [String: Int]? = nil
        var idColumn = 0, titleColumn = 1
        var width = 0
        try forEachCSVRecord(bytes, path: path, options: options, report: &report) { lineNo, f, report in
            guard let cols = columns else {
                let names = f.map { String(decoding: $0, as: UTF8.self).trimmingTrailingSpaces().lowercased() }
                var map: [String: Int] = [:]
                for (k, n) in names.enumerated() where map[n] == nil { map[n] = k }
                guard let idc = map["movieid"] ?? map["itemid"] ?? map["item"] ?? map["id"], let tc = map["title"] else {
                    throw LoadError(file: path, line: lineNo, column: 1,
                                    "expected a header naming movieId and title columns (e.g. movieId,title,genres)")
                }
                columns = map
                idColumn = idc; titleColumn = tc
                width = names.count
                return
            }
            try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                guard f.count >= width else {
                    throw FieldProblem(column: f.count + 1, message: "expected \(width) comma-separated fields as in the header, found \(f.count)")
                }
                let rawID = try id(f[idColumn], .utf8, column: idColumn + 1)
                let title = try text(f[titleColumn], .utf8, column: titleColumn + 1)
                var item = Item(rawID: rawID, title: title, year: Item.splitTitleYear(title).year)
                if let g = cols["genres"] {
                    item.genres = try splitList(f[g], .utf8, column: g + 1).filter { !noGenre.contains($0) }
                }
                if let k = cols["keywords"] ?? cols["tags"] {
                    item.keywords = try splitList(f[k], .utf8, column: k + 1)
                }
                if let d = cols["director"] ?? cols["directors"] {
                    let director = try text(f[d], .utf8, column: d + 1)
                    item.director = director.isEmpty ? nil : director
                }
                if let y = cols["year"], !f[y].isEmpty {
                    guard let year = ByteParsing.integer(f[y]), year > 1000, year < 3000 else {
                        throw FieldProblem(column: y + 1, message: "expected a year, found \(ByteParsing.describeField(f[y]))")
                    }
                    item.year = Int(year)
                }
                items.append(item)
            }
        }
        return items
    }

    /// Counts tags per item: tags are interned once (case-insensitive for ASCII
    /// letters, first spelling kept), each (item, tag) pair counted with the
    /// order of its first appearance.
    struct TagTally {
        private var tagIDs: [[UInt8]: Int32] = [:]
        private var spellings: [String] = []
        /// (item << 32 | tag) → (count, first appearance)
        private var pairs: [UInt64: (count: Int32, first: Int32)] = [:]
        private var seen: Int32 = 0

        /// Adds one tag (already trimmed, non-empty) of `item`; invalid text is a problem at `column`.
        mutating func add(item: Int32, tag: [UInt8], encoding: TextEncoding, column: Int) throws(FieldProblem) {
            var key = tag
            for k in key.indices where key[k] >= 0x41 && key[k] <= 0x5A { key[k] += 0x20 }
            let id: Int32
            if let known = tagIDs[key] {
                id = known
            } else {
                id = Int32(spellings.count)
                spellings.append(try ItemFiles.text(tag, encoding, column: column))
                tagIDs[key] = id
            }
            seen += 1
            let pair = UInt64(UInt32(bitPattern: item)) << 32 | UInt64(UInt32(bitPattern: id))
            if let old = pairs[pair] {
                pairs[pair] = (old.count + 1, old.first)
            } else {
                pairs[pair] = (1, seen)
            }
        }

        /// Appends each item's tags to its keywords, most frequent first, skipping ones already present.
        func apply(to catalog: inout Catalog) {
            var byItem: [Int32: [(tag: Int32, count: Int32, first: Int32)]] = [:]
            for (pair, tally) in pairs {
                byItem[Int32(bitPattern: UInt32(pair >> 32)), default: []]
                    .append((Int32(bitPattern: UInt32(pair & 0xFFFF_FFFF)), tally.count, tally.first))
            }
            for (item, tags) in byItem {
                var keywords = catalog[item].keywords
                var present = Set(keywords.map { $0.lowercased() })
                for t in tags.sorted(by: { $0.count != $1.count ? $0.count > $1.count : $0.first < $1.first }) {
                    let text = spellings[Int(t.tag)]
                    if present.insert(text.lowercased()).inserted { keywords.append(text) }
                }
                catalog.setKeywords(keywords, at: item)
            }
        }
    }

    /// Trims spaces, tabs and carriage returns from both ends.
    static func trimmed(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var s = range.lowerBound, e = range.upperBound
        while s < e && (p[s] == ASCII.space || p[s] == ASCII.tab) { s += 1 }
        while e > s && (p[e - 1] == ASCII.space || p[e - 1] == ASCII.tab || p[e - 1] == ASCII.carriageReturn) { e -= 1 }
        return s..<e
    }

    /// Reads user tags (`tags.csv` with header `userId,movieId,tag,timestamp`, or
    /// `tags.dat` with `user::movie::tag::timestamp`) and appends them to the
    /// items' keywords, most frequent first; tags differing only in ASCII case
    /// merge (the first spelling is kept). Tags of items not in the catalog are ignored.
    ///
    /// Lines without quotes are split in place (no allocation per field); quoted
    /// records go through the RFC 4180 parser. Complexity: O(bytes).
    static func readTags(path: String, csv: Bool, catalog: inout Catalog, options: LoadOptions,
                         report: inout LoadReport) throws {
        let bytes = try ByteParsing.readWholeFile(path)
        if isBlank(bytes) { return }  // an empty tags file adds nothing
        var tally = TagTally()
        // Numeric catalog ids, looked up without making strings.
        var numeric = NumericIndex()
        for (k, raw) in catalog.vocabulary.ids.enumerated() {
            if let v = ByteParsing.canonicalUInt(Array(raw.utf8)) { numeric.set(v, Int32(k)) }
        }
        let encoding: TextEncoding = csv ? .utf8 : sniffEncoding(bytes)
        func itemIndex(_ f: [UInt8], column: Int) throws(FieldProblem) -> Int32? {
            if let v = ByteParsing.canonicalUInt(f) {
                let i = numeric.get(v)
                return i >= 0 ? i : nil
            }
            return catalog.index(of: try id(f, encoding, column: column))
        }
        func add(item f: [UInt8], itemColumn: Int, tag: [UInt8], tagColumn: Int) throws(FieldProblem) {
            guard let i = try itemIndex(f, column: itemColumn) else { return }
            let t = tag.withUnsafeBufferPointer { p in Array(p[trimmed(p, 0..<p.count)]) }
            guard !t.isEmpty else { return }
            try tally.add(item: i, tag: t, encoding: encoding, column: tagColumn)
        }
        guard csv else {
            try forEachLine(bytes) { lineNo, line in
                try guarded(path: path, lineNo: lineNo, options: options, report: &report) {
                    let f = try fields(line, .doubleColon, path: path, lineNo: lineNo)
                    guard f.count >= 3 else {
                        throw FieldProblem(column: f.count + 1, message: "expected user::movie::tag::timestamp, found \(f.count) fields")
                    }
                    let tagBytes = f.count >= 4 ? Array(f[2..<(f.count - 1)].joined(separator: [ASCII.colon, ASCII.colon])) : f[2]
                    try add(item: f[1], itemColumn: 2, tag: tagBytes, tagColumn: 3)
                }
            }
            tally.apply(to: &catalog)
            return
        }
        try bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            var lineNo = 1
            // Header.
            var extra = 0
            let header: [[UInt8]]
            do throws(FieldProblem) {
                header = try ByteParsing.parseCSVRecord(p, at: &i, lines: &extra)
            } catch {
                throw LoadError(file: path, line: 1 + error.lineOffset, column: error.column, error.message)
            }
            lineNo += 1 + extra
            let names = header.map { String(decoding: $0, as: UTF8.self).trimmingTrailingSpaces().lowercased() }
            guard let itemColumn = names.firstIndex(where: { $0 == "movieid" || $0 == "itemid" || $0 == "item" }),
                  let tagColumn = names.firstIndex(of: "tag") else {
                throw LoadError(file: path, line: 1, column: 1, "expected the header userId,movieId,tag,timestamp")
            }
            let needed = max(itemColumn, tagColumn) + 1
            var starts: [Int] = []
            while i < n {
                let recordLine = lineNo
                var e = i
                var quoted = false
                while e < n && p[e] != ASCII.newline {
                    if p[e] == ASCII.quote { quoted = true }
                    e += 1
                }
                if !quoted {
                    // Split in place.
                    starts.removeAll(keepingCapacity: true)
                    starts.append(i)
                    for k in i..<e where p[k] == ASCII.comma { starts.append(k + 1) }
                    let lineStart = i
                    i = e + 1
                    lineNo += 1
                    if trimmed(p, lineStart..<e).isEmpty { continue }  // blank line
                    try guarded(path: path, lineNo: recordLine, options: options, report: &report) {
                        guard starts.count >= needed else {
                            throw FieldProblem(column: starts.count + 1, message: "expected userId,movieId,tag,timestamp fields, found \(starts.count)")
                        }
                        func field(_ c: Int) -> [UInt8] {
                            let end = c + 1 < starts.count ? starts[c + 1] - 1 : e
                            return Array(p[trimmed(p, starts[c]..<end)])
                        }
                        try add(item: field(itemColumn), itemColumn: itemColumn + 1, tag: field(tagColumn), tagColumn: tagColumn + 1)
                    }
                    continue
                }
                // A quoted record (may span lines).
                var extraLines = 0
                let record: [[UInt8]]
                do throws(FieldProblem) {
                    record = try ByteParsing.parseCSVRecord(p, at: &i, lines: &extraLines)
                } catch {
                    let err = LoadError(file: path, line: recordLine + error.lineOffset, column: error.column, error.message)
                    if error.message.hasPrefix("unclosed quote") || !options.skipBadLines { throw err }
                    try DatasetLoader.reject(err, options: options, report: &report)
                    while i < n && p[i] != ASCII.newline { i += 1 }
                    i += 1
                    lineNo += 1 + error.lineOffset
                    continue
                }
                lineNo += 1 + extraLines
                try guarded(path: path, lineNo: recordLine, options: options, report: &report) {
                    guard record.count >= needed else {
                        throw FieldProblem(column: record.count + 1, message: "expected userId,movieId,tag,timestamp fields, found \(record.count)")
                    }
                    try add(item: record[itemColumn], itemColumn: itemColumn + 1, tag: record[tagColumn], tagColumn: tagColumn + 1)
                }
            }
        }
        tally.apply(to: &catalog)
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

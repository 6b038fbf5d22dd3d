import Foundation

/// The MovieLens CSV side files (latest, 20M, 25M, 32M and the sample): `movies.csv` and `tags.csv`.
extension ItemFiles {
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
}

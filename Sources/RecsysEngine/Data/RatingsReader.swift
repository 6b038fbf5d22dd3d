import Foundation

/// The rating values a MovieLens dataset documents; loading checks every rating against it.
enum ScaleRule: Sendable, Equatable {
    /// Any finite number (generic ratings files).
    case any
    /// Whole stars 1–5 (MovieLens 100K and 1M).
    case wholeStars
    /// Half stars 0.5–5 (MovieLens 10M, 20M, 25M, 32M, latest).
    case halfStars

    @inline(__always)
    func accepts(_ v: Double) -> Bool {
        switch self {
        case .any: return v.isFinite
        // Range first, so the integer conversions below cannot overflow; they avoid libm's round().
        case .wholeStars: return v >= 1 && v <= 5 && v == Double(Int(v))
        case .halfStars:
            let twice = v * 2
            return v >= 0.5 && v <= 5 && twice == Double(Int(twice))
        }
    }

    var expectation: String {
        switch self {
        case .any: return "a rating number"
        case .wholeStars: return "a whole-star rating 1–5"
        case .halfStars: return "a half-star rating 0.5–5"
        }
    }
}

/// Where the fields of a ratings line are and how they are separated.
struct RatingsLayout: Sendable, Equatable {
    var delimiter: FieldDelimiter
    /// The first non-empty line is a header to skip.
    var hasHeader: Bool
    var user = 0
    var item = 1
    var rating = 2
    /// The timestamp field, when the file has one.
    var timestamp: Int? = 3

    /// Fields a line must have.
    var requiredFields: Int { max(user, item, rating) + 1 }

    /// Columns in the usual order (user, item, rating[, timestamp]): the fast path applies.
    var isCanonical: Bool { user == 0 && item == 1 && rating == 2 && (timestamp == nil || timestamp == 3) }

    /// Finds the layout of a generic ratings file from its first non-empty line.
    ///
    /// Delimiter: `::` if present, else tab, else comma, else whitespace. The line is
    /// a header when its rating field is not a number; header names such as
    /// `userId`, `movieId`/`item`, `rating`, `timestamp` place the columns.
    static func detect(path: String) throws -> RatingsLayout {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LoadError(file: path, "cannot open the file") }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let got = head.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard got >= 0 else { throw LoadError(file: path, "read error") }
        head.removeSubrange(got...)
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { head.removeFirst(3) }
        // First non-blank line.
        var lineNo = 1
        var s = 0
        var firstLine: [UInt8] = []
        while s < head.count {
            var e = s
            while e < head.count, head[e] != ASCII.newline { e += 1 }
            var line = Array(head[s..<e])
            if line.last == ASCII.carriageReturn { line.removeLast() }
            if line.contains(where: { $0 != ASCII.space && $0 != ASCII.tab }) { firstLine = line; break }
            s = e + 1
            lineNo += 1
        }
        guard !firstLine.isEmpty else {
            throw LoadError(file: path, "empty file: expected lines of user, item, rating[, timestamp]")
        }
        let delimiter: FieldDelimiter
        if firstLine.indices.dropLast().contains(where: { firstLine[$0] == ASCII.colon && firstLine[$0 + 1] == ASCII.colon }) {
            delimiter = .doubleColon
        } else if firstLine.contains(ASCII.tab) {
            delimiter = .tab
        } else if firstLine.contains(ASCII.comma) {
            delimiter = .comma
        } else {
            delimiter = .whitespace
        }
        let fields: [[UInt8]]
        do {
            fields = try firstLine.withUnsafeBufferPointer { p throws(FieldProblem) in
                try ByteParsing.splitLine(p, delimiter)
            }
        } catch {
            throw LoadError(file: path, line: lineNo, column: error.column, error.message)
        }
        var layout = RatingsLayout(delimiter: delimiter, hasHeader: false)
        if fields.count >= 3, ByteParsing.decimal(fields[2]) != nil {
            layout.timestamp = fields.count >= 4 ? 3 : nil
            return layout
        }
        // A header? Every field must be a plain word.
        let names = fields.map { f -> String in
            String(decoding: f.filter { $0 != ASCII.space && $0 != 0x5F }, as: UTF8.self).lowercased()
        }
        let wordy = fields.allSatisfy { f in
            !f.isEmpty && f.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == 0x5F || $0 == ASCII.space || $0 == ASCII.minus || $0 == ASCII.dot }
        }
        guard wordy, fields.count >= 3 else {
            if fields.count < 3 {
                throw LoadError(file: path, line: lineNo, column: fields.count + 1,
                                "expected at least 3 \(delimiter.displayName)-separated fields (user, item, rating[, timestamp]), found \(fields.count)")
            }
            throw LoadError(file: path, line: lineNo, column: 3,
                            "expected a rating number (or a header line), found \(ByteParsing.describeField(fields[2]))")
        }
        layout.hasHeader = true
        func find(_ candidates: Set<String>) -> Int? { names.firstIndex(where: candidates.contains) }
        let u = find(["user", "userid", "uid", "u", "users"])
        let i = find(["item", "itemid", "movieid", "movie", "iid", "i", "items", "movies", "id"])
        let r = find(["rating", "ratings", "score", "value", "stars", "r"])
        let t = find(["timestamp", "time", "ts", "date", "t"])
        if let u, let i, let r {
            layout.user = u; layout.item = i; layout.rating = r; layout.timestamp = t
        } else {
            layout.timestamp = fields.count >= 4 ? 3 : nil
        }
        return layout
    }
}

/// Maps canonical numeric raw ids to dense indices through a direct-address
/// table (ids below 2²⁴) or a dictionary above it.
struct NumericIndex {
    private var table: [Int32] = []
    private var overflow: [UInt64: Int32] = [:]
    static let tableLimit: UInt64 = 1 << 24

    /// The index of `v`, or -1.
    @inline(__always)
    func get(_ v: UInt64) -> Int32 {
        if v < UInt64(table.count) { return table[Int(v)] }
        if overflow.isEmpty { return -1 }
        return overflow[v] ?? -1
    }

    mutating func set(_ v: UInt64, _ index: Int32) {
        if v < NumericIndex.tableLimit {
            if v >= UInt64(table.count) {
                let size = Swift.min(Int(NumericIndex.tableLimit), Swift.max(Int(v) + 1, table.count * 2, 1024))
                table.append(contentsOf: [Int32](repeating: -1, count: size - table.count))
            }
            table[Int(v)] = index
        } else {
            overflow[v] = index
        }
    }
}

/// Ratings parsed into parallel columns (input order), before the matrix is built.
struct RatingColumns {
    var users: [Int32] = []
    var items: [Int32] = []
    var ratings: [Float] = []
    var stamps: [Int64] = []
    var sawTimestamp = false
    /// Lowest and highest rating seen, and whether any was not a whole number (for the scale).
    var minRating = Float.infinity
    var maxRating = -Float.infinity
    var sawFraction = false

    /// The scale the ratings span: half stars when any value is not whole.
    var observedScale: RatingScale {
        minRating > maxRating ? .wholeStars : RatingScale(min: minRating, max: maxRating, step: sawFraction ? 0.5 : 1)
    }

    @inline(__always)
    mutating func note(_ r: Float, whole: Bool) {
        if r < minRating { minRating = r }
        if r > maxRating { maxRating = r }
        if !whole { sawFraction = true }
    }

    var count: Int { users.count }

    mutating func reserve(_ n: Int) {
        users.reserveCapacity(n); items.reserveCapacity(n); ratings.reserveCapacity(n); stamps.reserveCapacity(n)
    }
}

// MARK: - Delimiter matchers for the specialised fast path

protocol FastDelimiter {
    /// Consumes one delimiter at `i`; false when none is there.
    static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool
}

struct CommaDelimiter: FastDelimiter {
    @inline(__always) static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        if i < n && p[i] == ASCII.comma { i += 1; return true }
        return false
    }
}

struct TabDelimiter: FastDelimiter {
    @inline(__always) static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        if i < n && p[i] == ASCII.tab { i += 1; return true }
        return false
    }
}

struct DoubleColonDelimiter: FastDelimiter {
    @inline(__always) static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        if i + 1 < n && p[i] == ASCII.colon && p[i + 1] == ASCII.colon { i += 2; return true }
        return false
    }
}

struct WhitespaceDelimiter: FastDelimiter {
    @inline(__always) static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        let s = i
        while i < n && (p[i] == ASCII.space || p[i] == ASCII.tab) { i += 1 }
        return i > s
    }
}

/// Reads a ratings file into columns, mapping raw ids through a user vocabulary
/// and a catalog (unknown items become placeholders).
///
/// The fast path parses `user<d>item<d>rating[<d>timestamp]` lines of canonical
/// integer ids straight from the bytes (no `String` per line, integers and
/// decimals parsed digit by digit, ids looked up in a direct-address table).
/// Anything else — quotes, string ids, errors — goes through a careful slow
/// path that reports the exact line and field.
///
/// Complexity: O(file bytes); memory one 8 MB chunk plus the columns
/// (20 bytes per rating).
struct RatingsReader {
    let path: String
    let layout: RatingsLayout
    let rule: ScaleRule
    let options: LoadOptions
    var users: Vocabulary
    var catalog: Catalog
    var report: LoadReport
    var columns = RatingColumns()
    private var userIndex = NumericIndex()
    private var itemIndex = NumericIndex()
    /// Number of the line being parsed (1-based).
    private var lineNo = 0
    private var headerSkipped = false
    /// Bytes read from the file.
    var bytesRead = 0

    init(path: String, layout: RatingsLayout, rule: ScaleRule, options: LoadOptions,
         users: Vocabulary, catalog: Catalog, report: LoadReport) {
        self.path = path
        self.layout = layout
        self.rule = rule
        self.options = options
        self.users = users
        self.catalog = catalog
        self.report = report
    }

    /// Parses the whole file. Files of at least `options.parallelMinimumBytes`
    /// in a fast-path layout are parsed in two halves on two threads (see
    /// ``RegionParser``); the result is the same as a sequential parse.
    mutating func run() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var split = size
        if size >= options.parallelMinimumBytes, size > 0, layout.isCanonical,
           [.comma, .tab, .doubleColon].contains(layout.delimiter),
           ProcessInfo.processInfo.activeProcessorCount >= 2 {
            split = try Self.lineBoundary(path: path, near: size / 2)
        }
        var second: RegionParser.Output? = nil
        let group = DispatchGroup()
        let box = RegionBox()
        if split < size {
            let parser = RegionParser(path: path, range: split..<size, layout: layout, rule: rule)
            DispatchQueue.global().async(group: group) { box.output = parser.run() }
        }
        var reserved = false
        var total = try ChunkedLineReader(path: path, range: 0..<split).forEachBlock { block in
            if !reserved {
                reserved = true
                // Estimate the rows from the first block's average line length.
                var lines = 0
                for b in block where b == ASCII.newline { lines += 1 }
                if lines > 0 && size > 0 {
                    let estimate = Int(Double(size) / (Double(block.count) / Double(lines)) * 1.05) + 16
                    columns.reserve(estimate)
                }
            }
            try parseBlock(block)
        }
        if split < size {
            group.wait()
            second = box.output
            box.output = nil
            if let region = second {
                append(region)
                second = nil
            } else {
                // The second half needs the careful path (or has an error): parse it here, in order.
                total += try ChunkedLineReader(path: path, range: split..<size).forEachBlock { block in
                    try parseBlock(block)
                }
            }
            total = size
        }
        bytesRead = total
        if bytesRead == 0 {
            throw LoadError(file: path, "empty file: expected lines of user, item, rating[, timestamp]")
        }
        if !columns.sawTimestamp { columns.stamps = [] }
    }

    /// The offset just after the first newline at or after `offset` (the file size if none).
    static func lineBoundary(path: String, near offset: Int) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LoadError(file: path, "cannot open the file") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var at = offset
        while true {
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(at)) }
            if got <= 0 { return at }
            if let k = buffer[0..<got].firstIndex(of: ASCII.newline) { return at + k + 1 }
            at += got
        }
    }

    mutating func parseBlock(_ block: UnsafeBufferPointer<UInt8>) throws {
        guard layout.isCanonical else {
            try parseBlockSlowly(block)
            return
        }
        switch layout.delimiter {
        case .comma: try parseBlockFast(block, CommaDelimiter.self)
        case .tab: try parseBlockFast(block, TabDelimiter.self)
        case .doubleColon: try parseBlockFast(block, DoubleColonDelimiter.self)
        case .whitespace: try parseBlockFast(block, WhitespaceDelimiter.self)
        case .pipe: try parseBlockSlowly(block)
        }
    }

    private mutating func parseBlockSlowly(_ block: UnsafeBufferPointer<UInt8>) throws {
        var i = 0
        let n = block.count
        while i < n {
            var e = i
            while e < n && block[e] != ASCII.newline { e += 1 }
            lineNo += 1
            try slowLine(UnsafeBufferPointer(rebasing: block[i..<e]))
            i = e + 1
        }
    }

    /// The fast path, specialised per delimiter.
    private mutating func parseBlockFast<D: FastDelimiter>(_ block: UnsafeBufferPointer<UInt8>, _: D.Type) throws {
        guard let p = block.baseAddress else { return }
        let n = block.count
        let rule = self.rule
        let wantTimestamp = layout.timestamp == 3
        var i = 0
        while i < n {
            lineNo += 1
            let lineStart = i
            if headerSkipped || !layout.hasHeader,
               let line = FastLine.parse(p, &i, n, D.self, rule: rule, wantTimestamp: wantTimestamp) {
                var ui = userIndex.get(line.user)
                if ui < 0 { ui = newUser(number: line.user) }
                var ii = itemIndex.get(line.item)
                if ii < 0 { ii = newItem(number: line.item) }
                columns.users.append(ui)
                columns.items.append(ii)
                columns.ratings.append(line.rating)
                columns.note(line.rating, whole: line.whole)
                columns.stamps.append(line.timestamp)
                if line.hasTimestamp { columns.sawTimestamp = true }
                continue
            }
            // Slow path for this line.
            i = lineStart
            var e = i
            while e < n && p[e] != ASCII.newline { e += 1 }
            try slowLine(UnsafeBufferPointer(rebasing: block[i..<e]))
            i = e + 1
        }
    }

    /// Appends ratings parsed by a ``RegionParser`` (raw numeric ids, in file
    /// order), mapping their ids now so that indices follow first appearance
    /// exactly as a single sequential pass would.
    mutating func append(_ region: RegionParser.Output) {
        for k in 0..<region.users.count {
            let u = UInt64(region.users[k]), it = UInt64(region.items[k])
            var ui = userIndex.get(u)
            if ui < 0 { ui = newUser(number: u) }
            var ii = itemIndex.get(it)
            if ii < 0 { ii = newItem(number: it) }
            columns.users.append(ui)
            columns.items.append(ii)
        }
        columns.ratings.append(contentsOf: region.ratings)
        columns.stamps.append(contentsOf: region.stamps)
        if region.count > 0 {
            columns.minRating = Swift.min(columns.minRating, region.minRating)
            columns.maxRating = Swift.max(columns.maxRating, region.maxRating)
            columns.sawFraction = columns.sawFraction || region.sawFraction
        }
        columns.sawTimestamp = columns.sawTimestamp || region.sawTimestamp
        lineNo += region.lines
    }

    // MARK: ids

    private mutating func newUser(number: UInt64) -> Int32 {
        let index = users.insert(String(number))
        userIndex.set(number, index)
        return index
    }

    private mutating func newItem(number: UInt64) -> Int32 {
        let index = itemIndex(raw: String(number))
        itemIndex.set(number, index)
        return index
    }

    private mutating func itemIndex(raw: String) -> Int32 {
        if let existing = catalog.index(of: raw) { return existing }
        report.placeholderItems += 1
        return catalog.append(Item(rawID: raw, title: "Item \(raw)", isPlaceholder: true))
    }

    private mutating func mapUser(_ f: [UInt8], column: Int) throws(FieldProblem) -> Int32 {
        if let v = ByteParsing.canonicalUInt(f) {
            let i = userIndex.get(v)
            return i >= 0 ? i : newUser(number: v)
        }
        return users.insert(try Self.identifier(f, what: "a user id", column: column))
    }

    private mutating func mapItem(_ f: [UInt8], column: Int) throws(FieldProblem) -> Int32 {
        if let v = ByteParsing.canonicalUInt(f) {
            let i = itemIndex.get(v)
            return i >= 0 ? i : newItem(number: v)
        }
        return itemIndex(raw: try Self.identifier(f, what: "an item id", column: column))
    }

    /// A raw id: non-empty UTF-8 without control characters, surrounding spaces trimmed.
    static func identifier(_ f: [UInt8], what: String, column: Int) throws(FieldProblem) -> String {
        var s = 0, e = f.count
        while s < e && f[s] == ASCII.space { s += 1 }
        while e > s && f[e - 1] == ASCII.space { e -= 1 }
        let trimmed = Array(f[s..<e])
        guard !trimmed.isEmpty else {
            throw FieldProblem(column: column, message: "expected \(what), found an empty field")
        }
        if trimmed.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw FieldProblem(column: column, message: "expected \(what), found control characters in \(ByteParsing.describeField(trimmed))")
        }
        guard let text = ByteParsing.utf8(trimmed) else {
            throw FieldProblem(column: column, message: "expected \(what) in UTF-8, found invalid UTF-8 bytes \(ByteParsing.describeField(trimmed))")
        }
        return text
    }

    // MARK: slow path

    /// Parses one line carefully; on a problem throws (strict) or counts it (skip-bad-lines).
    private mutating func slowLine(_ raw: UnsafeBufferPointer<UInt8>) throws {
        var line = raw
        if let last = line.last, last == ASCII.carriageReturn { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if !line.contains(where: { $0 != ASCII.space && $0 != ASCII.tab }) { return }  // blank line
        if layout.hasHeader && !headerSkipped {
            headerSkipped = true
            return
        }
        do throws(FieldProblem) {
            let fields = try ByteParsing.splitLine(line, layout.delimiter)
            guard fields.count >= layout.requiredFields else {
                throw FieldProblem(column: fields.count + 1,
                                   message: "expected at least \(layout.requiredFields) \(layout.delimiter.displayName)-separated fields (user, item, rating[, timestamp]), found \(fields.count)")
            }
            let ratingField = fields[layout.rating].filter { $0 != ASCII.space }
            guard let value = ByteParsing.decimal(ratingField), rule.accepts(value) else {
                throw FieldProblem(column: layout.rating + 1,
                                   message: "expected \(rule.expectation), found \(ByteParsing.describeField(fields[layout.rating]))")
            }
            var ts: Int64 = 0
            var hasTS = false
            if let t = layout.timestamp, t < fields.count {
                let tf = fields[t].filter { $0 != ASCII.space }
                if !tf.isEmpty {
                    guard let v = ByteParsing.integer(tf) else {
                        throw FieldProblem(column: t + 1,
                                           message: "expected an integer timestamp (seconds since 1970), found \(ByteParsing.describeField(fields[t]))")
                    }
                    ts = v
                    hasTS = true
                }
            }
            // Validate both ids before adding either to a vocabulary.
            let uf = fields[layout.user], itf = fields[layout.item]
            if ByteParsing.canonicalUInt(uf) == nil { _ = try Self.identifier(uf, what: "a user id", column: layout.user + 1) }
            if ByteParsing.canonicalUInt(itf) == nil { _ = try Self.identifier(itf, what: "an item id", column: layout.item + 1) }
            let u = try mapUser(uf, column: layout.user + 1)
            let i = try mapItem(itf, column: layout.item + 1)
            columns.users.append(u)
            columns.items.append(i)
            let rating = Float(value)
            columns.ratings.append(rating)
            columns.note(rating, whole: rating == rating.rounded())
            columns.stamps.append(ts)
            if hasTS { columns.sawTimestamp = true }
        } catch {
            try DatasetLoader.reject(LoadError(file: path, line: lineNo, column: error.column, error.message),
                                     options: options, report: &report)
        }
    }
}

/// One `user<d>item<d>rating[<d>timestamp]` line of canonical integer ids, parsed from bytes.
struct FastLine {
    var user: UInt64
    var item: UInt64
    var rating: Float
    /// The rating has no non-zero decimals.
    var whole: Bool
    var timestamp: Int64
    var hasTimestamp: Bool

    /// Parses the line at `i`, leaving `i` after its newline; nil (with `i`
    /// anywhere in the line) when the line needs the careful slow path: other
    /// characters, non-canonical ids, a rating outside `rule`, extra fields.
    ///
    /// Integers and decimals are accumulated digit by digit; no `String` is made.
    @inline(__always)
    static func parse<D: FastDelimiter>(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _: D.Type,
                                        rule: ScaleRule, wantTimestamp: Bool) -> FastLine? {
        // user
        var u: UInt64 = 0
        var s = i
        while i < n { let d = p[i] &- ASCII.zero; if d > 9 { break }; u = u &* 10 &+ UInt64(d); i += 1 }
        var len = i - s
        if len == 0 || len > 18 || (len > 1 && p[s] == ASCII.zero) { return nil }
        guard D.skip(p, &i, n) else { return nil }
        // item
        var it: UInt64 = 0
        s = i
        while i < n { let d = p[i] &- ASCII.zero; if d > 9 { break }; it = it &* 10 &+ UInt64(d); i += 1 }
        len = i - s
        if len == 0 || len > 18 || (len > 1 && p[s] == ASCII.zero) { return nil }
        guard D.skip(p, &i, n) else { return nil }
        // rating: digits[.digits]
        var m: UInt64 = 0
        s = i
        while i < n { let d = p[i] &- ASCII.zero; if d > 9 { break }; m = m &* 10 &+ UInt64(d); i += 1 }
        if i == s || i - s > 6 { return nil }
        var fraction = 0
        var whole = true
        if i < n && p[i] == ASCII.dot {
            i += 1
            let fs = i
            while i < n {
                let d = p[i] &- ASCII.zero
                if d > 9 { break }
                if d != 0 { whole = false }
                m = m &* 10 &+ UInt64(d)
                i += 1
            }
            fraction = i - fs
            if fraction == 0 || fraction > 9 { return nil }
        }
        let value = fraction == 0 ? Double(m) : Double(m) / ByteParsing.pow10[fraction]
        if !rule.accepts(value) { return nil }
        // optional timestamp
        var ts: Int64 = 0
        var hasTS = false
        if D.skip(p, &i, n) {
            if !wantTimestamp { return nil }
            s = i
            var t: Int64 = 0
            while i < n { let d = p[i] &- ASCII.zero; if d > 9 { break }; t = t &* 10 &+ Int64(d); i += 1 }
            if i == s || i - s > 18 { return nil }
            ts = t
            hasTS = true
        }
        // line end
        if i < n && p[i] == ASCII.carriageReturn { i += 1 }
        if i < n {
            if p[i] != ASCII.newline { return nil }
            i += 1
        }
        return FastLine(user: u, item: it, rating: Float(value), whole: whole, timestamp: ts, hasTimestamp: hasTS)
    }
}

/// Parses a byte range of a ratings file on another thread, keeping raw ids.
///
/// Used for the second half of a large file while the calling thread parses
/// the first half; ids are mapped afterwards, in file order, by
/// ``RatingsReader/append(_:)``, so the result is identical to a sequential
/// load. It gives up (returns nil) at the first line the fast path cannot
/// take (header, quotes, string ids, errors, ids ≥ 2³²), and the caller then
/// parses the range sequentially, which reports errors in file order.
struct RegionParser {
    struct Output {
        var users: [UInt32] = []
        var items: [UInt32] = []
        var ratings: [Float] = []
        var stamps: [Int64] = []
        var lines = 0
        var sawTimestamp = false
        var minRating = Float.infinity
        var maxRating = -Float.infinity
        var sawFraction = false
        var count: Int { users.count }
    }

    let path: String
    let range: Range<Int>
    let layout: RatingsLayout
    let rule: ScaleRule

    func run() -> Output? {
        var out = Output()
        let estimate = range.count / 24 + 16
        out.users.reserveCapacity(estimate); out.items.reserveCapacity(estimate)
        out.ratings.reserveCapacity(estimate); out.stamps.reserveCapacity(estimate)
        var failed = false
        do {
            _ = try ChunkedLineReader(path: path, range: range).forEachBlock { block in
                guard !failed else { return }
                let ok: Bool
                switch layout.delimiter {
                case .comma: ok = parse(block, CommaDelimiter.self, &out)
                case .tab: ok = parse(block, TabDelimiter.self, &out)
                case .doubleColon: ok = parse(block, DoubleColonDelimiter.self, &out)
                case .whitespace, .pipe: ok = false
                }
                if !ok { failed = true }
            }
        } catch {
            return nil
        }
        return failed ? nil : out
    }

    private func parse<D: FastDelimiter>(_ block: UnsafeBufferPointer<UInt8>, _: D.Type, _ out: inout Output) -> Bool {
        guard let p = block.baseAddress else { return true }
        let n = block.count
        let wantTimestamp = layout.timestamp == 3
        var i = 0
        while i < n {
            out.lines += 1
            // Blank lines are skipped, as the slow path does.
            if p[i] == ASCII.newline { i += 1; continue }
            if p[i] == ASCII.carriageReturn && (i + 1 == n || p[i + 1] == ASCII.newline) { i += 2; continue }
            guard let line = FastLine.parse(p, &i, n, D.self, rule: rule, wantTimestamp: wantTimestamp),
                  line.user <= UInt64(UInt32.max), line.item <= UInt64(UInt32.max) else { return false }
            out.users.append(UInt32(line.user))
            out.items.append(UInt32(line.item))
            out.ratings.append(line.rating)
            out.stamps.append(line.timestamp)
            if line.rating < out.minRating { out.minRating = line.rating }
            if line.rating > out.maxRating { out.maxRating = line.rating }
            if !line.whole { out.sawFraction = true }
            if line.hasTimestamp { out.sawTimestamp = true }
        }
        return true
    }
}

// MARK: - Building the matrix from columns

extension RatingColumns {
    /// Builds CSR (by user, items sorted) and CSC views directly from the columns,
    /// without materialising triples. Duplicate (user, item) pairs keep the
    /// value that came last in the input.
    ///
    /// Steps: count ratings per user; scatter each column to its row position
    /// (skipped when the input is already grouped by user, as MovieLens files
    /// are); sort each row by item where needed, dropping earlier duplicates;
    /// transpose for CSC.
    ///
    /// Complexity: O(n + users + items) plus O(r log r) for each unsorted row of length r.
    /// Memory: the columns are consumed (moved into the matrix when grouped).
    consuming func buildMatrix(userCount: Int, itemCount: Int) -> RatingMatrix {
        let n = users.count
        let keepStamps = sawTimestamp
        var starts = [Int](repeating: 0, count: userCount + 1)
        var grouped = true
        var prev: Int32 = -1
        for u in users {
            starts[Int(u) + 1] += 1
            if u < prev { grouped = false }
            prev = u
        }
        for u in 0..<userCount { starts[u + 1] += starts[u] }

        var rowItems: [Int32]
        var rowRatings: [Float]
        var rowStamps: [Int64]
        if grouped {
            rowItems = items; items = []
            rowRatings = ratings; ratings = []
            rowStamps = keepStamps ? stamps : []; stamps = []
        } else {
            let userColumn = users
            users = []
            func scatter<T>(_ column: [T], zero: T) -> [T] {
                var out = [T](repeating: zero, count: n)
                var cursor = starts
                for k in 0..<n {
                    let u = Int(userColumn[k])
                    out[cursor[u]] = column[k]
                    cursor[u] += 1
                }
                return out
            }
            rowItems = scatter(items, zero: 0)
            items = []
            rowRatings = scatter(ratings, zero: 0)
            ratings = []
            rowStamps = keepStamps ? scatter(stamps, zero: 0) : []
            stamps = []
        }
        users = []

        // Sort rows by item; keep the last of equal items (input order is stable within a row).
        var duplicates = 0
        var write = 0
        var newStarts = [Int](repeating: 0, count: userCount + 1)
        var keys: [UInt64] = []
        var tmpItems: [Int32] = [], tmpRatings: [Float] = [], tmpStamps: [Int64] = []
        for u in 0..<userCount {
            let s = starts[u], e = starts[u + 1]
            newStarts[u] = write
            var sorted = true
            if e - s > 1 {
                for p in (s + 1)..<e where rowItems[p] <= rowItems[p - 1] { sorted = false; break }
            }
            if sorted {
                if write != s {
                    for p in s..<e {
                        rowItems[write + p - s] = rowItems[p]
                        rowRatings[write + p - s] = rowRatings[p]
                        if keepStamps { rowStamps[write + p - s] = rowStamps[p] }
                    }
                }
                write += e - s
                continue
            }
            keys.removeAll(keepingCapacity: true)
            for p in s..<e { keys.append(UInt64(UInt32(bitPattern: rowItems[p])) << 32 | UInt64(p - s)) }
            keys.sort()
            tmpItems.removeAll(keepingCapacity: true); tmpItems.append(contentsOf: rowItems[s..<e])
            tmpRatings.removeAll(keepingCapacity: true); tmpRatings.append(contentsOf: rowRatings[s..<e])
            if keepStamps { tmpStamps.removeAll(keepingCapacity: true); tmpStamps.append(contentsOf: rowStamps[s..<e]) }
            for k in 0..<keys.count {
                if k + 1 < keys.count, keys[k + 1] >> 32 == keys[k] >> 32 {
                    duplicates += 1
                    continue
                }
                let off = Int(keys[k] & 0xFFFF_FFFF)
                rowItems[write] = tmpItems[off]
                rowRatings[write] = tmpRatings[off]
                if keepStamps { rowStamps[write] = tmpStamps[off] }
                write += 1
            }
        }
        newStarts[userCount] = write
        if write < n {
            rowItems.removeSubrange(write...)
            rowRatings.removeSubrange(write...)
            if keepStamps { rowStamps.removeSubrange(write...) }
        }
        return RatingMatrix(userCount: userCount, itemCount: itemCount, rowStart: newStarts, rowItems: rowItems,
                            rowRatings: rowRatings, rowTimestamps: rowStamps, duplicateCount: duplicates)
    }
}

/// Carries the second half's result back from the worker thread; written once
/// by the worker before `DispatchGroup.wait()` returns, then read by the caller.
final class RegionBox: @unchecked Sendable {
    var output: RegionParser.Output?
}

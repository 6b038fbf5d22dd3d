import Foundation

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
struct RatingsReader: FastLineSink {
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

    /// Parses one block of whole lines: canonical lines on the fast path, any other line (header,
    /// blank, quotes, string ids, an error) carefully, in file order.
    mutating func parseBlock(_ block: UnsafeBufferPointer<UInt8>) throws {
        _ = try FastLines.scan(block, delimiter: layout.isCanonical ? layout.delimiter : nil, rule: rule,
                               wantTimestamp: layout.timestamp == 3, into: &self)
    }

    mutating func fastLine(_ line: FastLine) -> Bool {
        lineNo += 1
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
        return true
    }

    mutating func otherLine(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        lineNo += 1
        try slowLine(line)
        return true
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

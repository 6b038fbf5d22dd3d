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

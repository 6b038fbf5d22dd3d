import Foundation
import RecsysEngine

/// Reading and writing a profile as a ratings file.
///
/// The CSV form is the project's generic ratings format, so an exported profile loads and
/// evaluates like any ratings file:
///
///     user,item,rating,timestamp
///     alice,50,5.0,1700000000
///
/// (the user column holds the profile name; fields are quoted per RFC 4180 when they
/// contain a comma, quote or line break). The JSON form is
/// `{"profile": …, "created": …, "dataset": …, "ratings": [{"item", "rating", "timestamp"}]}`.
///
/// The importer is written for hostile input: bytes are checked as UTF-8 line by line,
/// control characters and non-finite ratings are refused, and every problem is a
/// `LoadError` with file, line and column.
public enum ProfileFile {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    /// What a parsed file holds.
    public struct Parsed: Sendable, Equatable {
        /// The ratings, in file order with later duplicates replacing earlier ones.
        public var ratings: [StoredRating]
        /// Distinct user ids seen (before `user` filtering), in first-seen order.
        public var users: [String]
        /// Rows whose item appeared earlier for the same user (the later row wins).
        public var duplicates: Int
        /// Rows of other users skipped because `user` selected one.
        public var otherUserRows: Int
    }

    /// The JSON export shape.
    struct JSONProfile: Codable {
        struct Entry: Codable { var item: String; var rating: Float; var timestamp: Int64 }
        var profile: String
        var created: Int64?
        var dataset: String?
        var ratings: [Entry]
    }

    // MARK: Export

    /// Renders a profile's ratings, sorted by timestamp then item (the order they were made).
    public static func export(profile: ProfileSummary, ratings: [StoredRating], format: Format) -> Data {
        let sorted = ratings.sorted { ($0.timestamp, $0.item) < ($1.timestamp, $1.item) }
        switch format {
        case .csv:
            var out = "user,item,rating,timestamp\n"
            let user = csvField(profile.name)
            for r in sorted {
                out += "\(user),\(csvField(r.item)),\(r.value),\(r.timestamp)\n"
            }
            return Data(out.utf8)
        case .json:
            let doc = JSONProfile(profile: profile.name, created: profile.created, dataset: profile.dataset,
                                  ratings: sorted.map { .init(item: $0.item, rating: $0.value, timestamp: $0.timestamp) })
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return ((try? enc.encode(doc)) ?? Data("{}".utf8)) + Data("\n".utf8)
        }
    }

    /// Quotes a CSV field when needed (RFC 4180).
    static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    // MARK: Import

    /// Reads a ratings file from disk (see `parse`).
    public static func read(path: String, user: String? = nil) throws -> Parsed {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError(file: path, "no such file")
        }
        if isDir.boolValue { throw LoadError(file: path, "is a folder; expected a ratings file (CSV or JSON)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read the file (permissions?)")
        }
        return try parse(data, file: path, user: user)
    }

    /// Parses a profile file: our JSON export, or a delimited ratings file.
    ///
    /// Delimited files: comma, tab, `::` or `;` separated (chosen from the first line); a
    /// header is recognised when its rating field is not a number, and its column names
    /// (`user`/`userId`, `item`/`movieId`/`itemId`, `rating`/`value`, `timestamp`) place the
    /// columns; without one the order is user, item, rating[, timestamp]. A missing
    /// timestamp becomes 0.
    ///
    /// - Parameters:
    ///   - user: keep only this user's rows; required when the file has several users.
    /// - Throws: `LoadError` with file, line and column.
    /// - Complexity: O(bytes).
    public static func parse(_ data: Data, file: String, user: String? = nil) throws -> Parsed {
        let bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // UTF-8 byte order mark
        let firstNonSpace = bytes[start...].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") {
            return try parseJSON(data, file: file)
        }
        return try parseDelimited(bytes, from: start, file: file, user: user)
    }

    static func parseJSON(_ data: Data, file: String) throws -> Parsed {
        let doc: JSONProfile
        do {
            doc = try JSONDecoder().decode(JSONProfile.self, from: data)
        } catch let DecodingError.dataCorrupted(ctx) {
            throw LoadError(file: file, line: 1, "invalid JSON (\(ctx.debugDescription.prefix(120)))")
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw LoadError(file: file, line: 1, "JSON lacks \(path(ctx.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw LoadError(file: file, line: 1, "JSON has the wrong type at \(path(ctx.codingPath))")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw LoadError(file: file, line: 1, "JSON has null at \(path(ctx.codingPath))")
        } catch {
            throw LoadError(file: file, line: 1, "invalid JSON")
        }
        var byItem: [String: Int] = [:]
        var out: [StoredRating] = []
        var duplicates = 0
        for (n, e) in doc.ratings.enumerated() {
            let at = "ratings[\(n)]"
            try checkID(e.item, file: file, line: 1, column: 0, what: "item id at \(at)")
            guard e.rating.isFinite else { throw LoadError(file: file, line: 1, "\(at): rating is not a finite number") }
            let r = StoredRating(item: e.item, value: e.rating, timestamp: e.timestamp)
            if let k = byItem[e.item] { out[k] = r; duplicates += 1 } else { byItem[e.item] = out.count; out.append(r) }
        }
        return Parsed(ratings: out, users: [doc.profile], duplicates: duplicates, otherUserRows: 0)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    static func checkID(_ s: Substring, file: String, line: Int, column: Int, what: String) throws {
        try checkID(String(s), file: file, line: line, column: column, what: what)
    }

    static func checkID(_ s: String, file: String, line: Int, column: Int, what: String) throws {
        if s.isEmpty { throw LoadError(file: file, line: line, column: column, "empty \(what)") }
        if s.utf8.count > 1000 { throw LoadError(file: file, line: line, column: column, "\(what) longer than 1000 bytes") }
        if s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw LoadError(file: file, line: line, column: column, "\(what) contains a control character")
        }
    }

    static func parseDelimited(_ bytes: [UInt8], from start: Int, file: String, user: String?) throws -> Parsed {
        var ratings: [StoredRating] = []
        var index: [String: [String: Int]] = [:]   // user → item → position (only the kept user's matter)
        var users: [String] = []
        var userSet = Set<String>()
        var duplicates = 0, otherRows = 0
        var separator: Separator?
        var columns = Columns.positional
        var lineNo = 0
        var pos = start
        var sawData = false
        var sawHeader = false
        while pos < bytes.count {
            lineNo += 1
            let end = nextNewline(bytes, from: pos)
            var lineEnd = end
            if lineEnd > pos && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { pos = end + 1 }
            if lineEnd == pos { continue }
            guard let line = String(validating: bytes[pos..<lineEnd], as: UTF8.self) else {
                throw LoadError(file: file, line: lineNo, "invalid UTF-8")
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let sep = separator ?? Separator.detect(line)
            separator = sep
            let fields = try sep.split(line, file: file, line: lineNo)
            if !sawData, let header = Columns(header: fields) {
                columns = header
                sawData = true
                sawHeader = true
                continue
            }
            sawData = true
            guard fields.count > columns.maxIndex else {
                throw LoadError(file: file, line: lineNo, column: fields.count + 1,
                                "expected \(columns.maxIndex + 1) fields (\(columns.names)), found \(fields.count)")
            }
            let u = trim(fields[columns.user])
            let item = trim(fields[columns.item])
            try checkID(u, file: file, line: lineNo, column: columns.user + 1, what: "user id")
            try checkID(item, file: file, line: lineNo, column: columns.item + 1, what: "item id")
            let ratingText = trim(fields[columns.rating])
            guard let value = Float(ratingText), value.isFinite else {
                throw LoadError(file: file, line: lineNo, column: columns.rating + 1,
                                "expected a rating number, found \(String(reflecting: String(ratingText.prefix(30))))")
            }
            var ts: Int64 = 0
            if let tc = columns.timestamp, tc < fields.count {
                let text = trim(fields[tc])
                if !text.isEmpty {
                    guard let t = Int64(text) ?? Double(text).flatMap({ $0.isFinite && abs($0) < 9e15 ? Int64($0) : nil })
                    else {
                        throw LoadError(file: file, line: lineNo, column: tc + 1,
                                        "expected a timestamp (seconds since 1970), found \(String(reflecting: String(text.prefix(30))))")
                    }
                    ts = t
                }
            }
            if userSet.insert(u).inserted { users.append(u) }
            if let user, u != user { otherRows += 1; continue }
            let r = StoredRating(item: item, value: value, timestamp: ts)
            if let k = index[u]?[item] {
                ratings[k] = r
                duplicates += 1
            } else {
                index[u, default: [:]][item] = ratings.count
                ratings.append(r)
            }
        }
        if let user {
            if !userSet.contains(user) {
                let some = users.prefix(5).joined(separator: ", ")
                throw LoadError(file: file, "has no rows for user \(String(reflecting: user))"
                                + (users.isEmpty ? "" : " (users: \(some)\(users.count > 5 ? ", …" : ""))"))
            }
        } else if users.count > 1 {
            throw LoadError(file: file, "has ratings of \(users.count) users (\(users.prefix(3).joined(separator: ", ")), …); choose one with --user ID")
        }
        if users.isEmpty && !sawHeader {
            throw LoadError(file: file, "no ratings found: expected lines of user, item, rating[, timestamp]")
        }
        return Parsed(ratings: ratings, users: users, duplicates: duplicates, otherUserRows: otherRows)
    }

    /// Index of the next `\n` at or after `from`, or `bytes.count` (memchr: fast even in debug builds).
    static func nextNewline(_ bytes: [UInt8], from: Int) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            guard from < buf.count, let base = buf.baseAddress,
                  let hit = memchr(base + from, 0x0A, buf.count - from) else { return buf.count }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The field without leading and trailing spaces and tabs (byte scan, O(length)).
    static func trim(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
        return String(s[first...last])
    }

    /// Field separator of a delimited file.
    enum Separator {
        case comma, tab, doubleColon, semicolon

        static func detect(_ line: String) -> Separator {
            if line.contains("\t") { return .tab }
            if line.contains("::") { return .doubleColon }
            if !line.contains(",") && line.contains(";") { return .semicolon }
            return .comma
        }

        /// Splits one line; comma and semicolon files honour RFC 4180 quotes.
        func split(_ line: String, file: String, line lineNo: Int) throws -> [String] {
            switch self {
            case .tab:
                return Array(line.utf8).split(separator: 0x09, omittingEmptySubsequences: false)
                    .map { String(decoding: $0, as: UTF8.self) }
            case .doubleColon:
                var fields: [String] = []
                let b = Array(line.utf8)
                var start = 0, k = 0
                while k + 1 < b.count {
                    if b[k] == 0x3A && b[k + 1] == 0x3A {
                        fields.append(String(decoding: b[start..<k], as: UTF8.self))
                        k += 2
                        start = k
                    } else {
                        k += 1
                    }
                }
                fields.append(String(decoding: b[start...], as: UTF8.self))
                return fields
            case .comma: return try Self.quoted(line, ",", file: file, line: lineNo)
            case .semicolon: return try Self.quoted(line, ";", file: file, line: lineNo)
            }
        }

        /// RFC 4180 fields of one line, scanned as UTF-8 bytes (separator and quote are ASCII,
        /// so multi-byte characters pass through untouched). Complexity: O(line bytes).
        static func quoted(_ line: String, _ sep: Character, file: String, line lineNo: Int) throws -> [String] {
            let s = sep.asciiValue!, q = UInt8(ascii: "\"")
            let bytes = Array(line.utf8)
            if !bytes.contains(q) {
                return bytes.split(separator: s, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            }
            var fields: [String] = []
            var field: [UInt8] = []
            var k = 0
            var atFieldStart = true
            while k < bytes.count {
                let c = bytes[k]
                if atFieldStart && c == q {
                    // Quoted field: runs to the closing quote; "" is a literal quote.
                    k += 1
                    var closed = false
                    while k < bytes.count {
                        if bytes[k] == q {
                            if k + 1 < bytes.count && bytes[k + 1] == q { field.append(q); k += 2; continue }
                            closed = true
                            k += 1
                            break
                        }
                        field.append(bytes[k])
                        k += 1
                    }
                    if !closed {
                        throw LoadError(file: file, line: lineNo, column: fields.count + 1,
                                        "unterminated quoted field (line breaks inside fields are not supported)")
                    }
                    if k < bytes.count && bytes[k] != s {
                        throw LoadError(file: file, line: lineNo, column: fields.count + 1,
                                        "unexpected character after a closing quote")
                    }
                    atFieldStart = false
                    continue
                }
                if c == s {
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    atFieldStart = true
                } else {
                    field.append(c)
                    atFieldStart = false
                }
                k += 1
            }
            fields.append(String(decoding: field, as: UTF8.self))
            return fields
        }
    }

    /// Where user, item, rating and timestamp sit in a row.
    struct Columns {
        var user = 0, item = 1, rating = 2
        var timestamp: Int? = 3
        static let positional = Columns()
        var maxIndex: Int { max(user, item, rating) }
        var names: String { "user, item, rating" }

        /// Recognises a header line: at most 64 fields, its rating-position field is not a number,
        /// and either its names are known (placing the columns) or every field looks like a column
        /// name (letters, digits, `_`, `-`, spaces; up to 64 bytes), which keeps the positional
        /// order. Anything else is data, so a garbage first line is reported, not skipped.
        init?(header fields: [String]) {
            guard fields.count >= 3, fields.count <= 64 else { return nil }
            let lower = fields.map { ProfileFile.trim($0).lowercased() }
            guard Float(lower[2]) == nil else { return nil }
            func find(_ names: [String]) -> Int? { lower.firstIndex { names.contains($0) } }
            guard let u = find(["user", "userid", "user_id", "uid"]),
                  let i = find(["item", "itemid", "item_id", "movieid", "movie_id", "movie", "iid"]),
                  let r = find(["rating", "value", "score"])
            else {
                let looksLikeNames = lower.allSatisfy { name in
                    !name.isEmpty && name.utf8.count <= 64
                        && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_- ".unicodeScalars.contains($0) }
                }
                guard looksLikeNames else { return nil }
                self.init()
                return
            }
            self.init(user: u, item: i, rating: r, timestamp: find(["timestamp", "time", "ts", "date"]))
        }

        init(user: Int = 0, item: Int = 1, rating: Int = 2, timestamp: Int? = 3) {
            self.user = user; self.item = item; self.rating = rating; self.timestamp = timestamp
        }
    }
}

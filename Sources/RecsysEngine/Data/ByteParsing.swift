import Foundation

// Byte-level helpers shared by the loaders. Everything here works on UTF-8 (or
// Latin-1) bytes directly: the hot paths never build a `String` per line.

/// ASCII byte constants used by the parsers.
enum ASCII {
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let pipe: UInt8 = 0x7C
    static let zero: UInt8 = 0x30
}

/// How the fields of a delimited line are separated.
public enum FieldDelimiter: String, Sendable, Equatable {
    /// `,` with RFC 4180 quoting (`"a, b"`, `""` for a literal quote).
    case comma
    /// A single tab.
    case tab
    /// MovieLens 1M/10M `::`.
    case doubleColon
    /// `|` (MovieLens 100K `u.item`, `u.user`, `u.genre`).
    case pipe
    /// One or more spaces or tabs.
    case whitespace

    var displayName: String {
        switch self {
        case .comma: return "comma"
        case .tab: return "tab"
        case .doubleColon: return "'::'"
        case .pipe: return "'|'"
        case .whitespace: return "whitespace"
        }
    }
}

/// A field-level problem found while splitting or decoding a line; the caller adds file and line.
struct FieldProblem: Error {
    /// 1-based field number.
    var column: Int
    var message: String
    /// Extra lines consumed before the problem (quoted fields that span lines).
    var lineOffset: Int = 0
}

enum ByteParsing {
    /// Splits one line (without its newline) into fields.
    ///
    /// For `.comma`, double-quoted fields follow RFC 4180: `""` inside quotes is a
    /// literal quote, and a closing quote must be followed by a comma or the end
    /// of the line. A quote inside an unquoted field is kept literally.
    ///
    /// Complexity: O(line length).
    static func splitLine(_ line: UnsafeBufferPointer<UInt8>, _ delimiter: FieldDelimiter) throws(FieldProblem)
        -> [[UInt8]] {
        var fields: [[UInt8]] = []
        let n = line.count
        switch delimiter {
        case .comma:
            var i = 0
            var lines = 0
            let record = try parseCSVRecord(line, at: &i, lines: &lines)
            return record
        case .whitespace:
            var i = 0
            while i < n {
                while i < n, line[i] == ASCII.space || line[i] == ASCII.tab { i += 1 }
                if i >= n { break }
                let s = i
                while i < n, line[i] != ASCII.space && line[i] != ASCII.tab { i += 1 }
                fields.append(Array(line[s..<i]))
            }
            return fields
        case .tab, .pipe:
            let d = delimiter == .tab ? ASCII.tab : ASCII.pipe
            var s = 0
            for i in 0..<n where line[i] == d {
                fields.append(Array(line[s..<i]))
                s = i + 1
            }
            fields.append(Array(line[s..<n]))
            return fields
        case .doubleColon:
            var s = 0
            var i = 0
            while i < n {
                if line[i] == ASCII.colon, i + 1 < n, line[i + 1] == ASCII.colon {
                    fields.append(Array(line[s..<i]))
                    i += 2
                    s = i
                } else {
                    i += 1
                }
            }
            fields.append(Array(line[s..<n]))
            return fields
        }
    }

    /// Parses one RFC 4180 record starting at `i`, stopping after its line end
    /// (or at the end of `bytes`). Quoted fields may contain newlines; `lines`
    /// is increased by the number of line ends consumed inside quotes.
    ///
    /// Throws when a quote is never closed or a closing quote is followed by
    /// something other than a comma or a line end.
    static func parseCSVRecord(_ bytes: UnsafeBufferPointer<UInt8>, at i: inout Int, lines: inout Int)
        throws(FieldProblem) -> [[UInt8]] {
        let n = bytes.count
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var extraLines = 0
        while true {
            let column = fields.count + 1
            // A fresh array, not removeAll(keepingCapacity:): the previous field's buffer is shared
            // with `fields`, so keeping capacity allocated a copy as large as the biggest field for
            // every following field (a 262 KB field then 1M commas asked for ~262 GB; found by fuzzing).
            field = []
            if i < n, bytes[i] == ASCII.quote {
                i += 1
                var closed = false
                while i < n {
                    let b = bytes[i]
                    if b == ASCII.quote {
                        if i + 1 < n, bytes[i + 1] == ASCII.quote {
                            field.append(ASCII.quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == ASCII.newline { extraLines += 1 }
                    field.append(b)
                    i += 1
                }
                if !closed {
                    throw FieldProblem(column: column, message: "unclosed quote: expected a closing '\"' before the end of the file")
                }
                // After a closing quote: comma, line end or end of input.
                if i < n, bytes[i] == ASCII.carriageReturn { i += 1 }
                if i < n, bytes[i] != ASCII.comma, bytes[i] != ASCII.newline {
                    throw FieldProblem(column: column,
                                       message: "expected ',' or the end of the line after a closing quote, found \(describeByte(bytes[i]))",
                                       lineOffset: extraLines)
                }
            } else {
                while i < n, bytes[i] != ASCII.comma, bytes[i] != ASCII.newline {
                    field.append(bytes[i])
                    i += 1
                }
                if field.last == ASCII.carriageReturn { field.removeLast() }
            }
            fields.append(field)
            if i >= n { break }
            if bytes[i] == ASCII.comma { i += 1; continue }
            // newline
            i += 1
            break
        }
        lines += extraLines
        return fields
    }

    /// Decodes strict UTF-8; `nil` when the bytes are not valid UTF-8.
    static func utf8(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// Decodes ISO-8859-1 (every byte is the Unicode scalar of the same value).
    static func latin1(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(b)) }
        return String(s)
    }

    /// True when every byte sequence in `bytes` is valid UTF-8.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Parses a canonical non-negative integer id: ASCII digits, no sign, no
    /// leading zero (except "0" itself), at most 18 digits. Canonical ids can be
    /// looked up numerically without losing their spelling.
    @inline(__always)
    static func canonicalUInt(_ bytes: [UInt8]) -> UInt64? {
        let n = bytes.count
        guard n > 0, n <= 18, !(n > 1 && bytes[0] == ASCII.zero) else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            let d = b &- ASCII.zero
            if d > 9 { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }

    /// Parses a decimal number: optional sign, digits, optional `.` and digits.
    /// No exponent, no "nan"/"inf": only what a rating file should contain.
    static func decimal(_ bytes: [UInt8]) -> Double? {
        var i = 0
        let n = bytes.count
        var negative = false
        if i < n, bytes[i] == ASCII.minus || bytes[i] == ASCII.plus {
            negative = bytes[i] == ASCII.minus
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenDot = false
        while i < n {
            let b = bytes[i]
            if b == ASCII.dot {
                if seenDot { return nil }
                seenDot = true
            } else {
                let d = b &- ASCII.zero
                if d > 9 { return nil }
                if digits < 18 {
                    mantissa = mantissa * 10 + UInt64(d)
                    digits += 1
                    if seenDot { fractionDigits += 1 }
                } else if !seenDot {
                    return nil  // too large to be a rating
                }
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let v = Double(mantissa) / pow10[fractionDigits]
        return negative ? -v : v
    }

    /// Parses a signed integer (timestamps): optional `-`, 1–18 digits.
    static func integer(_ bytes: [UInt8]) -> Int64? {
        var i = 0
        var negative = false
        if !bytes.isEmpty, bytes[0] == ASCII.minus { negative = true; i = 1 }
        let n = bytes.count - i
        guard n > 0, n <= 18 else { return nil }
        var v: Int64 = 0
        while i < bytes.count {
            let d = bytes[i] &- ASCII.zero
            if d > 9 { return nil }
            v = v * 10 + Int64(d)
            i += 1
        }
        return negative ? -v : v
    }

    /// Powers of ten for decimal parsing.
    static let pow10: [Double] = (0...18).map { p in
        var x = 1.0
        for _ in 0..<p { x *= 10 }
        return x
    }

    /// A short printable rendering of a byte for messages.
    static func describeByte(_ b: UInt8) -> String {
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return String(format: "byte 0x%02X", b)
    }

    /// A short printable rendering of a field for messages (at most 24 characters, control bytes escaped).
    static func describeField(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "an empty field" }
        var s = ""
        for b in bytes.prefix(24) {
            if b >= 0x20 && b < 0x7F, b != ASCII.quote { s.append(Character(Unicode.Scalar(b))) }
            else { s += String(format: "\\x%02X", b) }
        }
        if bytes.count > 24 { s += "…" }
        return "\"\(s)\""
    }

    /// Throws unless `path` is a readable regular file (symbolic links followed).
    /// Devices and pipes are refused: `/dev/zero` would never end.
    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LoadError(file: path, "no such file") }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw LoadError(file: path, "expected a file, found a folder") }
        guard kind == S_IFREG else { throw LoadError(file: path, "expected a regular file (not a device or pipe)") }
        guard access(path, R_OK) == 0 else { throw LoadError(file: path, "cannot read the file (permission denied)") }
    }

    /// Reads a whole (small) file, with errors that name it.
    static func readWholeFile(_ path: String) throws -> [UInt8] {
        try requireRegularFile(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, "cannot read the file (permission denied?)")
        }
        var bytes = [UInt8](data)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        return bytes
    }
}

/// Streams a file in large chunks, handing the caller blocks that end on a line boundary.
///
/// Memory stays at about one chunk (plus the longest line) whatever the file size,
/// which keeps the peak resident size of a 680 MB ratings file low.
struct ChunkedLineReader {
    let path: String
    /// The byte range to read (the whole file when nil).
    var range: Range<Int>? = nil
    var chunkSize: Int = 8 << 20

    init(path: String, range: Range<Int>? = nil) {
        self.path = path
        self.range = range
    }

    /// Calls `body` with consecutive blocks of whole lines (the last block may end
    /// without a newline). A UTF-8 byte-order mark at the start is dropped.
    ///
    /// - Returns: the number of bytes read.
    func forEachBlock(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LoadError(file: path, "cannot open the file") }
        defer { close(fd) }
        // Small files get a buffer of their own size (+1 to see the end of file in one read).
        var info = stat()
        let fileSize = fstat(fd, &info) == 0 ? Int(info.st_size) : chunkSize
        let lower = range?.lowerBound ?? 0
        let upper = range?.upperBound ?? Int.max
        let size = Swift.min(fileSize, upper) - lower
        var buffer = [UInt8](repeating: 0, count: max(4096, min(chunkSize, size + 1)))
        var filled = 0
        var total = 0
        var offset = lower
        var first = lower == 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let want = Swift.min(buffer.count - filled, Swift.max(0, upper - offset))
            let got = want == 0 ? 0 : buffer.withUnsafeMutableBytes { raw -> Int in
                pread(fd, raw.baseAddress! + filled, want, off_t(offset))
            }
            if got < 0 { throw LoadError(file: path, "read error") }
            offset += got
            let eof = got == 0
            filled += got
            total += got
            var start = 0
            if first, filled >= 3 || eof {
                first = false
                if filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            }
            // Process up to and including the last newline (everything at EOF).
            var cut = filled
            if !eof {
                cut = -1
                var k = filled - 1
                while k >= start {
                    if buffer[k] == ASCII.newline { cut = k + 1; break }
                    k -= 1
                }
                if cut < 0 {
                    // No complete line yet: read more (the buffer grows if full).
                    if start > 0 { buffer.removeFirst(start); filled -= start }
                    continue
                }
            }
            if cut > start {
                try buffer.withUnsafeBufferPointer { p in
                    try body(UnsafeBufferPointer(rebasing: p[start..<cut]))
                }
            }
            if eof { break }
            // Move the partial last line to the front.
            let rest = filled - cut
            if rest > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    let base = p.baseAddress!
                    base.update(from: base + cut, count: rest)
                }
            }
            filled = rest
        }
        return total
    }
}

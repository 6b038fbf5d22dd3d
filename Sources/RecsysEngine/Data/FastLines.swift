import Foundation

/// A field separator the fast path matches byte by byte.
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

/// The one fast parse loop and the one delimiter switch, shared by `RatingsReader` (sequential, with
/// the careful path for odd lines) and `RegionParser` (the second half of a large file on another thread).
enum FastLines {
    /// Parses every line of `block` (whole lines; the last may lack its newline).
    ///
    /// A `user<d>item<d>rating[<d>timestamp]` line of canonical integer ids goes to `line`; any other
    /// line goes to `other` with its start and end offsets (end at its newline, which is excluded).
    /// With a nil `delimiter` (a non-canonical column order) or `|`, every line goes to `other`.
    /// Either callback returns false to stop; `scan` then returns false.
    ///
    /// Complexity: O(block bytes); the loop is specialised per delimiter, so the fast path has no
    /// dynamic dispatch and makes no `String`.
    @inline(__always)
    static func scan(_ block: UnsafeBufferPointer<UInt8>, delimiter: FieldDelimiter?, rule: ScaleRule, wantTimestamp: Bool,
                     line: (FastLine) throws -> Bool, other: (Int, Int) throws -> Bool) rethrows -> Bool {
        switch delimiter {
        case .comma?: return try scan(block, CommaDelimiter.self, rule, wantTimestamp, line, other)
        case .tab?: return try scan(block, TabDelimiter.self, rule, wantTimestamp, line, other)
        case .doubleColon?: return try scan(block, DoubleColonDelimiter.self, rule, wantTimestamp, line, other)
        case .whitespace?: return try scan(block, WhitespaceDelimiter.self, rule, wantTimestamp, line, other)
        case .pipe?, nil: return try scan(block, NoFastPath.self, rule, wantTimestamp, line, other)
        }
    }

    @inline(__always)
    static func scan<D: FastDelimiter>(_ block: UnsafeBufferPointer<UInt8>, _: D.Type, _ rule: ScaleRule, _ wantTimestamp: Bool,
                                       _ line: (FastLine) throws -> Bool, _ other: (Int, Int) throws -> Bool) rethrows -> Bool {
        guard let p = block.baseAddress else { return true }
        let n = block.count
        var i = 0
        while i < n {
            let start = i
            if D.self != NoFastPath.self, let parsed = FastLine.parse(p, &i, n, D.self, rule: rule, wantTimestamp: wantTimestamp) {
                if try !line(parsed) { return false }
                continue
            }
            var end = start
            while end < n && p[end] != ASCII.newline { end += 1 }
            i = end + 1
            if try !other(start, end) { return false }
        }
        return true
    }
}

/// The "delimiter" of layouts without a fast path: every line takes the careful path.
struct NoFastPath: FastDelimiter {
    @inline(__always) static func skip(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool { false }
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
        let wantTimestamp = layout.timestamp == 3
        do {
            _ = try ChunkedLineReader(path: path, range: range).forEachBlock { block in
                guard !failed else { return }
                let ok = FastLines.scan(block, delimiter: layout.delimiter, rule: rule, wantTimestamp: wantTimestamp,
                                        line: { line in
                    out.lines += 1
                    guard line.user <= UInt64(UInt32.max), line.item <= UInt64(UInt32.max) else { return false }
                    out.users.append(UInt32(line.user))
                    out.items.append(UInt32(line.item))
                    out.ratings.append(line.rating)
                    out.stamps.append(line.timestamp)
                    if line.rating < out.minRating { out.minRating = line.rating }
                    if line.rating > out.maxRating { out.maxRating = line.rating }
                    if !line.whole { out.sawFraction = true }
                    if line.hasTimestamp { out.sawTimestamp = true }
                    return true
                }, other: { start, end in
                    // Blank lines are skipped, as the careful path does; anything else ends the region's fast run.
                    out.lines += 1
                    guard let p = block.baseAddress else { return false }
                    return end == start || (end == start + 1 && p[start] == ASCII.carriageReturn)
                })
                if !ok { failed = true }
            }
        } catch {
            return nil
        }
        return failed ? nil : out
    }
}

/// Carries the second half's result back from the worker thread; written once
/// by the worker before `DispatchGroup.wait()` returns, then read by the caller.
final class RegionBox: @unchecked Sendable {
    var output: RegionParser.Output?
}

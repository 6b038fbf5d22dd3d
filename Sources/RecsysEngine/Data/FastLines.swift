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

/// What a fast scan hands its lines to (the reader, the region parser). A protocol rather than
/// closures so that the loop is specialised for each sink and its state stays in registers.
protocol FastLineSink {
    /// A `user<d>item<d>rating[<d>timestamp]` line of canonical integer ids. Returns false to stop.
    mutating func fastLine(_ line: FastLine) -> Bool
    /// Any other line (header, blank, quotes, string ids, an error), without its newline. Returns false to stop.
    mutating func otherLine(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool
}

/// The one fast parse loop and the one delimiter switch, shared by `RatingsReader` (sequential, with
/// the careful path for odd lines) and `RegionParser` (the second half of a large file on another thread).
enum FastLines {
    /// Parses every line of `block` (whole lines; the last may lack its newline) into `sink`, in order.
    ///
    /// With a nil `delimiter` (a non-canonical column order) or `|`, every line goes to `otherLine`.
    ///
    /// - Returns: false when the sink stopped the scan.
    /// - Complexity: O(block bytes); the loop is specialised per delimiter and sink, so the fast
    ///   path has no dynamic dispatch and makes no `String`.
    @inline(__always)
    static func scan<S: FastLineSink>(_ block: UnsafeBufferPointer<UInt8>, delimiter: FieldDelimiter?, rule: ScaleRule,
                                      wantTimestamp: Bool, into sink: inout S) throws -> Bool {
        switch delimiter {
        case .comma?: return try scan(block, CommaDelimiter.self, rule, wantTimestamp, &sink)
        case .tab?: return try scan(block, TabDelimiter.self, rule, wantTimestamp, &sink)
        case .doubleColon?: return try scan(block, DoubleColonDelimiter.self, rule, wantTimestamp, &sink)
        case .whitespace?: return try scan(block, WhitespaceDelimiter.self, rule, wantTimestamp, &sink)
        case .pipe?, nil: return try scan(block, NoFastPath.self, rule, wantTimestamp, &sink)
        }
    }

    @inline(__always)
    static func scan<D: FastDelimiter, S: FastLineSink>(_ block: UnsafeBufferPointer<UInt8>, _: D.Type, _ rule: ScaleRule,
                                                        _ wantTimestamp: Bool, _ sink: inout S) throws -> Bool {
        guard let p = block.baseAddress else { return true }
        let n = block.count
        var i = 0
        while i < n {
            let start = i
            if D.self != NoFastPath.self, let parsed = FastLine.parse(p, &i, n, D.self, rule: rule, wantTimestamp: wantTimestamp) {
                if !sink.fastLine(parsed) { return false }
                continue
            }
            var end = start
            while end < n && p[end] != ASCII.newline { end += 1 }
            i = end + 1
            if try !sink.otherLine(UnsafeBufferPointer(rebasing: block[start..<end])) { return false }
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
                if try !FastLines.scan(block, delimiter: layout.delimiter, rule: rule, wantTimestamp: wantTimestamp, into: &out) {
                    failed = true
                }
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

extension RegionParser.Output: FastLineSink {
    mutating func fastLine(_ line: FastLine) -> Bool {
        lines += 1
        guard line.user <= UInt64(UInt32.max), line.item <= UInt64(UInt32.max) else { return false }
        users.append(UInt32(line.user))
        items.append(UInt32(line.item))
        ratings.append(line.rating)
        stamps.append(line.timestamp)
        if line.rating < minRating { minRating = line.rating }
        if line.rating > maxRating { maxRating = line.rating }
        if !line.whole { sawFraction = true }
        if line.hasTimestamp { sawTimestamp = true }
        return true
    }

    /// Blank lines are skipped, as the careful path does; anything else ends the region's fast run
    /// (the caller then parses the region carefully, in order).
    mutating func otherLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        lines += 1
        return line.isEmpty || (line.count == 1 && line[0] == ASCII.carriageReturn)
    }
}

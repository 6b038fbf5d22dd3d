import Foundation

/// Hostile variations of a valid input file, chosen by a seeded generator.
///
/// Each mutation imitates something real files do to parsers: bit rot, a download cut
/// short, a binary file passed by mistake, an editor's CRLF, a spreadsheet export with
/// thousands of columns, a line of megabytes without a newline, NUL bytes, invalid UTF-8.
/// The same seed gives the same bytes (all randomness is `SplitMix64`).
public enum FuzzMutation: String, CaseIterable, Sendable {
    case flipBytes, insertNUL, invalidUTF8, hugeLine, manyColumns, truncate, deleteLines, duplicateLines,
         shuffleFields, swapSeparators, randomBytes, empty, crlf, extremeNumbers, dropFields, spliceLines,
         onlyHeader, deepQuotes

    /// Applies the mutation.
    ///
    /// - Parameters:
    ///   - bytes: a valid input.
    ///   - rng: the seeded generator.
    ///   - maxSize: a cap on the output size (huge lines stay bounded so a run stays fast).
    /// - Complexity: O(output size).
    public func apply(to bytes: [UInt8], rng: inout SplitMix64, maxSize: Int = 1 << 21) -> [UInt8] {
        var b = bytes
        func pos(_ n: Int) -> Int { n <= 0 ? 0 : rng.nextInt(n + 1) }
        switch self {
        case .flipBytes:
            if b.isEmpty { return [UInt8(truncatingIfNeeded: rng.next())] }
            for _ in 0..<(1 + rng.nextInt(16)) { b[rng.nextInt(b.count)] ^= UInt8(1 << rng.nextInt(8)) }
        case .insertNUL:
            for _ in 0..<(1 + rng.nextInt(4)) { b.insert(0, at: pos(b.count)) }
        case .invalidUTF8:
            let bad: [[UInt8]] = [[0xFF], [0xC3], [0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0xFE, 0xFF]]
            for _ in 0..<(1 + rng.nextInt(4)) { b.insert(contentsOf: bad[rng.nextInt(bad.count)], at: pos(b.count)) }
        case .hugeLine:
            let n = min(maxSize, 1 << (12 + rng.nextInt(9)))   // 4 KiB … 1 MiB
            let fill: [UInt8] = [UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "\""), 0x20]
            let c = fill[rng.nextInt(fill.count)]
            b.insert(contentsOf: [UInt8](repeating: c, count: n), at: lineStart(b, pos(b.count)))
        case .manyColumns:
            let sep = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: ":")][rng.nextInt(4)]
            var row: [UInt8] = []
            for k in 0..<(1000 + rng.nextInt(4000)) {
                if k > 0 { row.append(sep); if sep == UInt8(ascii: ":") { row.append(sep) } }
                row.append(contentsOf: Array(String(k % 7).utf8))
            }
            row.append(0x0A)
            b.insert(contentsOf: row, at: lineStart(b, pos(b.count)))
        case .truncate:
            b = Array(b.prefix(pos(b.count)))
        case .deleteLines:
            var lines = split(b)
            for _ in 0..<(1 + rng.nextInt(3)) where !lines.isEmpty { lines.remove(at: rng.nextInt(lines.count)) }
            b = join(lines)
        case .duplicateLines:
            var lines = split(b)
            if !lines.isEmpty {
                for _ in 0..<(1 + rng.nextInt(50)) { lines.insert(lines[rng.nextInt(lines.count)], at: rng.nextInt(lines.count + 1)) }
            }
            b = join(lines)
        case .shuffleFields:
            var lines = split(b)
            if !lines.isEmpty {
                let k = rng.nextInt(lines.count)
                var f = lines[k].split(whereSeparator: { [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: ":")].contains($0) }).map(Array.init)
                f.shuffle(using: &rng)
                lines[k] = Array(f.joined(separator: [UInt8(ascii: ",")]))
            }
            b = join(lines)
        case .swapSeparators:
            let seps: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ";"), 0x20]
            let from = seps[rng.nextInt(seps.count)], to = seps[rng.nextInt(seps.count)]
            for k in b.indices where b[k] == from && rng.nextInt(2) == 0 { b[k] = to }
        case .randomBytes:
            b = (0..<rng.nextInt(4096)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case .empty:
            b = []
        case .crlf:
            b = Array(b.split(separator: 0x0A, omittingEmptySubsequences: false).joined(separator: [0x0D, 0x0A]))
            if rng.nextInt(2) == 0 { b = b.map { $0 == 0x0A ? 0x0D : $0 } }   // old Mac: CR only
        case .extremeNumbers:
            let words = ["NaN", "inf", "-inf", "1e999", "-0", "99999999999999999999999", "0x1p3", "-5", "5.5.5", "", "٣", "1_000"]
            var lines = split(b)
            if !lines.isEmpty {
                for _ in 0..<(1 + rng.nextInt(5)) {
                    let k = rng.nextInt(lines.count)
                    var fields = lines[k].split(separator: sepOf(lines[k]), omittingEmptySubsequences: false).map(Array.init)
                    if !fields.isEmpty { fields[rng.nextInt(fields.count)] = Array(words[rng.nextInt(words.count)].utf8) }
                    lines[k] = Array(fields.joined(separator: [sepOf(lines[k])]))
                }
            }
            b = join(lines)
        case .dropFields:
            var lines = split(b)
            if !lines.isEmpty {
                let k = rng.nextInt(lines.count)
                let fields = lines[k].split(separator: sepOf(lines[k]), omittingEmptySubsequences: false)
                lines[k] = Array(fields.prefix(rng.nextInt(max(1, fields.count))).joined(separator: [sepOf(lines[k])]))
            }
            b = join(lines)
        case .spliceLines:
            var lines = split(b)
            if lines.count > 1 {
                let k = rng.nextInt(lines.count - 1)
                lines[k] += lines.remove(at: k + 1)
            }
            b = join(lines)
        case .onlyHeader:
            b = split(b).first.map { $0 + [0x0A] } ?? []
        case .deepQuotes:
            b.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "\""), count: 1 + rng.nextInt(2000)), at: pos(b.count))
        }
        return b.count > maxSize ? Array(b.prefix(maxSize)) : b
    }

    private func lineStart(_ b: [UInt8], _ p: Int) -> Int {
        var k = min(p, b.count)
        while k > 0 && b[k - 1] != 0x0A { k -= 1 }
        return k
    }

    private func split(_ b: [UInt8]) -> [[UInt8]] {
        b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    private func join(_ lines: [[UInt8]]) -> [UInt8] { Array(lines.joined(separator: [0x0A])) }

    private func sepOf(_ line: [UInt8]) -> UInt8 {
        for s in [UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: ","), UInt8(ascii: ":")] where line.contains(s) { return s }
        return UInt8(ascii: ",")
    }
}

/// Terminal colours the UI may ask for; the backend maps them to curses pairs,
/// or drops them under `NO_COLOR` / monochrome terminals.
public enum Color: UInt8, Sendable, Equatable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

/// How a cell is drawn.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = Style()
}

/// One screen cell: a grapheme (its display width is 1 or 2) and a style.
/// The cell right of a wide character holds `continuation` and is not drawn.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var style: Style
    /// True for the second column of a wide (CJK, emoji) character.
    public var isContinuation: Bool

    public init(_ text: String = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.text = text
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A rectangle on the screen, in cells.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }
}

/// A whole frame: `width × height` styled cells. `view(state)` fills one; the
/// terminal backend diffs it against the previous frame and draws only changes.
public struct ScreenBuffer: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// A cell. Setting one never leaves half a wide character behind: overwriting either half of a
    /// wide character blanks the other half (an overlay's border over a CJK title stays a border).
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = y * width + x
            let old = cells[i]
            if old.isContinuation && !newValue.isContinuation && x > 0 {
                cells[i - 1] = Cell(" ", style: cells[i - 1].style)
            }
            if !old.isContinuation && x + 1 < width && cells[i + 1].isContinuation {
                cells[i + 1] = Cell(" ", style: cells[i + 1].style)
            }
            cells[i] = newValue
        }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and the buffer.
    /// Returns the number of columns used. Wide characters take two cells.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        if DisplayWidth.isPrintableASCII(text) {
            // Fast path: one byte, one column.
            for b in text.utf8 {
                if col + 1 > limit { break }
                if col >= 0 { self[col, y] = Cell(String(UnicodeScalar(b)), style: style) }
                col += 1
            }
            return col - x
        }
        for ch in text {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if col + w > limit { break }
            if col >= 0 {
                self[col, y] = Cell(String(ch), style: style)
                if w == 2 { self[col + 1, y] = Cell("", style: style, isContinuation: true) }
            }
            col += w
        }
        return col - x
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for yy in max(0, rect.y)..<min(height, rect.maxY) {
            for xx in max(0, rect.x)..<min(width, rect.maxX) { self[xx, yy] = cell }
        }
    }

    /// Sets the style of every cell in a rectangle, keeping the text.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        for yy in max(0, rect.y)..<min(height, rect.maxY) {
            for xx in max(0, rect.x)..<min(width, rect.maxX) { cells[yy * width + xx].style = style }
        }
    }

    /// The text of row `y`, continuation cells skipped, trailing spaces kept.
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !cells[y * width + x].isContinuation { s += cells[y * width + x].text }
        return s
    }

    /// Every row as text with trailing spaces trimmed (for snapshot tests).
    public var lines: [String] {
        (0..<height).map { y in
            var l = line(y)
            while l.last == " " { l.removeLast() }
            return l
        }
    }
}

/// Display width of characters, without curses: 0 for combining marks and
/// controls, 2 for East Asian wide and emoji, else 1.
public enum DisplayWidth {
    public static func of(_ ch: Character) -> Int {
        if let a = ch.asciiValue { return a < 0x20 || a == 0x7F ? 0 : 1 }
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark {
            return 0
        }
        if isWide(v) || (ch.unicodeScalars.count > 1 && first.properties.isEmojiPresentation) { return 2 }
        return 1
    }

    public static func of(_ s: String) -> Int {
        if isPrintableASCII(s) { return s.utf8.count }
        return s.reduce(0) { $0 + of($1) }
    }

    /// True when every byte is printable ASCII (0x20…0x7E): then width = byte count.
    @inlinable public static func isPrintableASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    static func isWide(_ v: UInt32) -> Bool {
        (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0x303E) || (v >= 0x3041 && v <= 0x33FF)
            || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0xA000 && v <= 0xA4CF)
            || (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE30 && v <= 0xFE4F)
            || (v >= 0xFF00 && v <= 0xFF60) || (v >= 0xFFE0 && v <= 0xFFE6) || (v >= 0x1F300 && v <= 0x1F64F)
            || (v >= 0x1F900 && v <= 0x1F9FF) || (v >= 0x20000 && v <= 0x3FFFD)
    }

    /// Truncates to `width` columns, ending with "…" when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if isPrintableASCII(s) {
            let n = s.utf8.count
            return n <= width ? s : String(decoding: s.utf8.prefix(width - 1), as: UTF8.self) + "…"
        }
        if of(s) <= width { return s }
        var out = "", used = 0
        for ch in s {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// Pads with spaces (or truncates) to exactly `width` columns.
    /// `s` cut to `width` columns at a word boundary, with "…" when cut: never mid-word, so never
    /// mid-number ("factors alig…" becomes "factors…"). A first word longer than `width` is cut by `truncate`.
    public static func truncateWords(_ s: String, to width: Int) -> String {
        if of(s) <= width { return s }
        let cut = truncate(s, to: width)            // ends in "…", fits
        let kept = cut.dropLast()
        guard let space = kept.lastIndex(of: " ") else { return cut }
        // When the cut fell exactly at a word end, keep that word.
        let next = s.index(s.startIndex, offsetBy: kept.count)
        if next < s.endIndex, s[next] == " " { return String(kept) + "…" }
        let head = kept[..<space]
        return head.isEmpty ? cut : String(head.reversed().drop { $0 == " " || $0 == "," || $0 == "·" }.reversed()) + "…"
    }

    public static func pad(_ s: String, to width: Int, alignRight: Bool = false) -> String {
        let t = truncate(s, to: width)
        let gap = String(repeating: " ", count: max(0, width - of(t)))
        return alignRight ? gap + t : t + gap
    }
}

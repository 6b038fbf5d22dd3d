import RecsysUI

/// What the terminal can show, decided once at start-up.
public struct ColorCapabilities: Sendable, Equatable {
    /// False on monochrome terminals and when `NO_COLOR` is set: styles keep bold/reverse/underline/dim only.
    public var enabled: Bool
    /// `COLORS`: 8, 16, 256…
    public var colors: Int
    /// `COLOR_PAIRS`; pair 0 is the terminal default and cannot be changed.
    public var pairs: Int

    public init(enabled: Bool, colors: Int, pairs: Int) {
        self.enabled = enabled
        self.colors = colors
        self.pairs = pairs
    }

    /// The NO_COLOR convention (https://no-color.org): any non-empty value disables colour.
    public static func noColorRequested(environment: [String: String]) -> Bool {
        if let v = environment["NO_COLOR"], !v.isEmpty { return true }
        return false
    }
}

/// The attributes of one style in terminal terms.
public struct TerminalAttributes: Sendable, Equatable {
    public var bold, reverse, underline, dim: Bool
    /// Colour pair number (0 = default colours).
    public var pair: Int

    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false, pair: Int = 0) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
        self.pair = pair
    }
}

/// Maps UI `Style`s to colour pairs, allocating pairs on first use.
///
/// Colour numbers follow curses: -1 is the terminal's default (with
/// `use_default_colors`), 0–7 the ANSI colours, 8–15 their bright versions.
/// On terminals with fewer than 16 colours a bright foreground becomes its
/// base colour drawn bold, and a bright background its base colour. When
/// pairs run out, the foreground is kept on the default background, then
/// pair 0. Monochrome: every style gets pair 0, and text styled only by
/// colour keeps its other attributes (the UI marks selections with reverse).
public struct ColorTable: Sendable {
    public let capabilities: ColorCapabilities
    /// (foreground, background) curses colour numbers → pair.
    public private(set) var pairs: [Int: Int] = [:]
    /// Pairs to initialise: (pair, fg, bg). The backend drains this after each `attributes` call.
    public private(set) var pendingInits: [(pair: Int, fg: Int, bg: Int)] = []
    private var nextPair = 1

    public init(capabilities: ColorCapabilities) {
        self.capabilities = capabilities
    }

    /// The curses colour number for `c` (-1 = default), and whether bold should stand in for brightness.
    public func colorNumber(_ c: Color) -> (number: Int, boldForBright: Bool) {
        if c == .default { return (-1, false) }
        let raw = Int(c.rawValue) - 1  // black = 0 … white = 7, brightBlack = 8 … brightWhite = 15
        if raw < 8 { return (raw, false) }
        if capabilities.colors >= 16 { return (raw, false) }
        return (raw - 8, true)
    }

    /// Attributes for `style`, allocating a pair if needed.
    public mutating func attributes(for style: Style) -> TerminalAttributes {
        var a = TerminalAttributes(bold: style.bold, reverse: style.reverse, underline: style.underline, dim: style.dim)
        guard capabilities.enabled, style.foreground != .default || style.background != .default else { return a }
        let fg = colorNumber(style.foreground)
        let bg = colorNumber(style.background)
        if fg.boldForBright { a.bold = true }
        a.pair = pair(fg: fg.number, bg: bg.number)
        return a
    }

    mutating func pair(fg: Int, bg: Int) -> Int {
        let key = (fg + 1) * 512 + (bg + 1)
        if let p = pairs[key] { return p }
        if nextPair < capabilities.pairs {
            let p = nextPair
            nextPair += 1
            pairs[key] = p
            pendingInits.append((p, fg, bg))
            return p
        }
        // Out of pairs: keep the foreground on the default background if that pair exists.
        if bg != -1, let p = pairs[(fg + 1) * 512] { return p }
        return 0
    }

    /// Returns and clears the pairs that still need `init_pair`.
    public mutating func takePendingInits() -> [(pair: Int, fg: Int, bg: Int)] {
        defer { pendingInits = [] }
        return pendingInits
    }
}

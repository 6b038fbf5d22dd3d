import Foundation

/// Big type for the presenter's heading, like figlet's small block fonts: every glyph is 3×5 pixels,
/// drawn two pixel rows per text row with half blocks (▀ ▄ █), so a line of big type is 3 rows high
/// and 4 columns per character (19 characters at 80 columns). Letters A–Z (lower case is drawn as
/// upper case, accents are dropped), digits 0–9 and common punctuation; anything else is "?".
public enum BlockFont {
    /// Rows of text one line of big type takes.
    public static let height = 3
    /// Columns per character, the gap included.
    public static let advance = 4

    /// Each glyph: five rows of three pixels, "#" set.
    static let glyphs: [Character: [String]] = [
        "A": [".#.", "#.#", "###", "#.#", "#.#"], "B": ["##.", "#.#", "##.", "#.#", "##."],
        "C": [".##", "#..", "#..", "#..", ".##"], "D": ["##.", "#.#", "#.#", "#.#", "##."],
        "E": ["###", "#..", "##.", "#..", "###"], "F": ["###", "#..", "##.", "#..", "#.."],
        "G": [".##", "#..", "#.#", "#.#", ".##"], "H": ["#.#", "#.#", "###", "#.#", "#.#"],
        "I": ["###", ".#.", ".#.", ".#.", "###"], "J": ["..#", "..#", "..#", "#.#", ".#."],
        "K": ["#.#", "#.#", "##.", "#.#", "#.#"], "L": ["#..", "#..", "#..", "#..", "###"],
        "M": ["#.#", "###", "###", "#.#", "#.#"], "N": ["##.", "#.#", "#.#", "#.#", "#.#"],
        "O": [".#.", "#.#", "#.#", "#.#", ".#."], "P": ["##.", "#.#", "##.", "#..", "#.."],
        "Q": [".#.", "#.#", "#.#", "##.", ".##"], "R": ["##.", "#.#", "##.", "#.#", "#.#"],
        "S": [".##", "#..", ".#.", "..#", "##."], "T": ["###", ".#.", ".#.", ".#.", ".#."],
        "U": ["#.#", "#.#", "#.#", "#.#", "###"], "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
        "W": ["#.#", "#.#", "###", "###", "#.#"], "X": ["#.#", "#.#", ".#.", "#.#", "#.#"],
        "Y": ["#.#", "#.#", ".#.", ".#.", ".#."], "Z": ["###", "..#", ".#.", "#..", "###"],
        "0": ["###", "#.#", "#.#", "#.#", "###"], "1": [".#.", "##.", ".#.", ".#.", "###"],
        "2": ["##.", "..#", ".#.", "#..", "###"], "3": ["##.", "..#", ".#.", "..#", "##."],
        "4": ["#.#", "#.#", "###", "..#", "..#"], "5": ["###", "#..", "##.", "..#", "##."],
        "6": [".##", "#..", "###", "#.#", "###"], "7": ["###", "..#", ".#.", ".#.", ".#."],
        "8": ["###", "#.#", "###", "#.#", "###"], "9": ["###", "#.#", "###", "..#", "##."],
        " ": ["...", "...", "...", "...", "..."], "-": ["...", "...", "###", "...", "..."],
        ".": ["...", "...", "...", "...", ".#."], ",": ["...", "...", "...", ".#.", "#.."],
        ":": ["...", ".#.", "...", ".#.", "..."], "!": [".#.", ".#.", ".#.", "...", ".#."],
        "?": ["##.", "..#", ".#.", "...", ".#."], "'": [".#.", ".#.", "...", "...", "..."],
        "(": ["..#", ".#.", ".#.", ".#.", "..#"], ")": ["#..", ".#.", ".#.", ".#.", "#.."],
        "/": ["..#", "..#", ".#.", "#..", "#.."], "+": ["...", ".#.", "###", ".#.", "..."],
        "&": [".#.", "#.#", ".#.", "#.#", ".##"], "*": ["#.#", ".#.", "#.#", "...", "..."],
        "=": ["...", "###", "...", "###", "..."], "#": ["#.#", "###", "#.#", "###", "#.#"],
        "_": ["...", "...", "...", "...", "###"], "\"": ["#.#", "#.#", "...", "...", "..."],
    ]

    /// The glyph drawn for a character: upper-cased, accents dropped, unknown ones as "?".
    static func glyph(_ c: Character) -> [String] {
        if let g = glyphs[c] { return g }
        let folded = String(c).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
        if folded.count == 1, let g = glyphs[folded.first!] { return g }
        return glyphs["?"]!
    }

    /// How many characters fit in `width` columns.
    public static func capacity(_ width: Int) -> Int { max(0, (width + 1) / advance) }

    /// `text` in big type: `height` lines, `advance` columns per character (the last gap trimmed),
    /// cut to what fits `width`. With `unicode` false it draws with "#" (full height, no half blocks).
    public static func render(_ text: String, width: Int, unicode: Bool = true) -> [String] {
        let chars = Array(text.prefix(capacity(width)))
        var rows = [String](repeating: "", count: height)
        for (k, c) in chars.enumerated() {
            let g = glyph(c).map { Array($0) }
            for r in 0..<height {
                let top = g[2 * r], bottom = 2 * r + 1 < g.count ? g[2 * r + 1] : Array("...")
                for x in 0..<3 {
                    let t = top[x] == "#", b = bottom[x] == "#"
                    switch (t, b) {
                    case (true, true): rows[r] += unicode ? "█" : "#"
                    case (true, false): rows[r] += unicode ? "▀" : "#"
                    case (false, true): rows[r] += unicode ? "▄" : "#"
                    case (false, false): rows[r] += " "
                    }
                }
                if k < chars.count - 1 { rows[r] += " " }
            }
        }
        return rows
    }
}

/// What a key does. The key table (`Keymap.bindings`) maps keys to actions;
/// `update` does the action (`act`) and the action's handler says what must be
/// redone (refilter, recompute, …). The Help overlay is generated from the same
/// table, so it always lists every key.
public enum Action: Sendable, Equatable {
    case quit, help, commandLine, back
    case up, down, pageUp, pageDown, home, end
    case nextPane, previousPane, nextTab, previousTab
    case search, genreFilter, clearFilters, cycleSort
    /// Rate the selected item with this many stars.
    case rate(Float)
    /// The next digit d rates d − 0.5 stars (half-star datasets only).
    case halfStar
    case removeRating, undo
    case compare, explain, similar, users
    case embeddingMap, evalLab
    case toggleColour
}

/// One row of the key table.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Help group ("Move", "Rate", "Screens", …).
    public var group: String
    /// What the key does, for Help.
    public var help: String
    /// Screens where the binding is active; nil = every screen.
    public var screens: [Screen]?

    public init(_ keys: [Key], _ action: Action, _ group: String, _ help: String, screens: [Screen]? = nil) {
        self.keys = keys
        self.action = action
        self.group = group
        self.help = help
        self.screens = screens
    }
}

/// The key table, htop style: one list of bindings, looked up by key and screen.
public enum Keymap {
    /// Help groups in display order.
    public static let groups = ["Move", "Panes and tabs", "Find and sort", "Rate", "Screens", "Other"]

    public static let bindings: [KeyBinding] = {
        var b: [KeyBinding] = [
            KeyBinding([.up, .char("k")], .up, "Move", "move up"),
            KeyBinding([.down, .char("j")], .down, "Move", "move down"),
            KeyBinding([.pageUp, .ctrl("b")], .pageUp, "Move", "page up"),
            KeyBinding([.pageDown, .ctrl("f"), .char(" ")], .pageDown, "Move", "page down"),
            KeyBinding([.home, .char("g")], .home, "Move", "first row"),
            KeyBinding([.end, .char("G")], .end, "Move", "last row"),
            KeyBinding([.tab], .nextPane, "Panes and tabs", "next pane (catalog ↔ recommendations)", screens: [.explore]),
            KeyBinding([.backTab], .previousPane, "Panes and tabs", "previous pane", screens: [.explore]),
            KeyBinding([.right, .char("l"), .char("]")], .nextTab, "Panes and tabs", "next algorithm"),
            KeyBinding([.left, .char("h"), .char("[")], .previousTab, "Panes and tabs", "previous algorithm"),
            KeyBinding([.char("/")], .search, "Find and sort", "search titles (case and accents ignored)", screens: [.explore]),
            KeyBinding([.char("f")], .genreFilter, "Find and sort", "filter by genre", screens: [.explore]),
            KeyBinding([.char("F")], .clearFilters, "Find and sort", "clear search and genre filter", screens: [.explore]),
            KeyBinding([.char("s")], .cycleSort, "Find and sort",
                       "cycle sort: popularity/mean/title/year/yours/predicted", screens: [.explore]),
        ]
        for d in 1...5 {
            b.append(KeyBinding([.char(Character(String(d)))], .rate(Float(d)), "Rate", "rate \(d)★",
                                screens: [.explore, .explain, .similar]))
        }
        b += [
            KeyBinding([.char(".")], .halfStar, "Rate", "then 1–5: half star below (.4 = 3.5★)",
                       screens: [.explore, .explain, .similar]),
            KeyBinding([.char("0"), .char("x")], .removeRating, "Rate", "remove your rating",
                       screens: [.explore, .explain, .similar]),
            KeyBinding([.char("u")], .undo, "Rate", "undo the last rating change"),
            KeyBinding([.char("c")], .compare, "Screens", "compare every algorithm side by side"),
            KeyBinding([.char("e"), .enter], .explain, "Screens", "explain the selected movie (why / why not)",
                       screens: [.explore, .similar]),
            KeyBinding([.char("m")], .similar, "Screens", "movies similar to the selected one", screens: [.explore, .explain]),
            KeyBinding([.char("U")], .users, "Screens", "browse the dataset's users"),
            KeyBinding([.char("M")], .embeddingMap, "Screens", "embedding map of item vectors (svd, als, two-tower…)"),
            KeyBinding([.char("v")], .evalLab, "Screens", "evaluation lab (o cold-start curve, g grid search)"),
            KeyBinding([.escape], .back, "Screens", "close overlay / back to Explore"),
            KeyBinding([.char("?"), .function(1)], .help, "Other", "this help"),
            KeyBinding([.char(":")], .commandLine, "Other", "command line (commands below)"),
            KeyBinding([.char("C")], .toggleColour, "Other", "colour on/off"),
            KeyBinding([.char("q"), .ctrl("c")], .quit, "Other", "quit"),
        ]
        return b
    }()

    /// The action bound to `key` on `screen`, or nil.
    public static func action(for key: Key, on screen: Screen) -> Action? {
        for b in bindings where b.keys.contains(key) {
            if let s = b.screens, !s.contains(screen) { continue }
            return b.action
        }
        return nil
    }

    /// A key as Help writes it: "↑", "PgDn", "Ctrl-B", "Space", "q".
    public static func name(_ key: Key) -> String {
        switch key {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .function(let n): return "F\(n)"
        }
    }

    /// Help text: for each group, one line per binding ("  ↑ k        move up").
    public static func helpLines() -> [(group: String, keys: String, help: String)] {
        var out: [(String, String, String)] = []
        for g in groups {
            for b in bindings where b.group == g {
                out.append((g, b.keys.map(name).joined(separator: " "), b.help))
            }
        }
        return out
    }

    /// Commands of the `:` line, for Help.
    public static let commands: [(String, String)] = [
        (":algo NAME", "show NAME's recommendations"),
        (":set ALGO.KEY VALUE", "change a parameter and refit that model"),
        (":profile NAME", "switch to (or create) a profile"),
        (":export FILE", "write your ratings as CSV"),
        (":sort KEY", "popularity, mean, title, year, your-rating, predicted"),
        (":genre NAME", "filter by genre (:genre all clears)"),
        (":colour on|off", "colours or monochrome"),
        (":q", "quit"),
    ]
}

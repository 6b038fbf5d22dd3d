/// What a key does. The key tables (`Keymap`) map keys to actions; `update` does the
/// action (`act`) and the action's handler says what must be redone (refilter,
/// recompute, …). Help, the hint line and dispatch are all derived from the tables.
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
    /// Explain: show / hide the formula with this profile's numbers filled in.
    case showFormula
    /// Presenter mode on / off.
    case togglePresenter
    case embeddingMap, evalLab
    case toggleColour
    /// Hide or show the quick start list in the Recommendations pane.
    case toggleQuickStart
    /// The parameter panel of the active algorithm.
    case parameters
    /// Users screen: show / hide the selected user's true tastes (synthetic data).
    case toggleTastes
    /// Users screen: copy the selected user's ratings into a scratch profile and go to Explore.
    case becomeUser
    /// Users screen: group the list by the next demographic attribute (then none).
    case groupUsers
    /// Users screen: only the selected user's group, or everyone again.
    case filterUserGroup
    /// A key of the embedding map screen.
    case map(MapAction)
    /// A key of the evaluation lab screen.
    case lab(LabAction)
    /// Replay the profile's rating history (`R`).
    case replay
    /// A key of the replay screen.
    case replayStep(ReplayAction)
    /// The models panel (fit states, cancel, defer, run anyway).
    case models
    /// A key of the models panel.
    case model(ModelAction)
    /// A key of the lesson panel (`L` toggles it; the others act while it is open).
    case lesson(LessonAction)
}

/// The models panel's own actions, on the selected model.
public enum ModelAction: Sendable, Equatable {
    case cancel, deferFit, runAnyway
}

/// The embedding map's own actions.
public enum MapAction: Sendable, Equatable {
    case panLeft, panRight, panUp, panDown, zoomIn, zoomOut, resetView, nearest, nextPoint, previousPoint, centre
}

/// The evaluation lab's own actions.
public enum LabAction: Sendable, Equatable {
    case up, down, pageUp, pageDown, first, last, left, right, toggle, coldStart, grid, nextGrid, run, cancel
}

/// One row of a key table.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Help group ("Move", "Rate", "Screens", …).
    public var group: String
    /// What the key does, for Help.
    public var help: String
    /// Screens where a shared binding is active; nil = every screen. (A screen's own table ignores it.)
    public var screens: [Screen]?

    public init(_ keys: [Key], _ action: Action, _ group: String, _ help: String, screens: [Screen]? = nil) {
        self.keys = keys
        self.action = action
        self.group = group
        self.help = help
        self.screens = screens
    }

    func isActive(on screen: Screen) -> Bool { screens.map { $0.contains(screen) } ?? true }
}

/// One entry of a screen's hint line: the action's key (or `label`, for "1-5" and "←→") and a word or two.
public struct KeyHint: Sendable {
    public var action: Action
    public var text: String
    /// Written instead of the action's first key ("1-5" for the five rating keys).
    public var label: String?

    public init(_ action: Action, _ text: String, label: String? = nil) {
        self.action = action
        self.text = text
        self.label = label
    }
}

/// A screen's key table: its own keys (checked before the shared table, so the map's h/j/k/l pan
/// instead of switching tabs) and its hint line. A new screen is one of these plus one view.
public struct ScreenKeys: Sendable {
    public var screen: Screen
    /// Help group of the own keys ("Embedding map (M)"); nil when the screen has none.
    public var group: String?
    public var own: [KeyBinding]
    public var hints: [KeyHint]
    /// The hint line while the screen is busy (the lab running), when it differs.
    public var busyHints: [KeyHint]?

    public init(_ screen: Screen, group: String? = nil, own: [KeyBinding] = [], hints: [KeyHint],
                busyHints: [KeyHint]? = nil) {
        self.screen = screen
        self.group = group
        self.own = own
        self.hints = hints
        self.busyHints = busyHints
    }

    /// Every binding that acts on this screen, own keys first.
    public var bindings: [KeyBinding] { own + Keymap.bindings.filter { $0.isActive(on: screen) } }

    /// The key label of a hint: its `label`, else the name of the first key bound to its action here.
    public func label(of hint: KeyHint) -> String? {
        if let l = hint.label { return l }
        return bindings.first { $0.action == hint.action }.flatMap { $0.keys.first }.map(Keymap.name)
    }
}

/// The key tables, htop style: one shared table and one table per screen, looked up by key and screen.
public enum Keymap {
    /// Help groups of the shared table, in display order.
    public static let groups = ["Move", "Panes and tabs", "Find and sort", "Rate", "Screens", "Other"]

    private static let rated: [Screen] = [.explore, .explain, .similar]

    /// Keys shared by the screens (`screens` narrows a few).
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
            KeyBinding([.char("f")], .genreFilter, "Find and sort", "filter catalog and recommendations by genre", screens: [.explore]),
            KeyBinding([.char("F")], .clearFilters, "Find and sort", "clear search and genre filter", screens: [.explore]),
            KeyBinding([.char("s")], .cycleSort, "Find and sort",
                       "cycle sort: popularity/mean/title/year/yours/predicted", screens: [.explore]),
            KeyBinding([.char("d")], .toggleQuickStart, "Panes and tabs", "quick start list hidden / shown",
                       screens: [.explore]),
        ]
        for d in 1...5 {
            b.append(KeyBinding([.char(Character(String(d)))], .rate(Float(d)), "Rate", "rate \(d)★", screens: rated))
        }
        b += [
            KeyBinding([.char(".")], .halfStar, "Rate", "then 1–5: half star below (.4 = 3.5★)", screens: rated),
            KeyBinding([.char("0"), .char("x")], .removeRating, "Rate", "remove your rating", screens: rated),
            KeyBinding([.char("u")], .undo, "Rate", "undo the last rating change"),
            KeyBinding([.char("c")], .compare, "Screens", "compare every algorithm side by side"),
            KeyBinding([.char("e"), .enter], .explain, "Screens", "explain the selected movie (why / why not)",
                       screens: [.explore, .similar]),
            KeyBinding([.char("m")], .similar, "Screens", "movies similar to the selected one", screens: [.explore, .explain]),
            KeyBinding([.char("U")], .users, "Screens", "browse the dataset's users"),
            KeyBinding([.char("M")], .embeddingMap, "Screens", "embedding map of item vectors (svd, als, two-tower…)"),
            KeyBinding([.char("v")], .evalLab, "Screens", "evaluation lab (o cold-start curve, s grid search)"),
            KeyBinding([.char("R")], .replay, "Screens", "replay your ratings one at a time: every top 5 as it moved"),
            KeyBinding([.char("a")], .models, "Screens", "models: fit state, ETA, limits; cancel, defer, run anyway"),
            KeyBinding([.char("L")], .lesson(.toggle), "Screens", "lesson panel shown / hidden (:lesson N opens lesson N)"),
            KeyBinding([.escape], .back, "Screens", "close overlay / back to Explore"),
            KeyBinding([.char("?"), .function(1)], .help, "Other", "this help"),
            KeyBinding([.char(":")], .commandLine, "Other", "command line (commands below)"),
            KeyBinding([.char("p")], .parameters, "Other", "parameter panel: values, ranges, what each changes"),
            KeyBinding([.char("C")], .toggleColour, "Other", "colour on/off (the status line says which)"),
            KeyBinding([.char("P")], .togglePresenter, "Other", "presenter mode (projector): one big pane"),
            KeyBinding([.char("q"), .ctrl("c")], .quit, "Other", "quit"),
        ]
        return b
    }()

    /// Every screen's table, in help order.
    public static let screens: [ScreenKeys] = [
        ScreenKeys(.explore, hints: [
            KeyHint(.help, "help"), KeyHint(.quit, "quit"), KeyHint(.search, "search"), KeyHint(.rate(1), "rate", label: "1-5"),
            KeyHint(.undo, "undo"), KeyHint(.genreFilter, "genre"), KeyHint(.cycleSort, "sort"), KeyHint(.nextPane, "pane"),
            KeyHint(.nextTab, "algo", label: "←→"), KeyHint(.compare, "compare"), KeyHint(.explain, "explain"),
            KeyHint(.similar, "similar"), KeyHint(.users, "users"),
        ]),
        ScreenKeys(.compare, hints: [
            KeyHint(.nextTab, "scroll algorithms", label: "←→"), KeyHint(.down, "scroll", label: "↑↓"), KeyHint(.back, "back"),
            KeyHint(.help, "help"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.explain, group: "Explain (e)", own: [
            KeyBinding([.char("f")], .showFormula, "", "formula with your numbers (f again: terms)"),
        ], hints: [
            KeyHint(.nextTab, "algorithm", label: "←→"), KeyHint(.down, "scroll", label: "↑↓"), KeyHint(.showFormula, "formula"),
            KeyHint(.rate(1), "rate", label: "1-5"), KeyHint(.similar, "similar"), KeyHint(.back, "back"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.similar, hints: [
            KeyHint(.nextTab, "scroll", label: "←→"), KeyHint(.rate(1), "rate", label: "1-5"), KeyHint(.explain, "explain"),
            KeyHint(.back, "back"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.users, group: "Users (U)", own: [
            KeyBinding([.char("t")], .toggleTastes, "", "true tastes of a synthetic user shown / hidden"),
            KeyBinding([.char("b")], .becomeUser, "", "become this user: their ratings in a scratch profile"),
            KeyBinding([.char("o")], .groupUsers, "", "group by age, gender, occupation, region (then none)"),
            KeyBinding([.char("=")], .filterUserGroup, "", "only the selected user's group / everyone"),
        ], hints: [
            KeyHint(.down, "user", label: "↑↓"), KeyHint(.pageDown, "page", label: "PgUp/PgDn"),
            KeyHint(.toggleTastes, "true tastes"), KeyHint(.becomeUser, "become user"), KeyHint(.groupUsers, "group"),
            KeyHint(.filterUserGroup, "only group"), KeyHint(.back, "back"),
            KeyHint(.help, "help"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.models, group: "Models (a)", own: [
            KeyBinding([.char("x")], .model(.cancel), "", "cancel the selected model's fit (or take it out of the queue)"),
            KeyBinding([.char("d")], .model(.deferFit), "", "defer the selected model (it waits until r)"),
            KeyBinding([.char("r"), .enter], .model(.runAnyway), "", "run a deferred, cancelled or failed model anyway"),
        ], hints: [
            KeyHint(.down, "model", label: "↑↓"), KeyHint(.model(.cancel), "cancel"), KeyHint(.model(.deferFit), "defer"),
            KeyHint(.model(.runAnyway), "run anyway"), KeyHint(.back, "back"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.embeddingMap, group: "Embedding map (M)", own: [
            KeyBinding([.left, .char("h")], .map(.panLeft), "", "pan left"),
            KeyBinding([.right, .char("l")], .map(.panRight), "", "pan right"),
            KeyBinding([.up, .char("k")], .map(.panUp), "", "pan up"),
            KeyBinding([.down, .char("j")], .map(.panDown), "", "pan down"),
            KeyBinding([.char("+"), .char("=")], .map(.zoomIn), "", "zoom in"),
            KeyBinding([.char("-"), .char("_")], .map(.zoomOut), "", "zoom out"),
            KeyBinding([.char("0")], .map(.resetView), "", "whole map"),
            KeyBinding([.enter], .map(.nearest), "", "select the point nearest the centre"),
            KeyBinding([.tab], .map(.nextPoint), "", "next highlighted point"),
            KeyBinding([.backTab], .map(.previousPoint), "", "previous highlighted point"),
            KeyBinding([.char("c")], .map(.centre), "", "centre on the selected point"),
        ], hints: [
            KeyHint(.map(.panLeft), "pan", label: "←↑↓→"), KeyHint(.map(.zoomIn), "zoom", label: "+/-"),
            KeyHint(.map(.nearest), "nearest"), KeyHint(.map(.nextPoint), "next point"), KeyHint(.map(.centre), "centre"),
            KeyHint(.back, "back"), KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.replay, group: "Replay (R)", own: [
            KeyBinding([.left, .char("h")], .replayStep(.previous), "", "previous rating"),
            KeyBinding([.right, .char("l")], .replayStep(.next), "", "next rating"),
            KeyBinding([.home, .char("g")], .replayStep(.first), "", "before the first rating"),
            KeyBinding([.end, .char("G")], .replayStep(.last), "", "the last rating (now)"),
        ], hints: [
            KeyHint(.replayStep(.next), "step", label: "←→"), KeyHint(.replayStep(.first), "first"),
            KeyHint(.replayStep(.last), "last"), KeyHint(.nextTab, "algorithms", label: "[ ]"), KeyHint(.back, "back"),
            KeyHint(.quit, "quit"),
        ]),
        ScreenKeys(.evalLab, group: "Evaluation lab (v)", own: [
            KeyBinding([.up, .char("k")], .lab(.up), "", "previous setup row"),
            KeyBinding([.down, .char("j")], .lab(.down), "", "next setup row"),
            KeyBinding([.pageUp], .lab(.pageUp), "", "scroll the results up"),
            KeyBinding([.pageDown], .lab(.pageDown), "", "scroll the results down"),
            KeyBinding([.home, .char("g")], .lab(.first), "", "first setup row"),
            KeyBinding([.end, .char("G")], .lab(.last), "", "last setup row"),
            KeyBinding([.left, .char("h")], .lab(.left), "", "previous split (on the split row)"),
            KeyBinding([.right, .char("l")], .lab(.right), "", "next split (on the split row)"),
            KeyBinding([.char(" ")], .lab(.toggle), "", "choose / drop an algorithm or metric"),
            KeyBinding([.char("o")], .lab(.coldStart), "", "cold-start curve on/off"),
            KeyBinding([.char("s")], .lab(.grid), "", "parameter grid search on/off"),
            KeyBinding([.char("S")], .lab(.nextGrid), "", "next preset grid (when on)"),
            KeyBinding([.char("r"), .enter], .lab(.run), "", "run the evaluation"),
            KeyBinding([.escape], .lab(.cancel), "", "cancel a running evaluation"),
        ], hints: [
            KeyHint(.lab(.down), "move", label: "↑↓"), KeyHint(.lab(.toggle), "toggle"), KeyHint(.lab(.right), "split", label: "←→"),
            KeyHint(.lab(.run), "run"), KeyHint(.back, "back"), KeyHint(.quit, "quit"),
        ], busyHints: [
            KeyHint(.lab(.cancel), "cancel"), KeyHint(.compare, "compare"), KeyHint(.users, "users"), KeyHint(.quit, "quit"),
        ]),
    ]

    /// Help group of the lesson panel's keys.
    public static let lessonGroup = "Lesson panel (L; while it is open)"

    /// Keys of the lesson panel, checked before the screen's tables while it is open. `p` is the previous
    /// step there: the parameter panel stays one command away (`:params`).
    public static let lessonKeys: [KeyBinding] = [
        KeyBinding([.char("n")], .lesson(.next), lessonGroup, "next step (after the last: next lesson)"),
        KeyBinding([.char("p")], .lesson(.previous), lessonGroup, "previous step (parameter panel: :params)"),
        KeyBinding([.char("i")], .lesson(.hint), lessonGroup, "a hint for this step (again: the next hint)"),
        KeyBinding([.char("a")], .lesson(.answer), lessonGroup, "type your answer (Enter grades it, Esc cancels)"),
        KeyBinding([.char("?")], .lesson(.glossary), lessonGroup, "glossary of the lessons' terms (F1: this help)"),
    ]

    /// The lesson panel's action for `key`, or nil.
    public static func lessonAction(for key: Key) -> Action? {
        lessonKeys.first { $0.keys.contains(key) }?.action
    }

    /// The table of `screen`.
    public static func table(_ screen: Screen) -> ScreenKeys {
        screens.first { $0.screen == screen } ?? ScreenKeys(screen, hints: [])
    }

    /// The hint line of `screen` as (key label, text) pairs, resolved once (the view draws it every frame).
    public static func hints(_ screen: Screen, busy: Bool) -> [(key: String, text: String)] {
        (busy ? resolvedBusyHints[screen] : nil) ?? resolvedHints[screen] ?? []
    }

    /// Presenter mode's hint line on Explore: its keys are Explore's (Tab, Space, 1-5, ←→, P).
    public static let presenterHints: [KeyHint] = [
        KeyHint(.nextPane, "pane"), KeyHint(.pageDown, "reveal", label: "Space"), KeyHint(.rate(1), "rate", label: "1-5"),
        KeyHint(.nextTab, "algorithm", label: "←→"), KeyHint(.down, "move", label: "↑↓"), KeyHint(.togglePresenter, "leave"),
        KeyHint(.quit, "quit"),
    ]
    public static let presenterHintLine: [(key: String, text: String)] = resolve(table(.explore), presenterHints)

    private static func resolve(_ table: ScreenKeys, _ hints: [KeyHint]) -> [(key: String, text: String)] {
        hints.compactMap { h in table.label(of: h).map { ($0, h.text) } }
    }
    private static let resolvedHints: [Screen: [(key: String, text: String)]] =
        Dictionary(uniqueKeysWithValues: screens.map { ($0.screen, resolve($0, $0.hints)) })
    private static let resolvedBusyHints: [Screen: [(key: String, text: String)]] =
        Dictionary(uniqueKeysWithValues: screens.compactMap { t in t.busyHints.map { (t.screen, resolve(t, $0)) } })

    /// The screen's own action for `key`, or nil (then the shared table decides).
    public static func ownAction(for key: Key, on screen: Screen) -> Action? {
        table(screen).own.first { $0.keys.contains(key) }?.action
    }

    /// The shared table's action for `key` on `screen`, or nil.
    public static func action(for key: Key, on screen: Screen) -> Action? {
        bindings.first { $0.keys.contains(key) && $0.isActive(on: screen) }?.action
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

    /// Help text: for each group of the shared table, then each screen with keys of its own,
    /// one line per binding ("  ↑ k        move up").
    public static func helpLines() -> [(group: String, keys: String, help: String)] {
        var out: [(String, String, String)] = []
        for g in groups {
            for b in bindings where b.group == g {
                out.append((g, b.keys.map(name).joined(separator: " "), b.help))
            }
        }
        for table in screens {
            guard let g = table.group else { continue }
            for b in table.own { out.append((g, b.keys.map(name).joined(separator: " "), b.help)) }
        }
        for b in lessonKeys { out.append((lessonGroup, b.keys.map(name).joined(separator: " "), b.help)) }
        for (keys, help) in typing { out.append((typingGroup, keys, help)) }
        return out
    }

    /// Help group of the keys of the search and `:` lines.
    public static let typingGroup = "Typing (/ search, : command line)"

    /// Keys of the search and `:` lines (`TextInputState.handle` and `handleKey`'s text modes).
    public static let typing: [(keys: String, help: String)] = [
        ("Enter", "keep the search / run the command"),
        ("Esc", "cancel (the previous search stays)"),
        ("↑", "on an empty search: the last query"),
        ("↑ ↓ PgUp PgDn", "move in the catalog while searching"),
        ("Ctrl-U", "clear the line"),
        ("Ctrl-W", "delete the word before the cursor"),
        ("← → Home End", "move the cursor"),
    ]

    /// Commands of the `:` line, for Help (from the command table).
    public static var commands: [(String, String)] { ColonCommands.helpEntries }
}

import CNcursesw
import Foundation
import RecsysUI

/// Why the terminal could not be opened; `description` is the one-line message the CLI prints (exit status 2).
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    case stdinNotATerminal
    case stdoutNotATerminal
    case termNotSet
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .stdinNotATerminal:
            return "the explorer needs a terminal, but standard input is not one (use the non-interactive subcommands: info, recommend, …)"
        case .stdoutNotATerminal:
            return "the explorer needs a terminal, but standard output is not one"
        case .termNotSet:
            return "TERM is not set; set it to your terminal type (e.g. TERM=xterm-256color)"
        case .unknownTerminal(let t):
            return "unknown terminal type '\(t)' (TERM); try TERM=xterm-256color"
        }
    }

    /// Checks the preconditions of curses without touching the terminal.
    public static func check(stdinIsTTY: Bool, stdoutIsTTY: Bool, environment: [String: String]) -> TerminalError? {
        if !stdinIsTTY { return .stdinNotATerminal }
        if !stdoutIsTTY { return .stdoutNotATerminal }
        guard let term = environment["TERM"], !term.isEmpty else { return .termNotSet }
        if term == "dumb" || term == "unknown" { return .unknownTerminal(term) }
        return nil
    }
}

/// True while curses owns the terminal; read by the crash and exit handlers.
nonisolated(unsafe) private var cursesActive = false
/// The terminal modes before curses started, restored by the crash handler as a second line of defence.
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var haveSavedTermios = false
/// Signal actions that were installed before ours (the Swift runtime's backtracer, …), chained after restoring.
nonisolated(unsafe) private let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// Restores the terminal: `endwin` and the saved tty modes. Safe to call more than once.
private func restoreTerminalNow() {
    if cursesActive {
        cursesActive = false
        endwin()
    }
    if haveSavedTermios { tcsetattr(STDIN_FILENO, TCSANOW, &savedTermios) }
}

/// The crash handler: give the terminal back, then let the previous handler (or the default) run.
private func crashHandler(_ sig: Int32) {
    restoreTerminalNow()
    sigaction(sig, previousActions + Int(sig), nil)
    raise(sig)
}

/// The ncurses terminal: opens and restores it, reads input events and draws frames by diff.
///
/// Only this type touches curses. Everything it decides (key meaning, which
/// cells to draw, which colour pair) is delegated to pure helpers —
/// `KeyDecoder`, `MouseMasks`, `FrameDiff`, `ColorTable` — tested without a terminal.
public final class CursesTerminal {
    private var screen: OpaquePointer?
    private var previous: ScreenBuffer?
    private var colors: ColorTable
    private let decoder: KeyDecoder
    private let mouse: MouseMasks
    /// Current input timeout in ms (-1 = block), to avoid redundant `wtimeout` calls.
    private var currentTimeout: Int32 = -2

    /// Opens the terminal: locale, `newterm`, raw mode, keypad, mouse, colours, signal and exit hooks.
    ///
    /// - Throws: `TerminalError` when stdin/stdout is not a terminal or `TERM` is unset or unknown.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let e = TerminalError.check(stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1,
                                       environment: environment) {
            throw e
        }
        setlocale(LC_ALL, "")
        if tcgetattr(STDIN_FILENO, &savedTermios) == 0 { haveSavedTermios = true }
        let term = environment["TERM"]!
        guard let scr = recsys_newterm(term) else { throw TerminalError.unknownTerminal(term) }
        screen = scr
        set_term(scr)
        cursesActive = true
        CursesTerminal.installExitHooks()

        raw()
        noecho()
        nonl()
        keypad(recsys_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        leaveok(recsys_stdscr(), true)
        scrollok(recsys_stdscr(), false)

        mouse = .ncurses
        mousemask(mmask_t(mouse.wanted), nil)
        mouseinterval(0)

        var caps = ColorCapabilities(enabled: false, colors: 2, pairs: 1)
        if has_colors() && !ColorCapabilities.noColorRequested(environment: environment) {
            start_color()
            use_default_colors()
            caps = ColorCapabilities(enabled: true, colors: Int(recsys_colors()),
                                     pairs: min(Int(recsys_color_pairs()), Int(Int16.max)))
        }
        colors = ColorTable(capabilities: caps)
        decoder = KeyDecoder(codes: .ncurses)
    }

    deinit { close() }

    /// The colour capabilities in force (monochrome when `NO_COLOR` is set or the terminal has none).
    public var colorCapabilities: ColorCapabilities { colors.capabilities }

    /// The terminal size in cells.
    public var size: (width: Int, height: Int) {
        (Int(recsys_getmaxx(recsys_stdscr())), Int(recsys_getmaxy(recsys_stdscr())))
    }

    /// Gives the terminal back (endwin). Idempotent.
    public func close() {
        guard screen != nil else { return }
        restoreTerminalNow()
        if let s = screen { delscreen(s) }
        screen = nil
    }

    // MARK: Input

    private func setTimeout(_ ms: Int32) {
        if ms != currentTimeout {
            wtimeout(recsys_stdscr(), ms)
            currentTimeout = ms
        }
    }

    /// A read handed back by the decoder; returned by the next `readRaw`.
    private var unreadRaw: RawInput?

    private func readRaw() -> RawInput? {
        if let r = unreadRaw {
            unreadRaw = nil
            return r
        }
        var wch: wint_t = 0
        let rc = wget_wch(recsys_stdscr(), &wch)
        if rc == recsys_KEY_CODE_YES { return .keyCode(Int32(bitPattern: UInt32(wch))) }
        if rc == recsys_OK { return .character(UInt32(wch)) }
        return nil
    }

    /// Waits up to `timeoutMs` (0 = only what is already waiting) for one input event.
    ///
    /// Returns nil on timeout. Unknown keys and Alt-chords are consumed and skipped.
    public func readEvent(timeoutMs: Int) -> InputEvent? {
        setTimeout(Int32(max(0, timeoutMs)))
        guard let first = readRaw() else { return nil }
        let decoded = decoder.decode(first, next: {
            setTimeout(0)
            return readRaw()
        }, unread: { unreadRaw = $0 })
        switch decoded {
        case .key(let k): return .key(k)
        case .ignored: return nil
        case .resize:
            previous = nil
            clearok(recsys_curscr(), true)
            let s = size
            return .resize(width: s.width, height: s.height)
        case .mouse:
            var x: Int32 = 0, y: Int32 = 0
            var state: mmask_t = 0
            guard recsys_getmouse(&x, &y, &state) == recsys_OK else { return nil }
            return mouse.decode(x: Int(x), y: Int(y), state: UInt(state)).map { .mouse($0) }
        }
    }

    // MARK: Output

    /// Draws `frame`, sending only the cells that differ from the previous frame.
    ///
    /// - Returns: the number of runs drawn (0 when nothing changed).
    @discardableResult
    public func draw(_ frame: ScreenBuffer) -> Int {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let next = FrameDiff.sanitized(frame)
        let runs = FrameDiff.runs(from: previous, to: next)
        let t1 = DispatchTime.now().uptimeNanoseconds
        lastDiffMs = Double(t1 - t0) / 1e6
        defer { lastOutputMs = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e6 }
        if previous == nil { werase(recsys_stdscr()) }
        let win = recsys_stdscr()
        for run in runs {
            let a = colors.attributes(for: run.style)
            for p in colors.takePendingInits() { init_pair(Int16(p.pair), Int16(p.fg), Int16(p.bg)) }
            var attr = recsys_A_NORMAL
            if a.bold { attr |= recsys_A_BOLD }
            if a.reverse { attr |= recsys_A_REVERSE }
            if a.underline { attr |= recsys_A_UNDERLINE }
            if a.dim { attr |= recsys_A_DIM }
            wattr_set(win, attr, Int16(a.pair), nil)
            var wide = run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            _ = mvwaddnwstr(win, Int32(run.y), Int32(run.x), wide, Int32(wide.count - 1))
        }
        wattr_set(win, recsys_A_NORMAL, 0, nil)
        previous = next
        if !runs.isEmpty {
            wnoutrefresh(win)
            doupdate()
        }
        return runs.count
    }

    /// Time the last `draw` spent sanitising and diffing (ms).
    public private(set) var lastDiffMs = 0.0
    /// Time the last `draw` spent in curses: cell updates and `doupdate` writing to the terminal (ms).
    public private(set) var lastOutputMs = 0.0

    /// Forgets the previous frame so the next `draw` repaints everything (after Ctrl-L, a resize).
    public func invalidate() {
        previous = nil
        clearok(recsys_curscr(), true)
    }

    // MARK: Exit and crash hooks

    nonisolated(unsafe) private static var hooksInstalled = false

    /// `atexit` and crash-signal handlers that give the terminal back however the process ends.
    private static func installExitHooks() {
        guard !hooksInstalled else { return }
        hooksInstalled = true
        atexit { restoreTerminalNow() }
        for sig in [SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP] {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = { crashHandler($0) }
            #else
            action.__sigaction_u.__sa_handler = { crashHandler($0) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previousActions + Int(sig))
        }
    }
}

extension CursesKeyCodes {
    /// The key codes of the linked ncurses (constants; no terminal needed).
    public static var ncurses: CursesKeyCodes {
        CursesKeyCodes(
            up: recsys_KEY_UP, down: recsys_KEY_DOWN, left: recsys_KEY_LEFT, right: recsys_KEY_RIGHT,
            home: recsys_KEY_HOME, end: recsys_KEY_END, pageDown: recsys_KEY_NPAGE, pageUp: recsys_KEY_PPAGE,
            backspace: recsys_KEY_BACKSPACE, delete: recsys_KEY_DC, enter: recsys_KEY_ENTER, backTab: recsys_KEY_BTAB,
            resize: recsys_KEY_RESIZE, mouse: recsys_KEY_MOUSE, f0: recsys_KEY_F0, shiftHome: recsys_KEY_SHOME,
            shiftEnd: recsys_KEY_SEND, scrollForward: recsys_KEY_SF, scrollBackward: recsys_KEY_SR,
            a1: recsys_KEY_A1, a3: recsys_KEY_A3, b2: recsys_KEY_B2, c1: recsys_KEY_C1, c3: recsys_KEY_C3)
    }
}

extension MouseMasks {
    /// The mouse masks of the linked ncurses.
    public static var ncurses: MouseMasks {
        MouseMasks(button1Pressed: UInt(recsys_BUTTON1_PRESSED), button1Clicked: UInt(recsys_BUTTON1_CLICKED),
                   button1DoubleClicked: UInt(recsys_BUTTON1_DOUBLE_CLICKED),
                   wheelUp: UInt(recsys_BUTTON4_PRESSED), wheelDown: UInt(recsys_BUTTON5_PRESSED))
    }
}

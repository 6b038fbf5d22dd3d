import ArgumentParser
import Dispatch
import Foundation
import RecsysEngine
import RecsysRuntime
import RecsysStore
import RecsysTerminal
import RecsysUI

/// The interactive explorer (default subcommand).
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the interactive explorer (the default).")

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var modelOptions: SavedModelOptions

    @Option(help: ArgumentHelp(
        "The profile to rate with (default: this dataset's own 'default'; a new name is created and bound to the dataset).",
        valueName: "name"))
    var profile: String = DatasetProfiles.defaultName

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @OptionGroup var store: StoreOptions

    @Flag(help: ArgumentHelp("Presenter mode for a projector: one big pane at a time (Tab), big-type heading, "
        + "high contrast, a caption of the last key; P toggles it."))
    var presenter = false

    @Flag(help: .hidden)
    var keyEcho = false

    func run() throws {
        let start = DispatchTime.now()
        if keyEcho { return try runKeyEcho(start: start) }
        // Check for a terminal before loading anything: a clear error, fast.
        let env = ProcessInfo.processInfo.environment
        if let e = TerminalError.check(stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1,
                                       environment: env) {
            throw e
        }
        func ms(since t: DispatchTime) -> String {
            String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e6)
        }
        var phases: [String] = []
        var t = DispatchTime.now()
        let ds = try dataOptions.load()
        // A saved model is checked (fingerprint, format) before the terminal opens: one line, exit 2.
        let saved = try modelOptions.model.map { path in try ModelFiles.load(from: path, dataset: ds) }
        // The sample's synthetic users come with their true tastes (Users screen, `t`); read before the terminal opens.
        let tastesPath = (dataOptions.path as NSString).appendingPathComponent("tastes.csv")
        let tastes = FileManager.default.fileExists(atPath: tastesPath) ? try KnownTaste.read(path: tastesPath) : [:]
        phases.append("load_ms=\(ms(since: t))")
        t = DispatchTime.now()
        let opened = try openDatasetProfiles(store: store, dataset: ds, profile: profile)
        let profiles = opened.profiles

        phases.append("store_ms=\(ms(since: t))")
        t = DispatchTime.now()
        let terminal = try ExploreCommand.openTerminal()
        phases.append("terminal_ms=\(ms(since: t))")
        t = DispatchTime.now()
        let size = terminal.size
        var state = AppState(dataset: ds, profileName: profile, storedRatings: opened.ratings, seed: seed,
                             width: size.width, height: size.height, colour: terminal.colorCapabilities.enabled)
        state.status = StatusMessage(opened.notice)
        // Formulas use Unicode math (Σ, ·, subscripts) only when the locale is UTF-8, as ncurses does.
        state.unicode = FormulaText.unicodeLocale(ProcessInfo.processInfo.environment)
        if presenter { state.enterPresenter() }
        state.profileTag = opened.tag
        if let saved { state.prefitted[saved.name] = saved }
        state.knownTastes = tastes
        state.profile.attributes = (try? profiles.demographics(profile: profile)) ?? UserAttributes()
        phases.append("state_ms=\(ms(since: t))")
        // The app's wiring: the UI core's effects run on the explorer's queues (store writes on one serial queue),
        // into the profile store seen from this dataset.
        let effects = ExploreEffects(store: profiles)
        let program = TerminalProgram<AppState, Message, Effect>(
            state: state,
            update: { state, message in RecsysUI.update(&state, message) },
            view: { RecsysUI.view($0) },
            message: { .input($0) },
            schedule: { effect, context in
                effects.schedule(effect, post: { context.post($0, coalescingKey: $1) }, quit: context.requestQuit)
            },
            isFinished: { $0.shouldQuit },
            started: .started,
            tick: .tick)
        let loop = RunLoop(terminal: terminal, program: program, startTime: start)
        let exit = loop.run()
        terminal.close()
        effects.finish()  // every rating written before the process ends
        ExploreCommand.writeFrameStats(loop.stats, phases: phases)
        if exit != .finished { throw ExitCode(exit.exitStatus) }
    }

    /// Opens the terminal; a `TerminalError` (not a terminal, unknown TERM) becomes one line and exit 2.
    static func openTerminal() throws -> CursesTerminal {
        try CursesTerminal()
    }

    /// Writes the frame timings to `$RECSYS_TUI_FRAME_STATS` when set (benchmarks and the end-to-end test).
    static func writeFrameStats(_ stats: FrameStats, phases: [String] = []) {
        guard let path = ProcessInfo.processInfo.environment["RECSYS_TUI_FRAME_STATS"], !path.isEmpty else { return }
        try? ([stats.summary] + phases).joined(separator: " ").appending("\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: Key echo (a terminal diagnostic used by the end-to-end test)

    /// Shows every decoded input event; `q` quits. Exercises the whole backend without the engine.
    func runKeyEcho(start: DispatchTime) throws {
        let terminal = try ExploreCommand.openTerminal()
        struct EchoState {
            var width = 0, height = 0
            var events: [String] = []
            var ticks = 0
            var quit = false
        }
        enum EchoMessage: Sendable { case input(InputEvent), tick(Int) }
        enum EchoEffect { case startTicker }
        let program = TerminalProgram<EchoState, EchoMessage, EchoEffect>(
            state: EchoState(),
            update: { state, message in
                switch message {
                case .input(.resize(let w, let h)):
                    let first = state.width == 0
                    state.width = w
                    state.height = h
                    state.events.append("resize \(w)x\(h)")
                    return first ? [.startTicker] : []
                case .input(.key(.char("q"))):
                    state.quit = true
                case .input(let e):
                    state.events.append("\(e)")
                case .tick(let n):
                    state.ticks = n
                }
                return []
            },
            view: { state in
                var b = ScreenBuffer(width: state.width, height: state.height)
                b.write("key echo — q quits — 漢字テスト ok", x: 0, y: 0,
                        style: Style(foreground: .brightYellow, bold: true))
                b.write("background ticks: \(state.ticks)", x: 0, y: 1, style: Style(foreground: .cyan))
                let shown = state.events.suffix(max(0, state.height - 3))
                for (k, e) in shown.enumerated() { b.write("event: \(e)", x: 0, y: 3 + k) }
                return b
            },
            message: { .input($0) },
            schedule: { effect, context in
                switch effect {
                case .startTicker:
                    DispatchQueue.global().async {
                        for n in 1...20 {
                            Thread.sleep(forTimeInterval: 0.05)
                            context.post(.tick(n), coalescingKey: "tick")
                        }
                    }
                }
            },
            isFinished: { $0.quit })
        let loop = RunLoop(terminal: terminal, program: program, startTime: start)
        let exit = loop.run()
        terminal.close()
        ExploreCommand.writeFrameStats(loop.stats)
        if exit != .finished { throw ExitCode(exit.exitStatus) }
    }
}

import ArgumentParser
import Dispatch
import Foundation
import RecsysEngine
import RecsysLessons
import RecsysRuntime
import RecsysStore
import RecsysTerminal
import RecsysUI

/// The interactive explorer (default subcommand).
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the interactive explorer (the default).")

    @OptionGroup var options: ExplorerOptions

    @Flag(help: .hidden)
    var keyEcho = false

    func run() throws {
        if keyEcho { return try runKeyEcho(start: DispatchTime.now()) }
        try options.runExplorer(learn: nil)
    }
}

/// The explorer's options, shared by `explore` and `learn` (both embed them with `@OptionGroup`, so the
/// flags and their help are the same in both).
struct ExplorerOptions: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var modelOptions: SavedModelOptions

    @OptionGroup var memoryOptions: MemoryOptions

    @Option(help: ArgumentHelp(
        "The profile to rate with (default: this dataset's own 'default'; a new name is created and bound to the dataset).",
        valueName: "name"))
    var profile: String = DatasetProfiles.defaultName

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp(
        "Seconds a model's estimated fit may take before it is deferred at start (the models panel, a, runs it anyway).",
        valueName: "seconds"))
    var fitBudget: Double = 600

    @OptionGroup var store: StoreOptions

    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: ArgumentHelp("Comma-separated algorithms to fit and show (default: all).", valueName: "list"))
    var algorithms: String?

    @Option(name: .customLong("class"), help: ArgumentHelp(
        "Class mode: every other profile of the database (bare --class) or of a folder of 'profile export' files (--class DIR) joins as users named by profile; polled about once a second.",
        valueName: "dir"))
    var classFolder: String?

    /// What a bare `--class` stands for (`RecsysTUI.normalisedArguments`): the profile database.
    static let classDatabase = ":db"

    @Flag(help: ArgumentHelp("Presenter mode for a projector: one big pane at a time (Tab), big-type heading, "
        + "high contrast, a caption of the last key; P toggles it."))
    var presenter = false

    /// Quits once every model is ready or failed (benchmarks: Tests/Bench/second-start.sh).
    @Flag(help: .hidden)
    var exitWhenReady = false

    func validate() throws {
        guard fitBudget > 0 else { throw ValidationError("--fit-budget must be a positive number of seconds") }
        for a in chosenAlgorithms where Algorithms.type(named: a) == nil {
            throw ValidationError("unknown algorithm '\(a)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
    }

    var chosenAlgorithms: [String] {
        algorithms.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? Algorithms.names
    }

    /// Runs the explorer; with `learn`, the lesson panel opens on its lesson (or the one to resume)
    /// and its folder's lessons replace the built-in course.
    func runExplorer(learn: LearnOptions?) throws {
        let start = DispatchTime.now()
        memoryOptions.apply()
        // Lessons first (a malformed file is one line naming file:line, exit 2, terminal or not).
        let course = try LearnOptions.course(learn?.lessons)
        if let n = learn?.lesson, !course.lessons.contains(where: { $0.number == n }) {
            throw CommandError("no lesson \(n) (lessons: \(course.lessons.map { String($0.number) }.joined(separator: ", ")))")
        }
        // Check for a terminal before loading anything else: a clear error, fast.
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
        let loaded = try dataOptions.load(cache: cacheOptions.location)
        let ds = loaded.dataset
        let modelCache = cacheOptions.location.map { ModelCache(location: $0, dataset: ds, fingerprint: loaded.fingerprint) }
        // A saved model is checked (fingerprint, format) before the terminal opens: one line, exit 2.
        let saved = try modelOptions.model.map { path in try ModelFiles.load(from: path, dataset: ds) }
        // The sample's synthetic users come with their true tastes (Users screen, `t`); read before the terminal opens.
        let tastesPath = (dataOptions.path as NSString).appendingPathComponent("tastes.csv")
        let tastes = FileManager.default.fileExists(atPath: tastesPath) ? try KnownTaste.read(path: tastesPath) : [:]
        phases.append("load_ms=\(ms(since: t))")
        // CPU time beside the wall clock: on a loaded machine the wall clock mostly measures waiting.
        phases.append(String(format: "load_cpu_ms=%.1f", ExploreCommand.cpuMillis()))
        phases.append("dataset=\(cacheOptions.noCache ? "files (no cache)" : loaded.fromImage ? "image" : "files")")
        t = DispatchTime.now()
        let opened = try openDatasetProfiles(store: store, dataset: ds, profile: profile)
        let profiles = opened.profiles
        // Class mode: the class is read once before the terminal opens (a missing folder is one line, exit 2);
        // the explorer then polls it. Without --class, `:class on` reads the database's profiles.
        let classSource: any ClassSource = classFolder.flatMap { $0 == Self.classDatabase ? nil : FolderClass(folder: $0) }
            ?? StoreClass(store: profiles.store, dataset: profiles.dataset)
        let firstClass = try classFolder.map { _ in try ClassPoll(me: profile, known: nil, base: ds).run(classSource) }

        phases.append("store_ms=\(ms(since: t))")
        t = DispatchTime.now()
        let terminal = try ExploreCommand.openTerminal()
        phases.append("terminal_ms=\(ms(since: t))")
        t = DispatchTime.now()
        let size = terminal.size
        var state = AppState(dataset: ds, profileName: profile, storedRatings: opened.ratings,
                             algorithms: chosenAlgorithms, seed: seed,
                             width: size.width, height: size.height, colour: terminal.colorCapabilities.enabled)
        state.status = StatusMessage([opened.notice, loaded.notice].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: " · "))
        state.modelCache = modelCache
        // Formulas use Unicode math (Σ, ·, subscripts) only when the locale is UTF-8, as ncurses does.
        state.unicode = FormulaText.unicodeLocale(ProcessInfo.processInfo.environment)
        if presenter { state.enterPresenter() }
        state.profileTag = opened.tag
        if let saved { state.prefitted[saved.name] = saved }
        state.fitPlan.budget = fitBudget
        state.fitPlan.cores = ProcessInfo.processInfo.activeProcessorCount
        state.knownTastes = tastes
        state.profile.attributes = (try? profiles.demographics(profile: profile)) ?? UserAttributes()
        if let update = firstClass ?? nil {
            state.classMode.on = true
            state.classMode.base = ds
            state.classMode.fingerprint = update.fingerprint
            state.classMode.label = update.label
            state.classMode.ticksSinceChange = 0
            state.classMode.problems = update.problems
            state.dataset = update.dataset
            let n = update.dataset.roster.count
            state.status = StatusMessage("class: \(n) classmate\(n == 1 ? "" : "s") from \(update.label)"
                                         + (update.problems.isEmpty ? "" : " · skipped \(update.problems.count): " + update.problems[0]),
                                         isError: !update.problems.isEmpty)
            for p in update.problems { FileHandle.standardError.write(Data(("recsys-tui: skipped " + p + "\n").utf8)) }
        }
        state.lessons.library = course.lessons
        state.lessons.glossary = course.glossary
        state.lessons.clock = { Int64(Date().timeIntervalSince1970) }
        let progress = (try? profiles.lessonProgress(profile: profile)) ?? []
        state.lessons.progress = Dictionary(progress.map { ($0.lesson, $0) }, uniquingKeysWith: { a, _ in a })
        if let learn {
            _ = state.openLesson(number: learn.lesson)
            if let l = state.lessons.lesson {
                state.status = StatusMessage("lesson \(l.number): \(l.title) · n next step · ? glossary · L hides the panel")
            }
        }
        phases.append("state_ms=\(ms(since: t))")
        phases.append(String(format: "start_cpu_ms=%.1f", ExploreCommand.cpuMillis()))
        // The app's wiring: the UI core's effects run on the explorer's queues (store writes on one serial queue),
        // into the profile store seen from this dataset.
        let history: @Sendable (String) throws -> [RatingEvent] = { name in
            try profiles.store.ratingHistory(id: try profiles.resolve(name))
        }
        let effects = ExploreEffects(store: profiles, classSource: classSource, history: history)
        // A dataset parsed from its files is saved as an image for the next start, off the UI thread;
        // the fingerprint it needs is the model cache's (computed once, shared with the fits).
        if let storeImage = loaded.storeImage, let modelCache {
            DispatchQueue.global(qos: .utility).async { storeImage(modelCache.fingerprint) }
        }
        let exitWhenReady = self.exitWhenReady
        let timeline = ExploreTimeline(start: start)
        let program = TerminalProgram<AppState, Message, Effect>(
            state: state,
            update: { state, message in
                timeline.observe(message)
                var out = RecsysUI.update(&state, message)
                if timeline.checkAllReady(state), exitWhenReady { out.append(.quit) }
                return out
            },
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
        ExploreCommand.writeFrameStats(loop.stats, phases: phases + timeline.fields())
        if exit != .finished { throw ExitCode(exit.exitStatus) }
    }

}

extension ExploreCommand {
    /// CPU time (user + system) of the whole process so far, in ms (getrusage).
    static func cpuMillis() -> Double {
        var u = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &u) == 0 else { return 0 }
        #else
        guard getrusage(RUSAGE_SELF, &u) == 0 else { return 0 }
        #endif
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(u.ru_utime) + ms(u.ru_stime)
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

import Dispatch
import Foundation
import RecsysUI

/// What effect handlers may do besides returning messages: post later results
/// from any thread, or end the loop.
public final class EffectContext<Message: Sendable>: @unchecked Sendable {
    /// Background results come back through here and are applied by the loop.
    public let mailbox: Mailbox<Message>
    private let lock = NSLock()
    private var quit = false

    public init(mailbox: Mailbox<Message>) { self.mailbox = mailbox }

    /// Posts a message from any thread; the loop applies it within one input timeout.
    public func post(_ message: Message, coalescingKey: String? = nil) {
        mailbox.post(message, coalescingKey: coalescingKey)
    }

    /// Ends the loop after the current message.
    public func requestQuit() {
        lock.lock(); quit = true; lock.unlock()
    }

    public var quitRequested: Bool {
        lock.lock(); defer { lock.unlock() }
        return quit
    }
}

/// The Elm-style program the loop runs: state, update, view, and an effect scheduler.
///
/// - `update(&state, message)` is pure and returns effects (values).
/// - `schedule(effect, context)` hands an effect to the program's runtime, which
///   runs it wherever it belongs (a background queue, a serial store queue) and
///   posts its result messages through `context.post`, or ends the loop with
///   `context.requestQuit()`. The loop itself never runs an effect's work and
///   knows no queue names.
public struct TerminalProgram<State, Message: Sendable, Effect> {
    public var state: State
    public var update: (inout State, Message) -> [Effect]
    public var view: (State) -> ScreenBuffer
    /// Maps an input event to a message (nil: ignore it).
    public var message: (InputEvent) -> Message?
    public var schedule: (Effect, EffectContext<Message>) -> Void
    /// True when the state says the program is done (the user pressed q).
    public var isFinished: (State) -> Bool
    /// Dispatched once, right after the first frame is on screen (starts slow work without delaying it).
    public var started: Message?
    /// Dispatched about once a second (clears old status lines, animates progress).
    public var tick: Message?

    public init(state: State, update: @escaping (inout State, Message) -> [Effect],
                view: @escaping (State) -> ScreenBuffer, message: @escaping (InputEvent) -> Message?,
                schedule: @escaping (Effect, EffectContext<Message>) -> Void,
                isFinished: @escaping (State) -> Bool, started: Message? = nil, tick: Message? = nil) {
        self.state = state
        self.update = update
        self.view = view
        self.message = message
        self.schedule = schedule
        self.isFinished = isFinished
        self.started = started
        self.tick = tick
    }
}

/// Timings of rendered frames: `view` (state → buffer), `diff` (sanitise + diff against the
/// previous frame) and `draw` (diff + curses calls + `doupdate` writing to the terminal).
///
/// Frames that answer a key are also timed on their own: `keyCPU` is update + view + diff
/// (the work the program does per key, independent of the terminal), `keyTotal` adds the
/// curses output (until `doupdate` returns).
public struct FrameStats: Sendable, Equatable {
    public var frames = 0
    public var lastViewMs = 0.0, lastDrawMs = 0.0
    public var maxViewMs = 0.0, maxDrawMs = 0.0, maxDiffMs = 0.0
    public var totalViewMs = 0.0, totalDrawMs = 0.0, totalDiffMs = 0.0
    /// Milliseconds from `RunLoop.startTime` to the first frame on screen.
    public var firstFrameMs: Double?
    /// Per key frame: update + view + diff (ms).
    public var keyCPUMs: [Double] = []
    /// Per key frame: from reading the key to the frame drawn (ms).
    public var keyTotalMs: [Double] = []

    public init() {}

    public mutating func record(viewMs: Double, diffMs: Double, drawMs: Double) {
        frames += 1
        maxDiffMs = max(maxDiffMs, diffMs)
        totalDiffMs += diffMs
        lastViewMs = viewMs
        lastDrawMs = drawMs
        maxViewMs = max(maxViewMs, viewMs)
        maxDrawMs = max(maxDrawMs, drawMs)
        totalViewMs += viewMs
        totalDrawMs += drawMs
    }

    /// The `p`-quantile (0…1) of `values` by nearest rank; 0 when empty.
    public static func quantile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// One line for logs: frame count, first frame, average/maximum view, diff and draw times,
    /// and the median / 95th / 99th percentile / maximum of the per-key times, in ms.
    public var summary: String {
        let n = Double(max(frames, 1))
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func q(_ name: String, _ v: [Double]) -> String {
            "\(name)_p50_ms=\(f(FrameStats.quantile(v, 0.5))) \(name)_p95_ms=\(f(FrameStats.quantile(v, 0.95))) "
                + "\(name)_max_ms=\(f(v.max() ?? 0)) \(name)_p99_ms=\(f(FrameStats.quantile(v, 0.99)))"
        }
        return "frames=\(frames) first_frame_ms=\(firstFrameMs.map(f) ?? "-") view_avg_ms=\(f(totalViewMs / n)) "
            + "view_max_ms=\(f(maxViewMs)) diff_avg_ms=\(f(totalDiffMs / n)) diff_max_ms=\(f(maxDiffMs)) "
            + "draw_avg_ms=\(f(totalDrawMs / n)) draw_max_ms=\(f(maxDrawMs)) key_frames=\(keyCPUMs.count) "
            + q("key_cpu", keyCPUMs) + " " + q("key_total", keyTotalMs)
    }
}

/// How the loop ended.
public enum RunLoopExit: Sendable, Equatable {
    /// The program finished (q) or an effect requested quit.
    case finished
    /// Ctrl-C.
    case interrupted
    /// SIGINT, SIGTERM or SIGHUP.
    case signal(Int32)

    /// The conventional process exit status: 0, or 128 + signal.
    public var exitStatus: Int32 {
        switch self {
        case .finished: return 0
        case .interrupted: return 130
        case .signal(let s): return 128 + s
        }
    }
}

/// The run loop: input → message → update → effects → view → diff → draw.
///
/// Input is polled with a 30 ms timeout, so background results (posted to the
/// mailbox) and termination signals are noticed within 30 ms while typing never
/// waits on the engine. Keys that arrived together are applied before one
/// redraw (key repeat cannot fall behind). Ctrl-C, SIGINT, SIGTERM and SIGHUP
/// end the loop; the caller then closes the terminal. Ctrl-L repaints everything.
public final class RunLoop<State, Message: Sendable, Effect> {
    public private(set) var program: TerminalProgram<State, Message, Effect>
    public let context: EffectContext<Message>
    public private(set) var stats = FrameStats()
    /// When the process (or the command) started, for `stats.firstFrameMs`.
    public var startTime: DispatchTime
    /// Input poll timeout in ms.
    public var pollMs = 30

    private let terminal: CursesTerminal
    private let signals = Mailbox<Int32>()
    private var signalSources: [DispatchSourceSignal] = []

    public init(terminal: CursesTerminal, program: TerminalProgram<State, Message, Effect>,
                startTime: DispatchTime = .now()) {
        self.terminal = terminal
        self.program = program
        self.context = EffectContext(mailbox: Mailbox())
        self.startTime = startTime
    }

    /// The current state (for tests and for the caller after the loop ends).
    public var state: State { program.state }

    /// Applies a message and hands its effects to the program's scheduler.
    public func dispatch(_ message: Message) {
        for e in program.update(&program.state, message) { program.schedule(e, context) }
    }

    private func handle(_ event: InputEvent) -> RunLoopExit? {
        if event == .key(.ctrl("c")) { return .interrupted }
        if event == .key(.ctrl("l")) {
            // Ctrl-L repaints the whole screen (after another program scribbled on it).
            terminal.invalidate()
            return nil
        }
        if let m = program.message(event) { dispatch(m) }
        return nil
    }

    /// Renders the state and draws the difference. `keyReadAt` (uptime ns) marks a frame
    /// that answers a key, and `updateNs` the time its messages took in `update` and effects.
    public func render(keyReadAt: UInt64? = nil, updateNs: UInt64 = 0) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        var frame = program.view(program.state)
        let (w, h) = terminal.size
        if frame.width != w || frame.height != h {
            var fitted = ScreenBuffer(width: w, height: h)
            for y in 0..<min(h, frame.height) {
                for x in 0..<min(w, frame.width) { fitted[x, y] = frame[x, y] }
            }
            frame = fitted
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        terminal.draw(frame)
        let t2 = DispatchTime.now().uptimeNanoseconds
        stats.record(viewMs: Double(t1 - t0) / 1e6, diffMs: terminal.lastDiffMs, drawMs: Double(t2 - t1) / 1e6)
        if let k = keyReadAt {
            stats.keyCPUMs.append(Double(updateNs) / 1e6 + Double(t1 - t0) / 1e6 + terminal.lastDiffMs)
            stats.keyTotalMs.append(Double(t2 - k) / 1e6)
        }
        if stats.firstFrameMs == nil {
            stats.firstFrameMs = Double(t2 - startTime.uptimeNanoseconds) / 1e6
        }
    }

    private func watchSignals() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let box = signals
            source.setEventHandler { box.post(sig) }
            source.resume()
            signalSources.append(source)
        }
    }

    private func unwatchSignals() {
        for s in signalSources { s.cancel() }
        signalSources = []
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }

    /// Runs until the program finishes, Ctrl-C, or a termination signal.
    public func run() -> RunLoopExit {
        watchSignals()
        defer { unwatchSignals() }
        let s = terminal.size
        if let m = program.message(.resize(width: s.width, height: s.height)) { dispatch(m) }
        render()
        if let m = program.started {
            dispatch(m)
            render()
        }
        var lastTick = DispatchTime.now().uptimeNanoseconds
        while true {
            if context.quitRequested || program.isFinished(program.state) { return .finished }
            if let sig = signals.drain().first { return .signal(sig) }
            var changed = false
            if let m = program.tick, DispatchTime.now().uptimeNanoseconds - lastTick >= 1_000_000_000 {
                lastTick = DispatchTime.now().uptimeNanoseconds
                dispatch(m)
                changed = true
            }
            var keyReadAt: UInt64? = nil
            var updateNs: UInt64 = 0
            if let event = terminal.readEvent(timeoutMs: pollMs) {
                let readAt = DispatchTime.now().uptimeNanoseconds
                if case .key = event { keyReadAt = readAt }
                if let exit = handle(event) { return exit }
                changed = true
                // Apply keys that are already waiting before drawing once.
                var extra = 0
                while extra < 256, let more = terminal.readEvent(timeoutMs: 0) {
                    if let exit = handle(more) { return exit }
                    extra += 1
                    if context.quitRequested || program.isFinished(program.state) { return .finished }
                }
                updateNs = DispatchTime.now().uptimeNanoseconds - readAt
            }
            let posted = context.mailbox.drain()
            for m in posted { dispatch(m) }
            if !posted.isEmpty { changed = true }
            if changed && !(context.quitRequested || program.isFinished(program.state)) {
                render(keyReadAt: keyReadAt, updateNs: updateNs)
            }
        }
    }
}

import RecsysEngine

// Class mode (`--class`, `:class on|off`): the other learners of a shared profile database (or a
// folder of exported profiles) join the dataset as users named by profile. The runtime polls the
// class about once a second (`Effect.pollClass`, answered by `.classPolled`); a change swaps the
// dataset and refits every model in the background, one refit at a time (a change that arrives
// during a refit is applied and refitted once that refit ends). Models keep serving meanwhile.

/// The explorer's class mode.
public struct ClassModeState: Sendable {
    public var on = false
    /// "the class of profiles.sqlite", "the class in ./class".
    public var label = ""
    /// The dataset without classmates (kept while class mode is on, to rebuild from and to go back to).
    public var base: Dataset?
    /// The fingerprint of the class data in `dataset` (nil: not read yet).
    public var fingerprint: String?
    /// A poll is in flight (at most one).
    public var polling = false
    /// Algorithms whose refit for the class has not finished yet.
    public var refitting: Set<String> = []
    /// The class changed during a refit: fit again when it ends.
    public var pendingRefit = false
    /// The fit in flight is a class refit: the lists are recomputed once when its last model
    /// arrives, not after each one (fourteen recomputes would take the CPU from the keys).
    public var quietRound = false
    /// Ticks (about seconds) since the class data last changed; nil before the first read.
    public var ticksSinceChange: Int?
    /// One line per file or profile skipped (a bad file in a class folder).
    public var problems: [String] = []
    /// Class-wide personalization and overlap per algorithm for the Compare screen.
    public var compare: ClassCompare?
    /// The generation a class row was last asked for (one request per generation).
    public var compareAsked: Int?

    public init() {}
}

/// What the runtime asks the class source for: has anything changed since `known`? If so, the
/// class is read and added to `base`.
public struct ClassPoll: Sendable {
    /// The learner's own profile (never a classmate).
    public var me: String
    /// The fingerprint already applied (nil: read in any case).
    public var known: String?
    /// The dataset without classmates.
    public var base: Dataset

    public init(me: String, known: String?, base: Dataset) {
        self.me = me
        self.known = known
        self.base = base
    }

    /// Runs the poll against `source`: nil when nothing changed. Complexity: one fingerprint read,
    /// and on a change one read of the class plus `Dataset.withClass`.
    public func run(_ source: any ClassSource) throws -> ClassUpdate? {
        let fingerprint = try source.fingerprint(excluding: me)
        if fingerprint == known { return nil }
        let snapshot = try source.load(excluding: me)
        return ClassUpdate(fingerprint: snapshot.fingerprint, dataset: base.withClass(snapshot.members),
                           problems: snapshot.problems, label: source.label)
    }
}

/// A changed class: the dataset with the classmates, and the lines of what was skipped.
public struct ClassUpdate: Sendable {
    public var fingerprint: String
    public var dataset: Dataset
    public var problems: [String]
    public var label: String

    public init(fingerprint: String, dataset: Dataset, problems: [String], label: String) {
        self.fingerprint = fingerprint
        self.dataset = dataset
        self.problems = problems
        self.label = label
    }
}

extension AppState {
    /// The user shown on row `row` of the Users screen (ungrouped): the classmates first, then the dataset's users.
    public func userOnRow(_ row: Int) -> Int32 {
        UsersState().user(atRow: row, in: dataset) ?? Int32(row)
    }

    /// How the Users screen names a user: a classmate's profile name, else "user 42".
    public func userLabel(_ u: Int32) -> String {
        dataset.roster.name(of: u) ?? "user " + dataset.users.id(at: u)
    }

    /// The status line's class part: "class of 12 · 4s ago · refitting"; empty when class mode is off.
    public var classStatusText: String {
        guard classMode.on else { return "" }
        var s = "class of \(dataset.roster.count)"
        if let t = classMode.ticksSinceChange { s += " · " + (t < 60 ? "\(t)s ago" : "\(t / 60)m ago") }
        if !classMode.refitting.isEmpty { s += " · refitting" }
        return s
    }
}

/// Turns class mode on (reading the class at once) or off (back to the dataset alone, refitted).
func setClassMode(_ on: Bool, _ state: inout AppState, effects: inout [Effect]) {
    if on == state.classMode.on {
        state.status = StatusMessage(on ? "class mode is on: \(state.classStatusText)" : "class mode is off")
        return
    }
    state.classMode.on = on
    if on {
        if state.classMode.base == nil { state.classMode.base = state.dataset }
        state.classMode.fingerprint = nil
        state.classMode.ticksSinceChange = nil
        state.status = StatusMessage("class mode on: reading the class…")
        pollClass(&state, effects: &effects)
    } else {
        if let base = state.classMode.base { state.dataset = base }
        state.classMode.base = nil
        state.classMode.fingerprint = nil
        state.classMode.compare = nil
        state.classMode.problems = []
        state.users.list.clamp(count: state.dataset.userCount)
        state.status = StatusMessage("class mode off: back to \(state.dataset.name) alone, refitting")
        refitForClass(&state, effects: &effects)
    }
}

/// Asks the runtime whether the class changed (one poll in flight at most).
func pollClass(_ state: inout AppState, effects: inout [Effect]) {
    guard state.classMode.on, !state.classMode.polling else { return }
    state.classMode.polling = true
    effects.append(.pollClass(ClassPoll(me: state.profileName, known: state.classMode.fingerprint,
                                        base: state.classMode.base ?? state.dataset)))
}

/// Refits every model on the current dataset; a refit already running makes this one wait for it.
func refitForClass(_ state: inout AppState, effects: inout [Effect]) {
    if !state.classMode.refitting.isEmpty {
        state.classMode.pendingRefit = true
        return
    }
    let requests = state.algorithms.map { FitRequest(algorithm: $0, parameters: state.parameters[$0] ?? Parameters()) }
    guard !requests.isEmpty else { return }
    state.classMode.refitting = Set(state.algorithms)
    state.classMode.quietRound = true
    // One thread: a class refit runs while learners use the explorer; the other core stays theirs.
    effects.append(.fitModels(FitJob(dataset: state.dataset, requests: requests, seed: state.seed, threads: 1,
                                     cancellation: state.cancellation)))
}

/// The models of the class refit in flight, whose arrival recomputes nothing by itself (see `quietRound`).
func quietFits(_ state: AppState) -> Set<String> {
    state.classMode.quietRound ? state.classMode.refitting : []
}

/// Class mode's part of `update`, called before the message's own handling: polls on ticks,
/// follows the refits, and applies a changed class.
func observeForClass(_ state: inout AppState, _ message: Message, effects: inout [Effect]) -> Redo {
    switch message {
    case .started:
        if state.classMode.on {
            state.classMode.refitting = Set(state.algorithms)
            state.classMode.quietRound = false  // the first fit shows each model as it arrives
        }
    case .tick:
        if let t = state.classMode.ticksSinceChange { state.classMode.ticksSinceChange = t + 1 }
        pollClass(&state, effects: &effects)
    case .modelFitted(let name, _, _, _, _), .fitFailed(let name, _):
        guard state.classMode.refitting.remove(name) != nil, state.classMode.refitting.isEmpty else { break }
        let quiet = state.classMode.quietRound
        state.classMode.quietRound = false
        if state.classMode.pendingRefit {
            state.classMode.pendingRefit = false
            refitForClass(&state, effects: &effects)
        }
        if quiet { return .recompute }
    case .classPolled(let update):
        state.classMode.polling = false
        guard state.classMode.on, let update else { break }
        let before = state.dataset.roster.count
        let firstRead = state.classMode.fingerprint == nil
        state.classMode.fingerprint = update.fingerprint
        state.classMode.label = update.label
        state.classMode.ticksSinceChange = 0
        let newProblems = update.problems.filter { !state.classMode.problems.contains($0) }
        state.classMode.problems = update.problems
        state.dataset = update.dataset
        state.users.list.clamp(count: state.dataset.userCount)
        state.users.details = nil
        let n = state.dataset.roster.count
        var news = firstRead ? "class: \(n) classmate\(n == 1 ? "" : "s") from \(update.label)"
            : "class: \(n) classmate\(n == 1 ? "" : "s")" + (n > before ? " (+\(n - before))" : "") + ", new ratings: refitting"
        if let p = newProblems.first {
            news += " · skipped \(newProblems.count): " + p
        }
        let msg = StatusMessage(news, isError: !newProblems.isEmpty, isBackground: true)
        if state.status.yieldsToBackground { state.status = msg } else { state.heldNews = msg }
        refitForClass(&state, effects: &effects)
        return state.screen == .users ? .userDetails : []
    case .classCompared(let c):
        if c.generation == state.generation { state.classMode.compare = c }
    default:
        break
    }
    return []
}

/// `:class on|off` (no argument: say where class mode stands).
func classCommand(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
    switch args.first?.lowercased() {
    case nil:
        state.status = StatusMessage(state.classMode.on ? "class mode on: \(state.classStatusText)" : "class mode is off (:class on)")
    case "on": setClassMode(true, &state, effects: &effects)
    case "off": setClassMode(false, &state, effects: &effects)
    case let other?: throw CommandFailure("usage: :class on|off (not '\(other)')")
    }
    return []
}

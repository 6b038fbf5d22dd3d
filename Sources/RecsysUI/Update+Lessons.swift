import RecsysEngine

// The lesson panel's state and actions (`L`, `learn`): moving between steps, hints, typed answers,
// and the check after every message that ticks a step by itself and saves the progress.

/// The lesson panel: the lessons and glossary loaded, which step is shown, and the learner's progress.
public struct LessonsState: Sendable {
    /// Lessons in course order.
    public var library: [Lesson] = []
    public var glossary: [GlossaryTerm] = []
    /// The panel is shown (beside the screens, never modal).
    public var open = false
    /// Index into `library` of the lesson shown.
    public var current = 0
    /// Progress by lesson id (from the store, updated as steps tick).
    public var progress: [String: LessonProgress] = [:]
    /// The answer being typed (`a`), or nil.
    public var answer: TextInputState?
    /// Hints of the current step shown so far (`i` shows one more).
    public var hintsShown = 0
    /// The reply to the last answer, or a note ("run the lab first").
    public var feedback: (text: String, good: Bool)?
    /// `PerformedActions.sequence` when the current step opened: `did` counts only later actions.
    public var stepOpenedAt = 0
    /// Seconds since 1970 (progress timestamps; the app sets it from the clock, tests leave it fixed).
    public var clock: @Sendable () -> Int64 = { 0 }

    public init() {}

    /// The lesson shown, if any.
    public var lesson: Lesson? { library.indices.contains(current) ? library[current] : nil }

    /// The current lesson's progress (a fresh one when never started).
    public var currentProgress: LessonProgress? {
        lesson.map { progress[$0.id] ?? LessonProgress(lesson: $0.id) }
    }

    /// The step shown (0-based), clamped to the lesson.
    public var step: Int {
        guard let l = lesson, let p = currentProgress else { return 0 }
        return min(max(0, p.step), l.steps.count - 1)
    }

    /// Whether step `k` of the current lesson has ticked.
    public func isDone(_ k: Int) -> Bool { currentProgress?.done.contains(k) ?? false }

    /// The lesson the panel resumes: the most recently changed one with progress, else the first.
    public var resumeIndex: Int {
        let latest = progress.values.filter { p in library.contains { $0.id == p.lesson } }
            .max { ($0.updated, $1.lesson) < ($1.updated, $0.lesson) }
        return latest.flatMap { p in library.firstIndex { $0.id == p.lesson } } ?? 0
    }
}

/// What the lesson panel's keys do.
public enum LessonAction: Sendable, Equatable {
    case toggle, next, previous, hint, answer, glossary
}

extension AppState {
    /// Opens lesson `number` (nil: the one to resume) at its stored step.
    public mutating func openLesson(number: Int? = nil) -> Bool {
        guard !lessons.library.isEmpty else { return false }
        if let number {
            guard let k = lessons.library.firstIndex(where: { $0.number == number }) else { return false }
            lessons.current = k
        } else {
            lessons.current = lessons.resumeIndex
        }
        lessons.open = true
        enterStep()
        return true
    }

    /// Resets what belongs to one step (hints, answer, feedback, the action baseline).
    mutating func enterStep() {
        lessons.hintsShown = 0
        lessons.answer = nil
        lessons.feedback = nil
        lessons.stepOpenedAt = performed.sequence
    }

    /// The profile lesson progress is stored under (a scratch profile's learner is its home profile).
    var progressProfile: String { isScratch && !homeProfile.isEmpty ? homeProfile : profileName }

    /// Changes the current lesson's progress and asks the store to keep it.
    mutating func changeProgress(_ effects: inout [Effect], _ change: (inout LessonProgress) -> Void) {
        guard var p = lessons.currentProgress else { return }
        change(&p)
        p.updated = lessons.clock()
        lessons.progress[p.lesson] = p
        effects.append(.saveLessonProgress(profile: progressProfile, p))
    }
}

/// Does a lesson panel action.
func actOnLesson(_ action: LessonAction, _ state: inout AppState, effects: inout [Effect]) -> Redo {
    switch action {
    case .toggle:
        if state.lessons.open {
            state.lessons.open = false
            state.status = StatusMessage("lesson panel closed (L opens it)")
        } else if state.openLesson() {
            state.status = StatusMessage("lesson \(state.lessons.lesson!.number): n next step · p previous · ? glossary")
        } else {
            state.status = StatusMessage("no lessons loaded", isError: true)
        }
        return []
    case .next, .previous:
        guard let lesson = state.lessons.lesson else { return [] }
        let step = state.lessons.step
        if action == .next && step == lesson.steps.count - 1 {
            // After the last step: the next lesson, if any.
            guard state.lessons.current + 1 < state.lessons.library.count else {
                state.status = StatusMessage("that was the last step of the last lesson")
                return []
            }
            state.lessons.current += 1
            state.enterStep()
            state.changeProgress(&effects) { _ in }
            return []
        }
        if action == .previous && step == 0 {
            guard state.lessons.current > 0 else { return [] }
            state.lessons.current -= 1
            let last = state.lessons.lesson!.steps.count - 1
            state.changeProgress(&effects) { $0.step = last }
            state.enterStep()
            return []
        }
        state.changeProgress(&effects) { $0.step = step + (action == .next ? 1 : -1) }
        state.enterStep()
        return []
    case .hint:
        guard let lesson = state.lessons.lesson else { return [] }
        let hints = lesson.steps[state.lessons.step].hints
        if hints.isEmpty {
            state.status = StatusMessage("this step has no hint: read the task line")
        } else {
            state.lessons.hintsShown = min(hints.count, state.lessons.hintsShown + 1)
        }
        return []
    case .answer:
        guard let lesson = state.lessons.lesson, lesson.steps[state.lessons.step].answer != nil else {
            state.status = StatusMessage("this step asks for no typed answer")
            return []
        }
        state.lessons.answer = TextInputState()
        return []
    case .glossary:
        state.overlay = .glossary
        state.scroll = 0
        return []
    }
}

/// Keys while an answer is typed in the panel: Enter grades it, Esc cancels.
func handleAnswerKey(_ state: inout AppState, _ key: Key, effects: inout [Effect]) -> Redo {
    guard var input = state.lessons.answer else { return [] }
    switch key {
    case .escape:
        state.lessons.answer = nil
    case .enter:
        state.lessons.answer = nil
        gradeAnswer(input.text, &state, effects: &effects)
    default:
        if input.handle(key) { state.lessons.answer = input }
    }
    return []
}

/// Grades a typed answer against the step's expected value; a right answer ticks the step.
func gradeAnswer(_ text: String, _ state: inout AppState, effects: inout [Effect]) {
    guard let lesson = state.lessons.lesson else { return }
    let k = state.lessons.step
    let step = lesson.steps[k]
    guard let spec = step.answer else { return }
    guard let expected = state.expectedAnswer(spec) else {
        let why: String
        switch spec.kind {
        case .best: why = "no result to grade against yet: run the lab (v, r) first"
        case .topGenre: why = "no \(spec.algorithm ?? "") list yet: wait for it to be computed"
        default: why = "this dataset cannot grade that answer (user \(spec.user ?? "?") unknown)"
        }
        state.lessons.feedback = (why, false)
        return
    }
    let given = normalisedAnswer(text)
    guard !given.isEmpty else { return }
    if expected.accepted.contains(given) {
        var reply = "✓ right: \(expected.shown)"
        if spec.kind == .favouriteGenre {
            reply += state.knownTastes[spec.user ?? ""] != nil ? " (from tastes.csv)" : " (their best-rated genre)"
            if let u = spec.user.flatMap({ state.dataset.users.index(of: $0) }), !state.fittedModels.isEmpty {
                effects.append(.lessonRecovery(TasteRecoveryJob(user: u, genre: expected.shown, dataset: state.dataset,
                                                                models: state.fittedModels, stats: state.stats)))
                reply += " · which algorithm recovers it best…"
            }
        }
        state.lessons.feedback = (reply, true)
        let others = step.checks.filter { if case .answer = $0 { return false }; return true }
        if others.allSatisfy({ state.holds($0, since: state.lessons.stepOpenedAt) }) {
            state.changeProgress(&effects) { p in if !p.done.contains(k) { p.done = (p.done + [k]).sorted() } }
        }
    } else {
        state.lessons.feedback = ("✗ not \(text.trimmingCharacters(in: .whitespaces)): try again (i for a hint)", false)
    }
}

/// After every message while the panel is open: ticks the current step when all its checkpoints hold.
func checkLessonStep(_ state: inout AppState, effects: inout [Effect]) {
    guard state.lessons.open, let lesson = state.lessons.lesson else { return }
    let k = state.lessons.step
    guard !state.lessons.isDone(k) else { return }
    let step = lesson.steps[k]
    guard step.answer == nil else { return }
    if step.checks.allSatisfy({ state.holds($0, since: state.lessons.stepOpenedAt) }) {
        state.changeProgress(&effects) { p in p.done = (p.done + [k]).sorted() }
        let last = k == lesson.steps.count - 1
        let note = last ? "✓ lesson \(lesson.number) done!" : "✓ step \(k + 1) done · n: next step"
        if state.status.text.isEmpty || state.status.isError { state.status = StatusMessage(note) } else { state.status.text += " · " + note }
    }
}

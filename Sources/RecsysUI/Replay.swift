import Foundation
import RecsysEngine

// Replay (`R`): the profile's rating history from the store's event log, one rating at a time,
// with every algorithm's top 5 after each step and how each film moved. The timeline is computed
// once by a job (`ReplayJob`, with the models fitted now); ← → step through it.

/// The Replay screen: the timeline and the step shown.
public struct ReplayState: Sendable {
    public var profileName: String
    public var steps: [ReplayStep]
    /// Index into `steps` (0: before the first rating).
    public var index: Int

    public init(profileName: String, steps: [ReplayStep], index: Int = 0) {
        self.profileName = profileName
        self.steps = steps
        self.index = index
    }
}

/// Replays a profile's history with the fitted models (see `Replay.timeline`).
public struct ReplayJob: Sendable {
    public var profileName: String
    public var catalog: Catalog
    public var models: [NamedModel]
    public var attributes: UserAttributes
    public var count: Int

    public init(profileName: String, catalog: Catalog, models: [NamedModel], attributes: UserAttributes = UserAttributes(),
                count: Int = 5) {
        self.profileName = profileName
        self.catalog = catalog
        self.models = models
        self.attributes = attributes
        self.count = count
    }

    /// The replay of `events` (the store's log of the profile, oldest first); opens at the last step.
    public func run(events: [RatingEvent]) -> ReplayState {
        let steps = Replay.timeline(events: events, catalog: catalog, models: models.map { ($0.name, $0.model) },
                                    attributes: attributes, count: count)
        return ReplayState(profileName: profileName, steps: steps, index: max(0, steps.count - 1))
    }
}

/// The Replay screen's own actions.
public enum ReplayAction: Sendable, Equatable { case previous, next, first, last }

/// `R`: opens the replay of the profile (asking the store for its history) or closes it.
func openReplay(_ state: inout AppState, effects: inout [Effect]) -> Redo {
    if state.screen == .replay {
        state.screen = .explore
        return []
    }
    if state.isScratch {
        state.status = StatusMessage("replay reads a stored profile's history; this scratch profile has none")
        return []
    }
    let models = state.fittedModels
    guard !models.isEmpty else {
        state.status = StatusMessage("replay: no model is fitted yet")
        return []
    }
    state.screen = .replay
    state.replay = nil
    state.scroll = 0
    state.status = StatusMessage("replaying \(state.profileName)'s ratings…")
    effects.append(.replay(ReplayJob(profileName: state.profileName, catalog: state.dataset.catalog, models: models,
                                     attributes: state.profile.attributes)))
    return []
}

func actOnReplay(_ a: ReplayAction, _ state: inout AppState) -> Redo {
    guard var r = state.replay, !r.steps.isEmpty else { return [] }
    switch a {
    case .previous: r.index = max(0, r.index - 1)
    case .next: r.index = min(r.steps.count - 1, r.index + 1)
    case .first: r.index = 0
    case .last: r.index = r.steps.count - 1
    }
    state.replay = r
    return []
}

/// "2026-11-30 08:12" in UTC (the event log's seconds since 1970).
func replayTime(_ at: Int64) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(at))) + " UTC"
}

/// "▲2", "▼1", "new", "" (no move).
public func movementText(_ m: Int?) -> String {
    guard let m else { return "new" }
    return m > 0 ? "▲\(m)" : (m < 0 ? "▼\(-m)" : "")
}

func replayLines(_ state: AppState, width: Int, theme: Theme) -> [Line] {
    guard let r = state.replay else { return [Line("reading the event log…", theme.dim)] }
    guard r.steps.count > 1 else { return [Line("\(r.profileName) has no rating in the event log yet", theme.dim)] }
    let step = r.steps[r.index]
    var head: [Span] = [Span("step \(r.index) of \(r.steps.count - 1)", theme.title)]
    if let e = step.event {
        let what = step.item.map { state.title($0) } ?? "item \(e.item) (not in \(state.dataset.name))"
        head.append(Span(" · " + replayTime(e.at) + " · ", theme.dim))
        head.append(Span(e.value.map { "rated \(what) \(starText($0))" } ?? "removed the rating of \(what)", Style(bold: true)))
    } else {
        head.append(Span(" · before the first rating", theme.dim))
    }
    var lines = [Line(head), Line("\(step.ratingCount) ratings · ← → step · Home/End first/last · [ ] algorithms", theme.dim)]
    let names = step.lists.map(\.algorithm)
    let rows = step.lists.map { l in
        l.entries.map { e in
            let m = movementText(e.movement)
            return state.stats.displayTitles[Int(e.item)] + (m.isEmpty ? "" : " " + m)
        }
    }
    let first = max(0, names.firstIndex(of: state.activeAlgorithm ?? "") ?? 0)
    lines += sideBySide(names: names, rows: rows, first: first, width: width, minWidth: 18, theme: theme)
    return lines
}

func drawReplay(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let inner = drawScreenBox("Replay", right: "profile \(state.replay?.profileName ?? state.profileName)", area: area,
                              theme: theme, into: &buffer)
    let lines = replayLines(state, width: inner.width, theme: theme)
    Paragraph(lines, scroll: clampedScroll(state.scroll, lines: lines.count, height: inner.height)).render(inner, into: &buffer)
}

import RecsysEngine

// The models panel (`a`, `:models`): one row per model with its fit state — queued (with its place
// and estimate), fitting (% and ETA), ready (fit time, coverage, limits), failed, or deferred with
// the reason and how to run it anyway — and the selected model's details below.

/// Why a model is deferred, in words, with the way out.
func deferralText(_ d: FitDeferral) -> String {
    switch d {
    case .overBudget(let e, let b):
        return "deferred: est. \(formatDuration(e)) > \(formatDuration(b)) budget · r runs it anyway"
    case .byLearner: return "deferred by you · r runs it"
    case .cancelled: return "cancelled · r runs it anyway"
    }
}

/// One model's state as the panel's row says it.
func modelStateText(_ state: AppState, _ name: String) -> String {
    switch state.fitStatus[name] ?? .waiting {
    case .waiting:
        let place = (state.fitPlan.order.firstIndex(of: name) ?? 0) + 1
        let e = state.fitPlan.queue.first { $0.request.algorithm == name }?.estimate
        let serving = state.models[name] == nil ? "" : " · previous fit serves"
        return "queued #\(place)" + (e.map { " · est. \(formatDuration($0))" } ?? "") + serving
    case .fitting(let f, let m):
        let run = state.fitPlan.running[name]
        let eta = run?.eta.map { " · ETA \(formatDuration($0))" } ?? ""
        let threads = run.map { " · \($0.threads) thread\($0.threads == 1 ? "" : "s")" } ?? ""
        return "fitting \(Int((f * 100).rounded(.down)))% \(m)" + eta + threads
    case .ready(let s):
        var parts = ["ready in \(formatSeconds(s))"]
        if let c = state.coverage[name] { parts.append("coverage \(fixed(c * 100, 1))%") }
        if let m = state.models[name] { parts += FitLimitText.limits(m).map(FitLimitText.text) }
        return parts.joined(separator: " · ")
    case .failed(let text): return "failed: \(text) · r retries"
    case .deferred(let d): return deferralText(d)
    }
}

/// The panel's lines: a header, a row per model (the selected one marked), then the selected model's details.
func modelsPanelLines(_ state: AppState, width: Int, height: Int, theme: Theme) -> [Line] {
    let nameW = min(12, (state.algorithms.map { DisplayWidth.of($0) }.max() ?? 5) + 1)
    let running = state.fitPlan.running.count
    var lines: [Line] = [Line([
        Span("  " + DisplayWidth.pad("model", to: nameW), theme.dim),
        Span("state  (\(running) of \(state.fitPlan.lanes) lanes busy, \(state.fitPlan.queue.count) queued)", theme.dim),
    ])]
    for (k, name) in state.algorithms.enumerated() {
        let selected = state.modelsList.selected == k
        let status = state.fitStatus[name] ?? .waiting
        let style: Style
        switch status {
        case .ready: style = theme.text
        case .fitting: style = theme.up
        case .failed: style = theme.error
        case .waiting, .deferred: style = theme.dim
        }
        let row = Line([Span(selected ? "▸ " : "  ", theme.key), Span(DisplayWidth.pad(name, to: nameW), theme.title),
                        Span(DisplayWidth.truncate(modelStateText(state, name), to: max(1, width - nameW - 2)), style)])
        lines.append(selected ? Line(row.spans.map { Span($0.text, Line.merge($0.style, theme.selection)) }) : row)
    }
    guard let name = state.selectedModel else { return lines }
    lines.append("")
    var details: [String] = []
    let summary = Algorithms.type(named: name)?.summary ?? ""
    let estimate = state.fitPlan.estimate(name, state.parameters[name] ?? Parameters())
    details.append("\(name): \(summary) · est. fit \(formatDuration(estimate)) on \(groupedCount(state.fitPlan.shape.ratings))"
                   + " ratings")
    switch state.fitStatus[name] ?? .waiting {
    case .deferred(.overBudget):
        details.append("over the \(formatDuration(state.fitPlan.budget)) budget, so it waits instead of eating the machine"
                       + " (explore --fit-budget); r queues it anyway")
    case .fitting: details.append("x cancels the fit; the model is kept deferred until r")
    case .waiting: details.append("d defers it, x takes it out of the queue; cheapest models start first")
    default: break
    }
    for d in details {
        for l in wrap(d, width: width) where lines.count < height { lines.append(Line(l, theme.dim)) }
    }
    return lines
}

func drawModels(_ state: AppState, area: Rect, theme: Theme, into buffer: inout ScreenBuffer) {
    let right = "budget \(formatDuration(state.fitPlan.budget)) per model · \(state.fitPlan.cores) cores"
    let inner = drawScreenBox("Models · fits, cheapest first", right: right, area: area, theme: theme, into: &buffer)
    Paragraph(modelsPanelLines(state, width: inner.width, height: inner.height, theme: theme)).render(inner, into: &buffer)
}

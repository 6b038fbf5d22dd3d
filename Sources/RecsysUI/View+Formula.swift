import RecsysEngine

// The Explain screen's formula view (`f`): the model's prediction for this profile and film as
// its formula, the same formula with the numbers filled in, the result, and the tables behind it.

/// The formula view's lines, styled by kind; ASCII when the terminal cannot show Unicode math.
func formulaViewLines(_ state: AppState, _ r: ExplainResult, width: Int, theme: Theme) -> [Line] {
    guard let f = r.formula else { return [Line("no formula for this algorithm", theme.dim)] }
    let writer = FormulaText(unicode: state.unicode, names: ExplanationText(stats: state.stats, userIDs: state.dataset.users.ids))
    let meaning: String
    switch f.meaning {
    case .predictedRating: meaning = "predicted rating"
    case .rankingScore: meaning = "ranking score"
    case .popularity: meaning = "popularity score"
    }
    let dot = state.unicode ? " · " : " - "
    var lines: [Line] = [Line("Formula" + dot + f.algorithm + dot + meaning + dot + "your numbers filled in (f: the terms)",
                              theme.title)]
    for l in writer.lines(f, width: width) {
        switch l.kind {
        case .formula: lines.append(Line(l.text, Style(bold: true)))
        case .numbers, .row: lines.append(Line(l.text))
        case .result: lines.append(Line(l.text, theme.star))
        case .legend, .header: lines.append(Line(l.text, theme.dim))
        case .heading: lines.append(Line(l.text, theme.title))
        case .blank: lines.append("")
        }
    }
    let text = ExplanationText(stats: state.stats, userIDs: state.dataset.users.ids)
    for note in f.notes { lines.append(Line("note: " + text.note(note, algorithm: f.algorithm), theme.dim)) }
    return lines
}

import RecsysEngine

/// The one renderer of explanations: turns an `Explanation` (data, from any model) into the
/// one-line reason shown beside a recommendation, the rows and notes of the Explain screen, and
/// the CLI's reason column. Models never write these words themselves.
///
/// The truth rules live here: a rated film is cited as a reason *for* only when it is a like
/// (`Explanation.reasonsFor`); a dislike appears as a term that pulls down, never as a reason.
public struct ExplanationText: Sendable {
    /// The display title of a catalog item.
    public var title: @Sendable (Int32) -> String
    /// The display name of a training user (neighbour).
    public var user: @Sendable (Int32) -> String

    public init(title: @escaping @Sendable (Int32) -> String, user: @escaping @Sendable (Int32) -> String) {
        self.title = title
        self.user = user
    }

    /// Names from a dataset: catalog titles and raw user ids.
    public init(dataset: Dataset) {
        let titles = dataset.catalog.items.map(\.title)
        let ids = dataset.users.ids
        self.init(title: { i in i >= 0 && Int(i) < titles.count ? titles[Int(i)] : "item \(i)" },
                  user: { u in "user " + (u >= 0 && Int(u) < ids.count ? ids[Int(u)] : String(u)) })
    }

    /// Names from the explorer's catalog statistics (titles) and, where known, the users' raw ids.
    public init(stats: CatalogStats, userIDs: [String] = []) {
        let titles = stats.titles
        self.init(title: { i in i >= 0 && Int(i) < titles.count ? titles[Int(i)] : "item \(i)" },
                  user: { u in "user " + (u >= 0 && Int(u) < userIDs.count ? userIDs[Int(u)] : String(u)) })
    }

    // MARK: The one-line reason

    /// One line, shown beside a recommendation.
    public func reason(_ e: Explanation) -> String {
        if e.notes.contains(.unknownItem) && e.terms.isEmpty { return "unknown item" }
        if e.notes.contains(.coldStart), let p = e.terms.first(where: { $0.kind == .popularity }) {
            return "cold start: popular (\(p.count ?? Int(p.value)) ratings)"
        }
        if let t = e.terms.first(where: { $0.kind == .popularity }), e.meaning == .popularity, let n = t.count {
            return "popular: \(n) ratings" + (t.rating.map { ", mean " + fixed(Double($0), 2) + "★" } ?? "")
        }
        if e.notes.contains(where: { if case .outsideCoverage = $0 { return true }; return false }) {
            return "not covered by \(e.algorithm) (too few ratings)"
        }
        // Demographic: the profile's own group (its cell, or its strongest shift) before everyone.
        let groups = e.terms.filter { $0.kind == .group }
        if let g = groups.filter({ $0.name != "everyone" }).max(by: { $0.value < $1.value }) ?? groups.first,
           let n = g.count, let of = g.total {
            let who = g.name == "everyone" ? "everyone" : (g.name ?? "your group")
            return "popular with \(who): \(n) of \(of) rated it \(g.rating.map(starText) ?? "well") or more"
        }
        let binary = e.notes.contains(.ignoresDislikes)
        let verb = binary ? "rated" : "liked"
        // A blend: the component that pushes hardest, in its own words.
        if !e.parts.isEmpty {
            let comps = e.terms.enumerated().filter { $0.element.kind == .component }
            if let best = comps.max(by: { $0.element.value < $1.element.value }), best.element.value > 0,
               best.offset < e.parts.count {
                return (best.element.name ?? "") + ": " + reason(e.parts[best.offset])
            }
            return "no component ranks it high"
        }
        let liked = e.reasonsFor.prefix(2).compactMap(\.item).map(title)
        if !liked.isEmpty {
            if e.terms.contains(where: { $0.kind == .embedding && $0.name == "user" }) || e.formula.contains("q_u") {
                return "near " + liked.joined(separator: " and ") + " in embedding space"
            }
            return "because you \(verb) " + liked.joined(separator: " and ")
        }
        if e.notes.contains(.noLikes), let p = e.terms.first(where: { $0.kind == .popularity }) {
            let popular = "popular" + (p.count.map { " (\($0) ratings)" } ?? "") + "; nothing you liked yet"
            return popular + (e.dislikesAgainst.isEmpty ? ", and not linked to what you disliked"
                : ", held down by what you disliked")
        }
        let neighbours = e.terms.filter { $0.kind == .neighbour }
        if !neighbours.isEmpty {
            let up = neighbours.filter { $0.value > 0 }.count, down = neighbours.filter { $0.value < 0 }.count
            if e.meaning == .predictedRating {
                return "\(neighbours.count) similar users rated it (\(up) above their usual)"
            }
            return "\(neighbours.count) similar users rated it: \(up) liked it" + (down > 0 ? ", \(down) did not" : "")
        }
        let features = e.terms.filter { $0.kind == .feature }
        if !features.isEmpty && e.terms.contains(where: { $0.kind == .feature && $0.name?.contains(":") == true }) {
            let plus = features.filter { $0.value > 0 }.sorted { $0.value > $1.value }.prefix(3).map(label)
            return plus.isEmpty ? "its features match little of what you liked" : "you like " + plus.joined(separator: ", ")
        }
        // BPR: context alignments with liked films.
        let near = e.related.filter { $0.kind == .ratedItem && $0.value > 0 && ($0.signal ?? 1) > 0 && e.meaning != .predictedRating }
        if !near.isEmpty {
            return "close to " + near.prefix(2).compactMap(\.item).map(title).joined(separator: " and ")
                + " you \(verb), in factor space"
        }
        if e.meaning == .predictedRating {
            let bias = e.terms.filter { $0.kind == .bias }
            let factors = e.terms.filter { $0.kind == .factor }.reduce(Float(0)) { $0 + $1.value }
            if e.terms.contains(where: { $0.kind == .embedding && $0.name == "MLP" }) {
                return "predicted \(fixed(Double(e.score), 1))★ by the neural rating model"
            }
            if bias.count >= 3 {
                var s = "mean " + fixed(Double(bias[0].value), 2)
                s += signed(bias[1].value, "your bias") + signed(bias[2].value, "item bias")
                if e.terms.contains(where: { $0.kind == .factor }) { s += signed(factors, "taste match") }
                return s
            }
            return "predicted \(fixed(Double(e.score), 1))★"
        }
        if e.dislikesAgainst.isEmpty == false && e.terms.allSatisfy({ $0.value <= 0 || $0.kind == .bias }) {
            return "held down by films you disliked"
        }
        if e.terms.contains(where: { $0.kind == .embedding }) { return "close to your taste in embedding space" }
        if e.terms.contains(where: { $0.kind == .bias }) && !e.terms.contains(where: { $0.kind == .ratedItem }) {
            return "ranked high by its bias"
        }
        if e.formula.contains("B_ji") { return "weakly linked to what you \(verb)" }
        if e.formula.contains("x_u") { return "latent taste match" }
        return "nothing you rated is linked to it"
    }

    private func signed(_ v: Float, _ name: String) -> String {
        (v >= 0 ? " + " : " − ") + name + " " + fixed(Double(abs(v)), 2)
    }

    // MARK: Terms

    /// A short tag for the kind column ("item", "dislike", "user", …).
    public func tag(_ t: Explanation.Term) -> String {
        switch t.kind {
        case .ratedItem: return "item"
        case .dislike: return "dislike"
        case .neighbour: return "user"
        case .feature: return "feat"
        case .factor: return "factor"
        case .bias: return "bias"
        case .component: return "model"
        case .popularity: return "pop"
        case .embedding: return "embed"
        case .remainder: return "rest"
        case .group: return "group"
        }
    }

    /// What the term is about: a title, "you rated Toy Story (1995) 1★", "user 42", "Sci-Fi", "global mean".
    public func label(_ t: Explanation.Term) -> String {
        switch t.kind {
        case .ratedItem: return t.item.map(title) ?? "rated item"
        case .dislike:
            let name = t.item.map(title) ?? "a film"
            return "you rated " + name + (t.rating.map { " " + starText($0) } ?? "")
        case .neighbour: return t.user.map(user) ?? "a similar user"
        case .feature: return Self.featureLabel(t.name ?? "feature")
        case .factor: return "factor " + (t.name.map { String($0.dropFirst()) } ?? "")
        case .bias:
            switch t.name {
            case "μ": return "global mean"
            case "b_u": return "your bias"
            case "b_i": return "item bias"
            case "μ_i": return "item mean"
            case "μ_u": return "your mean"
            default: return t.name ?? "bias"
            }
        case .component: return t.name ?? "component"
        case .popularity: return t.count.map { "\($0) ratings" } ?? "popularity (tie-break)"
        case .embedding:
            switch t.name {
            case "user": return "your user embedding"
            case "MLP": return "MLP interaction"
            default: return "your taste vector · item"
            }
        case .remainder: return "not itemised"
        case .group: return t.name.map { $0 == "everyone" ? "everyone" : "users like you: " + $0 } ?? "a group"
        }
    }

    /// The detail column: the rating, the feedback weight and the model's coefficient.
    public func detail(_ t: Explanation.Term) -> String {
        var parts: [String] = []
        switch t.kind {
        case .ratedItem, .dislike:
            if let r = t.rating, t.kind == .ratedItem { parts.append("you rated it " + starText(r)) }
            if let w = t.signal {
                let ws = "(w " + fixed(Double(w), 2) + ")"
                if w >= 0 { parts.append("liked " + ws) } else if t.value < 0 {
                    parts.append("disliked " + ws + ": pulls down films like it")
                } else {
                    parts.append("disliked " + ws + ": this film is unlike it, so it rises")
                }
            }
            if let s = t.weight { parts.append("weight " + fixed(Double(s), 2)) }
        case .neighbour:
            if let s = t.weight { parts.append("similarity " + fixed(Double(s), 2)) }
            if let r = t.rating { parts.append("rated it " + starText(r)) }
            if let w = t.signal, w < 0 { parts.append("a dislike") }
        case .feature:
            if let n = t.count { parts.append("in \(n) of the films you rated") }
            if let w = t.weight, w < 0 { parts.append("your dislikes carry it more than your likes") }
        case .bias:
            if t.name == "b_u" { parts.append(t.value >= 0 ? "you rate above average" : "you rate below average") }
            if t.name == "b_i", let n = t.count { parts.append(n > 0 ? "\(n) ratings" : "no training ratings") }
            if t.name == "μ" { parts.append("μ over all ratings") }
        case .factor: parts.append("your taste × item loading")
        case .component:
            if let w = t.weight { parts.append("weight " + fixed(Double(w), 2) + " × z " + fixed(Double(t.value / max(abs(w), 1e-9) * (w < 0 ? -1 : 1)), 2)) }
        case .remainder: parts.append("clamp, non-linear or re-solved parts")
        case .group:
            if let n = t.count, let of = t.total {
                parts.append("\(n) of \(of) rated it \(t.rating.map(starText) ?? "well") or more")
            }
            if let w = t.weight { parts.append("weight " + fixed(Double(w), 2)) }
        case .popularity, .embedding: break
        }
        return parts.joined(separator: ", ")
    }

    /// "genre:Sci-Fi" → "Sci-Fi", "decade:1970s" → "1970s", "director:X" → "director X", "keyword:x" → "“x”".
    public static func featureLabel(_ feature: String) -> String {
        guard let colon = feature.firstIndex(of: ":") else { return feature }
        let kind = feature[..<colon], value = String(feature[feature.index(after: colon)...])
        switch kind {
        case "genre", "decade": return value
        case "director": return "director " + value
        default: return "“" + value + "”"
        }
    }

    // MARK: Notes and the score

    /// A note as a sentence.
    public func note(_ n: Explanation.Note, algorithm: String) -> String {
        switch n {
        case .coldStart: return "cold start: no ratings yet, so \(algorithm) ranks by popularity"
        case .fallbackEstimate: return "not enough neighbours: fallback estimate"
        case .liveNeighbours: return "neighbours computed live from your ratings"
        case .summedSimilarity(let w): return "top-N: your likes (+) and dislikes (−) times their \(w) similarity to this film"
        case .reSolvedFactors: return "terms come from an exact re-solve of your factors; the score uses the trained ones"
        case .scaledAlignments: return "BPR's taste vector is learned, not a sum: the rated films below are context (factor alignment), not terms"
        case .restricted(let kept, let total): return "\(algorithm) restricted to the \(kept) most rated of \(total) items"
        case .outsideCoverage(let kept): return "this item is outside the \(kept) items \(algorithm) covers"
        case .noSignal: return "your ratings carry no like or dislike yet (all near your mean), so \(algorithm) ranks by popularity"
        case .fittedWeights(let users, let ndcg): return "weights fitted on \(users) held-out users: NDCG@10 " + fixed(Double(ndcg), 4)
        case .equalWeights: return "too few ratings to fit weights: equal weights"
        case .weights(let names, let values):
            return "weights " + zip(names, values).map { "\($0) " + fixed(Double($1), 2) }.joined(separator: ", ")
        case .fewRatings(let n): return "few ratings (\(n)): leaning towards content and popularity"
        case .linearPartOnly: return "terms are the linear part before the hidden layer"
        case .implicitFactors(let n): return "taste = your factors + the implicit factors of the \(n) items you rated"
        case .unknownItem: return "no training ratings for this item"
        case .noLikes: return "you have no likes yet: films rank by popularity, minus what your dislikes hold down"
        case .feedback(let rule): return "feedback \(rule): " + Self.ruleText(rule)
        case .ignoresDislikes: return "this setting cannot use dislikes: a 1★ counts as a like (feedback=binary)"
        case .demographicCell(let users, let m, let w):
            return "your cell has \(users) users; its share is shrunk towards everyone's with m = \(fixed(Double(m), 0))"
                + " pseudo-users (weight on the cell \(Int((w * 100).rounded())) %)"
        case .smallCell: return "a small cell: this is mostly everyone's favourite"
        case .unknownDemographics:
            return "tell the profile who you are (profile set NAME age=… gender=…, or :about) to use your group"
        case .demographicShifts(let m):
            return "everyone's share plus one shift per attribute, each shrunk with m = \(fixed(Double(m), 0)) pseudo-users"
        case .sizeWeightsFitted(let users, let levels, let ndcg):
            let each = zip(levels, ndcg).map { "\($0.0): \(fixed(Double($0.1), 3))" }.joined(separator: ", ")
            return "weights by profile size fitted on \(users) simulated new users (NDCG@10 at N = \(each))"
        case .sizeWeights(let n, let level):
            return "you have \(n) rating\(n == 1 ? "" : "s"): the weights fitted for new users with \(level)"
                + " (more ratings, other weights; from the cold threshold on, the warm blend's)"
        }
    }

    static func ruleText(_ rule: FeedbackRule) -> String {
        switch rule {
        case .centered: return "a rating above your (damped) mean is a like, below it a dislike"
        case .binary: return "every rating is a like"
        case .threshold(let t): return "≥ \(formatRating(t))★ is a like, ≤ \(formatRating(t - 1.5))★ a dislike"
        }
    }

    /// What the raw score means: "the score is a predicted rating (★)", "… a ranking score: …".
    public func scoreLine(_ e: Explanation) -> String {
        switch e.meaning {
        case .predictedRating: return "the score is a predicted rating in stars"
        case .rankingScore: return "the score is a ranking score: higher ranks first; its size has no unit"
        case .popularity: return "the score is popularity: the number of ratings"
        }
    }
}

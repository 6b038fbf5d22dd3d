import RecsysEngine

// Verifying checkpoints from the explorer's own state, and the answers typed exercises are graded
// against (the sample's true tastes, or values the app computes). Pure and cheap: it runs after
// every message while the lesson panel is open.

/// One performed UI action, as checkpoints see it: its name (`rate`, `explain`, `lab.run`,
/// `showFormula`, `:about` for a command), where, and under which algorithm.
public struct PerformedAction: Sendable, Hashable {
    public var name: String
    public var screen: Screen
    public var algorithm: String?

    public init(name: String, screen: Screen, algorithm: String?) {
        self.name = name
        self.screen = screen
        self.algorithm = algorithm
    }
}

/// The actions performed in this session, each with the sequence number of its last time.
public struct PerformedActions: Sendable {
    public private(set) var last: [PerformedAction: Int] = [:]
    /// Sequence number of the latest action (0: none yet).
    public private(set) var sequence = 0
    public init() {}

    public mutating func record(_ a: PerformedAction) {
        sequence += 1
        last[a] = sequence
    }

    /// Whether an action named `name` (on `screen`, under `algorithm`, when given) happened after `since`.
    public func happened(_ name: String, screen: Screen? = nil, algorithm: String? = nil, after since: Int) -> Bool {
        last.contains { a, seq in
            seq > since && a.name == name && (screen == nil || a.screen == screen) && (algorithm == nil || a.algorithm == algorithm)
        }
    }
}

extension Action {
    /// The action's name for checkpoints: the case name, with a nested action after a dot
    /// (`rate`, `explain`, `lab.run`, `map.zoomIn`). Derived, so a new action has a name at once.
    public var checkpointName: String { Action.caseName(self) }

    static func caseName(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .enum, let child = mirror.children.first, let label = child.label else {
            return String(describing: value)
        }
        let payload = Mirror(reflecting: child.value)
        if payload.displayStyle == .enum { return label + "." + caseName(child.value) }
        return label
    }
}

extension AppState {
    /// Whether `check` holds now (answers are graded when typed, never here).
    /// - Parameter since: the action sequence number when the step opened (`did` counts only later actions).
    public func holds(_ check: Checkpoint, since: Int) -> Bool {
        switch check {
        case .rated(let count, _, _, _):
            return ratedCount(check) >= count
        case .share(let genre, let minimum):
            guard profile.count > 0, let bit = stats.genreBit(genre) else { return false }
            let n = profile.items.filter { stats.genreMasks[Int($0)] & bit != 0 }.count
            return Double(n) / Double(profile.count) >= minimum
        case .screen(let s):
            return screen == s
        case .algorithm(let a):
            return activeAlgorithm == a
        case .did(let name, let s, let a):
            return performed.happened(name, screen: s, algorithm: a, after: since)
        case .lab(let algorithm, let metric, let coldStart):
            guard let report = evalLab?.report else { return false }
            return report.results.contains { r in
                (algorithm == nil || r.algorithm == algorithm) && (metric == nil || r.metrics[metric!] != nil)
                    && (!coldStart || r.coldStart != nil)
            }
        case .overlap(let maximum, let top):
            return disjointPair(maximum: maximum, top: top) != nil
        case .scratch:
            return isScratch
        case .changed(let a):
            return performed.happened("set", algorithm: a, after: since)
        case .filter(let genre):
            guard let g = genreFilter else { return false }
            return genre == nil || g.lowercased() == genre!.lowercased()
        case .formula(let a):
            guard screen == .explain, explain.showFormula, let r = explain.result, r.formula != nil else { return false }
            return a == nil || r.algorithm == a
        case .answer:
            return false
        }
    }

    /// Ratings of the profile matching a `rated` checkpoint.
    func ratedCount(_ check: Checkpoint) -> Int {
        guard case .rated(_, let genre, let lo, let hi) = check else { return 0 }
        let bit = genre.flatMap { stats.genreBit($0) }
        if genre != nil && bit == nil { return 0 }
        var n = 0
        for (i, r) in zip(profile.items, profile.ratings) {
            if let bit, stats.genreMasks[Int(i)] & bit == 0 { continue }
            if let lo, r < lo { continue }
            if let hi, r > hi { continue }
            n += 1
        }
        return n
    }

    /// Two fitted algorithms whose current top `top` share at most `maximum` films, or nil.
    func disjointPair(maximum: Int, top: Int) -> (String, String)? {
        let lists = algorithms.compactMap { a in results[a].map { (a, Set($0.rows.prefix(top).map(\.item))) } }
            .filter { $0.1.count >= min(top, 1) }
        for (k, a) in lists.enumerated() {
            for b in lists[(k + 1)...] where a.1.intersection(b.1).count <= maximum { return (a.0, b.0) }
        }
        return nil
    }

    /// A short word on how far the learner is with `check` ("3 of 5 rated", "open Explain").
    public func progressText(_ check: Checkpoint, since: Int) -> String {
        switch check {
        case .rated(let count, let genre, let lo, let hi):
            var what = genre.map { "\($0) " } ?? ""
            if let lo, let hi { what += "\(starText(lo))–\(starText(hi)) " } else if let lo { what += "\(starText(lo))+ " }
            else if let hi { what += "≤\(starText(hi)) " }
            return "\(min(ratedCount(check), count))/\(count) \(what)rated"
        case .share(let g, let m):
            return "\(Int((m * 100).rounded()))% of your ratings \(g)"
        case .screen(let s): return "open \(s.lessonName)"
        case .algorithm(let a): return "show \(a)"
        case .did(let name, let s, let a):
            return "do \(name)" + (s.map { " on \($0.lessonName)" } ?? "") + (a.map { " under \($0)" } ?? "")
        case .lab(let a, let m, let c):
            return "lab result" + (a.map { " of \($0)" } ?? "") + (m.map { " with \($0)" } ?? "") + (c ? " (cold-start)" : "")
        case .overlap(let m, let t): return m == 0 ? "two top \(t)s sharing nothing" : "two top \(t)s sharing ≤ \(m)"
        case .scratch: return "become a user"
        case .changed(let a): return "change a parameter of \(a)"
        case .filter(let g): return "filter by " + (g ?? "a genre")
        case .formula(let a):
            let key = Keymap.table(.explain).own.first { $0.action == .showFormula }?.keys.first.map(Keymap.name) ?? "f"
            return "show " + (a.map { "\($0)'s " } ?? "the ") + "formula (Explain, \(key))"
        case .answer: return "type your answer (a)"
        }
    }

    // MARK: - Answers

    /// The accepted answers of `spec` (lower-cased) and the one to show, or nil with why it cannot be graded yet.
    public func expectedAnswer(_ spec: AnswerSpec) -> (accepted: Set<String>, shown: String)? {
        switch spec.kind {
        case .favouriteGenre:
            guard let g = favouriteGenre(ofUser: spec.user ?? "") else { return nil }
            return ([g.lowercased()], g)
        case .count:
            let n: Int
            switch spec.what ?? "" {
            case "users": n = dataset.userCount
            case "items": n = dataset.itemCount
            case "ratings": n = dataset.ratings.count
            default: n = stats.genreNames.count
            }
            return ([String(n)], String(n))
        case .best:
            let metric = spec.metric ?? ""
            let lowerIsBetter = ["rmse", "mae"].contains(metric)
            var values: [(String, Double)] = []
            if let report = evalLab?.report {
                values = report.results.filter { $0.coldStart == nil }.compactMap { r in
                    r.metrics[metric].flatMap { $0.isFinite ? (r.algorithm, $0) : nil }
                }
            }
            if values.isEmpty && metric == "coverage" { values = coverage.map { ($0.key, $0.value) } }
            guard !values.isEmpty else { return nil }
            let best = lowerIsBetter ? values.map(\.1).min()! : values.map(\.1).max()!
            let winners = values.filter { abs($0.1 - best) <= 1e-9 }.map(\.0).sorted()
            return (Set(winners.map { $0.lowercased() }), winners.joined(separator: " or "))
        case .topGenre:
            guard let a = spec.algorithm, let rows = results[a]?.rows, !rows.isEmpty else { return nil }
            var counts = [Int](repeating: 0, count: stats.genreNames.count)
            for r in rows.prefix(10) {
                for (k, _) in stats.genreNames.enumerated() where stats.genreMasks[Int(r.item)] & (1 << UInt64(k)) != 0 {
                    counts[k] += 1
                }
            }
            guard let top = counts.max(), top > 0 else { return nil }
            let names = stats.genreNames.enumerated().filter { counts[$0.offset] == top }.map(\.element)
            return (Set(names.map { $0.lowercased() }), names.joined(separator: " or "))
        }
    }

    /// A dataset user's favourite genre: the strongest liked genre of `tastes.csv` when the data knows it,
    /// else the genre with the highest mean rating among the user's ratings (at least 2; ties: more ratings, then name).
    public func favouriteGenre(ofUser raw: String) -> String? {
        if let t = knownTastes[raw], let g = t.liked.first?.name { return g }
        guard let u = dataset.users.index(of: raw) else { return nil }
        let row = dataset.ratings.row(u)
        var sum = [Double](repeating: 0, count: stats.genreNames.count), n = [Int](repeating: 0, count: sum.count)
        for (i, r) in zip(row.items, row.ratings) {
            let mask = stats.genreMasks[Int(i)]
            for k in sum.indices where mask & (1 << UInt64(k)) != 0 {
                sum[k] += Double(r)
                n[k] += 1
            }
        }
        let candidates = sum.indices.filter { n[$0] >= 2 }
        let best = candidates.max { a, b in
            let ma = sum[a] / Double(n[a]), mb = sum[b] / Double(n[b])
            if ma != mb { return ma < mb }
            if n[a] != n[b] { return n[a] < n[b] }
            return stats.genreNames[a] > stats.genreNames[b]
        }
        return best.map { stats.genreNames[$0] }
    }
}

/// Normalises a typed answer for comparison: trimmed, lower-cased, thousands separators dropped.
public func normalisedAnswer(_ s: String) -> String {
    var t = s.trimmingCharacters(in: .whitespaces).lowercased()
    if t.allSatisfy({ $0.isNumber || $0 == "," || $0 == "_" || $0 == " " }) {
        t.removeAll { $0 == "," || $0 == "_" || $0 == " " }
    }
    return t
}

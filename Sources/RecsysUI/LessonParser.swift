import RecsysEngine
import Yams

/// Reads lesson files (docs/lessons.md): a YAML header between `---` lines, an optional summary,
/// then one `## Title` section per step whose `task:`, `check:` and `hint:` lines are the step's
/// task, checkpoints (each a one-key YAML mapping of the checkpoint vocabulary) and hints. The YAML
/// is parsed by Yams; every error names the file and line.
public enum LessonParser {
    /// Steps a lesson may have.
    public static let stepRange = 1...8

    /// Parses one lesson file's text.
    /// - Parameters:
    ///   - file: the path or name used in error messages (and, without an `id:` header, the lesson's id).
    ///   - algorithms: names a checkpoint may use (`algorithm:`, `did: {algorithm:}` …).
    /// - Throws: `LessonError` with file:line and what was expected.
    public static func parse(_ text: String, file: String, algorithms: [String] = Algorithms.names) throws -> Lesson {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        func fail(_ line: Int, _ message: String) -> LessonError { LessonError(file: file, line: line, message) }
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw fail(1, "expected '---' opening the lesson's YAML header")
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw fail(1, "expected a '---' line closing the YAML header")
        }
        let header = try yamlMapping(lines[1..<close].joined(separator: "\n"), file: file, firstLine: 2, what: "the header")
        func headerLine(_ key: String) -> Int { (header[key]?.mark?.line ?? 1) + 1 }
        let known: Set<String> = ["lesson", "id", "title", "minutes", "terms"]
        for (k, v) in header {
            guard let name = k.string, known.contains(name) else {
                throw fail((k.mark?.line ?? 1) + 1, "unknown header key '\(k.string ?? "?")' (expected: lesson, id, title, minutes, terms)")
            }
            _ = v
        }
        guard let number = header["lesson"]?.int, number > 0 else {
            throw fail(headerLine("lesson"), "expected 'lesson:' with the lesson's number (1, 2, …)")
        }
        guard let title = header["title"]?.string, !title.isEmpty else {
            throw fail(headerLine("title"), "expected 'title:' with the lesson's title")
        }
        let stem = file.split(separator: "/").last.map(String.init) ?? file
        let id = header["id"]?.string ?? String(stem.split(separator: ".").first ?? Substring(stem))
        var minutes = 0
        if let m = header["minutes"] {
            guard let v = m.int, v >= 0 else { throw fail(headerLine("minutes"), "expected 'minutes:' as a whole number") }
            minutes = v
        }
        var terms: [String] = []
        if let t = header["terms"] {
            guard let seq = t.sequence, seq.allSatisfy({ $0.string != nil }) else {
                throw fail(headerLine("terms"), "expected 'terms:' as a list of glossary terms, e.g. [RMSE, cosine]")
            }
            terms = seq.compactMap(\.string)
        }

        // Body: the summary, then `## ` steps.
        var summary: [String] = []
        var steps: [LessonStep] = []
        var current: (title: String, line: Int, text: [String], task: String?, checks: [Checkpoint], hints: [String])?
        func finish() throws {
            guard let c = current else { return }
            guard let task = c.task else { throw fail(c.line, "step '\(c.title)' has no 'task:' line") }
            guard !c.checks.isEmpty else { throw fail(c.line, "step '\(c.title)' has no 'check:' line") }
            steps.append(LessonStep(title: c.title, text: paragraphs(c.text), task: task, checks: c.checks, hints: c.hints,
                                    line: c.line))
        }
        for k in (close + 1)..<lines.count {
            let line = lines[k], n = k + 1
            if line.hasPrefix("## ") {
                try finish()
                let t = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                guard !t.isEmpty else { throw fail(n, "expected a step title after '## '") }
                current = (t, n, [], nil, [], [])
                continue
            }
            guard current != nil else {
                if line.hasPrefix("task:") || line.hasPrefix("check:") || line.hasPrefix("hint:") {
                    throw fail(n, "expected a '## Step title' line before the first task, check or hint")
                }
                summary.append(line)
                continue
            }
            if let v = value(line, "task:") {
                guard current!.task == nil else { throw fail(n, "a step has one 'task:' line") }
                guard !v.isEmpty else { throw fail(n, "expected the task after 'task:'") }
                current!.task = inline(v)
            } else if let v = value(line, "hint:") {
                guard !v.isEmpty else { throw fail(n, "expected the hint after 'hint:'") }
                current!.hints.append(inline(v))
            } else if let v = value(line, "check:") {
                current!.checks.append(try checkpoint(v, file: file, line: n, algorithms: algorithms))
            } else {
                current!.text.append(line)
            }
        }
        try finish()
        guard stepRange.contains(steps.count) else {
            throw fail(lines.count, "a lesson has \(stepRange.lowerBound)–\(stepRange.upperBound) steps ('## ' headings), "
                + "this one has \(steps.count)")
        }
        var lesson = Lesson(number: number, id: id, title: title, minutes: minutes, terms: terms,
                            summary: paragraphs(summary).joined(separator: " "), steps: steps, file: file)
        lesson.termsLine = headerLine("terms")
        return lesson
    }

    /// Parses a glossary file: a YAML list of `{term, text, formula, aliases}`.
    public static func glossary(_ text: String, file: String) throws -> [GlossaryTerm] {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw yamlError(error, file: file, firstLine: 1) }
        guard let seq = node?.sequence else {
            throw LessonError(file: file, line: 1, "expected a YAML list of terms (- term: RMSE …)")
        }
        return try seq.map { entry in
            let line = entry.mark?.line ?? 1
            guard let m = entry.mapping, let term = m["term"]?.string, let text = m["text"]?.string else {
                throw LessonError(file: file, line: line, "expected a term with 'term:' and 'text:'")
            }
            let aliases = m["aliases"]?.sequence?.compactMap(\.string) ?? []
            return GlossaryTerm(term: term, text: text, formula: m["formula"]?.string ?? "", aliases: aliases)
        }
    }

    // MARK: - Pieces

    static func value(_ line: String, _ key: String) -> String? {
        guard line.hasPrefix(key) else { return nil }
        return String(line.dropFirst(key.count)).trimmingCharacters(in: .whitespaces)
    }

    /// Body lines joined into paragraphs (a blank line ends one); `- ` items stay their own paragraph.
    static func paragraphs(_ lines: [String]) -> [String] {
        var out: [String] = []
        var cur = ""
        for raw in lines {
            let l = raw.trimmingCharacters(in: .whitespaces)
            if l.isEmpty || l.hasPrefix("- ") || l.hasPrefix("* ") {
                if !cur.isEmpty { out.append(inline(cur)) }
                cur = l.isEmpty ? "" : "• " + String(l.dropFirst(2))
                continue
            }
            cur = cur.isEmpty ? l : cur + " " + l
        }
        if !cur.isEmpty { out.append(inline(cur)) }
        return out
    }

    /// The panel's light rendering of inline Markdown: emphasis marks and backticks are dropped.
    static func inline(_ s: String) -> String {
        var t = s
        for mark in ["**", "__", "`"] { t = t.replacingOccurrences(of: mark, with: "") }
        // Single `*emphasis*` (not a lone star such as 4★ or "5 * 3").
        var out = ""
        var open = false
        let chars = Array(t)
        for (k, c) in chars.enumerated() {
            if c == "*" {
                let next = k + 1 < chars.count ? chars[k + 1] : " "
                let prev = k > 0 ? chars[k - 1] : " "
                if !open && next != " " && (prev == " " || prev == "(") { open = true; continue }
                if open && prev != " " { open = false; continue }
            }
            out.append(c)
        }
        return out
    }

    static func yamlMapping(_ text: String, file: String, firstLine: Int, what: String) throws -> Node.Mapping {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw yamlError(error, file: file, firstLine: firstLine) }
        guard let m = node?.mapping else {
            throw LessonError(file: file, line: firstLine, "expected \(what) as YAML 'key: value' lines")
        }
        return m
    }

    static func yamlError(_ error: any Error, file: String, firstLine: Int) -> LessonError {
        var line = firstLine
        var problem = "invalid YAML"
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, let p, let mark, _), .parser(_, let p, let mark, _), .composer(_, let p, let mark, _):
                line = firstLine + mark.line - 1
                problem = "invalid YAML: \(p)"
            default: break
            }
        }
        return LessonError(file: file, line: line, problem)
    }

    /// One `check:` value: a one-key YAML mapping of the vocabulary.
    static func checkpoint(_ text: String, file: String, line: Int, algorithms: [String]) throws -> Checkpoint {
        func fail(_ m: String) -> LessonError { LessonError(file: file, line: line, m) }
        let m: Node.Mapping
        do {
            m = try yamlMapping(text, file: file, firstLine: line, what: "a checkpoint (e.g. 'rated: {count: 5}')")
        } catch var e as LessonError {
            e.line = line  // one line of YAML: libyaml may place the end of input on the next
            throw e
        }
        guard m.count == 1, let pair = m.first, let kind = pair.key.string else {
            throw fail("expected one checkpoint per 'check:' line (e.g. 'rated: {count: 5}')")
        }
        let v = pair.value
        let fields = v.mapping
        func field(_ key: String) -> Node? { fields?[key] }
        func allowOnly(_ keys: Set<String>) throws {
            for key in fields?.keys.compactMap(\.string) ?? [] where !keys.contains(key) {
                throw fail("unknown field '\(key)' of '\(kind)' (expected: \(keys.sorted().joined(separator: ", ")))")
            }
        }
        func algorithm(_ node: Node?) throws -> String? {
            guard let node else { return nil }
            guard let a = node.string, algorithms.contains(a) else {
                throw fail("unknown algorithm '\(node.string ?? "?")' (valid: \(algorithms.joined(separator: ", ")))")
            }
            return a
        }
        func screen(_ node: Node?) throws -> Screen? {
            guard let node else { return nil }
            guard let s = node.string.flatMap(Screen.init(lessonName:)) else {
                throw fail("unknown screen '\(node.string ?? "?")' (valid: \(Screen.lessonNames.map(\.name).joined(separator: ", ")))")
            }
            return s
        }
        func stars(_ key: String) throws -> Float? {
            guard let n = field(key) else { return nil }
            guard let f = n.float, (0...10).contains(f) else { throw fail("expected '\(key):' as a number of stars") }
            return Float(f)
        }
        switch kind {
        case "rated":
            if let n = v.int { return .rated(count: n, genre: nil, min: nil, max: nil) }
            try allowOnly(["count", "genre", "min", "max"])
            guard let n = field("count")?.int, n >= 0 else { throw fail("expected 'rated: {count: N, …}'") }
            return .rated(count: n, genre: field("genre")?.string, min: try stars("min"), max: try stars("max"))
        case "share":
            try allowOnly(["genre", "min"])
            guard let g = field("genre")?.string, let f = field("min")?.float, (0...1).contains(f) else {
                throw fail("expected 'share: {genre: G, min: 0.5}' with min between 0 and 1")
            }
            return .share(genre: g, min: f)
        case "screen":
            return .screen(try screen(v)!)
        case "algorithm":
            return .algorithm(try algorithm(v)!)
        case "did":
            if let name = v.string { return .did(action: name, screen: nil, algorithm: nil) }
            try allowOnly(["action", "screen", "algorithm"])
            guard let name = field("action")?.string else { throw fail("expected 'did: NAME' or 'did: {action: NAME, …}'") }
            return .did(action: name, screen: try screen(field("screen")), algorithm: try algorithm(field("algorithm")))
        case "lab":
            if v.string == "result" { return .lab(algorithm: nil, metric: nil, coldStart: false) }
            try allowOnly(["algorithm", "metric", "cold-start"])
            return .lab(algorithm: try algorithm(field("algorithm")), metric: field("metric")?.string,
                        coldStart: field("cold-start")?.bool ?? false)
        case "overlap":
            try allowOnly(["max", "top"])
            guard let mx = field("max")?.int, mx >= 0 else { throw fail("expected 'overlap: {max: N, top: 10}'") }
            return .overlap(max: mx, top: field("top")?.int ?? 10)
        case "scratch":
            guard v.bool == true else { throw fail("expected 'scratch: true'") }
            return .scratch
        case "changed":
            return .changed(algorithm: try algorithm(v)!)
        case "filter":
            guard let g = v.string else { throw fail("expected 'filter: GENRE' or 'filter: any'") }
            return .filter(genre: g.lowercased() == "any" ? nil : g)
        case "formula":
            if v.string?.lowercased() == "any" { return .formula(algorithm: nil) }
            guard v.string != nil else { throw fail("expected 'formula: ALGORITHM' or 'formula: any'") }
            return .formula(algorithm: try algorithm(v))
        case "answer":
            try allowOnly(["of", "user", "what", "metric", "algorithm"])
            guard let of = field("of")?.string, let k = AnswerSpec.Kind(rawValue: of) else {
                throw fail("expected 'answer: {of: KIND, …}' with KIND one of "
                    + AnswerSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let spec = AnswerSpec(kind: k, user: field("user")?.string, what: field("what")?.string,
                                  metric: field("metric")?.string, algorithm: try algorithm(field("algorithm")))
            switch k {
            case .favouriteGenre where spec.user == nil: throw fail("favourite-genre needs 'user:' (a raw user id)")
            case .count where !["users", "items", "ratings", "genres"].contains(spec.what ?? ""):
                throw fail("count needs 'what:' users, items, ratings or genres")
            case .best where spec.metric == nil: throw fail("best needs 'metric:' (e.g. coverage, ndcg@10)")
            case .topGenre where spec.algorithm == nil: throw fail("top-genre needs 'algorithm:'")
            default: return .answer(spec)
            }
        default:
            throw fail("unknown checkpoint '\(kind)' (expected: rated, share, screen, algorithm, did, lab, overlap, "
                + "scratch, changed, filter, formula, answer)")
        }
    }
}

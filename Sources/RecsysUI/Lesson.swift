import RecsysEngine

// Lessons (issue 14): a lesson is a file an instructor can write (docs/lessons.md), parsed by
// `LessonParser` into these values. Steps end in checkpoints the app verifies from its own state
// (`LessonCheck.swift`), so a step ticks by itself.

/// One lesson: a header (number, id, title, glossary terms) and 3–8 steps.
public struct Lesson: Sendable, Equatable {
    /// The lesson's number in the course (the `lesson:` header; `learn --lesson N` and `:lesson N`).
    public var number: Int
    /// Stable id the stored progress is keyed by (the `id:` header, else the file name).
    public var id: String
    public var title: String
    /// Minutes it takes in a workshop (the `minutes:` header; 0 when not said).
    public var minutes: Int
    /// Glossary terms the lesson uses (the `terms:` header); each must be in the glossary.
    public var terms: [String]
    /// The paragraph before the first step (may be empty).
    public var summary: String
    public var steps: [LessonStep]
    /// The file it came from, for messages.
    public var file: String
    /// Line of the `terms:` header (for messages about a term).
    public var termsLine = 0

    public init(number: Int, id: String, title: String, minutes: Int = 0, terms: [String] = [], summary: String = "",
                steps: [LessonStep], file: String = "") {
        self.number = number
        self.id = id
        self.title = title
        self.minutes = minutes
        self.terms = terms
        self.summary = summary
        self.steps = steps
        self.file = file
    }
}

/// One step: a short text, a task done in the explorer, the checkpoints that say it is done, and hints.
public struct LessonStep: Sendable, Equatable {
    public var title: String
    /// Paragraphs of the body (inline Markdown marks already removed).
    public var text: [String]
    /// What to do ("Rate five comedies 4★ or more").
    public var task: String
    /// All must hold for the step to tick (an answer checkpoint is graded when the answer is typed).
    public var checks: [Checkpoint]
    public var hints: [String]
    /// Line of the step's heading in its file.
    public var line: Int

    public init(title: String, text: [String], task: String, checks: [Checkpoint], hints: [String] = [], line: Int = 0) {
        self.title = title
        self.text = text
        self.task = task
        self.checks = checks
        self.hints = hints
        self.line = line
    }

    /// The step's answer checkpoint, when it asks the learner to type one.
    public var answer: AnswerSpec? {
        for c in checks { if case .answer(let a) = c { return a } }
        return nil
    }
}

/// A checkpoint of the documented vocabulary (docs/lessons.md), verified from the explorer's state.
public enum Checkpoint: Sendable, Equatable {
    /// `rated: {count: N, genre: G, min: S, max: S}`: at least N of your ratings match.
    case rated(count: Int, genre: String?, min: Float?, max: Float?)
    /// `share: {genre: G, min: F}`: at least the share F (0–1) of your ratings is in genre G.
    case share(genre: String, min: Double)
    /// `screen: explain`: that screen is open.
    case screen(Screen)
    /// `algorithm: user-knn`: that algorithm's tab is active.
    case algorithm(String)
    /// `did: NAME` or `did: {action: NAME, screen: S, algorithm: A}`: the action was performed since the
    /// step opened (on that screen, under that algorithm when given).
    case did(action: String, screen: Screen?, algorithm: String?)
    /// `lab: {algorithm: A, metric: M, cold-start: true}`: the evaluation lab has a result (of A, with M,
    /// as a cold-start curve when asked).
    case lab(algorithm: String?, metric: String?, coldStart: Bool)
    /// `overlap: {max: 0, top: 10}`: two fitted algorithms' top lists share at most `max` films.
    case overlap(max: Int, top: Int)
    /// `scratch: true`: the profile is a dataset user's ratings ("become this user", `b` on Users).
    case scratch
    /// `changed: svd`: a parameter of that algorithm was set since the step opened (`:set`, the parameter panel).
    case changed(algorithm: String)
    /// `filter: Comedy` (or `filter: any`): the catalog is filtered by that genre (any genre).
    case filter(genre: String?)
    /// `formula: user-knn` (or `formula: any`): Explain shows the formula view (`f`) of that algorithm's
    /// prediction, with the numbers filled in.
    case formula(algorithm: String?)
    /// `answer: {of: favourite-genre, user: 17}`: the typed answer equals a value the app knows or computes.
    case answer(AnswerSpec)
}

/// What a typed answer is graded against.
public struct AnswerSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A dataset user's favourite genre: the sample's `tastes.csv` when the data has it, else the genre
        /// the user rated highest on average (at least 2 ratings).
        case favouriteGenre = "favourite-genre"
        /// A figure of the loaded dataset: `what: users|items|ratings|genres`.
        case count
        /// The algorithm with the best value of `metric` in the lab's result (`coverage` also from the
        /// explorer's own sampled coverage when the lab has not run).
        case best
        /// The genre most frequent in `algorithm`'s current top 10.
        case topGenre = "top-genre"
    }
    public var kind: Kind
    /// Raw user id (favourite-genre).
    public var user: String?
    /// users, items, ratings or genres (count).
    public var what: String?
    /// Metric name as the lab writes it (best).
    public var metric: String?
    /// Algorithm (top-genre).
    public var algorithm: String?

    public init(kind: Kind, user: String? = nil, what: String? = nil, metric: String? = nil, algorithm: String? = nil) {
        self.kind = kind
        self.user = user
        self.what = what
        self.metric = metric
        self.algorithm = algorithm
    }
}

/// A term of the glossary: one or two lines and its formula.
public struct GlossaryTerm: Sendable, Equatable {
    public var term: String
    public var text: String
    public var formula: String
    /// Other names it is known by (matched case-insensitively, like `term`).
    public var aliases: [String]

    public init(term: String, text: String, formula: String = "", aliases: [String] = []) {
        self.term = term
        self.text = text
        self.formula = formula
        self.aliases = aliases
    }

    /// True when `name` is this term or one of its aliases (case ignored).
    public func matches(_ name: String) -> Bool {
        let n = name.lowercased()
        return term.lowercased() == n || aliases.contains { $0.lowercased() == n }
    }
}

/// A lesson file that could not be read: where and what was expected, as one line.
public struct LessonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

extension Screen {
    /// Names lesson files use for screens (`screen: explain`).
    public static let lessonNames: [(name: String, screen: Screen)] = [
        ("explore", .explore), ("compare", .compare), ("explain", .explain), ("similar", .similar), ("users", .users),
        ("map", .embeddingMap), ("lab", .evalLab),
    ]

    /// The screen a lesson file names, or nil.
    public init?(lessonName: String) {
        guard let s = Screen.lessonNames.first(where: { $0.name == lessonName.lowercased() })?.screen else { return nil }
        self = s
    }

    /// The name lesson files use for this screen.
    public var lessonName: String {
        Screen.lessonNames.first { $0.screen == self }?.name ?? String(describing: self)
    }
}

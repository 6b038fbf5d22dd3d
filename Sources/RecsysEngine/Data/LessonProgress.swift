/// How far a profile got in one lesson (`recsys-tui learn`, the lesson panel): the step it is on and
/// the steps whose checkpoint held. Stored per profile so a learner resumes where they left off.
public struct LessonProgress: Sendable, Equatable, Codable {
    /// The lesson's id (its header's `id`, or its file name).
    public var lesson: String
    /// The step the learner is on (0-based).
    public var step: Int
    /// Steps whose checkpoint held (0-based, ascending).
    public var done: [Int]
    /// Seconds since 1970 of the last change: the most recent lesson is the one `L` resumes.
    public var updated: Int64

    public init(lesson: String, step: Int = 0, done: [Int] = [], updated: Int64 = 0) {
        self.lesson = lesson
        self.step = step
        self.done = done
        self.updated = updated
    }

    /// `done` as the store keeps it: "0,1,3".
    public var doneText: String { done.map(String.init).joined(separator: ",") }

    /// Parses `doneText` (unknown pieces are skipped: progress is never worth an error).
    public static func steps(from text: String) -> [Int] {
        Array(Set(text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .filter { $0 >= 0 })).sorted()
    }
}

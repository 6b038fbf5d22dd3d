import Foundation

/// One rating of an interactive profile, keyed by the item's raw id so that a
/// profile survives switching datasets.
public struct StoredRating: Sendable, Equatable, Codable {
    public var item: String
    public var value: Float
    /// Seconds since 1970.
    public var timestamp: Int64

    public init(item: String, value: Float, timestamp: Int64) {
        self.item = item
        self.value = value
        self.timestamp = timestamp
    }
}

/// Where interactive profiles live. `RecsysStore` implements it with SQLite;
/// tests use `InMemoryProfileStore`. Every write is durable when it returns:
/// the explorer says "saved" only after `setRating` returned.
public protocol ProfileStoring: AnyObject, Sendable {
    /// The profile's current ratings (creating the profile if new), in no particular order.
    func ratings(profile: String) throws -> [StoredRating]
    /// Records a rating (replacing an earlier one for the same item). Durable on return.
    func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws
    /// Removes a rating. Durable on return.
    func removeRating(profile: String, item: String) throws
    /// Names of every profile.
    func profileNames() throws -> [String]
    /// Notes which dataset the profile was last used with.
    func noteDataset(profile: String, dataset: String) throws
    /// Who the profile says it is (empty when it never said). Durable like ratings.
    func demographics(profile: String) throws -> UserAttributes
    /// Replaces the profile's demographics (an empty value clears them). Durable on return.
    func setDemographics(profile: String, _ attributes: UserAttributes) throws
    /// The profile's progress in every lesson it started (empty for a store that keeps none).
    func lessonProgress(profile: String) throws -> [LessonProgress]
    /// Records the profile's progress in one lesson (replacing the earlier record). Durable on return.
    func setLessonProgress(profile: String, _ progress: LessonProgress) throws
    /// The profile's last evaluation-lab run (nil when it never finished one, or the store keeps none).
    func labResult(profile: String) throws -> LabRecord?
    /// Replaces the profile's last lab run. Durable on return.
    func setLabResult(profile: String, _ record: LabRecord) throws
}

extension ProfileStoring {
    /// Stores that keep no demographics: every profile is unknown.
    public func demographics(profile: String) throws -> UserAttributes { UserAttributes() }
    public func setDemographics(profile: String, _ attributes: UserAttributes) throws {}
    /// Stores that keep no lesson progress: every lesson starts at step 1.
    public func lessonProgress(profile: String) throws -> [LessonProgress] { [] }
    public func setLessonProgress(profile: String, _ progress: LessonProgress) throws {}
    /// Stores that keep no lab results: there is never a last run.
    public func labResult(profile: String) throws -> LabRecord? { nil }
    public func setLabResult(profile: String, _ record: LabRecord) throws {}
}

extension Demographics {
    /// A profile's attributes as `attribute → value` in the vocabulary (age as its bracket label).
    public static func values(of a: UserAttributes) -> [(attribute: String, value: String)] {
        codes(of: a).enumerated().compactMap { k, c in c.map { (attributes[k], label(attribute: k, code: $0)) } }
    }

    /// Attributes from `attribute → value` in the vocabulary; throws a `ParameterError` naming the allowed
    /// attributes or values. An empty value leaves the attribute unknown.
    public static func attributes(from pairs: [(String, String)]) throws -> UserAttributes {
        var a = UserAttributes()
        for (rawKey, rawValue) in pairs {
            let key = rawKey.trimmingCharacters(in: .whitespaces).lowercased()
            let value = rawValue.trimmingCharacters(in: .whitespaces)
            guard let allowed = values(of: key) else {
                throw ParameterError("unknown attribute '\(rawKey)' (known: \(attributes.joined(separator: ", ")))")
            }
            if value.isEmpty { continue }
            let bad = ParameterError("\(key) must be one of \(allowed.joined(separator: ", ")) (got '\(value)')")
            switch key {
            case "age":
                guard let k = ageBrackets.firstIndex(of: value.lowercased()) else { throw bad }
                a.age = ageLowerBounds[k]
            case "gender":
                guard let g = gender(fromText: value) else { throw bad }
                a.gender = g
            case "occupation":
                guard let o = occupation(fromText: value) else { throw bad }
                a.occupation = o
            default:
                guard let r = region(fromText: value) else { throw bad }
                a.region = r
            }
        }
        return a
    }
}

/// A volatile store for tests and for `--db :memory:`.
public final class InMemoryProfileStore: ProfileStoring, @unchecked Sendable {
    private let lock = NSLock()
    private var data: [String: [String: StoredRating]] = [:]
    private var people: [String: UserAttributes] = [:]
    private var lessons: [String: [String: LessonProgress]] = [:]
    private var labs: [String: LabRecord] = [:]

    public func labResult(profile: String) throws -> LabRecord? {
        lock.lock(); defer { lock.unlock() }
        return labs[profile]
    }

    public func setLabResult(profile: String, _ record: LabRecord) throws {
        lock.lock(); defer { lock.unlock() }
        if data[profile] == nil { data[profile] = [:] }
        labs[profile] = record
    }

    public func lessonProgress(profile: String) throws -> [LessonProgress] {
        lock.lock(); defer { lock.unlock() }
        return (lessons[profile] ?? [:]).values.sorted { $0.lesson < $1.lesson }
    }

    public func setLessonProgress(profile: String, _ progress: LessonProgress) throws {
        lock.lock(); defer { lock.unlock() }
        if data[profile] == nil { data[profile] = [:] }
        lessons[profile, default: [:]][progress.lesson] = progress
    }

    public func demographics(profile: String) throws -> UserAttributes {
        lock.lock(); defer { lock.unlock() }
        return people[profile] ?? UserAttributes()
    }

    public func setDemographics(profile: String, _ attributes: UserAttributes) throws {
        lock.lock(); defer { lock.unlock() }
        if data[profile] == nil { data[profile] = [:] }
        people[profile] = attributes
    }

    public init() {}

    public func ratings(profile: String) throws -> [StoredRating] {
        lock.lock(); defer { lock.unlock() }
        if data[profile] == nil { data[profile] = [:] }
        return data[profile]!.values.sorted { $0.item < $1.item }
    }

    public func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws {
        lock.lock(); defer { lock.unlock() }
        data[profile, default: [:]][item] = StoredRating(item: item, value: value, timestamp: timestamp)
    }

    public func removeRating(profile: String, item: String) throws {
        lock.lock(); defer { lock.unlock() }
        data[profile]?[item] = nil
    }

    public func profileNames() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        return data.keys.sorted()
    }

    public func noteDataset(profile: String, dataset: String) throws {}
}

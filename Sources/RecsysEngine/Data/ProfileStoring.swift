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
}

/// A volatile store for tests and for `--db :memory:`.
public final class InMemoryProfileStore: ProfileStoring, @unchecked Sendable {
    private let lock = NSLock()
    private var data: [String: [String: StoredRating]] = [:]

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

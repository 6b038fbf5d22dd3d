import Foundation

/// One entry of a profile's rating history as replay reads it from the store's event log:
/// a rating set (with its value) or removed (`value == nil`), at a time.
public struct RatingEvent: Sendable, Equatable, Codable {
    /// Seconds since 1970: the rating's timestamp for a set, the removal time for a removal.
    public var at: Int64
    /// The raw item id.
    public var item: String
    /// The new rating; nil for a removal.
    public var value: Float?

    public init(at: Int64, item: String, value: Float?) {
        self.at = at
        self.item = item
        self.value = value
    }
}

/// One row of a replayed top-N list.
public struct ReplayEntry: Sendable, Equatable {
    public var item: Int32
    public var score: Float
    /// 1-based rank.
    public var rank: Int
    /// Places gained since the previous step (negative: lost); nil when the item was not in the
    /// previous step's list.
    public var movement: Int?

    public init(item: Int32, score: Float, rank: Int, movement: Int?) {
        self.item = item
        self.score = score
        self.rank = rank
        self.movement = movement
    }
}

/// The state after one event: what changed, and every algorithm's top N then.
public struct ReplayStep: Sendable {
    /// 0 is the start (no rating yet); step k follows the k-th event.
    public var index: Int
    /// The event of this step (nil for step 0).
    public var event: RatingEvent?
    /// The event's item in the dataset (nil when the catalog does not have it, or for step 0).
    public var item: Int32?
    /// Ratings in the profile after this step (items of the dataset only).
    public var ratingCount: Int
    /// Top N of each algorithm, in the order the models were given.
    public var lists: [(algorithm: String, entries: [ReplayEntry])]
}

/// Replaying a profile's history: the profile is rebuilt one event at a time, exactly as the
/// store applied them (a set replaces, a removal deletes; undone events are not in the log the
/// store hands over), and after each event every model ranks for the profile folded in as it
/// was then. Models are the ones fitted on the dataset now: replay shows how the *ratings*
/// moved the lists, not how the models were retrained.
public enum Replay {
    /// The profile after the first `upTo` events (items of `catalog` only), for checking and for `timeline`.
    public static func profile(after events: ArraySlice<RatingEvent>, catalog: Catalog,
                               attributes: UserAttributes = UserAttributes()) -> Profile {
        var p = Profile()
        for e in events {
            guard let i = catalog.index(of: e.item) else { continue }
            if let v = e.value { p.set(i, rating: v) } else { p.remove(i) }
        }
        p.attributes = attributes
        return p
    }

    /// Every step of the history: step 0 (no rating) then one per event.
    ///
    /// Complexity: events × models × one `recommend` call each (the profile is updated in place,
    /// O(ratings) per event).
    public static func timeline(events: [RatingEvent], catalog: Catalog, models: [(String, any Recommender)],
                                attributes: UserAttributes = UserAttributes(), count: Int = 5) -> [ReplayStep] {
        var profile = Profile()
        profile.attributes = attributes
        var steps: [ReplayStep] = []
        var previous: [String: [Int32]] = [:]
        for k in 0...events.count {
            var item: Int32?
            if k > 0 {
                let e = events[k - 1]
                item = catalog.index(of: e.item)
                if let i = item {
                    if let v = e.value { profile.set(i, rating: v) } else { profile.remove(i) }
                    profile.attributes = attributes
                }
            }
            var lists: [(algorithm: String, entries: [ReplayEntry])] = []
            for (name, model) in models {
                let top = model.recommend(profile, count: count)
                let before = previous[name]
                let entries = top.enumerated().map { r, s -> ReplayEntry in
                    let old = before?.firstIndex(of: s.item)
                    return ReplayEntry(item: s.item, score: s.score, rank: r + 1,
                                       movement: before == nil ? 0 : old.map { $0 - r })
                }
                previous[name] = top.map(\.item)
                lists.append((name, entries))
            }
            steps.append(ReplayStep(index: k, event: k > 0 ? events[k - 1] : nil, item: item,
                                    ratingCount: profile.count, lists: lists))
        }
        return steps
    }
}

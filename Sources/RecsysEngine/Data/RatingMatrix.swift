/// The rating scale of a dataset: lowest and highest value and the step between values.
public struct RatingScale: Sendable, Equatable, Codable {
    public var min: Float
    public var max: Float
    /// 1 for whole stars, 0.5 for half stars.
    public var step: Float

    public init(min: Float, max: Float, step: Float) {
        self.min = min
        self.max = max
        self.step = step
    }

    /// MovieLens 100K and 1M: whole stars 1–5.
    public static let wholeStars = RatingScale(min: 1, max: 5, step: 1)
    /// MovieLens 10M and later: half stars 0.5–5.
    public static let halfStars = RatingScale(min: 0.5, max: 5, step: 0.5)

    /// Clamps a prediction into `[min, max]`.
    @inlinable public func clamp(_ x: Float) -> Float { Swift.min(max, Swift.max(min, x)) }

    public func contains(_ x: Float) -> Bool { x >= min - 1e-6 && x <= max + 1e-6 }

    /// Infers a scale from observed values: half stars if any value is not whole.
    public static func infer<S: Sequence>(from values: S) -> RatingScale where S.Element == Float {
        var lo = Float.infinity, hi = -Float.infinity, half = false
        for v in values {
            lo = Swift.min(lo, v); hi = Swift.max(hi, v)
            if v != v.rounded() { half = true }
        }
        if lo > hi { return .wholeStars }
        return RatingScale(min: lo, max: hi, step: half ? 0.5 : 1)
    }
}

/// One observed rating in raw form, before the matrix is built.
public struct RatingTriple: Sendable, Equatable {
    public var user: Int32
    public var item: Int32
    public var rating: Float
    public var timestamp: Int64

    public init(user: Int32, item: Int32, rating: Float, timestamp: Int64 = 0) {
        self.user = user
        self.item = item
        self.rating = rating
        self.timestamp = timestamp
    }
}

/// A sparse user × item rating matrix stored twice: CSR (by user) and CSC (by item).
///
/// Row `u` holds the items user `u` rated, sorted by item index, with their
/// ratings (and timestamps when known). Column `i` holds the users who rated
/// item `i`, sorted by user index. Both views always agree.
///
/// Memory: about 12 bytes per rating per view, plus 8 for timestamps.
public struct RatingMatrix: Sendable {
    public let userCount: Int
    public let itemCount: Int

    // CSR (by user)
    public let rowStart: [Int]
    public let rowItems: [Int32]
    public let rowRatings: [Float]
    /// Timestamps aligned with `rowItems`; empty when the data has none.
    public let rowTimestamps: [Int64]

    // CSC (by item)
    public let colStart: [Int]
    public let colUsers: [Int32]
    public let colRatings: [Float]

    /// How many (user, item) pairs appeared more than once in the input (the last one was kept).
    public let duplicateCount: Int

    public var count: Int { rowItems.count }

    /// Builds both views from triples. Duplicate (user, item) pairs keep the last value in input order.
    ///
    /// Complexity: O(n + users + items), two counting sorts.
    public init(userCount: Int, itemCount: Int, triples: [RatingTriple], keepTimestamps: Bool = true) {
        self.userCount = userCount
        self.itemCount = itemCount
        let n = triples.count
        // Stable counting sort by item, then by user: rows end up sorted by item.
        var itemCounts = [Int](repeating: 0, count: itemCount + 1)
        for t in triples { itemCounts[Int(t.item) + 1] += 1 }
        for i in 0..<itemCount { itemCounts[i + 1] += itemCounts[i] }
        var byItem = [Int32](repeating: 0, count: n)
        var cursor = itemCounts
        for (k, t) in triples.enumerated() {
            byItem[cursor[Int(t.item)]] = Int32(truncatingIfNeeded: k)
            cursor[Int(t.item)] += 1
        }
        var userCounts = [Int](repeating: 0, count: userCount + 1)
        for t in triples { userCounts[Int(t.user) + 1] += 1 }
        for u in 0..<userCount { userCounts[u + 1] += userCounts[u] }
        var order = [Int32](repeating: 0, count: n)
        cursor = userCounts
        for k in byItem {
            let u = Int(triples[Int(k)].user)
            order[cursor[u]] = k
            cursor[u] += 1
        }
        // Within a row, equal items are adjacent in input order; keep the last.
        var items = [Int32](); items.reserveCapacity(n)
        var ratings = [Float](); ratings.reserveCapacity(n)
        var stamps = [Int64](); if keepTimestamps { stamps.reserveCapacity(n) }
        var starts = [Int](repeating: 0, count: userCount + 1)
        var dups = 0
        for u in 0..<userCount {
            starts[u] = items.count
            var p = userCounts[u]
            let end = userCounts[u + 1]
            while p < end {
                var t = triples[Int(order[p])]
                while p + 1 < end, triples[Int(order[p + 1])].item == t.item {
                    p += 1
                    dups += 1
                    t = triples[Int(order[p])]
                }
                items.append(t.item)
                ratings.append(t.rating)
                if keepTimestamps { stamps.append(t.timestamp) }
                p += 1
            }
        }
        starts[userCount] = items.count
        self.rowStart = starts
        self.rowItems = items
        self.rowRatings = ratings
        self.rowTimestamps = keepTimestamps ? stamps : []
        self.duplicateCount = dups
        (colStart, colUsers, colRatings) = RatingMatrix.transpose(
            rows: userCount, cols: itemCount, start: starts, index: items, values: ratings)
    }

    /// Builds a matrix from CSR arrays that are already sorted and free of duplicates.
    public init(userCount: Int, itemCount: Int, rowStart: [Int], rowItems: [Int32], rowRatings: [Float],
                rowTimestamps: [Int64] = [], duplicateCount: Int = 0) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.rowStart = rowStart
        self.rowItems = rowItems
        self.rowRatings = rowRatings
        self.rowTimestamps = rowTimestamps
        self.duplicateCount = duplicateCount
        (colStart, colUsers, colRatings) = RatingMatrix.transpose(
            rows: userCount, cols: itemCount, start: rowStart, index: rowItems, values: rowRatings)
    }

    /// Builds the CSC view from CSR by a counting sort on the column index.
    ///
    /// Complexity: O(n + rows + cols); two passes over the ratings, unchecked
    /// buffer access (every output slot is written exactly once).
    static func transpose(rows: Int, cols: Int, start: [Int], index: [Int32], values: [Float])
        -> ([Int], [Int32], [Float]) {
        let n = index.count
        var colStart = [Int](repeating: 0, count: cols + 1)
        index.withUnsafeBufferPointer { idx in
            colStart.withUnsafeMutableBufferPointer { cs in
                for i in idx { cs[Int(i) + 1] += 1 }
                if cols > 0 { for c in 0..<cols { cs[c + 1] += cs[c] } }
            }
        }
        var cursor = colStart
        var colValues: [Float] = []
        let colUsers = [Int32](unsafeUninitializedCapacity: n) { users, usersCount in
            colValues = [Float](unsafeUninitializedCapacity: n) { vals, valsCount in
                index.withUnsafeBufferPointer { idx in
                    values.withUnsafeBufferPointer { val in
                        start.withUnsafeBufferPointer { st in
                            cursor.withUnsafeMutableBufferPointer { cur in
                                for r in 0..<rows {
                                    let u = Int32(truncatingIfNeeded: r)
                                    for p in st[r]..<st[r + 1] {
                                        let c = Int(idx[p])
                                        let q = cur[c]
                                        users.initializeElement(at: q, to: u)
                                        vals.initializeElement(at: q, to: val[p])
                                        cur[c] = q + 1
                                    }
                                }
                            }
                        }
                    }
                }
                valsCount = n
            }
            usersCount = n
        }
        return (colStart, colUsers, colValues)
    }

    /// The items user `u` rated (sorted) and their ratings.
    @inlinable
    public func row(_ u: Int32) -> (items: ArraySlice<Int32>, ratings: ArraySlice<Float>) {
        let r = rowStart[Int(u)]..<rowStart[Int(u) + 1]
        return (rowItems[r], rowRatings[r])
    }

    /// The users who rated item `i` (sorted) and their ratings.
    @inlinable
    public func column(_ i: Int32) -> (users: ArraySlice<Int32>, ratings: ArraySlice<Float>) {
        let r = colStart[Int(i)]..<colStart[Int(i) + 1]
        return (colUsers[r], colRatings[r])
    }

    public func rowCount(_ u: Int32) -> Int { rowStart[Int(u) + 1] - rowStart[Int(u)] }
    public func columnCount(_ i: Int32) -> Int { colStart[Int(i) + 1] - colStart[Int(i)] }

    /// The rating of (u, i), or nil. O(log row length).
    public func rating(user u: Int32, item i: Int32) -> Float? {
        position(user: u, item: i).map { rowRatings[$0] }
    }

    /// The CSR position of (u, i), or nil. O(log row length).
    public func position(user u: Int32, item i: Int32) -> Int? {
        var lo = rowStart[Int(u)], hi = rowStart[Int(u) + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            let v = rowItems[mid]
            if v == i { return mid }
            if v < i { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// Mean of all ratings (0 when empty).
    public var globalMean: Float {
        guard !rowRatings.isEmpty else { return 0 }
        var s: Double = 0
        for r in rowRatings { s += Double(r) }
        return Float(s / Double(rowRatings.count))
    }

    /// All ratings as triples, in row order.
    public func triples() -> [RatingTriple] {
        var out = [RatingTriple](); out.reserveCapacity(count)
        for u in 0..<userCount {
            for p in rowStart[u]..<rowStart[u + 1] {
                out.append(RatingTriple(user: Int32(u), item: rowItems[p], rating: rowRatings[p],
                                        timestamp: rowTimestamps.isEmpty ? 0 : rowTimestamps[p]))
            }
        }
        return out
    }

    /// A matrix with the same shape made of a subset of these ratings (by CSR position).
    public func subset(positions: [Int]) -> RatingMatrix {
        var keep = [Bool](repeating: false, count: count)
        for p in positions { keep[p] = true }
        return filter { keep[$0] }
    }

    /// A matrix with the same shape keeping the CSR positions where `isIncluded` is true.
    public func filter(_ isIncluded: (Int) -> Bool) -> RatingMatrix {
        var starts = [Int](repeating: 0, count: userCount + 1)
        var items = [Int32](), ratings = [Float](), stamps = [Int64]()
        for u in 0..<userCount {
            starts[u] = items.count
            for p in rowStart[u]..<rowStart[u + 1] where isIncluded(p) {
                items.append(rowItems[p])
                ratings.append(rowRatings[p])
                if !rowTimestamps.isEmpty { stamps.append(rowTimestamps[p]) }
            }
        }
        starts[userCount] = items.count
        return RatingMatrix(userCount: userCount, itemCount: itemCount, rowStart: starts,
                            rowItems: items, rowRatings: ratings, rowTimestamps: stamps)
    }

    /// Checks that CSR and CSC hold the same ratings (debug and tests).
    public func checkInvariants() -> Bool {
        guard rowStart.count == userCount + 1, colStart.count == itemCount + 1,
              rowStart.last == count, colStart.last == count else { return false }
        for u in 0..<userCount {
            var prev: Int32 = -1
            for p in rowStart[u]..<rowStart[u + 1] {
                if rowItems[p] <= prev { return false }
                prev = rowItems[p]
            }
        }
        for i in 0..<itemCount {
            for p in colStart[i]..<colStart[i + 1] {
                if rating(user: colUsers[p], item: Int32(i)) != colRatings[p] { return false }
            }
        }
        return true
    }
}

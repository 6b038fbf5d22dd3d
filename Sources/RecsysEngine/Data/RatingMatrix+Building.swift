import Foundation

/// Ratings parsed into parallel columns (input order), before the matrix is built.
struct RatingColumns {
    var users: [Int32] = []
    var items: [Int32] = []
    var ratings: [Float] = []
    var stamps: [Int64] = []
    var sawTimestamp = false
    /// Lowest and highest rating seen, and whether any was not a whole number (for the scale).
    var minRating = Float.infinity
    var maxRating = -Float.infinity
    var sawFraction = false

    /// The scale the ratings span: half stars when any value is not whole.
    var observedScale: RatingScale {
        minRating > maxRating ? .wholeStars : RatingScale(min: minRating, max: maxRating, step: sawFraction ? 0.5 : 1)
    }

    @inline(__always)
    mutating func note(_ r: Float, whole: Bool) {
        if r < minRating { minRating = r }
        if r > maxRating { maxRating = r }
        if !whole { sawFraction = true }
    }

    var count: Int { users.count }

    mutating func reserve(_ n: Int) {
        users.reserveCapacity(n); items.reserveCapacity(n); ratings.reserveCapacity(n); stamps.reserveCapacity(n)
    }
}

extension RatingColumns {
    /// Builds CSR (by user, items sorted) and CSC views directly from the columns,
    /// without materialising triples. Duplicate (user, item) pairs keep the
    /// value that came last in the input.
    ///
    /// Steps: count ratings per user; scatter each column to its row position
    /// (skipped when the input is already grouped by user, as MovieLens files
    /// are); sort each row by item where needed, dropping earlier duplicates;
    /// transpose for CSC.
    ///
    /// Complexity: O(n + users + items) plus O(r log r) for each unsorted row of length r.
    /// Memory: the columns are consumed (moved into the matrix when grouped).
    consuming func buildMatrix(userCount: Int, itemCount: Int) -> RatingMatrix {
        let n = users.count
        let keepStamps = sawTimestamp
        var starts = [Int](repeating: 0, count: userCount + 1)
        var grouped = true
        var prev: Int32 = -1
        for u in users {
            starts[Int(u) + 1] += 1
            if u < prev { grouped = false }
            prev = u
        }
        for u in 0..<userCount { starts[u + 1] += starts[u] }

        var rowItems: [Int32]
        var rowRatings: [Float]
        var rowStamps: [Int64]
        if grouped {
            rowItems = items; items = []
            rowRatings = ratings; ratings = []
            rowStamps = keepStamps ? stamps : []; stamps = []
        } else {
            let userColumn = users
            users = []
            func scatter<T>(_ column: [T], zero: T) -> [T] {
                var out = [T](repeating: zero, count: n)
                var cursor = starts
                for k in 0..<n {
                    let u = Int(userColumn[k])
                    out[cursor[u]] = column[k]
                    cursor[u] += 1
                }
                return out
            }
            rowItems = scatter(items, zero: 0)
            items = []
            rowRatings = scatter(ratings, zero: 0)
            ratings = []
            rowStamps = keepStamps ? scatter(stamps, zero: 0) : []
            stamps = []
        }
        users = []

        // Sort rows by item; keep the last of equal items (input order is stable within a row).
        var duplicates = 0
        var write = 0
        var newStarts = [Int](repeating: 0, count: userCount + 1)
        var keys: [UInt64] = []
        var tmpItems: [Int32] = [], tmpRatings: [Float] = [], tmpStamps: [Int64] = []
        for u in 0..<userCount {
            let s = starts[u], e = starts[u + 1]
            newStarts[u] = write
            var sorted = true
            if e - s > 1 {
                for p in (s + 1)..<e where rowItems[p] <= rowItems[p - 1] { sorted = false; break }
            }
            if sorted {
                if write != s {
                    for p in s..<e {
                        rowItems[write + p - s] = rowItems[p]
                        rowRatings[write + p - s] = rowRatings[p]
                        if keepStamps { rowStamps[write + p - s] = rowStamps[p] }
                    }
                }
                write += e - s
                continue
            }
            keys.removeAll(keepingCapacity: true)
            for p in s..<e { keys.append(UInt64(UInt32(bitPattern: rowItems[p])) << 32 | UInt64(p - s)) }
            keys.sort()
            tmpItems.removeAll(keepingCapacity: true); tmpItems.append(contentsOf: rowItems[s..<e])
            tmpRatings.removeAll(keepingCapacity: true); tmpRatings.append(contentsOf: rowRatings[s..<e])
            if keepStamps { tmpStamps.removeAll(keepingCapacity: true); tmpStamps.append(contentsOf: rowStamps[s..<e]) }
            for k in 0..<keys.count {
                if k + 1 < keys.count, keys[k + 1] >> 32 == keys[k] >> 32 {
                    duplicates += 1
                    continue
                }
                let off = Int(keys[k] & 0xFFFF_FFFF)
                rowItems[write] = tmpItems[off]
                rowRatings[write] = tmpRatings[off]
                if keepStamps { rowStamps[write] = tmpStamps[off] }
                write += 1
            }
        }
        newStarts[userCount] = write
        if write < n {
            rowItems.removeSubrange(write...)
            rowRatings.removeSubrange(write...)
            if keepStamps { rowStamps.removeSubrange(write...) }
        }
        return RatingMatrix(userCount: userCount, itemCount: itemCount, rowStart: newStarts, rowItems: rowItems,
                            rowRatings: rowRatings, rowTimestamps: rowStamps, duplicateCount: duplicates)
    }
}

/// Heavy users' co-ratings, sampled: item-knn's similarity pass costs Σ_u |I_u|² co-rating updates,
/// so one user with 20,000 ratings (the 25M shape has one) costs as much as 16,000 users with 160.
/// Capping what a user contributes to at most `cap` of its ratings bounds that term at cap² per
/// user (Mahout's item-similarity job samples heavy users the same way, at 500 by default).
///
/// Which ratings: a seeded uniform sample of `cap` of the user's ratings (partial Fisher–Yates,
/// users in index order, one generator), so a fit is repeatable and independent of threads. A user
/// with at most `cap` ratings contributes all of them: a dataset without heavier users (ml-100k's
/// largest profile is 737) takes the unsampled path and is bit for bit what it was.
///
/// Only the similarity pass sees the sample; biases, item statistics, top-N weights and their
/// norms (TF-IDF, BM25) come from every rating.
enum CoRatingSample {
    /// `sides` and `rowWeights` restricted to the sampled co-ratings, and how many ratings that
    /// keeps; nil when no user has more than `cap` ratings.
    ///
    /// Rows are items (the CSC view, users ascending within an item), others are users (CSR).
    /// Complexity: O(ratings + users + items); memory: one copy of the kept entries.
    static func apply(_ sides: KNNSides, rowWeights: [Float], cap: Int,
                      seed: UInt64) -> (sides: KNNSides, rowWeights: [Float], kept: Int)? {
        let users = sides.otherStart.count - 1
        let cap = max(1, cap)
        guard users > 0, (0..<users).contains(where: { sides.otherStart[$0 + 1] - sides.otherStart[$0] > cap }) else {
            return nil
        }
        // Which CSR entries take part.
        var keep = [Bool](repeating: true, count: sides.otherRow.count)
        var rng = SplitMix64.derived(seed: seed, stream: 0x4B4E_4E53)
        var order: [Int] = []
        for u in 0..<users {
            let s = sides.otherStart[u], len = sides.otherStart[u + 1] - s
            guard len > cap else { continue }
            order = Array(0..<len)
            for j in 0..<cap { order.swapAt(j, j + rng.nextInt(len - j)) }
            for p in s..<(s + len) { keep[p] = false }
            for j in 0..<cap { keep[s + order[j]] = true }
        }
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        // The CSR side, filtered.
        var out = sides
        let csr = filtered(start: sides.otherStart, index: sides.otherRow, value: sides.otherValue,
                           weight: sides.otherWeight, keep: keep, kept: kept)
        // The CSC side: walking users in order meets each item's entries in its (user-ascending) order.
        let items = sides.rowStart.count - 1
        var cursor = Array(sides.rowStart.prefix(items))
        var keepRow = [Bool](repeating: true, count: sides.rowOther.count)
        for u in 0..<users {
            for p in sides.otherStart[u]..<sides.otherStart[u + 1] {
                let i = Int(sides.otherRow[p])
                keepRow[cursor[i]] = keep[p]
                cursor[i] += 1
            }
        }
        let csc = filtered(start: sides.rowStart, index: sides.rowOther, value: sides.rowValue,
                           weight: rowWeights, keep: keepRow, kept: kept)
        out.otherStart = csr.start; out.otherRow = csr.index; out.otherValue = csr.value; out.otherWeight = csr.weight
        out.rowStart = csc.start; out.rowOther = csc.index; out.rowValue = csc.value
        return (out, csc.weight, kept)
    }

    /// The entries of a CSR view where `keep` is true (`weight` may be empty: it stays empty).
    private static func filtered(start: [Int], index: [Int32], value: [Float], weight: [Float], keep: [Bool],
                                 kept: Int) -> (start: [Int], index: [Int32], value: [Float], weight: [Float]) {
        let rows = start.count - 1, weighted = !weight.isEmpty
        var s = [Int](), x = [Int32](), v = [Float](), w = [Float]()
        s.reserveCapacity(rows + 1); x.reserveCapacity(kept); v.reserveCapacity(kept)
        if weighted { w.reserveCapacity(kept) }
        s.append(0)
        for r in 0..<rows {
            for p in start[r]..<start[r + 1] where keep[p] {
                x.append(index[p])
                v.append(value[p])
                if weighted { w.append(weight[p]) }
            }
            s.append(x.count)
        }
        return (s, x, v, w)
    }
}

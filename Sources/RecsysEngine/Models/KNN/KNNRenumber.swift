import Foundation

/// The similarity pass with its accumulator in popularity order.
///
/// Accumulating one row touches `acc[b]` for every row b its others rated: random addresses over
/// an accumulator of 16–20 bytes per row (1.2 MB for 62,000 films, more than one core's 1 MB L2).
/// Most co-ratings land on the few thousand most-rated rows, so numbering the rows by how often
/// they are rated (most first) gathers the hot part of the accumulator into a small prefix that
/// stays in cache, and sorting each other's list by the new numbers makes every sweep ascend.
///
/// Only the accumulator's addresses change: each `acc[b]` still receives its additions in the
/// order of row a's entries, so every sum, similarity and kept list is bit for bit the same
/// (`KNNBuilder` maps each touched number back to its row before it compares or stores it; ties
/// break on the original row, as before).
extension KNNSides {
    /// These sides with `otherRow` renumbered by popularity (`renumbered` maps a number back to
    /// its row), or unchanged when already renumbered or too small to gain.
    ///
    /// Complexity: O(rows log rows + Σ_o |o| log |o|); memory: one more copy of the other side.
    func renumberedByPopularity(threads: Int) -> KNNSides {
        let rows = rowStart.count - 1
        guard renumbered.isEmpty, rows > 1, !otherRow.isEmpty else { return self }
        // Most co-rated first; ties by row so the numbering is a pure function of the data.
        let order = (0..<rows).sorted { a, b in
            let la = rowStart[a + 1] - rowStart[a], lb = rowStart[b + 1] - rowStart[b]
            return la != lb ? la > lb : a < b
        }
        var numbers = [Int32](repeating: 0, count: rows)
        for (n, a) in order.enumerated() { numbers[a] = Int32(n) }
        let newOf = numbers
        let others = otherStart.count - 1
        var out = self
        out.renumbered = order.map { Int32($0) }
        var oRow = [Int32](repeating: 0, count: otherRow.count)
        var oValue = [Float](repeating: 0, count: otherValue.count)
        let weighted = !otherWeight.isEmpty
        var oWeight = [Float](repeating: 0, count: weighted ? otherWeight.count : 0)
        let workers = max(1, min(threads, 8))
        let chunk = (others + workers - 1) / max(workers, 1)
        oRow.withUnsafeMutableBufferPointer { row in
        oValue.withUnsafeMutableBufferPointer { value in
        oWeight.withUnsafeMutableBufferPointer { weight in
            // Workers write disjoint ranges (their own others).
            let row = SendablePointer(row.baseAddress!), value = SendablePointer(value.baseAddress!)
            let weight = weighted ? SendablePointer(weight.baseAddress!) : nil
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var perm: [Int] = []
                for o in (w * chunk)..<min(others, (w + 1) * chunk) {
                    let s = otherStart[o], e = otherStart[o + 1]
                    perm = Array(s..<e)
                    perm.sort { newOf[Int(otherRow[$0])] < newOf[Int(otherRow[$1])] }
                    for (k, p) in perm.enumerated() {
                        row.p[s + k] = newOf[Int(otherRow[p])]
                        value.p[s + k] = otherValue[p]
                        if let weight { weight.p[s + k] = otherWeight[p] }
                    }
                }
            }
        }}}
        out.otherRow = oRow
        out.otherValue = oValue
        out.otherWeight = oWeight
        return out
    }

    /// The row a number in `otherRow` stands for.
    @inline(__always) func row(ofNumber b: Int32) -> Int {
        renumbered.isEmpty ? Int(b) : Int(renumbered[Int(b)])
    }
}

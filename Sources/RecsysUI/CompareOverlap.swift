import RecsysEngine

/// The Compare screen's overlap matrix as numbers, so the screen and the handout
/// (`recsys-tui report`) compute it the same way.
public enum CompareOverlap {
    /// The top-10 lists it compares: each list's first 10 items.
    public static let depth = 10

    /// Jaccard overlap |A∩B| / |A∪B| of every pair of lists (`Metrics.overlap`), row-major:
    /// `matrix[a][b]` compares list `a` with list `b`; the diagonal is 1.
    ///
    /// Complexity: O(n² · depth) for n lists.
    public static func matrix(_ lists: [[Int32]]) -> [[Double]] {
        let tops = lists.map { Array($0.prefix(depth)) }
        return tops.map { a in tops.map { b in Metrics.overlap(a, b) } }
    }
}

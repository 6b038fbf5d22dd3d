import Foundation

/// Finding catalog items by title, ignoring case and accents.
///
/// "amelie" finds "Amélie (2001)"; "STAR WARS" finds "Star Wars (1977)".
/// Exact matches (of the whole title, or of the title without its year) win
/// over partial ones; when several items match equally, all are returned so
/// that the caller can list them instead of guessing.
public enum TitleSearch {
    /// Lowercased, accents removed, runs of spaces collapsed.
    public static func fold(_ s: String) -> String {
        let f = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return f.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The items matching `query`: the exact matches if there are any, else every item whose title contains it.
    ///
    /// Complexity: O(items · title length).
    public static func find(_ query: String, in catalog: Catalog) -> [Int32] {
        let r = search(query, in: catalog)
        return r.exact.isEmpty ? r.partial : r.exact
    }

    /// Exact title matches and titles that merely contain `query`, apart: `find` uses the exact ones when
    /// there are any, and a caller can name the others as alternatives ("alien" → *Alien*; also *Aliens*).
    ///
    /// Complexity: O(items · title length).
    public static func search(_ query: String, in catalog: Catalog) -> (exact: [Int32], partial: [Int32]) {
        let q = fold(query)
        guard !q.isEmpty else { return ([], []) }
        var exact: [Int32] = [], partial: [Int32] = []
        for (i, item) in catalog.items.enumerated() {
            let full = fold(item.title)
            if full == q || fold(item.displayTitle) == q {
                exact.append(Int32(i))
            } else if full.contains(q) {
                partial.append(Int32(i))
            }
        }
        return (exact, partial)
    }
}

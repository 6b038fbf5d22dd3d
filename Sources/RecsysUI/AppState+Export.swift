import Foundation
import RecsysEngine

extension AppState {
    /// The profile as CSV (`item,title,rating`), items the dataset does not know included; and the row count.
    public func exportCSV() -> (text: String, count: Int) {
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "item,title,rating\n"
        for (i, r) in zip(profile.items, profile.ratings) {
            let it = dataset.catalog[i]
            out += "\(quote(it.rawID)),\(quote(it.title)),\(formatRating(r))\n"
        }
        for r in unmatchedRatings { out += "\(quote(r.item)),,\(formatRating(r.value))\n" }
        return (out, profile.count + unmatchedRatings.count)
    }
}

import Foundation
import RecsysEngine

/// Why `b` is listed as similar to `a`: "similarity 0.83; shares Sci-Fi, Adventure, 1970s".
///
/// The score (named "EASE weight" for EASE), then up to five shared genres, director,
/// decade and keywords. Used by `similar` and by `serve`'s `/v1/similar`. Words for people, so it
/// lives in the UI layer, beside `ExplanationText`; the engine only gives the score.
public func similarityReason(_ a: Item, _ b: Item, score: Float, algorithm: String) -> String {
    var shared = a.genres.filter { b.genres.contains($0) }
    if let d = a.director, d == b.director { shared.append("director " + d) }
    if let ya = a.year, let yb = b.year, ya / 10 == yb / 10 { shared.append("\(ya / 10 * 10)s") }
    shared += a.keywords.filter { b.keywords.contains($0) }.prefix(3)
    let what = algorithm == "ease" ? "EASE weight" : "similarity"
    return "\(what) \(JSONText.number(score))" + (shared.isEmpty ? "" : "; shares " + shared.prefix(5).joined(separator: ", "))
}

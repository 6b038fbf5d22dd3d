import Foundation

/// One row of a recommendation or similar-items listing, as `recommend`, `similar` and
/// `serve` write it: rank (1-based), raw item id, title, score and the one-line reason.
///
/// Its JSON object (`{"rank", "item", "title", "score", "reason"}`) is a contract shared
/// by the CLI's `--format json` and the HTTP API: extend it, never change a key.
public struct ListedItem: Sendable, Equatable {
    public var rank: Int
    public var item: String
    public var title: String
    public var score: Float
    public var reason: String

    public init(rank: Int, item: String, title: String, score: Float, reason: String) {
        self.rank = rank
        self.item = item
        self.title = title
        self.score = score
        self.reason = reason
    }

    /// The JSON object, keys in contract order; `extra` (already-encoded `"key": value` pairs) is appended.
    public func json(extra: [String] = []) -> String {
        var s = "{\"rank\": \(rank), \"item\": \(JSONText.quoted(item)), \"title\": \(JSONText.quoted(title)), "
            + "\"score\": \(JSONText.number(score)), \"reason\": \(JSONText.quoted(reason))"
        for e in extra { s += ", " + e }
        return s + "}"
    }
}

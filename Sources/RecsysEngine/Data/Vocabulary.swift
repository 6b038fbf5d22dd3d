/// A two-way map between raw identifiers (strings read from files) and dense
/// `Int32` indices `0..<count`, built once at load time.
///
/// Everything inside the engine works on the dense indices; raw ids only come
/// back at the edges (output, explanations, the store).
///
/// Complexity: `index(of:)` is O(1) on average; `id(at:)` is O(1).
public struct Vocabulary: Sendable, Equatable {
    /// Raw ids in index order: `ids[i]` is the raw id of index `i`.
    public private(set) var ids: [String]
    private var lookup: [String: Int32]

    public init() {
        ids = []
        lookup = [:]
    }

    /// Builds a vocabulary from raw ids in first-seen order; repeated ids keep their first index.
    public init<S: Sequence>(_ rawIDs: S) where S.Element == String {
        self.init()
        for id in rawIDs { _ = insert(id) }
    }

    public var count: Int { ids.count }

    /// Returns the index of `rawID`, adding it at the end when new.
    @discardableResult
    public mutating func insert(_ rawID: String) -> Int32 {
        if let existing = lookup[rawID] { return existing }
        let index = Int32(ids.count)
        ids.append(rawID)
        lookup[rawID] = index
        return index
    }

    /// The dense index of a raw id, or `nil` when the id is unknown.
    public func index(of rawID: String) -> Int32? { lookup[rawID] }

    /// The raw id of a dense index.
    public func id(at index: Int32) -> String { ids[Int(index)] }

    public func contains(_ rawID: String) -> Bool { lookup[rawID] != nil }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.ids == rhs.ids }
}

import Foundation

/// The memory one fit may use, in bytes, and how models derive their sizes from it.
///
/// Default: a third of physical memory, at most 4 GiB and at least 512 MiB
/// (`MemoryBudget.defaultBytes`). On a 16 GB laptop that is 4 GiB, so the largest model (EASE at
/// its 20,000-film cap, 1.6 GB kept) fits beside the others within the 6 GB the explorer may use.
/// `--memory 4G` on the explorer, `bench`, `train` and `eval` sets it (`MemoryBudget.parse`).
///
/// What models do with it (docs/scale.md):
/// - user-knn, item-knn: the kept neighbour lists (8 bytes per neighbour) take at most
///   `neighbourShare` of the budget; `keep` is lowered to fit and the cap is reported as a `FitLimit`.
/// - EASE: the dense solve holds one n × n Float matrix (the inverse is formed in place), so
///   n ≤ √(budget / 4); the item cap is min(`max_items`, that), reported as a `FitLimit`
///   ("20,000 most-rated of 62,423 films").
public enum MemoryBudget {
    /// The share of the budget that kept neighbour lists may take.
    public static let neighbourShare = 0.125

    /// Physical memory of this machine, in bytes.
    public static var physicalBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// A third of physical memory, clamped to 512 MiB…4 GiB.
    public static var defaultBytes: Int {
        min(4 << 30, max(512 << 20, physicalBytes / 3))
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var override: Int?

    /// The budget a `FitContext` gets when none is given: `defaultBytes`, or what the command line
    /// set with `--memory` (set once at start-up, before any fit).
    public static var processDefault: Int {
        get { lock.lock(); defer { lock.unlock() }; return override ?? defaultBytes }
        set { lock.lock(); override = newValue; lock.unlock() }
    }

    /// Parses "4G", "512M", "1.5g", "800MiB", "2GB" or a plain number of bytes (binary units:
    /// K = 1024). Returns nil for anything else or for less than 16 MiB.
    public static func parse(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            break
        }
        var unit = 1.0
        if let last = s.last, let shift = ["K": 10, "M": 20, "G": 30, "T": 40][String(last)] {
            unit = Double(1 << shift)
            s.removeLast()
        }
        guard !s.isEmpty, let v = Double(s), v.isFinite, v > 0 else { return nil }
        let bytes = v * unit
        guard bytes >= Double(16 << 20), bytes < 1e18 else { return nil }
        return Int(bytes)
    }

    /// "4.0 GiB", "512 MiB": a budget as people read it.
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        return "\(bytes >> 20) MiB"
    }

    /// The largest n for which a dense n × n solve holding `matrices` Float matrices fits.
    public static func denseItems(budget: Int, matrices: Int = 1) -> Int {
        Int((Double(budget) / Double(4 * max(1, matrices))).squareRoot())
    }
}

/// A limit a fit applied because of its parameters or the memory budget, as data (the UI words it).
///
/// For example EASE on the 25M shape: `FitLimit(kind: .itemCap, kept: 20_000, total: 62_423,
/// cause: .parameter("max_items"))`; user-knn on it: `.neighbourCap` with kept 412 of 1000 per user.
public struct FitLimit: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Only the `kept` most-rated of `total` items were modelled.
        case itemCap = "item-cap"
        /// `kept` neighbours per row were kept instead of the `total` asked for.
        case neighbourCap = "neighbour-cap"
        /// `kept` passes over the training ratings (`total` = `kept`).
        case epochs
        /// A second stage re-scores only the first `kept` of `total` films of a retrieval stage (`stage`).
        case candidates
        /// Similarities were computed from `kept` of the `total` ratings: heavy users' ratings sampled.
        case coRatingSample = "co-rating-sample"
    }

    public enum Cause: Sendable, Equatable {
        /// The memory budget (bytes) allowed no more.
        case memoryBudget(Int)
        /// A parameter set the limit (its key).
        case parameter(String)
    }

    public var kind: Kind
    public var kept: Int
    public var total: Int
    public var cause: Cause
    /// The retrieval stage (`.candidates`), nil otherwise.
    public var stage: String?

    public init(kind: Kind, kept: Int, total: Int, cause: Cause, stage: String? = nil) {
        self.kind = kind
        self.kept = kept
        self.total = total
        self.cause = cause
        self.stage = stage
    }

    /// `n` passes over the data, set by the parameter `key`.
    public static func epochs(_ n: Int, key: String = "epochs") -> FitLimit {
        FitLimit(kind: .epochs, kept: n, total: n, cause: .parameter(key))
    }

    /// A second stage re-scoring `count` of `total` films of the `retrieval` stage.
    public static func candidates(count: Int, total: Int, retrieval: String) -> FitLimit {
        FitLimit(kind: .candidates, kept: count, total: total, cause: .parameter("candidates"), stage: retrieval)
    }
}

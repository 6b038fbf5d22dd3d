/// A problem with an evaluation request (a bad metric name, split, fraction, …), as one line.
public struct EvalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One metric the evaluation reports, parsed from its command-line name ("ndcg@10", "rmse").
///
/// The name is also the JSON key, so `MetricSpec(parsing: s).name == s` for every valid `s`
/// written in canonical form.
public struct MetricSpec: Sendable, Hashable, CustomStringConvertible {
    /// The metric families. The raw value is the name before any "@k".
    public enum Kind: String, Sendable, CaseIterable {
        case rmse, mae, fcp
        case precision, recall, ndcg, map, mrr, hitrate, auc
        case topkAccuracy = "topk-accuracy"
        case coverage, gini, diversity, novelty, personalization, popularity
        /// Agreement of the top k with the users' known tastes (datasets with `tastes.csv`).
        case tasteAgreement = "taste-agreement"

        /// Rating-prediction metrics (they call `predict`); the others rank with `scores`.
        public var isRatingMetric: Bool { self == .rmse || self == .mae || self == .fcp }

        /// Metrics of the recommendation lists as a whole (beyond accuracy).
        public var isListMetric: Bool {
            switch self {
            case .coverage, .gini, .diversity, .novelty, .personalization, .popularity: return true
            default: return false
            }
        }

        /// Whether a "@k" is required (true), optional (nil: list length, default 10) or forbidden (false).
        var takesK: Bool? {
            switch self {
            case .precision, .recall, .ndcg, .map, .hitrate, .topkAccuracy, .tasteAgreement: return true
            case .coverage, .gini, .diversity, .novelty, .personalization, .popularity: return nil
            case .rmse, .mae, .fcp, .mrr, .auc: return false
            }
        }

        /// True when a lower value is better (errors).
        public var lowerIsBetter: Bool { self == .rmse || self == .mae }
    }

    public var kind: Kind
    /// The cut-off: list length for `@k` metrics; for list metrics without `@k`, 10.
    public var k: Int
    /// The name as written on the command line and used as JSON key.
    public var name: String

    /// The default list length of beyond-accuracy metrics named without "@k".
    public static let defaultListLength = 10

    /// Metrics used when none are named: rmse, mae, precision@10, recall@10, ndcg@10, coverage.
    public static let defaults: [MetricSpec] = ["rmse", "mae", "precision@10", "recall@10", "ndcg@10", "coverage"]
        .map { try! MetricSpec(parsing: $0) }

    /// Added to the defaults when the dataset knows its users' tastes.
    public static let defaultTasteAgreement = try! MetricSpec(parsing: "taste-agreement@10")

    /// Parses "rmse", "ndcg@10", "coverage", "coverage@20", …; names the valid metrics on error.
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        let parts = lower.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        guard let kind = Kind(rawValue: base) else {
            throw EvalError("unknown metric '\(text)' (valid: \(MetricSpec.validNames))")
        }
        var k: Int? = nil
        if parts.count == 2 {
            guard let v = Int(parts[1]), v > 0 else {
                throw EvalError("metric '\(text)': k must be a positive integer")
            }
            k = v
        }
        switch kind.takesK {
        case true?:
            guard let k else { throw EvalError("metric '\(base)' needs a cut-off, e.g. \(base)@10") }
            self.init(kind: kind, k: k, name: "\(base)@\(k)")
        case false?:
            if k != nil { throw EvalError("metric '\(base)' takes no @k") }
            self.init(kind: kind, k: 0, name: base)
        case nil:
            if let k { self.init(kind: kind, k: k, name: "\(base)@\(k)") } else {
                self.init(kind: kind, k: MetricSpec.defaultListLength, name: base)
            }
        }
    }

    init(kind: Kind, k: Int, name: String) {
        self.kind = kind
        self.k = k
        self.name = name
    }

    /// Parses a comma-separated list; duplicates are dropped (first kept).
    public static func parseList(_ text: String) throws -> [MetricSpec] {
        var out: [MetricSpec] = []
        for part in text.split(separator: ",") {
            let trimmed = String(part).trimmingTrailingSpaces()
            if trimmed.isEmpty { continue }
            let m = try MetricSpec(parsing: trimmed)
            if !out.contains(m) { out.append(m) }
        }
        if out.isEmpty { throw EvalError("no metric named (valid: \(validNames))") }
        return out
    }

    static var validNames: String {
        Kind.allCases.map { kind -> String in
            switch kind.takesK {
            case true?: return kind.rawValue + "@k"
            case nil: return kind.rawValue + "[@k]"
            case false?: return kind.rawValue
            }
        }.joined(separator: ", ")
    }

    public var description: String { name }
}

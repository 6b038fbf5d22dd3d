/// Parameter values for evaluation runs, from repeated `--param ALGO.KEY=V[,V…]`.
///
/// A key with several values makes a grid search: every combination of the values of
/// one algorithm's keys is one run. Keys keep the order they were given in.
public struct ParameterGrid: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var algorithm: String
        public var key: String
        public var values: [String]
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Parses each "ALGO.KEY=V[,V…]"; a repeated ALGO.KEY replaces the earlier values.
    public init(parsing specs: [String]) throws {
        for spec in specs {
            guard let eq = spec.firstIndex(of: "=") else {
                throw EvalError("--param '\(spec)': expected ALGO.KEY=VALUE[,VALUE…]")
            }
            let lhs = spec[..<eq], rhs = spec[spec.index(after: eq)...]
            guard let dot = lhs.firstIndex(of: "."), dot != lhs.startIndex, lhs.index(after: dot) != lhs.endIndex else {
                throw EvalError("--param '\(spec)': expected ALGO.KEY=VALUE[,VALUE…] (e.g. svd.factors=50,100)")
            }
            let values = rhs.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
            guard !values.isEmpty else { throw EvalError("--param '\(spec)': no value after '='") }
            let e = Entry(algorithm: String(lhs[..<dot]), key: String(lhs[lhs.index(after: dot)...]), values: values)
            if let k = entries.firstIndex(where: { $0.algorithm == e.algorithm && $0.key == e.key }) {
                entries[k] = e
            } else {
                entries.append(e)
            }
        }
    }

    /// True when some key has more than one value.
    public var isGrid: Bool { entries.contains { $0.values.count > 1 } }

    /// Algorithms named in the grid.
    public var algorithms: [String] {
        var out: [String] = []
        for e in entries where !out.contains(e.algorithm) { out.append(e.algorithm) }
        return out
    }

    /// Every combination of values for `algorithm`, first key varying slowest; one empty
    /// combination when it has no entry.
    public func combinations(for algorithm: String) -> [[(key: String, value: String)]] {
        var out: [[(key: String, value: String)]] = [[]]
        for e in entries where e.algorithm == algorithm {
            out = out.flatMap { prefix in e.values.map { prefix + [(key: e.key, value: $0)] } }
        }
        return out
    }
}

import Foundation

/// The last evaluation-lab run of a profile as the profile store keeps it (JSON in the store's
/// `lab_result` table, migration `lab-results-v1`), so `recsys-tui report` can chart it later.
///
/// It holds what was run (dataset, split, seed, metric names, grid or not) and each result's
/// means over the folds; per-fold figures and the full parameter sets are left out (the lab's
/// table and charts use only the means). Undefined metrics (NaN) are left out of `metrics`.
public struct LabRecord: Sendable, Equatable, Codable {
    /// One algorithm with one parameter combination (and cold-start level).
    public struct Result: Sendable, Equatable, Codable {
        public var algorithm: String
        /// The parameters the run varied, in their order, as [key, value] pairs.
        public var overrides: [[String]]
        /// Training ratings kept per user in a cold-start run.
        public var coldStart: Int?
        /// Metric name → mean over folds; only finite values.
        public var metrics: [String: Double]
        public var fitSeconds: Double

        public init(algorithm: String, overrides: [[String]] = [], coldStart: Int? = nil, metrics: [String: Double],
                    fitSeconds: Double = 0) {
            self.algorithm = algorithm
            self.overrides = overrides
            self.coldStart = coldStart
            self.metrics = metrics
            self.fitSeconds = fitSeconds
        }
    }

    public var dataset: String
    public var split: String
    public var seed: UInt64
    /// Metric names (`MetricSpec` syntax) in the run's order.
    public var metrics: [String]
    public var isGrid: Bool
    public var results: [Result]
    /// When the run finished, seconds since 1970.
    public var savedAt: Int64

    public init(dataset: String, split: String, seed: UInt64, metrics: [String], isGrid: Bool, results: [Result],
                savedAt: Int64) {
        self.dataset = dataset
        self.split = split
        self.seed = seed
        self.metrics = metrics
        self.isGrid = isGrid
        self.results = results
        self.savedAt = savedAt
    }

    /// The record of a finished lab run.
    public init(_ report: EvalReport, savedAt: Int64) {
        self.init(dataset: report.dataset, split: report.split, seed: report.seed, metrics: report.metrics.map(\.name),
                  isGrid: report.isGrid,
                  results: report.results.map { r in
                      Result(algorithm: r.algorithm, overrides: r.overrides.map { [$0.key, $0.value] }, coldStart: r.coldStart,
                             metrics: r.metrics.filter { $0.value.isFinite },
                             fitSeconds: r.fitSeconds.isFinite ? r.fitSeconds : 0)
                  },
                  savedAt: savedAt)
    }

    /// The report again (means only; a metric the record lacks is NaN), for the lab's table and charts.
    /// - Throws: `ParameterError` when a metric name no longer parses.
    public func report() throws -> EvalReport {
        let specs = try metrics.map { try MetricSpec(parsing: $0) }
        let results = self.results.map { r in
            EvalResult(algorithm: r.algorithm, params: Parameters(),
                       overrides: r.overrides.compactMap { $0.count == 2 ? (key: $0[0], value: $0[1]) : nil },
                       coldStart: r.coldStart,
                       metrics: Dictionary(uniqueKeysWithValues: metrics.map { ($0, r.metrics[$0] ?? .nan) }),
                       fitSeconds: r.fitSeconds, predictSeconds: 0, perFold: [])
        }
        return EvalReport(dataset: dataset, split: split, seed: seed, metrics: specs, results: results, isGrid: isGrid)
    }

    /// The stored form: compact JSON with sorted keys.
    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    /// Reads the stored form. - Throws: `DecodingError` for text that is not a record.
    public static func decode(_ text: String) throws -> LabRecord {
        try JSONDecoder().decode(LabRecord.self, from: Data(text.utf8))
    }
}

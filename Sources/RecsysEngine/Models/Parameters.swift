/// A parameter a model accepts: its key, type, range, default and meaning.
public struct ParameterSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        case real(ClosedRange<Double>)
        case choice([String])
        case flag
    }

    /// Which of a model's two paths a parameter changes.
    public enum Affects: String, Sendable, Equatable {
        /// Only rating prediction (`predict`, RMSE).
        case prediction
        /// Only the top-N list (`recommend`, ranking metrics).
        case topN = "top-N"
        case both
    }

    public var key: String
    public var kind: Kind
    public var defaultValue: String
    public var help: String
    /// What the parameter changes; `both` unless the model says otherwise.
    public var affects: Affects

    public init(_ key: String, _ kind: Kind, default defaultValue: String, _ help: String, affects: Affects = .both) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.affects = affects
    }

    /// "an integer in 1...1000", "one of cosine, pearson", …
    public var allowed: String {
        switch kind {
        case .integer(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .real(let r): return "a number in \(r.lowerBound)...\(r.upperBound)"
        case .choice(let c): return "one of " + c.joined(separator: ", ")
        case .flag: return "true or false"
        }
    }
}

/// A bad parameter: names the algorithm, the key, the value and what is allowed.
public struct ParameterError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parameter values as text (from `--param ALGO.KEY=V`, `:set`, saved models), with typed, validated reads.
public struct Parameters: Sendable, Equatable, CustomStringConvertible {
    public private(set) var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Fills in defaults and checks every value against `specs`; unknown keys are rejected.
    public func resolved(for algorithm: String, specs: [ParameterSpec]) throws -> Parameters {
        var out = values
        for key in values.keys where !specs.contains(where: { $0.key == key }) {
            let known = specs.map(\.key).sorted().joined(separator: ", ")
            throw ParameterError("\(algorithm) has no parameter '\(key)'"
                + (known.isEmpty ? "" : " (known: \(known))"))
        }
        for spec in specs {
            let raw = values[spec.key] ?? spec.defaultValue
            out[spec.key] = try Parameters.check(raw, spec: spec, algorithm: algorithm)
        }
        return Parameters(out)
    }

    static func check(_ raw: String, spec: ParameterSpec, algorithm: String) throws -> String {
        let bad = ParameterError("\(algorithm).\(spec.key) must be \(spec.allowed) (got '\(raw)')")
        switch spec.kind {
        case .integer(let r):
            guard let v = Int(raw), r.contains(v) else { throw bad }
            return String(v)
        case .real(let r):
            guard let v = Double(raw), v.isFinite, r.contains(v) else { throw bad }
            return raw
        case .choice(let c):
            guard c.contains(raw) else { throw bad }
            return raw
        case .flag:
            switch raw.lowercased() {
            case "true", "yes", "1", "on": return "true"
            case "false", "no", "0", "off": return "false"
            default: throw bad
            }
        }
    }

    public func int(_ key: String) -> Int { Int(values[key] ?? "") ?? 0 }
    public func double(_ key: String) -> Double { Double(values[key] ?? "") ?? 0 }
    public func float(_ key: String) -> Float { Float(double(key)) }
    public func string(_ key: String) -> String { values[key] ?? "" }
    public func bool(_ key: String) -> Bool { values[key] == "true" }

    /// "k=40, sim=pearson-baseline", sorted by key.
    public var description: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", ")
    }
}

import Foundation

/// One valid input: a set of files (relative path → bytes) and the path a reader is given.
public struct FuzzSeed: Sendable {
    public var name: String
    public var files: [String: [UInt8]]
    /// Relative path handed to the reader; "" means the folder itself.
    public var entry: String

    public init(name: String, files: [String: [UInt8]], entry: String) {
        self.name = name
        self.files = files
        self.entry = entry
    }
}

/// Something to fuzz: valid seeds and the call that must survive any mutation of them.
///
/// `read` gets an absolute path (a folder or a file) and the case's generator (to vary
/// options). It must either return or throw a `LoadError`; anything else is a finding.
public struct FuzzTarget: Sendable {
    public var name: String
    public var seeds: [FuzzSeed]
    public var read: @Sendable (String, inout SplitMix64) throws -> Void

    public init(name: String, seeds: [FuzzSeed], read: @escaping @Sendable (String, inout SplitMix64) throws -> Void) {
        self.name = name
        self.seeds = seeds
        self.read = read
    }
}

/// A case that broke a rule: a non-`LoadError` error, a multi-line message, an error
/// naming no file of the input, or a case slower than the limit.
public struct FuzzFinding: Sendable, CustomStringConvertible {
    public var caseIndex: Int
    public var target: String
    public var seed: String
    public var mutations: [FuzzMutation]
    public var problem: String
    /// Where the failing input was kept (empty if not kept).
    public var keptAt: String

    public var description: String {
        "case \(caseIndex) [\(target)/\(seed) \(mutations.map(\.rawValue).joined(separator: "+"))]: \(problem)"
            + (keptAt.isEmpty ? "" : " (input kept in \(keptAt))")
    }
}

/// What a fuzz run did.
public struct FuzzReport: Sendable {
    public var seed: UInt64
    public var cases = 0
    /// Inputs that loaded (mutations can leave a file valid).
    public var accepted = 0
    /// Inputs refused with a `LoadError` naming a line.
    public var rejectedWithLine = 0
    /// Inputs refused with a `LoadError` about the whole file (missing file, empty, …).
    public var rejectedFileLevel = 0
    public var findings: [FuzzFinding] = []
    public var bytes = 0
    public var seconds = 0.0
    public var slowestCase = (index: -1, seconds: 0.0)
    public var casesPerTarget: [String: Int] = [:]
    /// A few distinct file-level messages, to see what "no line" errors say.
    public var fileLevelExamples: [String] = []

    public init(seed: UInt64) { self.seed = seed }

    public var summary: String {
        let mb = Double(bytes) / 1_048_576
        return String(format: "seed %llu: %d cases (%.1f MB) in %.1f s: %d loaded, %d rejected with file:line, %d rejected file-level, %d findings; slowest case %d took %.3f s",
                      seed, cases, mb, seconds, accepted, rejectedWithLine, rejectedFileLevel, findings.count,
                      slowestCase.index, slowestCase.seconds)
    }
}

/// A seeded, bounded mutation fuzzer for file readers.
///
/// Case `i` of seed `s` is generated from `SplitMix64.derived(seed: s, stream: i)` alone, so
/// any case can be replayed without re-running the ones before it. Each case picks a target,
/// one of its seeds, one (sometimes two) of the seed's files and a chain of 1–3 mutations,
/// writes the files into `workDir/case`, and calls the reader.
///
/// Rules checked per case: the reader returns or throws `LoadError`; the message is one line;
/// its `file` lies inside the case folder; the case takes less than `caseLimit` seconds.
public struct Fuzzer: Sendable {
    public var targets: [FuzzTarget]
    public var workDir: String
    /// Seconds one case may take before it counts as a (near-)hang.
    public var caseLimit: Double
    /// Keep the input of each finding (up to 20) in `workDir/finding-<case>`.
    public var keepFindings: Bool

    public init(targets: [FuzzTarget], workDir: String, caseLimit: Double = 5, keepFindings: Bool = true) {
        self.targets = targets
        self.workDir = workDir
        self.caseLimit = caseLimit
        self.keepFindings = keepFindings
    }

    /// A generated case, before it is written to disk.
    public struct Case: Sendable {
        public var index: Int
        public var target: Int
        public var seed: FuzzSeed
        public var mutations: [FuzzMutation]
        public var files: [String: [UInt8]]
        public var readerRNG: SplitMix64
    }

    /// Generates case `index` of `seed` (pure: no files touched).
    public func makeCase(seed: UInt64, index: Int) -> Case {
        var rng = SplitMix64.derived(seed: seed, stream: UInt64(index))
        let t = rng.nextInt(targets.count)
        let s = targets[t].seeds[rng.nextInt(targets[t].seeds.count)]
        var files = s.files
        let names = files.keys.sorted()
        var mutations: [FuzzMutation] = []
        let fileCount = rng.nextInt(5) == 0 ? 2 : 1
        for _ in 0..<fileCount where !names.isEmpty {
            let name = names[rng.nextInt(names.count)]
            var bytes = files[name]!
            for _ in 0..<(1 + rng.nextInt(3)) {
                let m = FuzzMutation.allCases[rng.nextInt(FuzzMutation.allCases.count)]
                mutations.append(m)
                bytes = m.apply(to: bytes, rng: &rng)
            }
            files[name] = bytes
        }
        // Now and then a file of the folder goes missing.
        if names.count > 1 && rng.nextInt(20) == 0 { files[names[rng.nextInt(names.count)]] = nil }
        return Case(index: index, target: t, seed: s, mutations: mutations, files: files,
                    readerRNG: SplitMix64.derived(seed: seed ^ 0x5EED, stream: UInt64(index)))
    }

    /// Writes a case's files into `dir` (emptied first) and returns the path to hand the reader.
    @discardableResult
    public func materialize(_ c: Case, in dir: String) throws -> String {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in c.files {
            try Data(bytes).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
        }
        return c.seed.entry.isEmpty ? dir : (dir as NSString).appendingPathComponent(c.seed.entry)
    }

    /// Runs cases `0, 1, 2, …` until `maxCases` or `seconds` is reached (whichever first).
    ///
    /// - Parameters:
    ///   - onCase: called before each case with its index (the CLI's hang watchdog listens).
    public func run(seed: UInt64, maxCases: Int? = nil, seconds: Double? = nil,
                    onCase: (Int) -> Void = { _ in }) -> FuzzReport {
        var report = FuzzReport(seed: seed)
        let start = Date()
        let caseDir = (workDir as NSString).appendingPathComponent("case")
        var i = 0
        while true {
            if let maxCases, i >= maxCases { break }
            if let seconds, Date().timeIntervalSince(start) >= seconds { break }
            if maxCases == nil && seconds == nil { break }
            onCase(i)
            let c = makeCase(seed: seed, index: i)
            report.cases += 1
            report.bytes += c.files.values.reduce(0) { $0 + $1.count }
            report.casesPerTarget[targets[c.target].name, default: 0] += 1
            var problem: String?
            let t0 = Date()
            do {
                let path = try materialize(c, in: caseDir)
                var rng = c.readerRNG
                do {
                    try targets[c.target].read(path, &rng)
                    report.accepted += 1
                } catch let e as LoadError {
                    problem = Self.check(e, caseDir: caseDir)
                    if problem == nil {
                        if e.line > 0 {
                            report.rejectedWithLine += 1
                        } else {
                            report.rejectedFileLevel += 1
                            let msg = e.message
                            if report.fileLevelExamples.count < 8 && !report.fileLevelExamples.contains(msg) {
                                report.fileLevelExamples.append(msg)
                            }
                        }
                    }
                } catch {
                    problem = "threw \(type(of: error)), not LoadError: \(error)"
                }
            } catch {
                problem = "could not write the case: \(error)"
            }
            let dt = Date().timeIntervalSince(t0)
            if dt > report.slowestCase.seconds { report.slowestCase = (i, dt) }
            if problem == nil && dt > caseLimit { problem = String(format: "took %.2f s (limit %.2f s)", dt, caseLimit) }
            if let problem {
                var kept = ""
                if keepFindings && report.findings.count < 20 {
                    kept = (workDir as NSString).appendingPathComponent("finding-\(i)")
                    try? FileManager.default.removeItem(atPath: kept)
                    try? FileManager.default.copyItem(atPath: caseDir, toPath: kept)
                }
                report.findings.append(FuzzFinding(caseIndex: i, target: targets[c.target].name, seed: c.seed.name,
                                                   mutations: c.mutations, problem: problem, keptAt: kept))
            }
            i += 1
        }
        report.seconds = Date().timeIntervalSince(start)
        try? FileManager.default.removeItem(atPath: caseDir)
        return report
    }

    /// Nil when the error obeys the rules, else what is wrong with it.
    public static func check(_ e: LoadError, caseDir: String) -> String? {
        let text = e.description
        if text.contains(where: \.isNewline) { return "message spans lines: \(String(reflecting: text.prefix(200)))" }
        if !e.file.hasPrefix(caseDir) { return "message names no input file: \(text.prefix(200))" }
        if e.message.trimmingCharacters(in: .whitespaces).isEmpty { return "empty message for \(e.file)" }
        return nil
    }
}

import ArgumentParser
import Foundation
import RecsysEngine
import RecsysStore

/// `recsys-tui fuzz` (hidden): a seeded fuzz campaign over every dataset loader and the
/// profile importer. See docs/fuzzing.md.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Fuzz the dataset loaders, the profile importer and the cache readers with mutated inputs.",
        discussion: """
            Exits 0 when every case loaded or failed with a one-line LoadError naming its file, 1 when a \
            case broke a rule (kept under --work/finding-N), and dies with the case number printed if a \
            case hangs longer than --hang-seconds. Replay one case with --replay N.
            """,
        shouldDisplay: false)

    @Option(help: "Run for this many seconds.") var seconds: Double = 10
    @Option(help: "Stop after this many cases (whichever comes first).") var cases: Int?
    @Option(help: "The campaign seed.") var seed: UInt64 = 1
    @Option(help: "Only targets whose name contains this (ml-100k, ml-1m, ml-latest, ratings-file, profile-import, class-folder, model-cache, dataset-image).")
    var target: String?
    @Option(help: "Working folder (default: a temporary folder).") var work: String?
    @Option(help: "A case slower than this is a finding.") var caseLimit: Double = 5
    @Option(help: "A case still running after this many seconds aborts the run as a hang.") var hangSeconds: Double = 60
    @Option(help: "Write case N's files into --work/replay-N and run only it.") var replay: Int?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        if seconds <= 0 { throw ValidationError("--seconds must be positive") }
        if let cases, cases < 1 { throw ValidationError("--cases must be at least 1") }
    }

    func run() throws {
        var targets = LoaderFuzzTargets.all() + [ProfileImportFuzz.target(), ClassFolderFuzz.target()] + CacheFuzzTargets.all()
        if let target {
            targets = targets.filter { $0.name.contains(target) }
            if targets.isEmpty { throw CommandError("no fuzz target matches \(target); targets: ml-100k, ml-1m, ml-latest, ratings-file, profile-import, class-folder, model-cache, dataset-image") }
        }
        let dir = work ?? (NSTemporaryDirectory() + "recsys-fuzz-\(getpid())")
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw CommandError("\(dir): cannot create the work folder")
        }
        let fuzzer = Fuzzer(targets: targets, workDir: dir, caseLimit: caseLimit)
        if let replay {
            let c = fuzzer.makeCase(seed: seed, index: replay)
            let caseDir = (dir as NSString).appendingPathComponent("replay-\(replay)")
            let path = try fuzzer.materialize(c, in: caseDir)
            print("case \(replay): \(targets[c.target].name)/\(c.seed.name) \(c.mutations.map(\.rawValue).joined(separator: "+")) → \(path)")
            var rng = c.readerRNG
            do {
                try targets[c.target].read(path, &rng)
                print("loaded")
            } catch {
                print("error: \(error)")
            }
            return
        }
        let watchdog = Watchdog(limit: hangSeconds)
        watchdog.start()
        let report = fuzzer.run(seed: seed, maxCases: cases, seconds: seconds) { watchdog.caseStarted($0) }
        if work == nil && report.findings.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
        if json {
            let obj: [String: Any] = [
                "seed": report.seed, "cases": report.cases, "bytes": report.bytes, "seconds": report.seconds,
                "loaded": report.accepted, "rejected_with_line": report.rejectedWithLine,
                "rejected_file_level": report.rejectedFileLevel, "findings": report.findings.map(\.description),
                "slowest_case": report.slowestCase.index, "slowest_seconds": report.slowestCase.seconds,
                "cases_per_target": report.casesPerTarget, "file_level_examples": report.fileLevelExamples,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys]) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        } else {
            print(report.summary)
            print("cases per target: " + report.casesPerTarget.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for f in report.findings.prefix(20) { print("FINDING " + f.description) }
        }
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}

/// Aborts the process when one case runs longer than `limit` seconds: an in-process call
/// cannot be cancelled, so a hang is reported (with the case number to replay) and ends the run.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var current = -1
    private var since = Date()
    private let limit: Double

    init(limit: Double) { self.limit = limit }

    func caseStarted(_ i: Int) {
        lock.lock(); current = i; since = Date(); lock.unlock()
    }

    func start() {
        let t = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: min(1, limit / 4))
                lock.lock()
                let (c, s) = (current, since)
                lock.unlock()
                if c >= 0 && Date().timeIntervalSince(s) > limit {
                    // A watchdog thread cannot throw into the command: it ends the process itself, with status 3.
                    FileHandle.standardError.write(Data(
                        "recsys-tui: fuzz: case \(c) has run for more than \(limit) s (a hang); replay it with --replay \(c)\n".utf8))
                    exit(3)
                }
            }
        }
        t.start()
    }
}

import Foundation

/// Runs the built `recsys-tui` executable (built by `swift build`/`swift test` beside the test bundle)
/// the way a user would, but with a private XDG data and cache home, so that no test reads, writes or
/// migrates the profile database or the caches of the person running the tests.
/// The one runner of the binary for every test target (docs/testing.md).
public struct BinaryRunner: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String { "build the recsys-tui product first (swift build)" }
    }

    /// The folder holding `data/` (XDG_DATA_HOME) and `cache/` (XDG_CACHE_HOME).
    public let home: String

    public init(home: String) { self.home = home }

    /// One private home for the whole test process (tests that need a clean cache make their own).
    public static let shared: BinaryRunner = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("recsys-cli-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return BinaryRunner(home: dir)
    }()

    /// The built executable: beside the test bundle (`.build/<config>/recsys-tui`), else in `.build/debug`.
    public static let binary: URL? = {
        var candidates = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // Sources/RecsysTestSupport/BinaryRunner.swift → package root/.build/debug
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("recsys-tui") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The environment a run sees: this process's, with the private XDG homes.
    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["XDG_DATA_HOME"] = home + "/data"
        env["XDG_CACHE_HOME"] = home + "/cache"
        return env
    }

    /// A process of the binary with `arguments`, the private environment and (optionally) a working directory;
    /// not yet started.
    public func process(_ arguments: [String], in directory: String? = nil) throws -> Process {
        guard let binary = Self.binary else { throw NotBuilt() }
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.environment = environment
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        return p
    }

    /// Runs the binary to its end and returns its exit status and output.
    public func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let p = try process(arguments, in: directory)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // stderr is read on another thread, so a chatty child never blocks on a full pipe.
        let errText = ErrText()
        let reader = Thread { errText.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: errText.wait())
    }
}

/// stderr's bytes, handed from the reading thread.
private final class ErrText: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    func set(_ d: Data) { data = d; done.signal() }
    func wait() -> String { done.wait(); return String(decoding: data, as: UTF8.self) }
}

import ArgumentParser
import Foundation
import Logging
import RecsysEngine
import RecsysServer
import RecsysStore

/// `recsys-tui serve`: an HTTP service for saved (or freshly fitted) models. The API is in
/// docs/openapi.yaml and the walk-through in docs/serving.md; this command only gathers options,
/// loads the models once and hands them to `RecsysServer`.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve saved models over HTTP (JSON API under /v1, see docs/serving.md).",
        discussion: """
            Loads each --model FILE (saved by 'recsys-tui train') and fits each --algorithm once, then answers \
            requests on both cores until SIGINT or SIGTERM, finishing requests in flight. The first model is the \
            default algorithm. Without --model or --algorithm it fits \(ModelOptions.defaultAlgorithm). \
            Binds 127.0.0.1 unless --host says otherwise; --token FILE makes every write need a bearer token. \
            One log line per request goes to stderr.
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(name: .customLong("model"), help: ArgumentHelp(
        "A model saved by 'recsys-tui train' (repeatable; trained on the same --data).", valueName: "FILE"))
    var models: [String] = []

    @Option(name: .customLong("algorithm"), help: ArgumentHelp(
        "An algorithm to fit at start (repeatable): \(Algorithms.names.joined(separator: ", ")).", valueName: "A"))
    var algorithms: [String] = []

    @Option(name: [.customLong("param")], help: ArgumentHelp(
        "A parameter of a fitted algorithm, ALGO.KEY=VALUE (repeatable).", valueName: "ALGO.KEY=VALUE"))
    var params: [String] = []

    @Option(help: "Seed for every random choice of the fits.")
    var seed: UInt64 = 42

    @Option(help: "Address to bind (127.0.0.1: this machine only).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = ServerSettings.defaultPort

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("A file holding the bearer token every write must carry.", valueName: "FILE"))
    var token: String?

    @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error.")
    var logLevel = "info"

    /// The algorithms fitted at start: --algorithm, or the default when no model is given at all.
    var fittedAlgorithms: [String] {
        algorithms.isEmpty && models.isEmpty ? [ModelOptions.defaultAlgorithm] : algorithms
    }

    func validate() throws {
        for a in algorithms where Algorithms.type(named: a) == nil {
            throw ValidationError("unknown algorithm '\(a)' (valid: \(Algorithms.names.joined(separator: ", ")))")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port))") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical "
                + "(got '\(logLevel)')")
        }
        let fitted = fittedAlgorithms
        for p in params {
            guard let eq = p.firstIndex(of: "="), let dot = p[..<eq].firstIndex(of: "."),
                  fitted.contains(String(p[..<dot])) else {
                throw ValidationError("--param expects ALGO.KEY=VALUE for an --algorithm being fitted (got '\(p)')")
            }
        }
    }

    func run() throws {
        let tokenValue = try token.map { path -> String in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandError("\(path): cannot read the token file")
            }
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty || t.contains(where: { $0.isWhitespace }) {
                throw CommandError("\(path):1: expected one token without spaces")
            }
            return t
        }
        let ds = try dataOptions.load()
        var served: [ServedModel] = []
        for file in models {
            served.append(try ServedModel.load(file: file, dataset: ds))
        }
        for name in fittedAlgorithms {
            let mine = params.filter { $0.hasPrefix(name + ".") }
            let parameters = try parseParameterAssignments(mine, algorithm: name)
            let start = Date()
            let m = try loadOrFit(algorithm: name, model: nil, dataset: ds, parameters: parameters, seed: seed)
            served.append(ServedModel(model: m, fitSeconds: Date().timeIntervalSince(start)))
        }
        let set: ModelSet
        do { set = try ModelSet(dataset: ds, models: served) } catch { throw CommandError("\(error)") }
        let store = try storeOptions.open()

        let settings = ServerSettings(host: host, port: port, token: tokenValue)
        if !settings.isLoopback {
            warn("warning: binding \(host) makes the API reachable from other machines"
                + (tokenValue == nil ? "; writes are open to anyone who can connect (use --token FILE)" : ""))
        }
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        var logger = Logger(label: "recsys-tui.serve")
        logger.logLevel = level
        let server = RecsysServer(registry: ModelRegistry(set), store: store, settings: settings, logger: logger)
        let names = set.algorithmNames.joined(separator: ", ")
        let host = self.host
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                try await server.run { port in
                    warn("serving \(names) on \(ds.name) at http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
                }
            } catch {
                failure.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw CommandError("serve: \(error)") }
    }
}

private func warn(_ line: String) {
    FileHandle.standardError.write(Data(("recsys-tui: " + line + "\n").utf8))
}

/// The server task's error, handed back to the waiting main thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ e: any Error) { lock.lock(); stored = e; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
}

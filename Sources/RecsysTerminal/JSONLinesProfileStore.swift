import Foundation
import RecsysEngine

/// A small durable profile store: an append-only file of JSON lines, fsynced after every write.
///
/// A stand-in until the SQLite store (`RecsysStore`) is wired in; it sits
/// behind `ProfileStoring`, so swapping is one line. Each change is one line
///
///     {"op":"set","profile":"default","item":"50","value":4.5,"ts":1700000000}
///     {"op":"remove","profile":"default","item":"50"}
///
/// written with a single `write(2)` on an `O_APPEND` descriptor and then
/// `fsync(2)`, so a rating is on disk when `setRating` returns and a crash can at
/// worst leave a torn *last* line, which opening cuts off. The state is the replay
/// of the log: the last line for an (profile, item) pair wins.
///
/// Complexity: open O(lines); `setRating`/`removeRating` O(1) plus one fsync (~ms).
public final class JSONLinesProfileStore: ProfileStoring, @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var fd: Int32
    private var profiles: [String: [String: StoredRating]] = [:]
    private var datasets: [String: String] = [:]

    struct Line: Codable {
        var op: String
        var profile: String
        var item: String?
        var value: Float?
        var ts: Int64?
        var dataset: String?
    }

    /// Errors opening or writing the file, with its path.
    public struct StoreError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
    }

    /// Opens (creating if needed, with its parent folder) and replays the log at `path`.
    ///
    /// - Throws: `StoreError` when the file cannot be opened, or a line other than the last is corrupt.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw StoreError(path: path, line: 0, message: String(cString: strerror(errno))) }
        do {
            try replay()
        } catch {
            Foundation.close(fd)
            throw error
        }
    }

    deinit { Foundation.close(fd) }

    private func replay() throws {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return }
        // A crash mid-write can leave a torn last line (no newline): cut it off, it was never acknowledged.
        var complete = data
        if let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) {
            complete = data[data.startIndex...lastNewline]
        } else {
            complete = Data()
        }
        if complete.count != data.count { ftruncate(fd, off_t(complete.count)) }
        let decoder = JSONDecoder()
        var lineNumber = 0
        for raw in complete.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if raw.isEmpty { continue }
            guard let line = try? decoder.decode(Line.self, from: Data(raw)) else {
                throw StoreError(path: path, line: lineNumber,
                                 message: "not a profile log line (expected a JSON object with \"op\" and \"profile\")")
            }
            apply(line)
        }
    }

    private func apply(_ line: Line) {
        switch line.op {
        case "set":
            if let item = line.item, let v = line.value {
                profiles[line.profile, default: [:]][item] = StoredRating(item: item, value: v, timestamp: line.ts ?? 0)
            }
        case "remove":
            if let item = line.item { profiles[line.profile]?[item] = nil }
        case "profile":
            if profiles[line.profile] == nil { profiles[line.profile] = [:] }
        case "dataset":
            datasets[line.profile] = line.dataset
        default:
            break
        }
    }

    private func append(_ line: Line) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = try encoder.encode(line)
        bytes.append(UInt8(ascii: "\n"))
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count {
            throw StoreError(path: path, line: 0, message: "write failed: \(String(cString: strerror(errno)))")
        }
        if fsync(fd) != 0 {
            throw StoreError(path: path, line: 0, message: "fsync failed: \(String(cString: strerror(errno)))")
        }
        apply(line)
    }

    public func ratings(profile: String) throws -> [StoredRating] {
        lock.lock(); defer { lock.unlock() }
        if profiles[profile] == nil { try append(Line(op: "profile", profile: profile)) }
        return profiles[profile, default: [:]].values.sorted { $0.item < $1.item }
    }

    public func setRating(profile: String, item: String, value: Float, timestamp: Int64) throws {
        lock.lock(); defer { lock.unlock() }
        try append(Line(op: "set", profile: profile, item: item, value: value, ts: timestamp))
    }

    public func removeRating(profile: String, item: String) throws {
        lock.lock(); defer { lock.unlock() }
        try append(Line(op: "remove", profile: profile, item: item))
    }

    public func profileNames() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        return profiles.keys.sorted()
    }

    public func noteDataset(profile: String, dataset: String) throws {
        lock.lock(); defer { lock.unlock() }
        if datasets[profile] == dataset { return }
        try append(Line(op: "dataset", profile: profile, dataset: dataset))
    }
}

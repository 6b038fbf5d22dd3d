import Foundation

/// What a cache file holds.
public enum CacheEntryKind: UInt32, Sendable, CaseIterable {
    /// A fitted model: the payload is a saved model (docs/model-format.md).
    case model = 1
    /// A parsed dataset: the payload is a dataset image (`DatasetImage`).
    case dataset = 2

    public var name: String { self == .model ? "model" : "dataset" }
}

/// The key of a cache entry: ordered `name=value` fields, stored as text in the file's header so
/// that `cache list` can read them without the payload, and compared in full on every read (a
/// file whose key is not exactly the expected one is stale).
public struct CacheKey: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (n, v) in fields { add(n, v) }
    }

    /// Adds a field; newlines in the value are replaced by spaces (one field per line).
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name, value.replacingOccurrences(of: "\n", with: " ")))
    }

    public subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// One `name=value` line per field.
    public var text: String { fields.map { "\($0.name)=\($0.value)\n" }.joined() }

    /// 16 hex digits naming the entry's file: `CacheChecksum` of the text.
    public var digest: String {
        let hex = String(CacheChecksum.hash(Array(text.utf8)), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Parses `text` (lines without `=` are ignored).
    public init(text: String) {
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            add(String(line[..<eq]), String(line[line.index(after: eq)...]))
        }
    }

    public static func == (a: CacheKey, b: CacheKey) -> Bool { a.text == b.text }

    /// True when every field of `self` is in `other` with the same value (`other` may have more,
    /// such as the dataset name an image adds when it is stored).
    public func isSatisfied(by other: CacheKey) -> Bool {
        fields.allSatisfy { f in other[f.name] == f.value }
    }
}

/// The container every cache file uses (docs/architecture.md, "Caches"):
///
/// ```
/// 0   8  magic "RSYSCACH"
/// 8   4  container version u32 (1)
/// 12  4  kind u32 (1 model, 2 dataset image)
/// 16  4  key length K u32
/// 20  4  reserved u32 (0)
/// 24  8  payload length L u64
/// 32  8  checksum u64: CacheChecksum(key + padding) XOR rotl(CacheChecksum(payload), 1)
/// 40  K  key text (`name=value` lines, UTF-8), then zeros up to a multiple of 8
/// P   L  payload (8-byte aligned, so arrays in a memory-mapped file are aligned)
/// ```
///
/// Little-endian. The file ends exactly after the payload. Files are written to a temporary
/// name in the same folder and renamed into place, so a reader never sees half a file; a file
/// damaged anyway (disk, a killed copy, an edit) fails the checksum and is refused.
public enum CacheFile {
    public static let magic: [UInt8] = Array("RSYSCACH".utf8)
    public static let version: UInt32 = 1
    static let headerSize = 40
    /// File name suffix of cache entries.
    public static let suffix = ".rsc"

    /// What the header says (read without the payload).
    public struct Header: Sendable {
        public var kind: CacheEntryKind
        public var key: CacheKey
        public var payloadLength: Int
        public var fileSize: Int
    }

    static func padded(_ n: Int) -> Int { (n + 7) & ~7 }

    /// Writes an entry atomically: a temporary file in the same folder, then `rename`.
    public static func write(path: String, kind: CacheEntryKind, key: CacheKey, payload: [UInt8]) throws {
        try write(path: path, kind: kind, key: key, payloadLength: payload.count) { emit in
            try payload.withUnsafeBytes(emit)
        }
    }

    /// Writes an entry whose payload `parts` hands over piece by piece (exactly `payloadLength`
    /// bytes in all), so a large payload is never gathered in memory: the parts go to the
    /// temporary file as they come, the checksum is computed on the way and written into the
    /// header last, then the file is renamed into place.
    public static func write(path: String, kind: CacheEntryKind, key: CacheKey, payloadLength: Int,
                             parts: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let keyBytes = Array(key.text.utf8)
        var body = keyBytes
        body.append(contentsOf: [UInt8](repeating: 0, count: padded(keyBytes.count) - keyBytes.count))
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        removeAbandonedTemporaries(in: dir)
        let tmp = (dir as NSString).appendingPathComponent(
            ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-" + (path as NSString).lastPathComponent)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LoadError(file: path, "cannot write the cache entry: \(String(cString: strerror(errno)))") }
        func fail(_ reason: String) -> LoadError {
            close(fd)
            unlink(tmp)
            return LoadError(file: path, "cannot write the cache entry: " + reason)
        }
        // The header with a zero checksum; the real one is written over it at the end.
        var ok = header(kind: kind, keyLength: keyBytes.count, payloadLength: payloadLength, checksum: 0)
            .withUnsafeBytes { writeAll(fd, $0) } && body.withUnsafeBytes { writeAll(fd, $0) }
        var hasher = CacheChecksum.Hasher()
        do {
            try parts { part in
                guard ok else { return }
                hasher.add(part)
                ok = writeAll(fd, part)
            }
        } catch {
            _ = fail("")
            throw error
        }
        guard ok else { throw fail(String(cString: strerror(errno))) }
        guard hasher.count == payloadLength else {
            throw fail("\(hasher.count) bytes of payload, \(payloadLength) announced")
        }
        let p = hasher.value
        let sum = body.withUnsafeBytes { CacheChecksum.hash($0) } ^ ((p << 1) | (p >> 63))
        var field = sum.littleEndian
        let wrote = withUnsafeBytes(of: &field) { pwrite(fd, $0.baseAddress!, 8, 32) }
        guard wrote == 8 else { throw fail(String(cString: strerror(errno))) }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let err = errno
            unlink(tmp)
            throw LoadError(file: path, "cannot write the cache entry: \(String(cString: strerror(err)))")
        }
    }

    /// The 40-byte header.
    static func header(kind: CacheEntryKind, keyLength: Int, payloadLength: Int, checksum: UInt64) -> [UInt8] {
        var head = ModelByteWriter()
        head.bytes = magic
        head.u32(version)
        head.u32(kind.rawValue)
        head.u32(UInt32(keyLength))
        head.u32(0)
        head.u64(UInt64(payloadLength))
        head.u64(checksum)
        return head.bytes
    }

    /// Deletes temporary files of writes whose process has ended (quit or killed mid-write).
    static func removeAbandonedTemporaries(in dir: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".tmp-") {
            guard let pid = Int32(name.dropFirst(5).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((dir as NSString).appendingPathComponent(name)) }
        }
    }

    private static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < buf.count {
            let n = posixWrite(fd, buf.baseAddress! + done, buf.count - done)
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }

    /// The checksum stored in the header: `hash(key region) XOR rotl(hash(payload), 1)`, the key
    /// region being the key text and its zero padding (so the payload is hashed straight from the
    /// mapped file, without copying it next to the key).
    static func checksum(_ keyRegion: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) -> UInt64 {
        let p = CacheChecksum.hash(payload)
        return CacheChecksum.hash(keyRegion) ^ ((p << 1) | (p >> 63))
    }

    /// Parses the header at the start of `bytes` (at least the header and key must be present).
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, fileSize: Int, path: String) throws -> (Header, checksum: UInt64) {
        func fail(_ m: String) -> LoadError { LoadError(file: path, m) }
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw fail("not a recsys-tui cache file (no RSYSCACH signature)")
        }
        guard bytes.count >= headerSize else { throw fail("truncated: shorter than the \(headerSize)-byte header") }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let v = u32(8)
        guard v == version else { throw fail("cache format version \(v) is not the one this program reads (\(version))") }
        guard let kind = CacheEntryKind(rawValue: u32(12)) else { throw fail("corrupt: unknown entry kind \(u32(12))") }
        let keyLength = Int(u32(16))
        guard u32(20) == 0 else { throw fail("corrupt: the reserved header field is \(u32(20))") }
        let payloadLength = u64(24)
        let keyEnd = headerSize + padded(keyLength)
        guard payloadLength <= UInt64(Int.max - keyEnd), keyEnd + Int(payloadLength) == fileSize else {
            throw fail("truncated or corrupt: the header announces \(keyEnd) + \(payloadLength) bytes, the file has \(fileSize)")
        }
        guard headerSize + keyLength <= bytes.count,
              let text = String(validating: bytes[headerSize..<(headerSize + keyLength)], as: UTF8.self) else {
            throw fail("corrupt: the key is not UTF-8 text")
        }
        return (Header(kind: kind, key: CacheKey(text: text), payloadLength: Int(payloadLength), fileSize: fileSize), u64(32))
    }

    /// Reads only the header and key (for listing). Throws `LoadError` for a file that is not a cache entry.
    public static func readHeader(path: String) throws -> Header {
        guard let h = FileHandle(forReadingAtPath: path) else { throw LoadError(file: path, "cannot open the cache entry") }
        defer { try? h.close() }
        let size = Int((try? h.seekToEnd()) ?? 0)
        try? h.seek(toOffset: 0)
        let first = (try? h.read(upToCount: headerSize)) ?? Data()
        var all = first
        if first.count == headerSize {
            let keyLength = Int(first.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self)) })
            if keyLength <= 1 << 20 { all += (try? h.read(upToCount: keyLength)) ?? Data() }
        }
        return try all.withUnsafeBytes { try parseHeader($0, fileSize: size, path: path).0 }
    }

    /// Reads an entry (memory-mapped), checks its signature, version, kind, length, checksum and
    /// key, and hands the payload to `decode`. Every refusal is a one-line `LoadError` naming the file.
    ///
    /// - Parameter key: the expected key; a stored key without all of its fields throws `staleMessage`.
    public static func read<T>(path: String, kind: CacheEntryKind, key: CacheKey?,
                               decode: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try read(path: path, kind: kind, key: key) { payload, _ in try decode(payload) }
    }

    /// As `read(path:kind:key:decode:)`, also handing `decode` the key as stored.
    public static func read<T>(path: String, kind: CacheEntryKind, key: CacheKey?,
                               decode: (UnsafeRawBufferPointer, CacheKey) throws -> T) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LoadError(file: path, "cannot read the cache entry: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { bytes in
            let (header, stored) = try parseHeader(bytes, fileSize: bytes.count, path: path)
            guard header.kind == kind else {
                throw LoadError(file: path, "holds a \(header.kind.name) entry, not a \(kind.name) entry")
            }
            let payloadStart = bytes.count - header.payloadLength
            let keyRegion = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<payloadStart])
            let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart...])
            guard checksum(keyRegion, payload) == stored else {
                throw LoadError(file: path, "corrupt: checksum mismatch (the file was damaged or cut short)")
            }
            if let key, !key.isSatisfied(by: header.key) { throw LoadError(file: path, staleMessage) }
            return try decode(payload, header.key)
        }
    }

    /// The message of a well-formed entry whose key is not the expected one.
    public static let staleMessage = "stale: made for other data, parameters or program version"
}

/// The C library's `write(2)` (inside `CacheFile`, `write` names the entry writer).
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

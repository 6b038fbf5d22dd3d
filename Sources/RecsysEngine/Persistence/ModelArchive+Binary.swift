import Foundation

/// The binary container of a saved model (docs/model-format.md).
///
/// ```
/// header  magic "RSYSMODL" (8 bytes) · format version u32 · flags u32 (0) · payload length u64
/// payload algorithm str · state version u32 · parameters (u32 n, n × (key str, value str), sorted by key)
///         fingerprint (name str, users u64, items u64, ratings u64, item-id hash u64, user-id hash u64,
///                      rating hash u64)
///         arrays (u32 n, n × (name str, type u8, count u64, values))
/// trailer FNV-1a 64 of the payload, u64
/// ```
/// Integers and floats are little-endian; `str` is a u32 byte length and UTF-8
/// bytes; types are 1 float32, 2 int32, 3 int64, 4 strings (count × str).
/// Float32 values are stored bit for bit, so a loaded model computes exactly
/// what the saved one did.
extension ModelArchive {
    /// "RSYSMODL".
    public static let magic: [UInt8] = Array("RSYSMODL".utf8)
    /// The format version this program writes and the newest it reads.
    public static let formatVersion: UInt32 = 1
    static let headerSize = 24

    /// The archive as bytes. Complexity: O(size); one allocation of the exact size.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedCount)
        encode { out.append(contentsOf: $0) }
        return out
    }

    /// The size of `encoded()`, without encoding.
    public var encodedCount: Int {
        var payload = 0
        forEachPayloadPart { payload += $0.count }
        return Self.headerSize + payload + 8
    }

    /// Hands the bytes of `encoded()` to `emit` in order, in parts: large arrays straight from
    /// their storage, never copied (a gigabyte-sized EASE model is written to a file without a
    /// second gigabyte in memory). Complexity: O(size) time, O(largest small part) extra memory.
    public func encode(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        // The header holds the length and the trailer the checksum: one pass for both, one to emit.
        var payloadLength = 0
        var h = FNV1a64()
        forEachPayloadPart { part in
            payloadLength += part.count
            h.add(bytes: part)
        }
        var head = ModelByteWriter()
        head.bytes = Self.magic
        head.u32(Self.formatVersion)
        head.u32(0)
        head.u64(UInt64(payloadLength))
        try head.bytes.withUnsafeBytes(emit)
        try forEachPayloadPart(emit)
        var trailer = ModelByteWriter()
        trailer.u64(h.value)
        try trailer.bytes.withUnsafeBytes(emit)
    }

    /// The payload (docs/model-format.md) in order: small fields gathered in a buffer, each
    /// numeric array's values passed from the array itself (little-endian hosts).
    func forEachPayloadPart(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var w = ModelByteWriter()
        w.string(algorithm)
        w.u32(UInt32(stateVersion))
        let keys = parameters.values.keys.sorted()
        w.u32(UInt32(keys.count))
        for k in keys { w.string(k); w.string(parameters.values[k]!) }
        let f = fingerprint
        w.string(f.name)
        for v in [f.userCount, f.itemCount, f.ratingCount] { w.u64(UInt64(v)) }
        w.u64(f.itemIDHash); w.u64(f.userIDHash); w.u64(f.ratingHash)
        w.u32(UInt32(names.count))
        for name in names {
            w.string(name)
            switch array(name)! {
            case .float32(let a): w.u8(1); w.u64(UInt64(a.count)); try Self.values(a, &w, emit)
            case .int32(let a): w.u8(2); w.u64(UInt64(a.count)); try Self.values(a, &w, emit)
            case .int64(let a): w.u8(3); w.u64(UInt64(a.count)); try Self.values(a, &w, emit)
            case .strings(let a): w.u8(4); w.u64(UInt64(a.count)); for s in a { w.string(s) }
            }
        }
        try Self.flush(&w, emit)
    }

    /// Emits what `w` gathered and empties it.
    static func flush(_ w: inout ModelByteWriter, _ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        if !w.bytes.isEmpty { try w.bytes.withUnsafeBytes(emit) }
        w.bytes.removeAll(keepingCapacity: true)
    }

    /// Emits an array's values: from its own storage on little-endian hosts, else through `w`.
    static func values<T: FixedWidthLittleEndian>(_ a: [T], _ w: inout ModelByteWriter,
                                                  _ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        #if _endian(little)
        try flush(&w, emit)
        try a.withUnsafeBytes(emit)
        #else
        w.raw(a)
        #endif
    }

    /// Parses bytes written by `encoded()`; `path` names the file in errors.
    ///
    /// Every failure is a `ModelFileError` naming `path`: not a model file (magic),
    /// a newer format version, truncation (with the byte offset and what was being
    /// read), a checksum mismatch (corruption), or malformed contents. `verifyingChecksum: false`
    /// skips the FNV-1a pass when a container already checked the bytes (the model cache).
    public init(decoding bytes: [UInt8], path: String = "", verifyingChecksum: Bool = true) throws {
        self = try bytes.withUnsafeBytes { try ModelArchive(decoding: $0, path: path, verifyingChecksum: verifyingChecksum) }
    }

    /// Parses bytes in place (a memory-mapped cache entry), without copying them first.
    public init(decoding bytes: UnsafeRawBufferPointer, path: String = "", verifyingChecksum: Bool = true) throws {
        func fail(_ m: String) -> ModelFileError { ModelFileError(path: path, m) }
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw fail("not a recsys-tui model file (no RSYSMODL signature)")
        }
        guard bytes.count >= Self.headerSize else {
            throw fail("truncated: \(bytes.count) bytes, shorter than the \(Self.headerSize)-byte header")
        }
        var header = ModelByteReader(bytes: bytes, offset: 8, path: path)
        let version = try header.u32("format version")
        guard version >= 1 && version <= Self.formatVersion else {
            throw fail("model format version \(version) is not supported (this program reads 1…\(Self.formatVersion))")
        }
        _ = try header.u32("flags")
        let length = try header.u64("payload length")
        let available = UInt64(bytes.count - Self.headerSize)
        guard length <= available, available - length >= 8 else {
            throw fail("truncated: the header announces \(length) bytes of model data and an 8-byte checksum, "
                + "the file holds \(available) bytes after the header")
        }
        if available - length > 8 {
            throw fail("corrupt: \(available - length - 8) unexpected bytes after the checksum")
        }
        let end = Self.headerSize + Int(length)
        if verifyingChecksum {
            var h = FNV1a64()
            h.add(bytes: bytes[Self.headerSize..<end])
            var trailer = ModelByteReader(bytes: bytes, offset: end, path: path)
            let stored = try trailer.u64("checksum")
            guard stored == h.value else {
                throw fail("corrupt: checksum mismatch (the file was damaged or edited)")
            }
        }

        var r = ModelByteReader(bytes: bytes, offset: Self.headerSize, path: path, end: end)
        let algorithm = try r.string("algorithm name")
        let stateVersion = Int(try r.u32("state version"))
        var params: [String: String] = [:]
        let paramCount = try r.u32("parameter count")
        for _ in 0..<paramCount {
            let k = try r.string("parameter name")
            params[k] = try r.string("value of parameter '\(k)'")
        }
        let name = try r.string("dataset name")
        let users = try r.count("user count"), items = try r.count("item count"), ratings = try r.count("rating count")
        let fp = DatasetFingerprint(name: name, userCount: users, itemCount: items, ratingCount: ratings,
                                    itemIDHash: try r.u64("item-id hash"), userIDHash: try r.u64("user-id hash"),
                                    ratingHash: try r.u64("rating hash"))
        self.init(algorithm: algorithm, stateVersion: stateVersion, parameters: Parameters(params), fingerprint: fp)
        self.path = path
        let arrayCount = try r.u32("array count")
        for _ in 0..<arrayCount {
            let an = try r.string("array name")
            let type = try r.u8("type of array '\(an)'")
            let n = try r.count("length of array '\(an)'")
            let what = "array '\(an)'"
            switch type {
            case 1: set(an, .float32(try r.raw(n, Float.self, what)))
            case 2: set(an, .int32(try r.raw(n, Int32.self, what)))
            case 3: set(an, .int64(try r.raw(n, Int64.self, what)))
            case 4:
                // Each string needs at least its 4-byte length: reject absurd counts before allocating.
                guard n <= r.remaining / 4 else { throw r.truncated(what) }
                var a: [String] = []
                a.reserveCapacity(n)
                for j in 0..<n { a.append(try r.string("string \(j) of \(what)")) }
                set(an, .strings(a))
            default:
                throw fail("corrupt: \(what) has unknown type code \(type) at byte \(r.offset - 9)")
            }
        }
        guard r.offset == end else { throw fail("corrupt: \(end - r.offset) unread bytes at the end of the model data") }
    }

    /// Writes the archive to `path` atomically (a temporary file renamed into place).
    public func write(to path: String) throws {
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError(path: path, "cannot write the model: \(error.localizedDescription)")
        }
    }

    /// Reads and parses the model file at `path`.
    public static func read(from path: String) throws -> ModelArchive {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelFileError(path: path, "no such model file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelFileError(path: path, "cannot read the model: \(error.localizedDescription)")
        }
        return try ModelArchive(decoding: [UInt8](data), path: path)
    }
}

/// Little-endian writer into a byte array.
struct ModelByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends fixed-width values as little-endian bytes (a plain copy on little-endian hosts).
    mutating func raw<T: FixedWidthLittleEndian>(_ a: [T]) {
        #if _endian(little)
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in a { withUnsafeBytes(of: v.littleEndianBits) { bytes.append(contentsOf: $0) } }
        #endif
    }
}

/// Values stored as their little-endian bit patterns.
protocol FixedWidthLittleEndian {
    associatedtype Bits: FixedWidthInteger
    var littleEndianBits: Bits { get }
    init(littleEndianBits: Bits)
}

extension Float: FixedWidthLittleEndian {
    var littleEndianBits: UInt32 { bitPattern.littleEndian }
    init(littleEndianBits b: UInt32) { self.init(bitPattern: UInt32(littleEndian: b)) }
}

extension Int32: FixedWidthLittleEndian {
    var littleEndianBits: Int32 { littleEndian }
    init(littleEndianBits b: Int32) { self.init(littleEndian: b) }
}

extension Int64: FixedWidthLittleEndian {
    var littleEndianBits: Int64 { littleEndian }
    init(littleEndianBits b: Int64) { self.init(littleEndian: b) }
}

/// A bounds-checked little-endian reader; running out of bytes throws a
/// `ModelFileError` with the byte offset and what was being read.
struct ModelByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let path: String
    let end: Int

    init(bytes: UnsafeRawBufferPointer, offset: Int, path: String, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.path = path
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }

    func truncated(_ what: String) -> ModelFileError {
        ModelFileError(path: path, "truncated or corrupt at byte \(offset) while reading \(what)")
    }

    private mutating func take(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, n <= remaining else { throw truncated(what) }
        defer { offset += n }
        return offset
    }

    mutating func u8(_ what: String) throws -> UInt8 { bytes[try take(1, what)] }

    mutating func u32(_ what: String) throws -> UInt32 {
        let p = try take(4, what)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[p + k]) << (8 * k) }
        return v
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        let p = try take(8, what)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[p + k]) << (8 * k) }
        return v
    }

    /// A u64 count that must fit the remaining bytes' order of magnitude (an `Int`).
    mutating func count(_ what: String) throws -> Int {
        let v = try u64(what)
        guard v <= UInt64(Int32.max) * 64 else {
            throw ModelFileError(path: path, "corrupt: \(what) is \(v) at byte \(offset - 8)")
        }
        return Int(v)
    }

    mutating func string(_ what: String) throws -> String {
        let n = Int(try u32("length of \(what)"))
        let p = try take(n, what)
        guard let s = String(validating: bytes[p..<(p + n)], as: UTF8.self) else {
            throw ModelFileError(path: path, "corrupt: \(what) at byte \(p) is not UTF-8")
        }
        return s
    }

    mutating func raw<T: FixedWidthLittleEndian>(_ n: Int, _ type: T.Type, _ what: String) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard n <= remaining / size else { throw truncated(what) }
        let p = try take(n * size, what)
        let src = bytes
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            #if _endian(little)
            if n > 0 {
                UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: src.baseAddress! + p, byteCount: n * size)
            }
            #else
            for j in 0..<n {
                buf[j] = T(littleEndianBits: src.loadUnaligned(fromByteOffset: p + j * size, as: T.Bits.self))
            }
            #endif
            initialized = n
        }
    }
}

import Foundation

/// Little-endian writer of a dataset image: scalars, strings, and arrays aligned to 8 bytes
/// (so that a memory-mapped image's arrays could be read in place).
struct ImageWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func int(_ v: Int) { i64(Int64(v)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            u32(UInt32(u.count))
            bytes.append(contentsOf: u)
        }
    }

    mutating func optionalString(_ s: String?) {
        u8(s == nil ? 0 : 1)
        if let s { string(s) }
    }

    mutating func strings(_ a: [String]) {
        u64(UInt64(a.count))
        for s in a { string(s) }
    }

    /// Zeros up to the next multiple of 8.
    mutating func align() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }

    /// A count, then (aligned) the values' bytes; little-endian hosts copy the memory as is.
    mutating func array<T: BitwiseCopyable>(_ a: [T]) {
        u64(UInt64(a.count))
        align()
        #if _endian(little)
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        #error("dataset images are written on little-endian hosts only")
        #endif
    }
}

/// A bounds-checked reader of a dataset image; every failure is a `LoadError` naming the file
/// and the byte offset.
struct ImageReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    let path: String

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    func corrupt(_ what: String) -> LoadError {
        LoadError(file: path, "corrupt dataset image at byte \(offset): \(what)")
    }

    private mutating func take(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, n <= bytes.count - offset else { throw corrupt("cut short while reading \(what)") }
        defer { offset += n }
        return offset
    }

    mutating func u8(_ what: String) throws -> UInt8 { bytes[try take(1, what)] }
    mutating func u32(_ what: String) throws -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4, what), as: UInt32.self))
    }
    mutating func u64(_ what: String) throws -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8, what), as: UInt64.self))
    }
    mutating func i64(_ what: String) throws -> Int64 { Int64(bitPattern: try u64(what)) }
    mutating func f32(_ what: String) throws -> Float { Float(bitPattern: try u32(what)) }
    mutating func f64(_ what: String) throws -> Double { Double(bitPattern: try u64(what)) }

    /// An `Int` in `range`.
    mutating func int(_ what: String, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws -> Int {
        let v = try i64(what)
        guard v >= Int64(range.lowerBound), v <= Int64(range.upperBound) else { throw corrupt("\(what) is \(v)") }
        return Int(v)
    }

    /// A count of things each taking at least `minimumBytes` bytes (guards allocations).
    mutating func count(_ what: String, minimumBytes: Int) throws -> Int {
        let v = try u64(what)
        guard v <= UInt64(max(0, bytes.count - offset) / max(1, minimumBytes)) else { throw corrupt("\(what) is \(v)") }
        return Int(v)
    }

    mutating func string(_ what: String) throws -> String {
        let n = Int(try u32("length of \(what)"))
        let p = try take(n, what)
        guard let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[p..<(p + n)]), as: UTF8.self) else {
            throw corrupt("\(what) is not UTF-8")
        }
        return s
    }

    mutating func optionalString(_ what: String) throws -> String? {
        switch try u8(what) {
        case 0: return nil
        case 1: return try string(what)
        case let f: throw corrupt("\(what) has flag \(f)")
        }
    }

    mutating func strings(_ what: String) throws -> [String] {
        let n = try count("count of \(what)", minimumBytes: 4)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string(what)) }
        return out
    }

    mutating func align() throws {
        let pad = (8 - offset % 8) % 8
        _ = try take(pad, "padding")
    }

    /// An array written by `ImageWriter.array`; `count`, when given, must match.
    mutating func array<T: BitwiseCopyable>(_ type: T.Type, _ what: String, count expected: Int? = nil) throws -> [T] {
        let size = MemoryLayout<T>.stride
        let n = try count("length of \(what)", minimumBytes: size)
        if let expected, n != expected { throw corrupt("\(what) has \(n) values, expected \(expected)") }
        try align()
        let p = try take(n * size, what)
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            if n > 0 {
                UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: bytes.baseAddress! + p, byteCount: n * size)
            }
            initialized = n
        }
    }
}

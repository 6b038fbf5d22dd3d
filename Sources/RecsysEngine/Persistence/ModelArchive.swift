import Foundation

/// One named array of a saved model.
public enum ArchiveArray: Sendable, Equatable {
    case float32([Float])
    case int32([Int32])
    case int64([Int64])
    case strings([String])

    /// "float32", "int32", "int64" or "strings", for messages.
    public var typeName: String {
        switch self {
        case .float32: return "float32"
        case .int32: return "int32"
        case .int64: return "int64"
        case .strings: return "strings"
        }
    }

    /// Equal when of the same type with the same values; floats compare by bit pattern (NaN == NaN, 0 ≠ −0).
    public static func == (x: ArchiveArray, y: ArchiveArray) -> Bool {
        switch (x, y) {
        case (.float32(let a), .float32(let b)): return a.map(\.bitPattern) == b.map(\.bitPattern)
        case (.int32(let a), .int32(let b)): return a == b
        case (.int64(let a), .int64(let b)): return a == b
        case (.strings(let a), .strings(let b)): return a == b
        default: return false
        }
    }

    public var count: Int {
        switch self {
        case .float32(let a): return a.count
        case .int32(let a): return a.count
        case .int64(let a): return a.count
        case .strings(let a): return a.count
        }
    }
}

/// What a model was trained on: enough to refuse a model meant for other data.
///
/// Item and user indices inside a model are positions in the dataset's
/// vocabularies, so a model is only valid on a dataset with the same ids in
/// the same order and the same ratings. The ids are summarised by 64-bit
/// FNV-1a hashes: `h = 0xcbf29ce484222325; for byte b: h = (h ^ b) · 0x100000001b3`,
/// over each raw id's UTF-8 bytes followed by a 0 byte, in index order.
public struct DatasetFingerprint: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var userCount: Int
    public var itemCount: Int
    public var ratingCount: Int
    /// FNV-1a 64 of the item raw ids in index order.
    public var itemIDHash: UInt64
    /// FNV-1a 64 of the user raw ids in index order.
    public var userIDHash: UInt64
    /// FNV-1a 64 of every rating (user, item, rating bits) in CSR order.
    public var ratingHash: UInt64

    public init(name: String, userCount: Int, itemCount: Int, ratingCount: Int, itemIDHash: UInt64,
                userIDHash: UInt64, ratingHash: UInt64) {
        self.name = name
        self.userCount = userCount
        self.itemCount = itemCount
        self.ratingCount = ratingCount
        self.itemIDHash = itemIDHash
        self.userIDHash = userIDHash
        self.ratingHash = ratingHash
    }

    /// The fingerprint of a loaded dataset. Complexity: O(ids + ratings).
    public init(_ data: Dataset) {
        name = data.name
        userCount = data.userCount
        itemCount = data.itemCount
        ratingCount = data.ratings.count
        var h = FNV1a64()
        for i in 0..<data.itemCount { h.add(data.catalog[Int32(i)].rawID); h.add(byte: 0) }
        itemIDHash = h.value
        h = FNV1a64()
        for id in data.users.ids { h.add(id); h.add(byte: 0) }
        userIDHash = h.value
        h = FNV1a64()
        let m = data.ratings
        for u in 0..<m.userCount {
            for p in m.rowStart[u]..<m.rowStart[u + 1] {
                h.add(UInt64(u)); h.add(UInt64(UInt32(bitPattern: m.rowItems[p])))
                h.add(UInt64(m.rowRatings[p].bitPattern))
            }
        }
        ratingHash = h.value
    }

    /// "'ml-100k' (943 users, 1682 items, 100000 ratings)".
    public var description: String {
        "'\(name)' (\(userCount) users, \(itemCount) items, \(ratingCount) ratings)"
    }

    /// Why a model with this fingerprint cannot serve `other`, or nil when it can.
    ///
    /// The name is not compared: the same files loaded from another folder are the same data.
    public func mismatch(with other: DatasetFingerprint) -> String? {
        if userCount != other.userCount || itemCount != other.itemCount || ratingCount != other.ratingCount {
            return "sizes differ"
        }
        if itemIDHash != other.itemIDHash { return "item ids differ" }
        if userIDHash != other.userIDHash { return "user ids differ" }
        if ratingHash != other.ratingHash { return "ratings differ" }
        return nil
    }
}

/// 64-bit FNV-1a, a small stable hash for fingerprints (not for security).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func add(_ s: String) {
        for b in s.utf8 { add(byte: b) }
    }

    /// Adds the 8 little-endian bytes of `x`.
    mutating func add(_ x: UInt64) {
        for k in 0..<8 { add(byte: UInt8(truncatingIfNeeded: x >> (8 * k))) }
    }

    mutating func add<C: Collection>(bytes: C) where C.Element == UInt8 {
        for b in bytes { add(byte: b) }
    }
}

/// A saved model in memory: algorithm, parameters, the dataset it was trained
/// on, and named arrays of its fitted state.
///
/// Models write their state with `set(_:_:)` and read it back with the typed
/// getters, which throw a `ModelFileError` naming the array when it is missing,
/// of the wrong type or of the wrong length. `write(to:)` and `read(from:)`
/// convert to and from the binary format of docs/model-format.md.
public struct ModelArchive: Sendable, Equatable {
    /// The registered algorithm name ("svd").
    public var algorithm: String
    /// The version of the algorithm's own state layout (see `PersistableRecommender.stateVersion`).
    public var stateVersion: Int
    /// The parameters in force when it was fitted (defaults filled in).
    public var parameters: Parameters
    public var fingerprint: DatasetFingerprint
    /// Named arrays in insertion order (the order they are written).
    public private(set) var names: [String] = []
    private var arrays: [String: ArchiveArray] = [:]
    /// The file it was read from, for error messages ("" when built in memory).
    public var path: String = ""

    public init(algorithm: String, stateVersion: Int = 1, parameters: Parameters, fingerprint: DatasetFingerprint) {
        self.algorithm = algorithm
        self.stateVersion = stateVersion
        self.parameters = parameters
        self.fingerprint = fingerprint
    }

    public static func == (a: ModelArchive, b: ModelArchive) -> Bool {
        a.algorithm == b.algorithm && a.stateVersion == b.stateVersion && a.parameters == b.parameters
            && a.fingerprint == b.fingerprint && a.names == b.names && a.arrays == b.arrays
    }

    /// Stores (or replaces) an array.
    public mutating func set(_ name: String, _ array: ArchiveArray) {
        if arrays[name] == nil { names.append(name) }
        arrays[name] = array
    }

    public mutating func set(_ name: String, floats: [Float]) { set(name, .float32(floats)) }
    public mutating func set(_ name: String, int32s: [Int32]) { set(name, .int32(int32s)) }
    public mutating func set(_ name: String, int64s: [Int64]) { set(name, .int64(int64s)) }
    public mutating func set(_ name: String, strings: [String]) { set(name, .strings(strings)) }
    /// Stores a scalar as a one-element float32 array (bit-exact).
    public mutating func set(_ name: String, float: Float) { set(name, .float32([float])) }
    /// Stores an integer scalar as a one-element int64 array.
    public mutating func set(_ name: String, int: Int) { set(name, .int64([Int64(int)])) }
    /// Stores `Int` values as int64.
    public mutating func set(_ name: String, ints: [Int]) { set(name, .int64(ints.map(Int64.init))) }

    public func array(_ name: String) -> ArchiveArray? { arrays[name] }
    public func contains(_ name: String) -> Bool { arrays[name] != nil }

    private func missing(_ name: String, _ type: String) -> ModelFileError {
        if let a = arrays[name] {
            return ModelFileError(path: path, "array '\(name)' is \(a.typeName), expected \(type)")
        }
        return ModelFileError(path: path, "\(algorithm) model has no array '\(name)'")
    }

    private func checkCount(_ name: String, _ n: Int, _ expected: Int?) throws {
        if let expected, n != expected {
            throw ModelFileError(path: path, "array '\(name)' has \(n) values, expected \(expected)")
        }
    }

    /// The float32 array `name`; `count`, when given, must match.
    public func floats(_ name: String, count: Int? = nil) throws -> [Float] {
        guard case .float32(let a)? = arrays[name] else { throw missing(name, "float32") }
        try checkCount(name, a.count, count)
        return a
    }

    public func int32s(_ name: String, count: Int? = nil) throws -> [Int32] {
        guard case .int32(let a)? = arrays[name] else { throw missing(name, "int32") }
        try checkCount(name, a.count, count)
        return a
    }

    public func int64s(_ name: String, count: Int? = nil) throws -> [Int64] {
        guard case .int64(let a)? = arrays[name] else { throw missing(name, "int64") }
        try checkCount(name, a.count, count)
        return a
    }

    public func strings(_ name: String, count: Int? = nil) throws -> [String] {
        guard case .strings(let a)? = arrays[name] else { throw missing(name, "strings") }
        try checkCount(name, a.count, count)
        return a
    }

    /// int64 values as `Int`.
    public func ints(_ name: String, count: Int? = nil) throws -> [Int] {
        try int64s(name, count: count).map { Int($0) }
    }

    public func float(_ name: String) throws -> Float { try floats(name, count: 1)[0] }
    public func int(_ name: String) throws -> Int { Int(try int64s(name, count: 1)[0]) }

    /// An index array whose values must lie in `0..<bound` (or be −1 when `allowNegativeOne`).
    public func indices(_ name: String, count: Int? = nil, below bound: Int,
                        allowNegativeOne: Bool = false) throws -> [Int32] {
        let a = try int32s(name, count: count)
        for v in a where !(v >= 0 && Int(v) < bound) && !(allowNegativeOne && v == -1) {
            throw ModelFileError(path: path, "array '\(name)' holds index \(v), outside 0..<\(bound)")
        }
        return a
    }
}

/// A saved-model problem: a file that cannot be read or parsed, or a model
/// that does not fit the loaded data. Printed as one line naming the file.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `model.rsm: truncated at byte 120 …`, or the message alone when there is no file.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Archive helpers for state types several models share: biases, factor tables, neighbour lists.
///
/// Every array is stored by its exact floats (SIMD8 lanes flattened, padding
/// included), so the restored state is bit-identical to the saved one.
extension ModelArchive {
    /// Stores μ, b_u, b_i, item counts, the bias regularization and the rating scale under `prefix`.
    mutating func set(_ prefix: String, biases b: BiasModel) {
        set("\(prefix).globalMean", float: b.globalMean)
        set("\(prefix).userBias", floats: b.userBias)
        set("\(prefix).itemBias", floats: b.itemBias)
        set("\(prefix).itemCount", int32s: b.itemCount)
        set("\(prefix).reg", floats: [b.regU, b.regI])
        set("\(prefix).scale", floats: [b.scale.min, b.scale.max, b.scale.step])
    }

    func biases(_ prefix: String, users: Int, items: Int) throws -> BiasModel {
        var b = BiasModel()
        b.globalMean = try float("\(prefix).globalMean")
        b.userBias = try floats("\(prefix).userBias", count: users)
        b.itemBias = try floats("\(prefix).itemBias", count: items)
        b.itemCount = try int32s("\(prefix).itemCount", count: items)
        let reg = try floats("\(prefix).reg", count: 2)
        b.regU = reg[0]
        b.regI = reg[1]
        let s = try floats("\(prefix).scale", count: 3)
        b.scale = RatingScale(min: s[0], max: s[1], step: s[2])
        return b
    }

    /// Stores a factor table (k, then rows × lanes × 8 floats).
    mutating func set(_ prefix: String, factors t: FactorTable) {
        set("\(prefix).factors", int: t.factors)
        set("\(prefix).values", floats: t.values.flatMap { v in (0..<8).map { v[$0] } })
    }

    func factorTable(_ prefix: String, rows: Int) throws -> FactorTable {
        let k = try int("\(prefix).factors")
        guard k >= 0 && k <= 100_000 else {
            throw ModelFileError(path: path, "\(prefix).factors is \(k)")
        }
        var t = FactorTable(rows: rows, factors: k)
        let flat = try floats("\(prefix).values", count: rows * t.lanes * 8)
        for j in 0..<t.values.count {
            var v = SIMD8<Float>()
            for l in 0..<8 { v[l] = flat[j * 8 + l] }
            t.values[j] = v
        }
        return t
    }

    /// Stores neighbour lists in CSR form.
    mutating func set(_ prefix: String, neighbours n: NeighbourLists) {
        set("\(prefix).start", ints: n.start)
        set("\(prefix).index", int32s: n.index)
        set("\(prefix).sim", floats: n.sim)
    }

    func neighbourLists(_ prefix: String, rows: Int, bound: Int) throws -> NeighbourLists {
        var n = NeighbourLists()
        n.start = try ints("\(prefix).start")
        guard n.start.count == rows + 1 || n.start == [0] else {  // [0]: lists never computed
            throw ModelFileError(path: path, "array '\(prefix).start' has \(n.start.count) values, expected \(rows + 1)")
        }
        guard n.start.first == 0, zip(n.start, n.start.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ModelFileError(path: path, "array '\(prefix).start' is not a valid CSR offset list")
        }
        n.index = try indices("\(prefix).index", count: n.start.last, below: bound)
        n.sim = try floats("\(prefix).sim", count: n.index.count)
        return n
    }
}

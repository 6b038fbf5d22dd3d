/// Saved hybrid models: the blend (component names, top-N weights, rating intercept and weights,
/// the weights by profile size, whether the weights fell back to equal), and each component's own
/// saved state nested under `component.<name>.` (its state version, parameters, then its arrays
/// under `state.`), the cold-start demographic model likewise under `cold.`, and the fit's notes.
/// The rating fallback is rebuilt from the dataset, as the fit makes it.
extension HybridRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("components", strings: componentNames)
        archive.set("weights", floats: weights)
        archive.set("rating", floats: [ratingIntercept] + ratingWeights)
        archive.set("sizeLevels", ints: sizeWeights.map(\.level))
        archive.set("sizeWeights", floats: sizeWeights.flatMap(\.weights))
        try Self.save(notes: notes, into: &archive)
        for (name, m) in zip(componentNames, components) { try Self.nest(m, as: "component.\(name).", into: &archive) }
        archive.set("hasCold", int: coldModel == nil ? 0 : 1)
        if let coldModel { try Self.nest(coldModel, as: "cold.", into: &archive) }
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let names = try archive.strings("components")
        guard names == componentNames else {
            throw ModelFileError(path: archive.path, "components \(names) are not the ones its parameters give (\(componentNames))")
        }
        weights = try archive.floats("weights", count: names.count)
        let rating = try archive.floats("rating", count: names.count + 1)
        ratingIntercept = rating[0]
        ratingWeights = Array(rating.dropFirst())
        let levels = try archive.ints("sizeLevels")
        let width = levels.isEmpty ? 0 : try archive.floats("sizeWeights").count / levels.count
        guard levels.isEmpty || width == names.count || width == names.count + 1 else {
            throw ModelFileError(path: archive.path, "the weights by profile size do not match the components")
        }
        let flat = try archive.floats("sizeWeights", count: levels.count * width)
        sizeWeights = levels.enumerated().map { k, level in (level, Array(flat[(k * width)..<((k + 1) * width)])) }
        components = try names.map { try Self.unnest(archive, prefix: "component.\($0).", algorithm: $0, dataset: dataset) }
        coldModel = nil
        if try archive.int("hasCold") == 1 {
            guard let demo = try Self.unnest(archive, prefix: "cold.", algorithm: DemographicRecommender.name,
                                             dataset: dataset) as? DemographicRecommender else {
                throw ModelFileError(path: archive.path, "the cold-start model is not a demographic model")
            }
            coldModel = demo
        }
        fallback = RatingFallback(dataset.ratings, scale: dataset.scale)
        notes = try Self.notes(from: archive)
    }

    /// The fit's notes, as codes (`notes.kind`: 1 fitted weights, 2 equal weights, 3 weights in force,
    /// 6 weights by size fitted, 7 weights by size in force) with their numbers and names in order (`notes.ints`,
    /// `notes.floats`, `notes.names`).
    static func save(notes: [Explanation.Note], into archive: inout ModelArchive) throws {
        var kinds: [Int32] = [], ints: [Int] = [], floats: [Float] = [], names: [String] = []
        for n in notes {
            switch n {
            case .fittedWeights(let users, let ndcg): kinds.append(1); ints.append(users); floats.append(ndcg)
            case .equalWeights: kinds.append(2)
            case .weights(let ns, let vs):
                kinds.append(3); ints += [ns.count, vs.count]; names += ns; floats += vs
            case .sizeWeightsFitted(let users, let levels, let ndcg):
                kinds.append(6); ints += [users, levels.count] + levels; floats += ndcg
            case .sizeWeights(let ratings, let level): kinds.append(7); ints += [ratings, level]
            default: throw ModelFileError(path: "", "a hybrid note of an unknown kind cannot be saved: \(n)")
            }
        }
        archive.set("notes.kind", int32s: kinds)
        archive.set("notes.ints", ints: ints)
        archive.set("notes.floats", floats: floats)
        archive.set("notes.names", strings: names)
    }

    static func notes(from archive: ModelArchive) throws -> [Explanation.Note] {
        let kinds = try archive.int32s("notes.kind"), ints = try archive.ints("notes.ints")
        let floats = try archive.floats("notes.floats"), names = try archive.strings("notes.names")
        var i = 0, f = 0, s = 0
        func bad() -> ModelFileError { ModelFileError(path: archive.path, "the hybrid's notes do not parse") }
        func int() throws -> Int { guard i < ints.count, ints[i] >= 0 else { throw bad() }; i += 1; return ints[i - 1] }
        func float() throws -> Float { guard f < floats.count else { throw bad() }; f += 1; return floats[f - 1] }
        var out: [Explanation.Note] = []
        for k in kinds {
            switch k {
            case 1: out.append(.fittedWeights(users: try int(), ndcg: try float()))
            case 2: out.append(.equalWeights)
            case 3:
                let n = try int(), m = try int()
                guard n <= names.count - s, m <= floats.count - f else { throw bad() }
                out.append(.weights(names: Array(names[s..<(s + n)]), values: Array(floats[f..<(f + m)])))
                s += n; f += m
            case 6:
                let users = try int(), n = try int()
                let levels = try (0..<n).map { _ in try int() }
                let ndcg = try (0..<n).map { _ in try float() }
                out.append(.sizeWeightsFitted(users: users, levels: levels, ndcg: ndcg))
            case 7: out.append(.sizeWeights(ratings: try int(), level: try int()))
            default: throw bad()
            }
        }
        guard i == ints.count, f == floats.count, s == names.count else { throw bad() }
        return out
    }

    /// Stores a component's saved state under `prefix`.
    static func nest(_ m: any Recommender, as prefix: String, into archive: inout ModelArchive) throws {
        guard let p = m as? any PersistableRecommender else {
            throw ModelFileError(path: "", "the \(m.name) component cannot be saved")
        }
        var sub = ModelArchive(algorithm: m.name, stateVersion: type(of: p).stateVersion, parameters: m.parameters,
                               fingerprint: archive.fingerprint)
        try p.saveState(into: &sub)
        archive.set(prefix + "stateVersion", int: sub.stateVersion)
        let keys = m.parameters.values.keys.sorted()
        archive.set(prefix + "parameters", strings: keys.flatMap { [$0, m.parameters.values[$0]!] })
        for n in sub.names { archive.set(prefix + "state." + n, sub.array(n)!) }
    }

    /// Restores the component of `algorithm` stored under `prefix`.
    static func unnest(_ archive: ModelArchive, prefix: String, algorithm: String, dataset: Dataset) throws -> any Recommender {
        guard let t = Algorithms.type(named: algorithm) as? any PersistableRecommender.Type else {
            throw ModelFileError(path: archive.path, "the \(algorithm) component cannot be loaded")
        }
        let version = try archive.int(prefix + "stateVersion")
        guard version == t.stateVersion else {
            throw ModelFileError(path: archive.path, "the \(algorithm) component has state version \(version), not \(t.stateVersion)")
        }
        let pairs = try archive.strings(prefix + "parameters")
        guard pairs.count % 2 == 0 else { throw ModelFileError(path: archive.path, "\(prefix)parameters are not pairs") }
        var values: [String: String] = [:]
        for k in stride(from: 0, to: pairs.count, by: 2) { values[pairs[k]] = pairs[k + 1] }
        var sub = ModelArchive(algorithm: algorithm, stateVersion: version, parameters: Parameters(values),
                               fingerprint: archive.fingerprint)
        sub.path = archive.path
        let state = prefix + "state."
        for n in archive.names where n.hasPrefix(state) { sub.set(String(n.dropFirst(state.count)), archive.array(n)!) }
        do {
            return try t.init(archive: sub, dataset: dataset)
        } catch let e as ParameterError {
            throw ModelFileError(path: archive.path, "bad parameters in the \(algorithm) component: \(e.message)")
        }
    }
}

/// Archive layouts two models share, written once.

extension ModelArchive {
    /// svd's and svd++'s shared part: biases (`biases.*`), item factors q_i (`items.*`), training-user
    /// factors p_u (`users.*`) and the SGD and fold-in regularizations (`reg`).
    mutating func set(factorModel model: BiasedFactorModel, users: FactorTable) {
        set("biases", biases: model.biases)
        set("items", factors: model.items)
        set("users", factors: users)
        set("reg", floats: [model.reg, model.foldInReg])
    }

    /// Reads what `set(factorModel:users:)` wrote, checked against the dataset's sizes.
    func factorModel(dataset: Dataset) throws -> (model: BiasedFactorModel, users: FactorTable) {
        var m = BiasedFactorModel()
        m.biases = try biases("biases", users: dataset.userCount, items: dataset.itemCount)
        m.items = try factorTable("items", rows: dataset.itemCount)
        let reg = try floats("reg", count: 2)
        m.reg = reg[0]
        m.foldInReg = reg[1]
        return (m, try factorTable("users", rows: dataset.userCount))
    }

    /// als's and bpr's leading entries: `shape` [k, ld, users, items], the model's own `extra` ones,
    /// then the user and item factors (`userFactors`, `itemFactors`, row stride ld).
    mutating func set(latent model: LatentFactorModel, extra: [(String, ArchiveArray)] = []) {
        set("shape", ints: [model.k, model.ld, model.userCount, model.itemCount])
        for (name, array) in extra { set(name, array) }
        set("userFactors", floats: model.userFactors)
        set("itemFactors", floats: model.itemFactors)
    }

    /// Reads what `set(latent:extra:)` wrote into `model`, which takes fallback, sizes and
    /// feedback rule from the (fingerprint-checked) dataset; `extra` reads the model's own entries
    /// in between. The shape is checked against the model's `factors` parameter (ld = k rounded
    /// up to 8) and the dataset.
    func latent<M: LatentFactorModel & Recommender>(_ model: M, dataset: Dataset, extra: () throws -> Void = {}) throws {
        let shape = try ints("shape", count: 4)
        guard shape[0] == model.parameters.int("factors"), shape[1] == (shape[0] + 7) / 8 * 8,
              shape[2] == dataset.userCount, shape[3] == dataset.itemCount else {
            throw ModelFileError(path: path, "\(M.name) shape \(shape) does not match its parameters and data")
        }
        model.adopt(dataset)
        try extra()
        model.userFactors = try floats("userFactors", count: model.userCount * model.ld)
        model.itemFactors = try floats("itemFactors", count: model.itemCount * model.ld)
    }
}

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

    /// als's and bpr's `shape` entry [k, ld, users, items], checked against the model's `factors`
    /// parameter (ld = k rounded up to 8) and the dataset. Returns (k, ld).
    func latentShape(_ algorithm: String, factors: Int, dataset: Dataset) throws -> (k: Int, ld: Int) {
        let shape = try ints("shape", count: 4)
        guard shape[0] == factors, shape[1] == (shape[0] + 7) / 8 * 8,
              shape[2] == dataset.userCount, shape[3] == dataset.itemCount else {
            throw ModelFileError(path: path, "\(algorithm) shape \(shape) does not match its parameters and data")
        }
        return (shape[0], shape[1])
    }
}

/// Saved svd models: biases (`biases.*`), item factors q_i (`items.*`), training-user
/// factors p_u (`users.*`) and the two regularizations used when folding in a profile.
extension SVDRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("biases", biases: model.biases)
        archive.set("items", factors: model.items)
        archive.set("users", factors: users)
        archive.set("reg", floats: [model.reg, model.foldInReg])
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        var m = BiasedFactorModel()
        m.biases = try archive.biases("biases", users: dataset.userCount, items: dataset.itemCount)
        m.items = try archive.factorTable("items", rows: dataset.itemCount)
        let reg = try archive.floats("reg", count: 2)
        m.reg = reg[0]
        m.foldInReg = reg[1]
        model = m
        users = try archive.factorTable("users", rows: dataset.userCount)
    }
}

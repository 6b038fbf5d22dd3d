/// Saved svd++ models: biases, item factors q_i (`items.*`), user factors p_u (`users.*`),
/// implicit item factors y_j (`implicit.*`), each training user's z_u = |N(u)|^-½ Σ y_j
/// (`userImplicit.*`, stored rather than recomputed so it is bit-identical) and the regularizations.
extension SVDppRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("biases", biases: model.biases)
        archive.set("items", factors: model.items)
        archive.set("users", factors: users)
        archive.set("implicit", factors: implicitFactors)
        archive.set("userImplicit", factors: userImplicit)
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
        implicitFactors = try archive.factorTable("implicit", rows: dataset.itemCount)
        userImplicit = try archive.factorTable("userImplicit", rows: dataset.userCount)
    }
}

/// Saved svd++ models: biases, item factors q_i (`items.*`), user factors p_u (`users.*`),
/// implicit item factors y_j (`implicit.*`), each training user's z_u = |N(u)|^-½ Σ y_j
/// (`userImplicit.*`, stored rather than recomputed so it is bit-identical) and the regularizations.
extension SVDppRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set(factorModel: model, users: users)
        archive.set("implicit", factors: implicitFactors)
        archive.set("userImplicit", factors: userImplicit)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        (model, users) = try archive.factorModel(dataset: dataset)
        implicitFactors = try archive.factorTable("implicit", rows: dataset.itemCount)
        userImplicit = try archive.factorTable("userImplicit", rows: dataset.userCount)
    }
}

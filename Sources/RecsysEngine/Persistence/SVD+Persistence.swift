/// Saved svd models: biases (`biases.*`), item factors q_i (`items.*`), training-user
/// factors p_u (`users.*`) and the two regularizations used when folding in a profile.
extension SVDRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set(factorModel: model, users: users)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        (model, users) = try archive.factorModel(dataset: dataset)
    }
}

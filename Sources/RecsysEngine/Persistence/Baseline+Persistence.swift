/// Saved baseline models: the fitted biases μ, b_u, b_i (`biases.*`).
extension BaselineRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("biases", biases: biases)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        biases = try archive.biases("biases", users: dataset.userCount, items: dataset.itemCount)
    }
}

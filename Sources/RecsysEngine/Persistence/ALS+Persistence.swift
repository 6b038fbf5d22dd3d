/// Saved als models: user and item factors (row stride `ld`), the fold-in Gram matrix
/// YᵀY + λI and item norms. The catalog and the cold-start fallback are rebuilt from the
/// dataset, which the fingerprint guarantees is the training data (same ratings, same
/// order), so they come out bit-identical; α, λ and the confidence mode come from the parameters.
extension ALSRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set(latent: self)
        archive.set("itemGram", floats: itemGram)
        archive.set("itemNorms", floats: itemNorms)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        try archive.latent(self, dataset: dataset)
        adoptWeights()
        itemGram = try archive.floats("itemGram")
        itemNorms = try archive.floats("itemNorms", count: itemCount)
    }
}

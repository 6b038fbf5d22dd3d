/// Saved bpr models: user and item factors (row stride `ld`), item biases and norms, and
/// the fit's seed. Catalog and fallback are rebuilt from the (fingerprint-checked) dataset.
extension BPRRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set(latent: self, extra: [("seed", .int64([Int64(bitPattern: seed)]))])
        archive.set("itemBias", floats: itemBias)
        archive.set("itemNorms", floats: itemNorms)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        try archive.latent(self, dataset: dataset) {
            seed = UInt64(bitPattern: try archive.int64s("seed", count: 1)[0])
        }
        itemBias = try archive.floats("itemBias", count: itemCount)
        itemNorms = try archive.floats("itemNorms", count: itemCount)
    }
}

/// Saved bpr models: user and item factors (row stride `ld`), item biases and norms, and
/// the fit's seed. Catalog and fallback are rebuilt from the (fingerprint-checked) dataset.
extension BPRRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("shape", ints: [k, ld, userCount, itemCount])
        archive.set("seed", int64s: [Int64(bitPattern: seed)])
        archive.set("userFactors", floats: userFactors)
        archive.set("itemFactors", floats: itemFactors)
        archive.set("itemBias", floats: itemBias)
        archive.set("itemNorms", floats: itemNorms)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        (k, ld) = try archive.latentShape("bpr", factors: parameters.int("factors"), dataset: dataset)
        userCount = dataset.userCount; itemCount = dataset.itemCount
        seed = UInt64(bitPattern: try archive.int64s("seed", count: 1)[0])
        feedback = Feedback(parameters: parameters, scale: dataset.scale)
        catalog = dataset.catalog
        fallback = RatingFallback(dataset.ratings, scale: dataset.scale)
        userFactors = try archive.floats("userFactors", count: userCount * ld)
        itemFactors = try archive.floats("itemFactors", count: itemCount * ld)
        itemBias = try archive.floats("itemBias", count: itemCount)
        itemNorms = try archive.floats("itemNorms", count: itemCount)
    }
}

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
        let shape = try archive.ints("shape", count: 4)
        guard shape[0] == parameters.int("factors"), shape[1] == (shape[0] + 7) / 8 * 8,
              shape[2] == dataset.userCount, shape[3] == dataset.itemCount else {
            throw ModelFileError(path: archive.path, "bpr shape \(shape) does not match its parameters and data")
        }
        k = shape[0]; ld = shape[1]; userCount = shape[2]; itemCount = shape[3]
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

/// Saved als models: user and item factors (row stride `ld`), the fold-in Gram matrix
/// YᵀY + λI and item norms. The catalog and the cold-start fallback are rebuilt from the
/// dataset, which the fingerprint guarantees is the training data (same ratings, same
/// order), so they come out bit-identical; α, λ and the confidence mode come from the parameters.
extension ALSRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("shape", ints: [k, ld, userCount, itemCount])
        archive.set("userFactors", floats: userFactors)
        archive.set("itemFactors", floats: itemFactors)
        archive.set("itemGram", floats: itemGram)
        archive.set("itemNorms", floats: itemNorms)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        (k, ld) = try archive.latentShape("als", factors: parameters.int("factors"), dataset: dataset)
        userCount = dataset.userCount; itemCount = dataset.itemCount
        alpha = parameters.float("alpha")
        lambda = parameters.float("regularization")
        byRating = parameters.string("confidence") == "rating"
        negativeAlpha = parameters.float("negative_alpha")
        feedback = Feedback(parameters: parameters, scale: dataset.scale)
        catalog = dataset.catalog
        fallback = RatingFallback(dataset.ratings, scale: dataset.scale)
        userFactors = try archive.floats("userFactors", count: userCount * ld)
        itemFactors = try archive.floats("itemFactors", count: itemCount * ld)
        itemGram = try archive.floats("itemGram")
        itemNorms = try archive.floats("itemNorms", count: itemCount)
    }
}

/// Saved ease models: the item–item weight matrix B (row stride `ld`), which items it
/// covers (`kept`, `local`), and the restriction note. Catalog and fallback are rebuilt
/// from the (fingerprint-checked) dataset.
extension EASERecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("shape", ints: [ld, itemCount])
        archive.set("kept", int32s: kept)
        archive.set("local", int32s: local)
        archive.set("weights", floats: weights)
        // Kept in the file for older readers; the restriction itself is kept.count < itemCount.
        archive.set("restrictionNote", strings: restriction.map {
            ["EASE restricted to the \($0.kept) most rated of \($0.total) items"]
        } ?? [])
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let shape = try archive.ints("shape", count: 2)
        guard shape[1] == dataset.itemCount, shape[0] >= 0 else {
            throw ModelFileError(path: archive.path, "ease shape \(shape) does not match the data")
        }
        ld = shape[0]; itemCount = shape[1]
        kept = try archive.indices("kept", below: itemCount)
        local = try archive.indices("local", count: itemCount, below: max(1, kept.count), allowNegativeOne: true)
        weights = try archive.floats("weights")
        guard weights.count >= kept.count * ld else {
            throw ModelFileError(path: archive.path, "array 'weights' has \(weights.count) values, "
                + "expected at least \(kept.count * ld)")
        }
        _ = try archive.strings("restrictionNote")
        restriction = kept.count < itemCount ? (kept.count, itemCount) : nil
        catalog = dataset.catalog
        feedback = Feedback(parameters: parameters, scale: dataset.scale)
        fallback = RatingFallback(dataset.ratings, scale: dataset.scale)
    }
}

/// Saved content models: the feature vocabulary, the item → feature weights (CSR) and
/// feature → item weights (CSC), the global mean and scale. Catalog and fallback are
/// rebuilt from the (fingerprint-checked) dataset.
extension ContentRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("featureNames", strings: featureNames)
        archive.set("itemStart", ints: itemStart)
        archive.set("itemFeatures", int32s: itemFeatures)
        archive.set("itemWeights", floats: itemWeights)
        archive.set("featureStart", ints: featureStart)
        archive.set("featureItems", int32s: featureItems)
        archive.set("featureWeights", floats: featureWeights)
        archive.set("globalMean", float: globalMean)
        archive.set("scale", floats: [scale.min, scale.max, scale.step])
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let n = dataset.itemCount
        featureNames = try archive.strings("featureNames")
        let f = featureNames.count
        itemStart = try archive.ints("itemStart", count: n + 1)
        itemFeatures = try archive.indices("itemFeatures", count: itemStart.last, below: max(1, f))
        itemWeights = try archive.floats("itemWeights", count: itemFeatures.count)
        featureStart = try archive.ints("featureStart", count: f + 1)
        featureItems = try archive.indices("featureItems", count: featureStart.last, below: max(1, n))
        featureWeights = try archive.floats("featureWeights", count: featureItems.count)
        for (name, offsets, total) in [("itemStart", itemStart, itemFeatures.count),
                                       ("featureStart", featureStart, featureItems.count)] {
            guard offsets.first == 0, offsets.last == total,
                  zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw ModelFileError(path: archive.path, "array '\(name)' is not a valid CSR offset list")
            }
        }
        globalMean = try archive.float("globalMean")
        let s = try archive.floats("scale", count: 3)
        scale = RatingScale(min: s[0], max: s[1], step: s[2])
        catalog = dataset.catalog
        fallback = RatingFallback(dataset.ratings, scale: dataset.scale)
        maxPopularity = fallback.popularity.max() ?? 0
    }
}

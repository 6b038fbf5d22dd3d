/// Saved popularity models: the per-item scores, counts and damped means.
///
/// Arrays: `itemScores`, `means` (float32, one per item), `counts` (int64),
/// `globalMean` (float32 scalar), `scale` (float32: min, max, step).
extension PopularityRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("itemScores", floats: itemScores)
        archive.set("means", floats: means)
        archive.set("counts", ints: counts)
        archive.set("globalMean", float: globalMean)
        archive.set("scale", floats: [scale.min, scale.max, scale.step])
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let n = dataset.itemCount
        itemScores = try archive.floats("itemScores", count: n)
        means = try archive.floats("means", count: n)
        counts = try archive.ints("counts", count: n)
        globalMean = try archive.float("globalMean")
        let s = try archive.floats("scale", count: 3)
        scale = RatingScale(min: s[0], max: s[1], step: s[2])
    }
}

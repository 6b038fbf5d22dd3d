/// Saved item-knn models: the baseline biases, per-item rating statistics and the two
/// neighbour lists (rating-prediction and top-N) in CSR form. Titles come from the
/// (fingerprint-checked) dataset's catalog.
extension ItemKNNRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("biases", biases: biases)
        archive.set("stats.mean", floats: stats.mean)
        archive.set("stats.std", floats: stats.std)
        archive.set("lists", neighbours: lists)
        archive.set("topN", neighbours: topN)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let n = dataset.itemCount
        biases = try archive.biases("biases", users: dataset.userCount, items: n)
        var s = RowStats()
        s.mean = try archive.floats("stats.mean", count: n)
        s.std = try archive.floats("stats.std", count: n)
        stats = s
        lists = try archive.neighbourLists("lists", rows: n, bound: n)
        topN = try archive.neighbourLists("topN", rows: n, bound: n)
        titles = dataset.catalog.items.map(\.title)
    }
}

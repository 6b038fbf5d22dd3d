/// Saved user-knn models: the baseline biases, per-user and per-item rating statistics, the
/// transformed rating values the on-the-fly similarity reads (both sides), the top-N interaction
/// weights and the precomputed neighbour lists of training users. The rating matrix and user ids
/// come from the (fingerprint-checked) dataset; the similarity job from the saved parameters.
extension UserKNNRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("biases", biases: biases)
        archive.set("userStats.mean", floats: userStats.mean)
        archive.set("userStats.std", floats: userStats.std)
        archive.set("itemStats.mean", floats: itemStats.mean)
        archive.set("itemStats.std", floats: itemStats.std)
        archive.set("sides.rowValue", floats: sides?.rowValue ?? [])
        archive.set("sides.otherValue", floats: sides?.otherValue ?? [])
        archive.set("interaction", floats: interaction)
        archive.set("lists", neighbours: lists)
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let m = dataset.ratings
        let users = dataset.userCount, items = dataset.itemCount
        matrix = m
        userIDs = dataset.users.ids
        biases = try archive.biases("biases", users: users, items: items)
        var us = RowStats(), its = RowStats()
        us.mean = try archive.floats("userStats.mean", count: users)
        us.std = try archive.floats("userStats.std", count: users)
        its.mean = try archive.floats("itemStats.mean", count: items)
        its.std = try archive.floats("itemStats.std", count: items)
        userStats = us
        itemStats = its
        sides = KNNSides(rowStart: m.rowStart, rowOther: m.rowItems,
                         rowValue: try archive.floats("sides.rowValue", count: m.count),
                         otherStart: m.colStart, otherRow: m.colUsers,
                         otherValue: try archive.floats("sides.otherValue", count: m.count))
        interaction = try archive.floats("interaction", count: m.count)
        signal = feedback.rowWeights(m)
        job = knn.job(parameters, keep: parameters.int("keep"), topNKeep: 0)
        lists = try archive.neighbourLists("lists", rows: users, bound: users)
    }
}

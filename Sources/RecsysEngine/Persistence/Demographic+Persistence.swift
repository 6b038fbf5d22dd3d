/// Saved demographic models: the cells and their per-item counts.
///
/// Arrays: `cellCodes` (int32, cells × grouped attributes, the value code of each), `cellUsers`,
/// `cellCount`, `cellLiked`, `cellSum` (float32, cells × items, row-major), `totalCount`, `totalLiked`,
/// `totalSum` (float32, one per item), `userCell` (int32, one per training user, −1 outside every
/// cell), `userCodes` (int32, users × 4 demographic codes, −1 unknown), `valueUsers` (float32, one per
/// value of each grouped attribute in turn), `valueCount`, `valueLiked` (float32, values × items), `activeUsers` (int64: users with a rating), `globalMean`, `likeThreshold`
/// (float32 scalars), `scale` (float32: min, max, step).
extension DemographicRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws {
        archive.set("cellCodes", int32s: cellCodes)
        archive.set("cellUsers", floats: cellUsers)
        archive.set("cellCount", floats: cellCount)
        archive.set("cellLiked", floats: cellLiked)
        archive.set("cellSum", floats: cellSum)
        archive.set("totalCount", floats: totalCount)
        archive.set("totalLiked", floats: totalLiked)
        archive.set("totalSum", floats: totalSum)
        archive.set("userCell", int32s: userCell)
        archive.set("userCodes", int32s: userCodes)
        archive.set("valueUsers", floats: valueUsers)
        archive.set("valueCount", floats: valueCount)
        archive.set("valueLiked", floats: valueLiked)
        archive.set("activeUsers", int: activeUsers)
        archive.set("globalMean", float: globalMean)
        archive.set("likeThreshold", float: likeThreshold)
        archive.set("scale", floats: [scale.min, scale.max, scale.step])
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        let n = dataset.itemCount, users = dataset.userCount
        cellUsers = try archive.floats("cellUsers")
        let cells = cellUsers.count
        cellCodes = try archive.int32s("cellCodes", count: cells * group.count)
        cellCount = try archive.floats("cellCount", count: cells * n)
        cellLiked = try archive.floats("cellLiked", count: cells * n)
        cellSum = try archive.floats("cellSum", count: cells * n)
        totalCount = try archive.floats("totalCount", count: n)
        totalLiked = try archive.floats("totalLiked", count: n)
        totalSum = try archive.floats("totalSum", count: n)
        userCell = try archive.int32s("userCell", count: users)
        userCodes = try archive.int32s("userCodes", count: users * Demographics.attributes.count)
        valueUsers = try archive.floats("valueUsers", count: valueOffset.last.map { _ in
            group.reduce(0) { $0 + (Demographics.values(of: Demographics.attributes[$1])?.count ?? 0) } } ?? 0)
        valueCount = try archive.floats("valueCount", count: valueUsers.count * n)
        valueLiked = try archive.floats("valueLiked", count: valueUsers.count * n)
        activeUsers = try archive.int("activeUsers")
        globalMean = try archive.float("globalMean")
        likeThreshold = try archive.float("likeThreshold")
        let s = try archive.floats("scale", count: 3)
        scale = RatingScale(min: s[0], max: s[1], step: s[2])
        itemCount = n
        userCount = users
        let g = group.count
        for c in 0..<cells {
            let key = Array(cellCodes[(c * g)..<((c + 1) * g)])
            guard cellIndex[key] == nil else { throw ModelFileError(path: "", "cell \(c) appears twice in cellCodes") }
            cellIndex[key] = c
        }
        if let bad = userCell.first(where: { $0 < -1 || Int($0) >= cells }) {
            throw ModelFileError(path: "", "userCell holds \(bad), outside −1..<\(cells)")
        }
    }
}

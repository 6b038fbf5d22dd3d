/// Saved two-tower and ranking models: every trained weight of both towers (embedding tables and
/// optional hidden layers), the rating head, the biases, and the item embeddings the candidate tower
/// produced. The feature layout is rebuilt from the dataset (its fingerprint was checked), so the
/// restored model scores bit for bit like the saved one. Optimizer moments are not kept: a loaded
/// model serves, it does not resume training.
extension TowerRecommenderBase {
    func saveTowerState(into archive: inout ModelArchive, prefix: String = "") throws {
        guard let net = network else {
            throw ModelFileError(path: "", "the model is not fitted")
        }
        archive.set(prefix + "query.table", floats: net.queryTower.table.weights)
        archive.set(prefix + "candidate.table", floats: net.candidateTower.table.weights)
        for (name, tower) in [("query", net.queryTower), ("candidate", net.candidateTower)] {
            if let h1 = tower.hidden1, let h2 = tower.hidden2 {
                archive.set(prefix + "\(name).hidden1.w", floats: h1.weights)
                archive.set(prefix + "\(name).hidden1.b", floats: h1.bias)
                archive.set(prefix + "\(name).hidden2.w", floats: h2.weights)
                archive.set(prefix + "\(name).hidden2.b", floats: h2.bias)
            }
        }
        archive.set(prefix + "head1.w", floats: net.head1.weights)
        archive.set(prefix + "head1.b", floats: net.head1.bias)
        archive.set(prefix + "head2.w", floats: net.head2.weights)
        archive.set(prefix + "head2.b", floats: net.head2.bias)
        archive.set(prefix + "bias.users", floats: net.userBias.weights)
        archive.set(prefix + "bias.items", floats: net.itemBias.weights)
        archive.set(prefix + "global", floats: [net.globalMean, net.scale.min, net.scale.max, net.scale.step])
        archive.set(prefix + "log_popularity", floats: net.logPopularity)
        archive.set(prefix + "item_embeddings", floats: net.itemEmbeddings)
        archive.set(prefix + "item_means", floats: itemMeans)
        archive.set(prefix + "popularity", floats: popularity)
        archive.set(prefix + "loss.retrieval", floats: net.lossHistory.map { Float($0.retrieval) })
        archive.set(prefix + "loss.rating", floats: net.lossHistory.map { Float($0.rating) })
    }

    func restoreTowerState(_ archive: ModelArchive, dataset: Dataset, prefix: String = "") throws {
        let features = TowerFeatures(dataset: dataset)
        let net = TowerNetwork(features: features, config: config, seed: 0)
        let d = config.dim
        net.queryTower.table.weights = try archive.floats(prefix + "query.table", count: features.queryRows * d)
        net.candidateTower.table.weights = try archive.floats(prefix + "candidate.table", count: features.candidateRows * d)
        if config.hidden > 0 {
            let h = config.hidden
            net.queryTower.hidden1!.weights = try archive.floats(prefix + "query.hidden1.w", count: h * d)
            net.queryTower.hidden1!.bias = try archive.floats(prefix + "query.hidden1.b", count: h)
            net.queryTower.hidden2!.weights = try archive.floats(prefix + "query.hidden2.w", count: h * d)
            net.queryTower.hidden2!.bias = try archive.floats(prefix + "query.hidden2.b", count: d)
            net.candidateTower.hidden1!.weights = try archive.floats(prefix + "candidate.hidden1.w", count: h * d)
            net.candidateTower.hidden1!.bias = try archive.floats(prefix + "candidate.hidden1.b", count: h)
            net.candidateTower.hidden2!.weights = try archive.floats(prefix + "candidate.hidden2.w", count: h * d)
            net.candidateTower.hidden2!.bias = try archive.floats(prefix + "candidate.hidden2.b", count: d)
        }
        net.head1.weights = try archive.floats(prefix + "head1.w", count: net.head1.weights.count)
        net.head1.bias = try archive.floats(prefix + "head1.b", count: net.head1.bias.count)
        net.head2.weights = try archive.floats(prefix + "head2.w", count: net.head2.weights.count)
        net.head2.bias = try archive.floats(prefix + "head2.b", count: net.head2.bias.count)
        net.userBias.weights = try archive.floats(prefix + "bias.users", count: features.userCount)
        net.itemBias.weights = try archive.floats(prefix + "bias.items", count: features.itemCount)
        let g = try archive.floats(prefix + "global", count: 4)
        net.globalMean = g[0]
        net.scale = RatingScale(min: g[1], max: g[2], step: g[3])
        net.logPopularity = try archive.floats(prefix + "log_popularity", count: features.itemCount)
        net.itemEmbeddings = try archive.floats(prefix + "item_embeddings", count: features.itemCount * d)
        let lr = try archive.floats(prefix + "loss.retrieval"), lq = try archive.floats(prefix + "loss.rating", count: lr.count)
        net.lossHistory = zip(lr, lq).map { (Double($0), Double($1)) }
        network = net
        catalog = dataset.catalog
        itemCount = dataset.catalog.count
        scale = dataset.scale
        itemMeans = try archive.floats(prefix + "item_means", count: itemCount)
        popularity = try archive.floats(prefix + "popularity", count: itemCount)
    }
}

extension TwoTowerRecommender: PersistableRecommender {
    public func saveState(into archive: inout ModelArchive) throws { try saveTowerState(into: &archive) }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        try restoreTowerState(archive, dataset: dataset)
    }
}

/// Ranking also keeps its retrieval stage (a two-tower's state under "retrieval."), when it has one.
extension RankingRecommender: PersistableRecommender {
    public static var stateVersion: Int { 2 }

    public func saveState(into archive: inout ModelArchive) throws {
        try saveTowerState(into: &archive)
        archive.set("retrieval.present", floats: [retrieval == nil ? 0 : 1])
        try retrieval?.saveTowerState(into: &archive, prefix: "retrieval.")
    }

    public convenience init(archive: ModelArchive, dataset: Dataset) throws {
        try self.init(parameters: archive.parameters)
        try restoreTowerState(archive, dataset: dataset)
        if try archive.floats("retrieval.present", count: 1)[0] != 0 {
            let stage = try TwoTowerRecommender(parameters: retrievalParameters)
            try stage.restoreTowerState(archive, dataset: dataset, prefix: "retrieval.")
            retrieval = stage
        }
    }
}

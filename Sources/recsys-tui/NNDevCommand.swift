import ArgumentParser
import Foundation
import RecsysEngine

struct NNDevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nn-dev", shouldDisplay: false)
    @Option var train: String
    @Option var test: String
    @Option var algorithm = "two-tower"
    @Option(parsing: .upToNextOption) var param: [String] = []

    func run() throws {
        var users = Vocabulary(); var catalog = Catalog(items: []); var rep = LoadReport()
        let tr = try DatasetLoader.readRatings(path: train, users: &users, catalog: &catalog, options: .init(), report: &rep)
        let te = try DatasetLoader.readRatings(path: test, users: &users, catalog: &catalog, options: .init(), report: &rep)
        let m = RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: tr)
        let ds = Dataset(name: "x", catalog: catalog, users: users, ratings: m, scale: .wholeStars)
        var p: [String: String] = [:]
        for kv in param { let parts = kv.split(separator: "=", maxSplits: 1); p[String(parts[0])] = String(parts[1]) }
        let model = try Algorithms.make(algorithm, parameters: Parameters(p))
        let t0 = Date()
        try model.fit(ds, context: FitContext(seed: 42, progress: { pr in
            if let l = pr.loss { FileHandle.standardError.write(Data("\(pr.message) loss \(l)\n".utf8)) }
        }))
        let fit = Date().timeIntervalSince(t0)
        var byUser: [Int32: [(Int32, Float)]] = [:]
        for t in te { byUser[t.user, default: []].append((t.item, t.rating)) }
        var hits = 0, total = 0, ndcg = 0.0, se = 0.0, n = 0
        for (u, tests) in byUser {
            let prof = Profile.training(u, in: m)
            let s = model.scores(prof)
            let top100 = Set(topK(s, k: 100).map(\.item))
            for (i, _) in tests where top100.contains(i) { hits += 1 }
            total += tests.count
            let top10 = topK(s, k: 10) { !prof.contains($0) }.map(\.item)
            let rel = Set(tests.map(\.0))
            var dcg = 0.0, idcg = 0.0
            for (r, i) in top10.enumerated() where rel.contains(i) { dcg += 1 / log2(Double(r) + 2) }
            for r in 0..<min(10, rel.count) { idcg += 1 / log2(Double(r) + 2) }
            ndcg += dcg / idcg
            let preds = model.predict(prof, items: tests.map(\.0))
            for (pr, t) in zip(preds, tests) { se += Double((pr.value - t.1) * (pr.value - t.1)); n += 1 }
        }
        print(String(format: "%@ fit %.2fs topk-accuracy@100 %.4f ndcg@10 %.4f rmse %.4f", algorithm, fit,
                     Double(hits) / Double(total), ndcg / Double(byUser.count), (se / Double(n)).squareRoot()))
    }
}

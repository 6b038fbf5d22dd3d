import Foundation
import RecsysEngine
import RecsysReport
import RecsysTestSupport
import RecsysUI
import XCTest

/// Handouts built from the UI fixture (16 films, 10 users): fitted models, a real lab run, a class.
enum HandoutFixtures {
    /// Light parameters so every family fits in a moment on the fixture (as the UI tests do).
    static let light: [String: [String: String]] = [
        "als": ["factors": "4", "iterations": "3"], "bpr": ["factors": "4", "iterations": "10"],
        "svd": ["factors": "4", "epochs": "5"], "svdpp": ["factors": "4", "epochs": "5"],
        "two-tower": ["dim": "4", "epochs": "2"], "ranking": ["dim": "4", "epochs": "2"],
    ]

    static func model(_ name: String, on ds: Dataset) throws -> any Recommender {
        let specs = Algorithms.type(named: name)?.parameterSpecs ?? []
        let values = (light[name] ?? [:]).filter { kv in specs.contains { $0.key == kv.key } }
        let m = try Algorithms.make(name, parameters: Parameters(values))
        try m.fit(ds, context: FitContext(seed: 42, threads: 1))
        return m
    }

    /// The learner: Alien 5★, Blade Runner 4★, Toy Story 3★, Casablanca 1★ (a dislike).
    static func profile(_ ds: Dataset) -> Profile {
        let pairs: [(String, Float)] = [("2", 5), ("4", 4), ("13", 3), ("6", 1)]
        return Profile(pairs.map { (ds.catalog.index(of: $0.0)!, $0.1) })
    }

    /// A cold-start lab run of popularity and baseline on the fixture, kept as the store keeps it.
    static func labRecord(_ ds: Dataset) throws -> LabRecord {
        let job = EvalLabJob(run: 1, dataset: ds, algorithms: ["popularity", "baseline"], split: "holdout:0.2",
                             metrics: ["rmse", "precision@10"], coldStart: [0, 1, 3], seed: 7, threads: 1)
        final class Box: @unchecked Sendable { var report: EvalReport? }
        let box = Box()
        job.run { if case .finished(_, let r) = $0 { box.report = r } }
        return LabRecord(try XCTUnwrap(box.report), savedAt: 1_700_000_000)
    }

    static func input(algorithms: [String] = Algorithms.names, lab: Bool = true, classMode: Bool = false,
                      dataset: Dataset = UIFixtures.dataset(), profile: Profile? = nil) throws -> HandoutInput {
        let ds = dataset
        let models = try algorithms.map { try model($0, on: ds) }
        var learners: [LearnerSummary]?
        if classMode {
            let members = [
                ClassMember(name: "alice", ratings: ["2", "3", "4", "5", "1"].enumerated().map {
                    StoredRating(item: $0.element, value: 5, timestamp: Int64($0.offset)) }),
                ClassMember(name: "bob", ratings: ["6", "7", "9", "15"].enumerated().map {
                    StoredRating(item: $0.element, value: 4, timestamp: Int64($0.offset)) }),
            ]
            learners = try ClassSummary.build(base: ds, members: members, algorithms: ["popularity", "item-knn"]) {
                try model($0, on: $1)
            }
        }
        return HandoutInput(dataset: ds, profileName: "alice", profile: profile ?? Self.profile(ds), models: models, seed: 42,
                            lab: lab ? try labRecord(ds) : nil, classLearners: learners,
                            classAlgorithms: ["popularity", "item-knn"], classSource: "class/", made: "2026-01-01 00:00 UTC")
    }
}


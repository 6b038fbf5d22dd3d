/// The algorithm registry: stable names → model types.
///
/// The names are a contract used by the CLI, the explorer and evaluation.
public enum Algorithms {
    /// Every registered model type, in the order the explorer shows them.
    public static let all: [any Recommender.Type] = [
        ContentRecommender.self,
        UserKNNRecommender.self,
        ItemKNNRecommender.self,
        SVDRecommender.self,
        ALSRecommender.self,
        EASERecommender.self,
        HybridRecommender.self,
        PopularityRecommender.self,
        BaselineRecommender.self,
        SVDppRecommender.self,
        BPRRecommender.self,
        TwoTowerRecommender.self,
        RankingRecommender.self,
        DemographicRecommender.self,
    ]

    /// Registered names in display order.
    public static var names: [String] { all.map { $0.name } }

    public static func type(named name: String) -> (any Recommender.Type)? {
        all.first { $0.name == name }
    }

    /// Creates an unfitted model; an unknown name lists the valid ones.
    public static func make(_ name: String, parameters: Parameters = Parameters()) throws -> any Recommender {
        guard let t = type(named: name) else {
            throw ParameterError("unknown algorithm '\(name)' (valid: \(names.joined(separator: ", ")))")
        }
        return try t.init(parameters: parameters)
    }
}

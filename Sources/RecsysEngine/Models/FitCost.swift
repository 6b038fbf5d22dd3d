/// The size of a dataset as the fit-cost model sees it.
///
/// Besides the counts it keeps the two sums of squares that neighbour models pay for:
/// `userPairs = Σ_u |I_u|²` (item-item co-ratings, item-knn and EASE's Gram matrix) and
/// `itemPairs = Σ_i |U_i|²` (user-user co-ratings, user-knn). Both are O(users + items) to compute.
public struct FitShape: Sendable, Equatable {
    public var ratings: Int
    public var users: Int
    public var items: Int
    public var userPairs: Double
    public var itemPairs: Double
    /// Σ_u min(|I_u|, 2^k)² for k = 0, 1, …, up to the first 2^k at or above the largest profile:
    /// item-knn's co-ratings when heavy users are sampled to `max_user_ratings` (empty: unknown,
    /// taken as `userPairs`).
    public var cappedUserPairs: [Double]

    public init(ratings: Int, users: Int, items: Int, userPairs: Double, itemPairs: Double,
                cappedUserPairs: [Double] = []) {
        self.ratings = ratings
        self.users = users
        self.items = items
        self.userPairs = userPairs
        self.itemPairs = itemPairs
        self.cappedUserPairs = cappedUserPairs
    }

    /// The shape of a rating matrix. Complexity: O(users · log(largest profile) + items).
    public init(_ m: RatingMatrix) {
        var up = 0.0, ip = 0.0, largest = 0
        for u in 0..<m.userCount { let c = m.rowCount(Int32(u)); up += Double(c) * Double(c); largest = max(largest, c) }
        for i in 0..<m.itemCount { let c = Double(m.columnCount(Int32(i))); ip += c * c }
        var capped: [Double] = []
        var cap = 1
        while true {
            var sum = 0.0
            for u in 0..<m.userCount { let c = Double(min(m.rowCount(Int32(u)), cap)); sum += c * c }
            capped.append(sum)
            if cap >= largest { break }
            cap *= 2
        }
        self.init(ratings: m.count, users: m.userCount, items: m.itemCount, userPairs: up, itemPairs: ip,
                  cappedUserPairs: capped)
    }

    /// Σ_u min(|I_u|, cap)²: exact at powers of two, linear between them, `userPairs` beyond the table.
    public func userPairs(cap: Int) -> Double {
        guard !cappedUserPairs.isEmpty, cap >= 1 else { return userPairs }
        let k = Int.bitWidth - 1 - cap.leadingZeroBitCount  // 2^k ≤ cap < 2^(k+1)
        guard k + 1 < cappedUserPairs.count else { return min(userPairs, cappedUserPairs.last ?? userPairs) }
        let lo = Double(1 << k), t = (Double(cap) - lo) / lo
        return min(userPairs, cappedUserPairs[k] + t * (cappedUserPairs[k + 1] - cappedUserPairs[k]))
    }
}

/// A rough prediction of how long one fit takes, so the explorer can fit cheap models first and
/// defer the ones that would take longer than its budget.
///
/// Seconds on two cores of the development machine (release build), from one formula per
/// algorithm in the terms of its documented complexity, with coefficients fitted to the fit
/// times measured in issue 12 (5M-row shape, 10,000-film catalog; svd, svd++, als and item-knn
/// refitted to the 25M shape with the engine built for the native CPU, docs/scale.md). The
/// estimate orders fits and decides deferral; the ETA shown while a fit runs comes from its
/// progress, not from here.
public enum FitCost {
    /// Estimated seconds to fit `algorithm` with `parameters` (defaults filled in) on `shape`.
    /// An unknown algorithm or bad parameters estimate as 1 s (the fit will report the error).
    public static func seconds(_ algorithm: String, parameters: Parameters = Parameters(), shape: FitShape) -> Double {
        guard let type = Algorithms.type(named: algorithm),
              let p = try? parameters.resolved(for: algorithm, specs: type.parameterSpecs) else { return 1 }
        let r = Double(shape.ratings), n = Double(shape.items)
        func int(_ key: String) -> Double { Double(max(1, p.int(key))) }
        switch algorithm {
        case "popularity": return 0.01 + 2e-8 * r
        case "baseline": return 0.01 + 3e-7 * r
        case "content": return 0.05 + 2e-6 * n + 1e-8 * r
        case "demographic": return 0.02 + 3e-8 * r + 1e-5 * n
        case "svd": return 0.05 + 5.8e-10 * r * int("epochs") * int("factors")  // 25M: 28.9 s, one thread
        case "svdpp": return 0.05 + 2.9e-9 * r * int("epochs") * int("factors")  // 25M: 29.2 s, one thread
        case "als": return 0.05 + 9.9e-10 * r * int("iterations") * int("factors")  // 25M: 23.7 s on two threads
        case "bpr": return 0.05 + 8.1e-9 * r * int("iterations") * int("factors")
        case "item-knn":
            // The sums over the (sampled) co-ratings, then per item the similarity of every item it
            // meets and the selection of its neighbours (at most items² in all), and the passes over
            // the ratings (biases, weights, the sample, the renumbering). Measured at 25M (Float sums,
            // popularity-numbered accumulator): 57 CPU-s in all, about 28 for 8.7·10⁹ co-ratings, 19
            // for 62,423 items and 10 for the rest.
            let pairs = shape.userPairs(cap: p.int("max_user_ratings"))
            return 0.05 + 1.6e-9 * pairs + 2.5e-9 * n * n + 2e-7 * r
        case "user-knn": return 0.05 + 5.4e-9 * shape.itemPairs + 1e-6 * Double(shape.users)
        case "ease":
            let kept = min(n, Double(p.int("max_items")))
            return 0.05 + 2e-9 * shape.userPairs + 1.7e-11 * kept * kept * kept
        case "two-tower":
            return 0.1 + 2.3e-9 * r * int("epochs") * int("batch") * int("dim")
        case "ranking":
            let head = 3.7e-5 * r * int("epochs") * int("dim") * int("head") / 1024
            return 0.1 + head + seconds("two-tower", shape: shape)  // its retrieval stage is a two-tower fit
        case "hybrid":
            // Components fitted twice (once on the weight-fitting split), the blend search on top.
            let on = HybridRecommender.candidates.filter { c in
                let w = p.double("w_" + c.name.replacingOccurrences(of: "-", with: "_"))
                return w != 0
            }
            return 0.1 + 2 * on.reduce(0) { $0 + seconds($1.name, shape: shape) }
        default: return 1
        }
    }
}

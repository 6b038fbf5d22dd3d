import Foundation

/// How ratings are divided into training and test sets (`--split`).
///
/// Every random choice comes from SplitMix64 seeded with `--seed`, so the same seed
/// gives the same folds on every machine.
public enum SplitSpec: Sendable, Equatable, CustomStringConvertible {
    /// `holdout:F`: a random share F of all ratings goes to test.
    case holdout(Double)
    /// `holdout-user:F`: for each user, a random share F of their ratings goes to test
    /// (users with two or more ratings keep at least one on each side).
    case holdoutUser(Double)
    /// `kfold:K`: ratings shuffled and dealt into K parts; each part is the test set once.
    case kfold(Int)
    /// `loo`: each user's latest rating (by timestamp) is the test set; users with one rating stay in training.
    case leaveLastOut
    /// `temporal:F`: the latest share F of all ratings (one global time cut) goes to test.
    case temporal(Double)
    /// `new-users:F`: a random share F of the users are test users, each with a random fifth of their
    /// ratings in test (as `holdout-user:0.2`); every other user stays whole in training. With
    /// `--cold-start` this is the new-user setting: the models learn from the other users only.
    case newUsers(Double)
    /// `ml100k-folds`: the official MovieLens 100K folds u1.base/u1.test … u5.base/u5.test.
    case ml100kFolds
    /// `--train FILE --test FILE`: the split is given by two files.
    case files

    /// Parses "holdout:0.2", "holdout-user:0.2", "kfold:5", "loo", "temporal:0.2", "ml100k-folds".
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let arg = parts.count > 1 ? parts[1] : nil
        func fraction(_ def: Double) throws -> Double {
            guard let arg else { return def }
            guard let f = Double(arg), f > 0, f < 1 else {
                throw EvalError("split '\(text)': the test fraction must be a number between 0 and 1 (exclusive)")
            }
            return f
        }
        switch name {
        case "holdout": self = .holdout(try fraction(0.2))
        case "holdout-user": self = .holdoutUser(try fraction(0.2))
        case "temporal": self = .temporal(try fraction(0.2))
        case "new-users": self = .newUsers(try fraction(0.2))
        case "kfold":
            guard let k = Int(arg ?? "5"), k >= 2, k <= 100 else {
                throw EvalError("split '\(text)': the number of folds must be an integer in 2...100")
            }
            self = .kfold(k)
        case "loo" where arg == nil: self = .leaveLastOut
        case "ml100k-folds" where arg == nil: self = .ml100kFolds
        default:
            throw EvalError("unknown split '\(text)' (valid: holdout:F, holdout-user:F, kfold:K, loo, temporal:F, new-users:F, ml100k-folds)")
        }
    }

    public var description: String {
        switch self {
        case .holdout(let f): return "holdout:\(Self.format(f))"
        case .holdoutUser(let f): return "holdout-user:\(Self.format(f))"
        case .kfold(let k): return "kfold:\(k)"
        case .leaveLastOut: return "loo"
        case .temporal(let f): return "temporal:\(Self.format(f))"
        case .newUsers(let f): return "new-users:\(Self.format(f))"
        case .ml100kFolds: return "ml100k-folds"
        case .files: return "files"
        }
    }

    static func format(_ f: Double) -> String {
        var s = String(f)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}

/// One train/test pair. Both share the dataset's user and item indices.
public struct EvalFold: Sendable {
    /// "u1", "fold 2/5", "holdout", …
    public var name: String
    /// The training data: the dataset with only the training ratings.
    public var train: Dataset
    /// The test ratings, with the same shape as `train.ratings`.
    public var test: RatingMatrix

    public init(name: String, train: Dataset, test: RatingMatrix) {
        self.name = name
        self.train = train
        self.test = test
    }
}

/// Makes the folds of a split.
public enum Splitter {

    /// The folds of `spec` over an already loaded dataset (every spec but `ml100kFolds` and `files`).
    ///
    /// Guarantees: within a fold, train and test are disjoint and together hold every rating;
    /// across the folds of `kfold`, every rating is tested exactly once.
    /// Complexity: O(n) for the random splits, O(n log n) for `temporal`.
    public static func folds(_ spec: SplitSpec, dataset: Dataset, seed: UInt64) throws -> [EvalFold] {
        let m = dataset.ratings
        func fold(_ name: String, _ isTest: [Bool]) -> EvalFold {
            EvalFold(name: name, train: dataset.withRatings(m.filter { !isTest[$0] }),
                     test: m.filter { isTest[$0] })
        }
        switch spec {
        case .holdout(let f):
            return [fold("holdout", holdoutMask(count: m.count, fraction: f, seed: seed))]
        case .holdoutUser(let f):
            return [fold("holdout-user", perUserHoldoutMask(m, fraction: f, seed: seed))]
        case .kfold(let k):
            let part = kfoldAssignment(count: m.count, folds: k, seed: seed)
            return (0..<k).map { f in fold("fold \(f + 1)/\(k)", part.map { $0 == f }) }
        case .leaveLastOut:
            return [fold("loo", leaveLastOutMask(m, seed: seed))]
        case .temporal(let f):
            return [fold("temporal", temporalMask(m, fraction: f, seed: seed))]
        case .newUsers(let f):
            return [fold("new-users", newUsersMask(m, users: f, seed: seed))]
        case .ml100kFolds, .files:
            throw EvalError("split '\(spec)' reads its own files; use Splitter.ml100kFolds or Splitter.files")
        }
    }

    /// A random `round(F·n)` of the n positions, chosen by a seeded Fisher–Yates shuffle.
    static func holdoutMask(count n: Int, fraction: Double, seed: UInt64) -> [Bool] {
        var rng = SplitMix64.derived(seed: seed, stream: 1)
        var order = Array(0..<n)
        shuffle(&order, &rng)
        var mask = [Bool](repeating: false, count: n)
        for p in order.prefix(Int((fraction * Double(n)).rounded())) { mask[p] = true }
        return mask
    }

    /// For each user u with n_u ratings, `clamp(round(F·n_u), lo, n_u − 1)` random ratings
    /// to test, where lo = 1 when n_u ≥ 2 (else 0). Each user's choice uses its own stream.
    static func perUserHoldoutMask(_ m: RatingMatrix, fraction: Double, seed: UInt64) -> [Bool] {
        var mask = [Bool](repeating: false, count: m.count)
        for u in 0..<m.userCount {
            let start = m.rowStart[u], n = m.rowStart[u + 1] - start
            guard n >= 2 else { continue }
            let take = min(n - 1, max(1, Int((fraction * Double(n)).rounded())))
            var rng = SplitMix64.derived(seed: seed, stream: 1_000 + UInt64(u))
            var order = Array(start..<(start + n))
            shuffle(&order, &rng)
            for p in order.prefix(take) { mask[p] = true }
        }
        return mask
    }

    /// A seeded share F of the users (`round(F·users)`, by a shuffle on stream 3) keep a random fifth of
    /// their ratings in test, by `perUserHoldoutMask`'s rule; the others are all training.
    static func newUsersMask(_ m: RatingMatrix, users fraction: Double, seed: UInt64) -> [Bool] {
        var rng = SplitMix64.derived(seed: seed, stream: 3)
        var order = Array(0..<m.userCount)
        shuffle(&order, &rng)
        var isTestUser = [Bool](repeating: false, count: m.userCount)
        for u in order.prefix(Int((fraction * Double(m.userCount)).rounded())) { isTestUser[u] = true }
        var mask = perUserHoldoutMask(m, fraction: 0.2, seed: seed)
        for u in 0..<m.userCount where !isTestUser[u] {
            for p in m.rowStart[u]..<m.rowStart[u + 1] { mask[p] = false }
        }
        return mask
    }

    /// Fold number (0..<k) of every position: a seeded shuffle dealt round-robin, so part
    /// sizes differ by at most one.
    static func kfoldAssignment(count n: Int, folds k: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64.derived(seed: seed, stream: 2)
        var order = Array(0..<n)
        shuffle(&order, &rng)
        var part = [Int](repeating: 0, count: n)
        for (rank, p) in order.enumerated() { part[p] = rank % k }
        return part
    }

    /// Each user's latest rating (highest timestamp; ties broken by a seeded random choice)
    /// is tested; users with fewer than two ratings are left whole in training.
    static func leaveLastOutMask(_ m: RatingMatrix, seed: UInt64) -> [Bool] {
        var mask = [Bool](repeating: false, count: m.count)
        let stamps = m.rowTimestamps
        for u in 0..<m.userCount {
            let start = m.rowStart[u], end = m.rowStart[u + 1]
            guard end - start >= 2 else { continue }
            var rng = SplitMix64.derived(seed: seed, stream: 3_000_000 + UInt64(u))
            var best = start, ties = 1
            for p in (start + 1)..<end {
                let t = stamps.isEmpty ? 0 : stamps[p], bt = stamps.isEmpty ? 0 : stamps[best]
                if t > bt {
                    best = p; ties = 1
                } else if t == bt {
                    // Reservoir choice among equal timestamps: each tie kept with probability 1/ties.
                    ties += 1
                    if rng.nextInt(ties) == 0 { best = p }
                }
            }
            mask[best] = true
        }
        return mask
    }

    /// The latest `round(F·n)` ratings overall go to test: positions sorted by timestamp,
    /// ties in a seeded random order.
    static func temporalMask(_ m: RatingMatrix, fraction: Double, seed: UInt64) -> [Bool] {
        let n = m.count
        var rng = SplitMix64.derived(seed: seed, stream: 4)
        let key = (0..<n).map { _ in rng.next() }
        let stamps = m.rowTimestamps
        let order = (0..<n).sorted { a, b in
            let ta = stamps.isEmpty ? 0 : stamps[a], tb = stamps.isEmpty ? 0 : stamps[b]
            return ta != tb ? ta < tb : key[a] < key[b]
        }
        var mask = [Bool](repeating: false, count: n)
        for p in order.suffix(Int((fraction * Double(n)).rounded())) { mask[p] = true }
        return mask
    }

    static func shuffle(_ a: inout [Int], _ rng: inout SplitMix64) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, rng.nextInt(i + 1))
        }
    }

    // MARK: Splits read from files

    /// The official MovieLens 100K folds: the folder is loaded as a dataset, then each of
    /// `u1.base … u5.test` is read into the same user and item indices.
    public static func ml100kFolds(folder: String, options: LoadOptions = LoadOptions()) throws
        -> (dataset: Dataset, folds: [EvalFold]) {
        var ds = try DatasetLoader.load(path: folder, options: options)
        var users = ds.users, catalog = ds.catalog, report = ds.loadReport
        var parts: [(String, [RatingTriple], [RatingTriple])] = []
        for f in 1...5 {
            let base = (folder as NSString).appendingPathComponent("u\(f).base")
            let test = (folder as NSString).appendingPathComponent("u\(f).test")
            for p in [base, test] where !FileManager.default.fileExists(atPath: p) {
                throw LoadError(file: p, "missing fold file (ml100k-folds needs u1.base … u5.test)")
            }
            let tr = try DatasetLoader.readRatings(path: base, users: &users, catalog: &catalog,
                                                   options: options, report: &report)
            let te = try DatasetLoader.readRatings(path: test, users: &users, catalog: &catalog,
                                                   options: options, report: &report)
            parts.append(("u\(f)", tr, te))
        }
        if users.count != ds.users.count || catalog.count != ds.catalog.count {
            // Fold files named users or items the main file lacks: widen the full matrix.
            ds = Dataset(name: ds.name, source: ds.source, catalog: catalog, users: users,
                         ratings: RatingMatrix(userCount: users.count, itemCount: catalog.count,
                                               triples: ds.ratings.triples()),
                         userAttributes: ds.userAttributes, scale: ds.scale, loadReport: report)
        }
        let folds = parts.map { name, tr, te in
            EvalFold(name: name,
                     train: ds.withRatings(RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: tr)),
                     test: RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: te))
        }
        return (ds, folds)
    }

    /// An explicit split: a training and a test ratings file (generic format), optionally with
    /// an items file (`movies.csv`, `movies.dat` or `u.item` layout) whose catalog (titles,
    /// genres, keywords) is loaded first.
    public static func files(train: String, test: String, items: String? = nil,
                             options: LoadOptions = LoadOptions()) throws -> (dataset: Dataset, folds: [EvalFold]) {
        var users = Vocabulary()
        var report = LoadReport()
        var catalog = Catalog(items: [])
        if let items { catalog = Catalog(items: try ItemFiles.readAnyItemsFile(path: items, options: options, report: &report)) }
        let tr = try DatasetLoader.readRatings(path: train, users: &users, catalog: &catalog,
                                               options: options, report: &report)
        let te = try DatasetLoader.readRatings(path: test, users: &users, catalog: &catalog,
                                               options: options, report: &report)
        let all = tr + te
        let scale = RatingScale.infer(from: all.map(\.rating))
        let full = Dataset(name: (train as NSString).lastPathComponent, source: train, catalog: catalog,
                           users: users,
                           ratings: RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: all),
                           scale: scale, loadReport: report)
        let fold = EvalFold(
            name: "files",
            train: full.withRatings(RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: tr)),
            test: RatingMatrix(userCount: users.count, itemCount: catalog.count, triples: te))
        return (full, [fold])
    }
}

extension Dataset {
    /// The same dataset (catalog, users, scale) with other ratings of the same shape.
    public func withRatings(_ m: RatingMatrix) -> Dataset {
        var copy = self
        copy.ratings = m
        return copy
    }
}

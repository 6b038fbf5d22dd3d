import Foundation
import RecsysEngine

/// What the conformance suite may expect of one algorithm.
public struct ConformanceOptions: Sendable {
    /// Parameters for the tiny fixtures (e.g. more epochs for SGD models on 300 ratings).
    public var parameters: Parameters
    /// The model personalizes top-N: on the checkerboard the withheld item must rank first.
    public var personalized: Bool
    /// Folding in a training user's ratings (without its training index) must give the same top-N.
    public var foldInReproduces: Bool
    /// `fit` must throw `FitCancelled` when its token is already cancelled.
    public var honoursCancellation: Bool
    /// The model is run with `feedback=binary`, reading every rating as a positive interaction: its
    /// checkerboard holds only the loved items, since a 1★ rating would count as a like.
    public var implicitFeedback: Bool
    /// The model personalizes by demographics, not ratings: the checkerboard's users carry a gender
    /// by parity (and an age), so a model grouping by them can find the withheld item.
    public var demographics: Bool

    public init(parameters: Parameters = Parameters(), personalized: Bool = true, foldInReproduces: Bool = false,
                honoursCancellation: Bool = true, implicitFeedback: Bool = false, demographics: Bool = false) {
        self.parameters = parameters
        self.personalized = personalized
        self.foldInReproduces = foldInReproduces
        self.honoursCancellation = honoursCancellation
        self.implicitFeedback = implicitFeedback
        self.demographics = demographics
    }
}

/// The conformance suite every recommender passes: it returns failures as messages, so any test
/// target can turn them into assertions (see `ConformanceTests`). Adding an algorithm is one line.
///
/// Checks, in order:
/// 1. checkerboard: users like the items of their parity and dislike a few others; a withheld
///    liked item must be each test user's first recommendation (personalized models);
/// 2. unknown users and items: an empty profile, a profile with an out-of-range training index,
///    an item without training ratings and an index past the catalog are predicted as impossible,
///    every prediction and score is finite, and nothing crashes;
/// 3. determinism: two fits with one seed give identical scores and predictions;
/// 4. degenerate data (one user, one item, constant ratings, a user who rated everything): every
///    prediction, score and explanation is finite, and every explanation's terms sum to its score;
/// 5. fold-in: a training user's ratings folded in give the same top-N (kNN, content);
/// 6. progress is reported, and cancellation is honoured.
public enum Conformance {
    public static func run(_ name: String, _ options: ConformanceOptions = ConformanceOptions()) -> [String] {
        var failures: [String] = []
        func fail(_ s: String) { failures.append("\(name): \(s)") }
        func make() -> (any Recommender)? {
            do { return try Algorithms.make(name, parameters: options.parameters) } catch {
                fail("cannot create: \(error)"); return nil
            }
        }
        func fit(_ data: Dataset, seed: UInt64 = 42) -> (any Recommender)? {
            guard let m = make() else { return nil }
            do { try m.fit(data, context: FitContext(seed: seed)) } catch { fail("fit failed on \(data.name): \(error)"); return nil }
            return m
        }

        // 1. Checkerboard.
        var board = checkerboard(dislikes: !options.implicitFeedback)
        if options.demographics {
            board.data.userAttributes = (0..<board.data.userCount).map {
                UserAttributes(age: 20 + 10 * ($0 % 3), gender: $0 % 2 == 0 ? "F" : "M")
            }
        }
        if let m = fit(board.data) {
            if options.personalized {
                for (u, withheld) in board.withheld {
                    let top = m.recommend(Profile.training(u, in: board.data.ratings), count: 3)
                    if top.first?.item != withheld {
                        fail("checkerboard: user \(u) should get withheld item \(withheld) first, got \(top.map(\.item))")
                    }
                }
            }
            checkFinite(m, board.data, label: "checkerboard", fail: fail)
        }

        // 2. Unknown users and items.
        let unknown = withUnratedItem(board.data)
        if let m = fit(unknown) {
            let lastItem = Int32(unknown.itemCount - 1)
            let past = Int32(unknown.itemCount + 3)
            let known = Profile.training(0, in: unknown.ratings)
            let p = m.predict(known, items: [lastItem, past])
            for (x, label) in zip(p, ["item without ratings", "item past the catalog"]) {
                if !x.isImpossible { fail("\(label) should be impossible") }
                if !x.value.isFinite { fail("\(label): non-finite fallback \(x.value)") }
            }
            let empty = m.predict(Profile(), items: [0, 1])
            if empty.contains(where: { !$0.value.isFinite }) { fail("empty profile: non-finite prediction") }
            var stranger = Profile([(Int32(0), Float(5)), (Int32(2), Float(1))])
            stranger.trainingUser = 10_000
            let s = m.scores(stranger)
            if s.count != unknown.itemCount || s.contains(where: { !$0.isFinite }) {
                fail("out-of-range training index: scores not finite for every item")
            }
            if m.scores(Profile()).contains(where: { !$0.isFinite }) { fail("empty profile: non-finite scores") }
            _ = m.explain(Profile(), item: lastItem)
            _ = m.explain(known, item: past)
            _ = m.similarItems(to: past, count: 5)
            _ = m.similarItems(to: lastItem, count: 5)
        }

        // 3. Determinism under a seed.
        if let a = fit(board.data, seed: 7), let b = fit(board.data, seed: 7) {
            for u in [Int32(0), 3, 5] {
                let prof = Profile.training(u, in: board.data.ratings)
                if a.scores(prof) != b.scores(prof) { fail("determinism: scores differ for user \(u) under one seed") }
                var folded = prof
                folded.trainingUser = nil
                if a.scores(folded) != b.scores(folded) { fail("determinism: fold-in scores differ for user \(u)") }
                let items = (0..<Int32(board.data.itemCount)).map { $0 }
                if a.predict(prof, items: items) != b.predict(prof, items: items) {
                    fail("determinism: predictions differ for user \(u)")
                }
            }
        }

        // 4. Degenerate data.
        for data in degenerate() {
            if let m = fit(data) { checkFinite(m, data, label: data.name, fail: fail) }
        }

        // 5. Fold-in of a training user.
        if options.foldInReproduces, let m = fit(board.data) {
            for u in 0..<Int32(board.data.userCount) {
                let trained = Profile.training(u, in: board.data.ratings)
                var folded = trained
                folded.trainingUser = nil
                let a = m.recommend(trained, count: 5), b = m.recommend(folded, count: 5)
                if a.map(\.item) != b.map(\.item) {
                    fail("fold-in: user \(u) trained top-5 \(a.map(\.item)) ≠ folded-in \(b.map(\.item))")
                    break
                }
            }
        }

        // 6. Progress and cancellation.
        if let m = make() {
            let seen = ProgressLog()
            do {
                try m.fit(board.data, context: FitContext(seed: 1, progress: { seen.add($0) }))
                if seen.count == 0 { fail("fit reported no progress") }
                if seen.events.contains(where: { !$0.fraction.isFinite || $0.fraction < 0 || $0.fraction > 1.000001 }) {
                    fail("progress fraction outside 0…1")
                }
            } catch { fail("fit with progress failed: \(error)") }
        }
        if options.honoursCancellation, let m = make() {
            let token = CancellationToken()
            token.cancel()
            do {
                try m.fit(board.data, context: FitContext(seed: 1, cancellation: token))
                fail("fit ignored a cancelled token")
            } catch is FitCancelled {
            } catch { fail("cancelled fit threw \(error) instead of FitCancelled") }
        }
        return failures
    }

    /// Predictions, scores, recommendations, explanations and fold-in are finite for every user.
    static func checkFinite(_ m: any Recommender, _ data: Dataset, label: String, fail: (String) -> Void) {
        let items = (0..<Int32(data.itemCount)).map { $0 }
        for u in 0..<Int32(data.userCount) {
            let trained = Profile.training(u, in: data.ratings)
            var folded = trained
            folded.trainingUser = nil
            for prof in [trained, folded] {
                let p = m.predict(prof, items: items)
                if p.count != items.count || p.contains(where: { !$0.value.isFinite }) {
                    fail("\(label): non-finite prediction for user \(u)"); return
                }
                let s = m.scores(prof)
                if s.count != data.itemCount || s.contains(where: { !$0.isFinite }) {
                    fail("\(label): scores must be finite for all \(data.itemCount) items (user \(u))"); return
                }
                _ = m.recommend(prof, count: 5)
                for i in items.prefix(3) {
                    let e = m.explain(prof, item: i)
                    if !e.score.isFinite || e.terms.contains(where: { !$0.value.isFinite }) {
                        fail("\(label): non-finite explanation for user \(u), item \(i)"); return
                    }
                    // Explanations are data from which the score is reconstructible.
                    if abs(e.termTotal - e.score) > 1e-3 * max(1, abs(e.score)) {
                        fail("\(label): terms of user \(u), item \(i) sum to \(e.termTotal), not the score \(e.score)"); return
                    }
                }
                if let f = formulaFailure(m, prof, items: Array(items.prefix(4))) {
                    fail("\(label): user \(u): \(f)"); return
                }
            }
        }
        for i in items { for s in m.similarItems(to: i, count: 3) where !s.score.isFinite {
            fail("\(label): non-finite similar-item score"); return
        } }
    }

    /// The formula view's promise: the worked formula of each item, evaluated from its numbers,
    /// equals the model's output to 1e-4 — the prediction for a predicted rating, else the score —
    /// and its `score` is the explanation's. Returns the first broken promise, or nil.
    public static func formulaFailure(_ m: any Recommender, _ profile: Profile, items: [Int32]) -> String? {
        let s = m.scores(profile)
        for i in items where i >= 0 && Int(i) < s.count {
            let f = m.workedFormula(profile, item: i)
            let e = m.explain(profile, item: i)
            let output = e.meaning == .predictedRating ? m.predict(profile, items: [i])[0].value : s[Int(i)]
            let tol = 1e-4 * max(1, abs(output))
            if !f.value.isFinite || abs(f.value - output) > tol {
                return "formula of item \(i) evaluates to \(f.value), the model says \(output)"
            }
            if abs(f.score - e.score) > tol { return "formula of item \(i) carries score \(f.score), explain says \(e.score)" }
            if f.algorithm != m.name || f.item != i { return "formula of item \(i) names \(f.algorithm) item \(f.item)" }
        }
        return nil
    }

    // MARK: Fixtures

    /// A dataset from (user, item, rating) triples with numbered raw ids.
    public static func dataset(_ name: String, users: Int, items: Int, _ triples: [(Int, Int, Float)],
                               scale: RatingScale = .wholeStars) -> Dataset {
        let catalog = Catalog(items: (0..<items).map { Item(rawID: "\($0 + 1)", title: "Item \($0 + 1)") })
        let vocab = Vocabulary((0..<users).map { "u\($0 + 1)" })
        let m = RatingMatrix(userCount: users, itemCount: items,
                             triples: triples.map { RatingTriple(user: Int32($0.0), item: Int32($0.1), rating: $0.2) })
        return Dataset(name: name, catalog: catalog, users: vocab, ratings: m, scale: scale)
    }

    /// 24 users × 16 items: user u loves (4–5★) the items with its parity and (with `dislikes`) gave
    /// 1–2★ to two of the others. Users 0…5 each had one loved item withheld; it must be their first
    /// recommendation.
    public static func checkerboard(dislikes: Bool = true) -> (data: Dataset, withheld: [(Int32, Int32)]) {
        let users = 24, items = 16
        var triples: [(Int, Int, Float)] = []
        var withheld: [(Int32, Int32)] = []
        for u in 0..<users {
            let parity = u % 2
            let hidden = u < 6 ? ((u * 3) % 8) * 2 + parity : -1
            if hidden >= 0 { withheld.append((Int32(u), Int32(hidden))) }
            for i in stride(from: parity, to: items, by: 2) where i != hidden {
                triples.append((u, i, (u + i) % 3 == 0 ? 4 : 5))
            }
            for t in 0..<(dislikes ? 2 : 0) {
                let i = ((u / 2 + t * 3) % 8) * 2 + (1 - parity)
                triples.append((u, i, (u + t) % 2 == 0 ? 1 : 2))
            }
        }
        return (dataset("checkerboard", users: users, items: items, triples), withheld)
    }

    /// The same data with one more catalog item that nobody rated.
    static func withUnratedItem(_ d: Dataset) -> Dataset {
        let t = d.ratings.triples().map { (Int($0.user), Int($0.item), $0.rating) }
        return dataset("unrated-item", users: d.userCount, items: d.itemCount + 1, t)
    }

    /// One user; one item; constant ratings; a user who rated everything.
    public static func degenerate() -> [Dataset] {
        [
            dataset("one-user", users: 1, items: 5, [(0, 0, 5), (0, 1, 3), (0, 3, 1)]),
            dataset("one-item", users: 4, items: 1, [(0, 0, 4), (1, 0, 2), (2, 0, 5), (3, 0, 3)]),
            dataset("constant", users: 5, items: 6, (0..<5).flatMap { u in (0..<6).filter { ($0 + u) % 3 != 0 }.map { (u, $0, Float(3)) } }),
            dataset("rated-everything", users: 4, items: 5,
                    (0..<5).map { (0, $0, Float(1 + $0)) } + [(1, 0, 5), (1, 2, 2), (2, 1, 4), (3, 4, 1), (3, 3, 5)]),
        ]
    }
}

/// Collects progress events from any thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var events: [FitProgress] = []
    func add(_ e: FitProgress) { lock.lock(); events.append(e); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return events.count }
}

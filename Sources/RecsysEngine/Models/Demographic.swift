import Foundation

/// The favourites of users like you: popularity within your demographic cell, shrunk towards everyone's.
///
/// Users are grouped into cells by a subset of their demographics (`group`, e.g. `age+occupation`; see
/// ``Demographics``). For a cell c with N_c users, of whom n_ci rated item i and l_ci rated it at least
/// 4★ (80 % of the scale's top), the score is a Beta–binomial posterior mean that pulls small cells
/// towards the whole population (N users, n_i, l_i):
///
/// - `by=count`: `score(i) = (n_ci + m·n_i/N) / (N_c + m)` — the share of the cell who rated i;
/// - `by=liked`: `score(i) = (l_ci + m·l_i/N) / (N_c + m)` — the share of the cell who liked i;
///
/// with `m = shrinkage` pseudo-users. A cell of 5 users with m = 20 is four-fifths everyone's list; a
/// cell of 500 is almost all its own. Predicted ratings are a bias model within the cell: the item's
/// damped mean among the cell's raters, `(s_ci + m·μ_i)/(n_ci + m)`, towards its damped mean over
/// everyone, `μ_i = (s_i + m·μ)/(n_i + m)`.
///
/// The cell of a profile comes from the dataset for a training user and from `Profile.attributes`
/// otherwise. An attribute the profile does not know is left out (the profile's cell is the union of
/// the cells that match what is known); a profile with no known grouped attribute gets everyone's list.
/// The profile's own ratings are not used (except that rated items are not recommended): this is a
/// cold-start model.
///
/// - Complexity: fit O(ratings + cells·items); scores O(items) for a full cell, O(cells·items) for a
///   partly known profile.
public final class DemographicRecommender: Recommender, @unchecked Sendable {
    public static let name = "demographic"
    public static let summary = "what users of your age, gender, occupation or region rate: a cold-start model"
    /// Every non-empty subset of ``Demographics/attributes``, `+`-joined in that order.
    public static let groupChoices: [String] = {
        let a = Demographics.attributes
        var out: [String] = []
        for size in 1...a.count {
            for mask in 1..<(1 << a.count) where mask.nonzeroBitCount == size {
                out.append(a.indices.filter { mask & (1 << $0) != 0 }.map { a[$0] }.joined(separator: "+"))
            }
        }
        return out
    }()

    public static let parameterSpecs: [ParameterSpec] = [
        ParameterSpec("group", .choice(groupChoices), default: "age+occupation",
                      "which attributes make a cell (any subset, `+` or `,` separated)"),
        ParameterSpec("by", .choice(["count", "liked"]), default: "count",
                      "rank by the share of the cell who rated an item, or who rated it 4★ or more"),
        ParameterSpec("shrinkage", .real(0...100_000), default: "100",
                      "m: pseudo-users pulling each cell towards everyone (Bayesian shrinkage)"),
        ParameterSpec("combine", .choice(["cell", "sum"]), default: "sum",
                      "cell: the users who share every grouped attribute; sum: one shift per attribute, added up"),
    ]

    public let parameters: Parameters
    /// Indices into ``Demographics/attributes`` of the grouped attributes.
    let group: [Int]
    var itemCount = 0
    var userCount = 0
    /// Per cell: the value code of each grouped attribute (cells × group.count, row-major).
    var cellCodes: [Int32] = []
    var cellUsers: [Float] = []
    /// Per cell, per item (cells × items): raters, likers and the sum of their ratings.
    var cellCount: [Float] = []
    var cellLiked: [Float] = []
    var cellSum: [Float] = []
    /// Over everyone.
    var totalCount: [Float] = []
    var totalLiked: [Float] = []
    var totalSum: [Float] = []
    /// Each training user's cell, −1 when one of the grouped attributes is unknown.
    var userCell: [Int32] = []
    /// Each training user's demographic codes (users × 4, −1 unknown), for explanations.
    var userCodes: [Int32] = []
    var globalMean: Float = 0
    /// Users with at least one rating: N in the formulas.
    var activeUsers = 0
    var likeThreshold: Float = 4
    var scale = RatingScale.wholeStars
    var cellIndex: [[Int32]: Int] = [:]
    /// Per grouped attribute value (values of the first grouped attribute, then the next, …): users, and
    /// per item (values × items) raters and likers. Used by `combine=sum`.
    var valueUsers: [Float] = []
    var valueCount: [Float] = []
    var valueLiked: [Float] = []
    /// Where each grouped attribute's values start in `valueUsers`.
    var valueOffset: [Int] {
        var o: [Int] = [], k = 0
        for a in group { o.append(k); k += Demographics.values(of: Demographics.attributes[a])?.count ?? 0 }
        return o
    }

    public init(parameters: Parameters = Parameters()) throws {
        var p = parameters
        if let g = p["group"] { p["group"] = Self.canonicalGroup(g) }
        self.parameters = try p.resolved(for: Self.name, specs: Self.parameterSpecs)
        group = self.parameters.string("group").split(separator: "+")
            .compactMap { Demographics.attributes.firstIndex(of: String($0)) }
    }

    /// `occupation,age` → `age+occupation`; anything unrecognised is returned unchanged (and rejected).
    static func canonicalGroup(_ raw: String) -> String {
        let parts = raw.split(whereSeparator: { $0 == "+" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = parts.compactMap { Demographics.attributes.firstIndex(of: $0) }
        guard known.count == parts.count, !known.isEmpty, Set(known).count == known.count else { return raw }
        return known.sorted().map { Demographics.attributes[$0] }.joined(separator: "+")
    }

    var shrinkage: Float { parameters.float("shrinkage") }
    var byLiked: Bool { parameters.string("by") == "liked" }
    var isSum: Bool { parameters.string("combine") == "sum" }

    public func fit(_ data: Dataset, context: FitContext) throws {
        try context.checkCancelled()
        let m = data.ratings
        itemCount = m.itemCount
        userCount = m.userCount
        scale = data.scale
        globalMean = m.globalMean
        likeThreshold = 0.8 * scale.max
        userCodes = [Int32](repeating: -1, count: userCount * Demographics.attributes.count)
        userCell = [Int32](repeating: -1, count: userCount)
        cellIndex = [:]
        cellCodes = []
        var users: [Float] = []
        for u in 0..<userCount {
            let codes = u < data.userAttributes.count ? Demographics.codes(of: data.userAttributes[u])
                : [Int?](repeating: nil, count: Demographics.attributes.count)
            for (k, c) in codes.enumerated() { userCodes[u * codes.count + k] = Int32(c ?? -1) }
            let key = group.map { Int32(codes[$0] ?? -1) }
            // Users without ratings (new users in a cold-start run) say nothing about what a cell watches.
            guard !key.contains(-1), !group.isEmpty, m.rowCount(Int32(u)) > 0 else { continue }
            let c: Int
            if let existing = cellIndex[key] {
                c = existing
            } else {
                c = users.count
                cellIndex[key] = c
                cellCodes += key
                users.append(0)
            }
            users[c] += 1
            userCell[u] = Int32(c)
        }
        cellUsers = users
        let n = itemCount
        cellCount = [Float](repeating: 0, count: users.count * n)
        cellLiked = cellCount
        cellSum = cellCount
        totalCount = [Float](repeating: 0, count: n)
        totalLiked = totalCount
        totalSum = totalCount
        let offsets = valueOffset
        let values = group.reduce(0) { $0 + (Demographics.values(of: Demographics.attributes[$1])?.count ?? 0) }
        valueUsers = [Float](repeating: 0, count: values)
        valueCount = [Float](repeating: 0, count: values * n)
        valueLiked = valueCount
        let attributeCount = Demographics.attributes.count
        activeUsers = 0
        for u in 0..<userCount {
            if u % 4096 == 0 { try context.checkCancelled() }
            let row = m.row(Int32(u))
            if row.items.isEmpty { continue }
            activeUsers += 1
            for (k, a) in group.enumerated() {
                let code = Int(userCodes[u * attributeCount + a])
                guard code >= 0 else { continue }
                let v = offsets[k] + code
                valueUsers[v] += 1
                for (i, r) in zip(row.items, row.ratings) {
                    valueCount[v * n + Int(i)] += 1
                    if r >= likeThreshold { valueLiked[v * n + Int(i)] += 1 }
                }
            }
            let c = Int(userCell[u])
            for (i, r) in zip(row.items, row.ratings) {
                let i = Int(i)
                let liked: Float = r >= likeThreshold ? 1 : 0
                totalCount[i] += 1
                totalLiked[i] += liked
                totalSum[i] += r
                if c >= 0 {
                    cellCount[c * n + i] += 1
                    cellLiked[c * n + i] += liked
                    cellSum[c * n + i] += r
                }
            }
        }
        context.progress(FitProgress(fraction: 1, message: "\(users.count) cells"))
    }

    /// What a profile's cell holds: its users and per-item raters, likers and rating sums.
    struct CellView {
        /// The matched cells (one for a fully known profile, several for a partly known one).
        var cells: [Int]
        /// Value code per grouped attribute, nil where the profile does not know it.
        var key: [Int?]
        var users: Float
    }

    /// The grouped attribute codes of `profile` (training users from the dataset).
    func key(of profile: Profile) -> [Int?] {
        if let u = profile.trainingUser, Int(u) >= 0, Int(u) < userCount {
            return group.map { a in
                let c = userCodes[Int(u) * Demographics.attributes.count + a]
                return c < 0 ? nil : Int(c)
            }
        }
        let codes = Demographics.codes(of: profile.attributes)
        return group.map { codes[$0] }
    }

    func view(for profile: Profile) -> CellView? {
        let key = key(of: profile)
        guard key.contains(where: { $0 != nil }) else { return nil }
        var cells: [Int] = []
        if !key.contains(where: { $0 == nil }), let c = cellIndex[key.map { Int32($0!) }] {
            cells = [c]
        } else {
            let g = group.count
            for c in 0..<cellUsers.count {
                var match = true
                for k in 0..<g where key[k] != nil && Int(cellCodes[c * g + k]) != key[k]! { match = false; break }
                if match { cells.append(c) }
            }
        }
        return CellView(cells: cells, key: key, users: cells.reduce(0) { $0 + cellUsers[$1] })
    }

    /// Raters, likers and rating sum of item i within the view.
    func cellStats(_ v: CellView, item i: Int) -> (count: Float, liked: Float, sum: Float) {
        var n: Float = 0, l: Float = 0, s: Float = 0
        for c in v.cells {
            n += cellCount[c * itemCount + i]
            l += cellLiked[c * itemCount + i]
            s += cellSum[c * itemCount + i]
        }
        return (n, l, s)
    }

    /// `(x_c + m·x/N)/(N_c + m)`; everyone's share `x/N` when the cell is unknown.
    func shrunk(cell x: Float, users nc: Float, total t: Float) -> Float {
        let everyone = activeUsers > 0 ? t / Float(activeUsers) : 0
        let m = shrinkage
        return nc + m > 0 ? (x + m * everyone) / (nc + m) : everyone
    }

    public func scores(_ profile: Profile) -> [Float] {
        guard itemCount > 0 else { return [] }
        if isSum { return sumScores(profile) }
        let total = byLiked ? totalLiked : totalCount
        let v = view(for: profile)
        var out = [Float](repeating: 0, count: itemCount)
        for i in 0..<itemCount {
            var x: Float = 0
            if let v {
                let st = cellStats(v, item: i)
                x = shrunk(cell: byLiked ? st.liked : st.count, users: v.users, total: total[i])
            } else {
                x = shrunk(cell: 0, users: 0, total: total[i])
            }
            out[i] = x + tieBreak * itemMean(i)
        }
        return out
    }

    /// A tiny tie-break by the damped mean keeps equal shares in a stable, sensible order.
    var tieBreak: Float { 1e-4 / max(1, scale.max) }

    /// `combine=sum`: `p_g(i) + Σ_a (p̃_{a,v_a}(i) − p_g(i))` over the grouped attributes the profile
    /// knows, with `p̃_{a,v}(i) = (x_{a,v,i} + m·p_g(i))/(N_{a,v} + m)` and `p_g(i) = x_i/N`.
    /// Each attribute's shift is estimated from everyone sharing that one value (large groups), and
    /// the shifts add up, as in a linear model without interactions. (Multiplying lifts instead blows
    /// up the noise of rarely rated items in small groups.)
    func sumScores(_ profile: Profile) -> [Float] {
        let key = key(of: profile)
        let offsets = valueOffset
        let total = byLiked ? totalLiked : totalCount
        let values = byLiked ? valueLiked : valueCount
        let m = shrinkage
        let n = Float(max(activeUsers, 1))
        var out = [Float](repeating: 0, count: itemCount)
        for i in 0..<itemCount {
            let pg = total[i] / n
            var score = pg
            for (k, code) in key.enumerated() {
                guard let code else { continue }
                let v = offsets[k] + code
                let nv = valueUsers[v]
                let p = nv + m > 0 ? (values[v * itemCount + i] + m * pg) / (nv + m) : pg
                score += p - pg
            }
            out[i] = score + tieBreak * itemMean(i)
        }
        return out
    }

    /// μ_i: item i's damped mean over everyone.
    func itemMean(_ i: Int) -> Float {
        let m = max(shrinkage, 1)
        return (totalSum[i] + m * globalMean) / (totalCount[i] + m)
    }

    public func predict(_ profile: Profile, items: [Int32]) -> [Prediction] {
        let v = view(for: profile)
        let m = max(shrinkage, 1)
        return items.map { item in
            let i = Int(item)
            guard i >= 0, i < itemCount, totalCount[i] > 0 else {
                return Prediction(scale.clamp(globalMean), isImpossible: true)
            }
            let mu = itemMean(i)
            guard let v else { return Prediction(scale.clamp(mu)) }
            let st = cellStats(v, item: i)
            return Prediction(scale.clamp((st.sum + m * mu) / (st.count + m)))
        }
    }

    /// Items whose audience is spread over the cells most like this item's (cosine of per-cell shares).
    public func similarItems(to item: Int32, count: Int) -> [ScoredItem] {
        let i = Int(item)
        guard i >= 0, i < itemCount, totalCount[i] > 0, !cellUsers.isEmpty else { return [] }
        let cells = cellUsers.count
        func vector(_ j: Int) -> [Float] { (0..<cells).map { cellCount[$0 * itemCount + j] / max(1, cellUsers[$0]) } }
        let a = vector(i)
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var s = [Float](repeating: -1, count: itemCount)
        for j in 0..<itemCount where j != i && totalCount[j] > 0 {
            let b = vector(j)
            var dot: Float = 0, nb: Float = 0
            for c in 0..<cells { dot += a[c] * b[c]; nb += b[c] * b[c] }
            s[j] = na > 0 && nb > 0 ? dot / (na * nb.squareRoot()) : 0
        }
        return topK(s, k: count) { $0 != item && s[Int($0)] > -1 }
    }

    /// "25–34-year-old women", "college/grad students in the west", "everyone".
    public func describe(_ key: [Int?]) -> String {
        Self.describe(Dictionary(uniqueKeysWithValues: zip(group, key).compactMap { a, c in c.map { (a, $0) } }))
    }

    /// A phrase for a cell given value codes by attribute index.
    public static func describe(_ codes: [Int: Int]) -> String {
        guard !codes.isEmpty else { return "everyone" }
        var words: [String] = []
        if let a = codes[0] {
            let label = Demographics.ageBrackets[a]
            words.append(a == 0 ? "under-18" : a == Demographics.ageBrackets.count - 1 ? "56-and-over"
                : label.replacingOccurrences(of: "-", with: "–") + "-year-old")
        }
        if let o = codes[2] {
            if let g = codes[1] { words.append(g == 0 ? "female" : "male") }
            words.append(occupationPlural(Demographics.occupations[o]))
        } else if let g = codes[1] {
            words.append(g == 0 ? "women" : "men")
        } else {
            words.append("people")
        }
        if let r = codes[3] { words.append("in the \(Demographics.regions[r])") }
        return words.joined(separator: " ")
    }

    static func occupationPlural(_ o: String) -> String {
        let irregular: [String: String] = [
            "other": "people in other jobs", "academic/educator": "academics and educators",
            "clerical/admin": "clerical and admin workers", "college/grad student": "college students",
            "customer service": "customer-service workers", "doctor/health care": "health-care workers",
            "executive/managerial": "executives and managers", "homemaker": "homemakers",
            "retired": "retired people", "sales/marketing": "sales and marketing people",
            "self-employed": "self-employed people", "technician/engineer": "technicians and engineers",
            "tradesman/craftsman": "tradespeople", "unemployed": "unemployed people",
        ]
        return irregular[o] ?? o + "s"
    }

    public func explain(_ profile: Profile, item: Int32) -> Explanation {
        explain(profile, item: item, scores: scores(profile))
    }

    /// The profile's scores are computed once for the whole list (they cost O(items)).
    public func explain(_ profile: Profile, items: [Int32]) -> [Explanation] {
        let all = scores(profile)
        return items.map { explain(profile, item: $0, scores: all) }
    }

    func explain(_ profile: Profile, item: Int32, scores all: [Float]) -> Explanation {
        let i = Int(item)
        guard i >= 0, i < itemCount else { return .unknown(Self.name, item: item) }
        let score = all[i]
        let everyoneShare = activeUsers > 0 ? (byLiked ? totalLiked[i] : totalCount[i]) / Float(activeUsers) : 0
        let everyone = Explanation.Term(kind: .group, value: everyoneShare, name: "everyone", rating: likeThreshold,
                                        count: Int(totalLiked[i]), total: activeUsers)
        let formula = "p̃(i) = (n_cell·p_cell(i) + m·p_all(i)) / (n_cell + m)"
        guard let v = view(for: profile) else {
            return Explanation(algorithm: Self.name, item: item, score: score, formula: formula,
                               terms: Self.completed([everyone], score: score), notes: [.unknownDemographics])
        }
        if isSum { return explainSum(profile, item: item, score: score, everyone: everyone) }
        let st = cellStats(v, item: i)
        let m = shrinkage
        let weight = v.users + m > 0 ? v.users / (v.users + m) : 0
        let cellShare = v.users > 0 ? (byLiked ? st.liked : st.count) / v.users : 0
        var notes: [Explanation.Note] = [.demographicCell(users: Int(v.users), shrinkage: m, cellWeight: weight)]
        if v.users < m { notes.append(.smallCell) }
        let cell = Explanation.Term(kind: .group, value: weight * cellShare, name: describe(v.key), rating: likeThreshold,
                                    weight: weight, count: Int(st.liked), total: Int(v.users))
        var all = everyone
        all.value = (1 - weight) * everyoneShare
        all.weight = 1 - weight
        return Explanation(algorithm: Self.name, item: item, score: score, formula: formula,
                           terms: Self.completed([cell, all], score: score), notes: notes)
    }

    /// `combine=sum`: one term per known attribute, its shift `p̃_{a,v}(i) − p_g(i)`.
    func explainSum(_ profile: Profile, item: Int32, score: Float, everyone: Explanation.Term) -> Explanation {
        let i = Int(item)
        let key = key(of: profile)
        let offsets = valueOffset
        let values = byLiked ? valueLiked : valueCount
        let m = shrinkage
        let everyoneShare = everyone.value
        var terms: [Explanation.Term] = []
        for (k, code) in key.enumerated() {
            guard let code else { continue }
            let a = group[k]
            let v = offsets[k] + code
            let nv = valueUsers[v]
            let p = nv + m > 0 ? (values[v * itemCount + i] + m * everyoneShare) / (nv + m) : everyoneShare
            terms.append(.init(kind: .group, value: p - everyoneShare, name: Self.describe([a: code]),
                               rating: likeThreshold, count: Int(valueLiked[v * itemCount + i]), total: Int(nv)))
        }
        terms.sort { abs($0.value) > abs($1.value) }
        terms.append(everyone)
        return Explanation(algorithm: Self.name, item: item, score: score,
                           formula: "p̃(i) = p_all(i) + Σ_a (p̃_{a,v_a}(i) − p_all(i))",
                           terms: Self.completed(terms, score: score), notes: [.demographicShifts(shrinkage: m)])
    }

    /// The terms, plus a remainder when the score is not their plain sum (the rating-scale mapping).
    static func completed(_ terms: [Explanation.Term], score: Float) -> [Explanation.Term] {
        let rest = score - terms.reduce(0) { $0 + $1.value }
        guard abs(rest) > 1e-5 * max(1, abs(score)) else { return terms }
        return terms + [.init(kind: .remainder, value: rest)]
    }
}

import Foundation

/// Synthetic demographics for the sample's users: an age bracket, a gender, an occupation and a region,
/// tied to each user's taste archetypes by a modest, documented correlation.
///
/// For each attribute independently, with probability `λ = tieStrength` (0.35) the value is drawn from
/// the *primary* archetype's tilt (below), otherwise from the population base rates (close to
/// MovieLens 1M's). So about a third of users "look like" their taste, and two thirds are demographically
/// indistinguishable from anyone else, as in real data where demographics explain little of taste.
/// The realised effect sizes (η² of the genre-taste vector per attribute, against its chance level, and
/// which archetypes and genres each value over-represents) are written to `demographic-effects.csv`.
///
/// A stronger tie buys little: at λ = 1 the `demographic` recommender's NDCG@10 for brand-new users is
/// about 1.06× popularity's, and even demographics that name each user's archetype reach about 1.1×,
/// because what a user watches follows popularity and their own taste around the archetype
/// (docs/metrics.md, "How far demographics can go on the sample").
///
/// Consistency rules: an under-18 user is a K-12 student; a K-12 student is under 18 (redrawn age);
/// "retired" is only drawn for users of 50 or more (else the occupation is redrawn from the base).
///
/// Every user's draw comes from its own SplitMix64 stream (`demographicStream(u)`), separate from the
/// rating streams, so adding demographics left `ratings.csv` and `tastes.csv` byte for byte unchanged.
public enum SampleDemographics {
    /// λ: the probability that an attribute follows the primary archetype rather than the population.
    public static let tieStrength = 0.35

    static func demographicStream(_ u: Int) -> UInt64 { 4_000_000_000 + UInt64(u) }

    /// Population base rates per value, in ``Demographics`` order.
    static let baseAge: [Double] = [0.04, 0.18, 0.35, 0.20, 0.08, 0.08, 0.07]
    static let baseGender: [Double] = [0.40, 0.60]
    static let baseRegion: [Double] = [0.18, 0.21, 0.38, 0.23]
    static let baseOccupation: [String: Double] = [
        "other": 0.11, "academic/educator": 0.08, "artist": 0.04, "clerical/admin": 0.03,
        "college/grad student": 0.12, "customer service": 0.02, "doctor/health care": 0.04,
        "executive/managerial": 0.11, "farmer": 0.01, "homemaker": 0.02, "K-12 student": 0.03, "lawyer": 0.02,
        "programmer": 0.06, "retired": 0.02, "sales/marketing": 0.05, "scientist": 0.03, "self-employed": 0.04,
        "technician/engineer": 0.08, "tradesman/craftsman": 0.01, "unemployed": 0.01, "writer": 0.05,
    ]

    /// What each archetype leans towards: weights per value (unnamed values weigh 0).
    struct Tilt {
        var age: [String: Double]
        var gender: [String: Double]
        var occupation: [String: Double]
        var region: [String: Double]
    }

    static let tilts: [String: Tilt] = [
        "blockbuster": Tilt(age: ["18-24": 2, "25-34": 2], gender: ["M": 1],
                            occupation: ["college/grad student": 2, "technician/engineer": 1, "sales/marketing": 1],
                            region: ["south": 1, "midwest": 1]),
        "sci-fi": Tilt(age: ["25-34": 2, "35-44": 1], gender: ["M": 1],
                       occupation: ["programmer": 2, "scientist": 1, "technician/engineer": 1],
                       region: ["west": 1]),
        "crime-thriller": Tilt(age: ["35-44": 2, "45-49": 1], gender: ["M": 1],
                               occupation: ["lawyer": 1, "executive/managerial": 2, "self-employed": 1],
                               region: ["northeast": 1]),
        "classic-cinephile": Tilt(age: ["50-55": 1, "56+": 2], gender: ["M": 1, "F": 1],
                                  occupation: ["retired": 2, "academic/educator": 1, "writer": 1],
                                  region: ["northeast": 1]),
        "family-animation": Tilt(age: ["under-18": 2, "35-44": 2], gender: ["F": 1],
                                 occupation: ["K-12 student": 2, "homemaker": 2, "academic/educator": 1],
                                 region: ["midwest": 1, "south": 1]),
        "romance-musical": Tilt(age: ["18-24": 1, "25-34": 1, "45-49": 1], gender: ["F": 1],
                                occupation: ["clerical/admin": 1, "customer service": 1, "homemaker": 1],
                                region: ["south": 1]),
        "horror": Tilt(age: ["18-24": 3, "under-18": 1], gender: ["M": 1, "F": 1],
                       occupation: ["college/grad student": 2, "unemployed": 1, "tradesman/craftsman": 1],
                       region: ["south": 1, "midwest": 1]),
        "arthouse-drama": Tilt(age: ["25-34": 1, "35-44": 1, "45-49": 1], gender: ["F": 1, "M": 1],
                               occupation: ["artist": 2, "writer": 2, "academic/educator": 1],
                               region: ["northeast": 1, "west": 1]),
        "comedy": Tilt(age: ["18-24": 2, "25-34": 1], gender: ["M": 1, "F": 1],
                       occupation: ["college/grad student": 1, "sales/marketing": 1, "customer service": 1],
                       region: ["west": 1, "south": 1]),
        "history-war": Tilt(age: ["45-49": 1, "50-55": 2, "56+": 2], gender: ["M": 1],
                            occupation: ["retired": 2, "farmer": 1, "tradesman/craftsman": 1],
                            region: ["south": 1, "midwest": 1]),
    ]

    /// Draws the demographics of every user in `tastes` (their primary archetype decides the tilt).
    public static func draw(tastes: [SampleTaste], seed: UInt64, tie: Double = tieStrength) -> [UserAttributes] {
        tastes.map { t in
            var rng = SplitMix64.derived(seed: seed, stream: demographicStream(t.userId - 1))
            return draw(primary: SampleGenerator.archetypes[t.archetypes.first?.index ?? 0].name, tie: tie, rng: &rng)
        }
    }

    static func pick(_ weights: [Double], _ rng: inout SplitMix64) -> Int {
        let total = weights.reduce(0, +)
        var x = rng.nextDouble() * total
        for (k, w) in weights.enumerated() {
            x -= w
            if x < 0 { return k }
        }
        return weights.count - 1
    }

    /// One attribute: the archetype's tilt with probability λ, else the base rates.
    static func pick(values: [String], base: [Double], tilt: [String: Double], tie: Double,
                     _ rng: inout SplitMix64) -> Int {
        let tied = rng.nextDouble() < tie && !tilt.isEmpty
        return pick(tied ? values.map { tilt[$0] ?? 0 } : base, &rng)
    }

    static func draw(primary: String, tie: Double, rng: inout SplitMix64) -> UserAttributes {
        let tilt = tilts[primary] ?? Tilt(age: [:], gender: [:], occupation: [:], region: [:])
        let occupationBase = Demographics.occupations.map { baseOccupation[$0] ?? 0 }
        var age = pick(values: Demographics.ageBrackets, base: baseAge, tilt: tilt.age, tie: tie, &rng)
        let gender = pick(values: Demographics.genders, base: baseGender, tilt: tilt.gender, tie: tie, &rng)
        var occupation = pick(values: Demographics.occupations, base: occupationBase, tilt: tilt.occupation, tie: tie, &rng)
        let region = pick(values: Demographics.regions, base: baseRegion, tilt: tilt.region, tie: tie, &rng)
        let k12 = Demographics.occupations.firstIndex(of: "K-12 student")!
        let retired = Demographics.occupations.firstIndex(of: "retired")!
        if age == 0 {
            occupation = k12
        } else if occupation == k12 {
            age = 0
        } else if occupation == retired && age < 5 {
            var base = occupationBase
            base[k12] = 0
            base[retired] = 0
            occupation = pick(base, &rng)
        }
        return UserAttributes(age: Demographics.ageLowerBounds[age], gender: Demographics.genders[gender],
                              occupation: Demographics.occupations[occupation],
                              region: Demographics.regions[region])
    }
}

extension SampleOutput {
    /// `users.csv`: `userId,age,gender,occupation,region`, age as a bracket label.
    public func usersCSV() -> Data {
        var lines = ["userId,age,gender,occupation,region"]
        for (t, a) in zip(tastes, demographics) {
            let age = a.age.map { Demographics.ageBrackets[Demographics.bracket(ofAge: $0)] } ?? ""
            lines.append([String(t.userId), age, a.gender ?? "", a.occupation ?? "", a.region ?? ""]
                .joined(separator: ","))
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// `demographic-effects.csv`: the true effect of each attribute on taste in this population.
    ///
    /// One row per attribute value: `users` and `share`; `eta2`, the share of the variance of the users'
    /// genre-taste vectors explained by the attribute (between-group sum of squares over total,
    /// `Σ_c n_c‖t̄_c − t̄‖² / Σ_u ‖t_u − t̄‖²`, the same on every row of an attribute); `chanceEta2`, what η²
    /// would be with no effect at all, `(k − 1)/(n − 1)` for k groups and n users (small groups inflate η²);
    /// `overRepresented`, archetypes whose share among the group's primary archetypes is at least 1.3× the
    /// population's (`name:lift`); `likedMore`/`likedLess`, the three genres whose mean taste in the group
    /// differs most from the population's (`genre:+0.123`).
    public func demographicEffectsCSV() -> Data {
        let f = { (x: Double) in SampleMath.fixed(x, 3) }
        let genres = SampleCatalog.genres
        let n = tastes.count
        var mean = [Double](repeating: 0, count: genres.count)
        for t in tastes { for g in genres.indices { mean[g] += t.genreTaste[g] / Double(max(n, 1)) } }
        var total = 0.0
        for t in tastes { for g in genres.indices { total += (t.genreTaste[g] - mean[g]) * (t.genreTaste[g] - mean[g]) } }
        let archetypeCount = SampleGenerator.archetypes.count
        var archetypeShare = [Double](repeating: 0, count: archetypeCount)
        for t in tastes { archetypeShare[t.archetypes.first?.index ?? 0] += 1 / Double(max(n, 1)) }
        let codes = demographics.map { Demographics.codes(of: $0) }
        var lines = ["attribute,value,users,share,eta2,chanceEta2,overRepresented,likedMore,likedLess"]
        for (a, attribute) in Demographics.attributes.enumerated() {
            let values = Demographics.values(of: attribute) ?? []
            var members = [[Int]](repeating: [], count: values.count)
            for (u, c) in codes.enumerated() { if let v = c[a] { members[v].append(u) } }
            var groupMean = [[Double]](repeating: [Double](repeating: 0, count: genres.count), count: values.count)
            var between = 0.0
            for v in values.indices where !members[v].isEmpty {
                for u in members[v] { for g in genres.indices { groupMean[v][g] += tastes[u].genreTaste[g] } }
                for g in genres.indices {
                    groupMean[v][g] /= Double(members[v].count)
                    between += Double(members[v].count) * (groupMean[v][g] - mean[g]) * (groupMean[v][g] - mean[g])
                }
            }
            let groups = members.filter { !$0.isEmpty }.count
            let eta2 = total > 0 ? between / total : 0
            let chance = n > 1 ? Double(groups - 1) / Double(n - 1) : 0
            for v in values.indices where !members[v].isEmpty {
                var share = [Double](repeating: 0, count: archetypeCount)
                for u in members[v] { share[tastes[u].archetypes.first?.index ?? 0] += 1 / Double(members[v].count) }
                let over = archetypeShare.indices
                    .filter { archetypeShare[$0] > 0 && share[$0] / archetypeShare[$0] >= 1.3 }
                    .sorted { (share[$0] / archetypeShare[$0], -$0) > (share[$1] / archetypeShare[$1], -$1) }
                    .map { "\(SampleGenerator.archetypes[$0].name):\(SampleMath.fixed(share[$0] / archetypeShare[$0], 2))" }
                let shift = genres.indices.map { groupMean[v][$0] - mean[$0] }
                let order = genres.indices.sorted { (shift[$0], -$0) > (shift[$1], -$1) }
                let sign = { (x: Double) in (x >= 0 ? "+" : "") + f(x) }
                let more = order.prefix(3).filter { shift[$0] > 0 }.map { "\(genres[$0]):\(sign(shift[$0]))" }
                let less = order.reversed().prefix(3).filter { shift[$0] < 0 }.map { "\(genres[$0]):\(sign(shift[$0]))" }
                lines.append([attribute, values[v], String(members[v].count),
                              f(Double(members[v].count) / Double(max(n, 1))), f(eta2), f(chance),
                              over.joined(separator: "|"), more.joined(separator: "|"), less.joined(separator: "|")]
                    .joined(separator: ","))
            }
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }
}

import Foundation
import XCTest
@testable import RecsysEngine

/// Issue 13, item 2: the demographic recommender — cell shares with Bayesian shrinkage, worked by hand.
final class DemographicTests: XCTestCase {
    /// 6 users × 4 items. Women (u0–u2, 25–34) rate items 0 and 1; men (u3–u5, 56+) rate items 2 and 3;
    /// item 0 is also rated 2★ by u3. u5 has no gender.
    static func fixture() -> Dataset {
        let catalog = Catalog(items: (0..<4).map { Item(rawID: "m\($0)", title: "Movie \($0)") })
        let users = Vocabulary((0..<6).map { "u\($0)" })
        let t: [(Int32, Int32, Float)] = [
            (0, 0, 5), (0, 1, 4), (1, 0, 4), (1, 1, 3), (2, 0, 5),
            (3, 2, 5), (3, 3, 4), (3, 0, 2), (4, 2, 4), (5, 3, 5), (5, 2, 1),
        ]
        let m = RatingMatrix(userCount: 6, itemCount: 4, triples: t.map { RatingTriple(user: $0.0, item: $0.1, rating: $0.2) })
        let attrs = (0..<6).map { u in
            UserAttributes(age: u < 3 ? 25 : 60, gender: u < 3 ? "F" : (u == 5 ? nil : "M"), occupation: "writer")
        }
        return Dataset(name: "demo", catalog: catalog, users: users, ratings: m, userAttributes: attrs, scale: .wholeStars)
    }

    func fitted(_ p: [String: String]) throws -> DemographicRecommender {
        let model = try DemographicRecommender(parameters: Parameters(p))
        try model.fit(Self.fixture(), context: FitContext(seed: 1))
        return model
    }

    func testCellSharesAreShrunkTowardsEveryone() throws {
        let data = Self.fixture()
        let m = try fitted(["group": "age,gender", "shrinkage": "2", "combine": "cell"])
        XCTAssertEqual(m.parameters["group"], "age+gender")
        // Woman 25–34 (a training user): cell of 3 users; item 0 rated by 3 of them, by 4 of 6 overall.
        // (3 + 2·4/6)/(3 + 2) = 0.8667; item 2: (0 + 2·3/6)/5 = 0.2.
        let s = m.scores(Profile.training(0, in: data.ratings))
        XCTAssertEqual(s[0], (3 + 2 * 4.0 / 6) / 5, accuracy: 1e-3)
        XCTAssertEqual(s[2], (0 + 2 * 3.0 / 6) / 5, accuracy: 1e-3)
        XCTAssertGreaterThan(s[1], s[2])
        // A folded-in profile that says who it is gets the same cell.
        var me = Profile([(Int32(3), Float(5))])
        me.attributes = UserAttributes(age: 29, gender: "female")
        XCTAssertEqual(m.scores(me), s)
        XCTAssertEqual(m.recommend(me, count: 2).map(\.item), [0, 1])
        // A man 56+ (cell u3, u4): item 2 (both rated it), then item 0 (u3 did; the profile rated item 3).
        me.attributes = UserAttributes(age: 60, gender: "M")
        XCTAssertEqual(m.recommend(me, count: 2).map(\.item), [2, 0])
        // u5 has no gender: outside every cell, but a profile that knows only the age gets the union
        // of the 56+ cells (u3, u4), (0 + 2·4/6)/(2 + 2) for item 0 (u3 rated it).
        XCTAssertEqual(m.userCell[5], -1)
        me.attributes = UserAttributes(age: 57)
        XCTAssertEqual(m.scores(me)[0], (1 + 2 * 4.0 / 6) / 4, accuracy: 1e-3)
        // Nothing known: everyone's shares, the popularity order.
        XCTAssertEqual(m.scores(Profile())[0], 4.0 / 6, accuracy: 1e-3)
        XCTAssertEqual(m.recommend(Profile(), count: 1).map(\.item), [0])
    }

    func testLikedModeSumModeAndPredictions() throws {
        let data = Self.fixture()
        let liked = try fitted(["group": "gender", "shrinkage": "0", "by": "liked", "combine": "cell"])
        // Men (u3, u4): item 2 liked (≥ 4★) by both, item 0 by neither.
        let man = Profile.training(3, in: data.ratings)
        XCTAssertEqual(liked.scores(man)[2], 1, accuracy: 1e-3)
        XCTAssertEqual(liked.scores(man)[0], 0, accuracy: 1e-3)
        // Predictions: the item's damped mean within the cell, towards its damped mean over everyone.
        // Item 0 overall: (16 + 1·μ)/(4 + 1) with μ = 42/11; women: (14 + 1·μ_0)/(3 + 1).
        let mu = Float(42) / 11, mu0 = (16 + mu) / 5
        let woman = Profile.training(0, in: data.ratings)
        XCTAssertEqual(liked.predict(woman, items: [0])[0].value, (14 + mu0) / 4, accuracy: 1e-4)
        XCTAssertTrue(liked.predict(woman, items: [9])[0].isImpossible)
        // combine=sum adds one shift per attribute: age and gender both point women at items 0 and 1.
        let sum = try fitted(["group": "age+gender", "combine": "sum", "shrinkage": "0", "by": "count"])
        // Item 0: p_g = 4/6; 25–34 share 3/3; women share 3/3 → 4/6 + 2·(1 − 4/6).
        XCTAssertEqual(sum.scores(woman)[0], 4.0 / 6 + 2 * (1 - 4.0 / 6), accuracy: 1e-3)
    }

    func testExplanationNamesTheCellAndItsCounts() throws {
        let data = Self.fixture()
        let m = try fitted(["group": "age+gender", "combine": "cell", "shrinkage": "20"])
        let e = m.explain(Profile.training(0, in: data.ratings), item: 0)
        // The cell as data: who it is, how many of its users liked the film, at which threshold.
        XCTAssertEqual(e.terms[0].kind, .group)
        XCTAssertEqual(e.terms[0].name, "25–34-year-old women")
        XCTAssertEqual(e.terms[0].count, 3)
        XCTAssertEqual(e.terms[0].total, 3)
        XCTAssertEqual(e.terms[0].rating, 4)
        XCTAssertTrue(e.notes.contains(.smallCell), "\(e.notes)")
        XCTAssertEqual(e.terms.filter { $0.kind == .group }.count, 2)
        XCTAssertEqual(e.termTotal, e.score, accuracy: 1e-4, "the terms (with any remainder) rebuild the score")
        // combine=sum explains each attribute's group and its shift; 56+ men (u3, u4; u5 has no gender
        // but is 56+): item 2 rated 4★+ by u3 and u4.
        let sum = try fitted(["group": "age+gender", "combine": "sum", "shrinkage": "0", "by": "liked"])
        let man = sum.explain(Profile.training(3, in: data.ratings), item: 2)
        let groups = man.terms.filter { $0.kind == .group }
        XCTAssertEqual(groups.map(\.name), ["men", "56-and-over people", "everyone"])
        XCTAssertEqual(groups.map(\.count), [2, 2, 2])
        XCTAssertEqual(groups.map(\.total), [2, 3, 6])
        XCTAssertEqual(man.terms[0].value, 1 - 2.0 / 6, accuracy: 1e-4, "men liked it 2 of 2, everyone 2 of 6")
        let everyone = m.explain(Profile(), item: 0)
        XCTAssertTrue(everyone.notes.contains(.unknownDemographics), "\(everyone.notes)")
        XCTAssertEqual(everyone.terms[0].name, "everyone")
        XCTAssertEqual(everyone.terms[0].count, 3)
        XCTAssertEqual(everyone.terms[0].total, 6)
        XCTAssertEqual(DemographicRecommender.describe([0: 2, 2: 4]), "25–34-year-old college students")
        XCTAssertEqual(DemographicRecommender.describe([1: 0, 3: 3]), "women in the west")
    }

    func testGroupParameterNamesTheAllowedValues() throws {
        XCTAssertEqual(try DemographicRecommender(parameters: Parameters(["group": "occupation, age"])).parameters["group"],
                       "age+occupation")
        XCTAssertThrowsError(try DemographicRecommender(parameters: Parameters(["group": "age,shoe"]))) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("demographic.group") && text.contains("age+gender+occupation+region"), text)
        }
        XCTAssertEqual(DemographicRecommender.groupChoices.count, 15)
    }

    func testSavedModelAnswersBitForBit() throws {
        let data = Self.fixture()
        for params in [["group": "age+gender"], ["group": "age+gender+occupation+region", "combine": "sum", "by": "liked"]] {
            let model = try fitted(params)
            let archive = try ModelFiles.archive(model, dataset: data)
            let loaded = try ModelFiles.restore(archive, dataset: data, expecting: "demographic")
            var folded = Profile([(Int32(1), Float(4))])
            folded.attributes = UserAttributes(age: 40)
            let profiles = (0..<6).map { Profile.training(Int32($0), in: data.ratings) } + [folded, Profile()]
            for p in profiles {
                XCTAssertEqual(loaded.scores(p).map(\.bitPattern), model.scores(p).map(\.bitPattern), "\(params)")
                XCTAssertEqual(loaded.predict(p, items: [0, 1, 2, 3]), model.predict(p, items: [0, 1, 2, 3]))
                XCTAssertEqual(loaded.explain(p, item: 1), model.explain(p, item: 1))
            }
            XCTAssertEqual(loaded.similarItems(to: 2, count: 3), model.similarItems(to: 2, count: 3))
        }
    }
}

/// Two-tower reads a folded-in profile's demographics; without them its answers do not change.
final class TwoTowerDemographicsTests: XCTestCase {
    func testFoldedProfileDemographicsEnterTheQueryTower() throws {
        let data = DemographicTests.fixture()
        let m = try TwoTowerRecommender(parameters: Parameters(["dim": "8", "epochs": "10", "batch": "4"]))
        try m.fit(data, context: FitContext(seed: 3))
        let plain = Profile([(Int32(0), Float(5))])
        var woman = plain
        woman.attributes = UserAttributes(age: 29, gender: "F", occupation: "writer")
        var man = plain
        man.attributes = UserAttributes(age: 60, gender: "M", occupation: "writer")
        XCTAssertNotEqual(m.scores(woman), m.scores(plain))
        XCTAssertNotEqual(m.scores(woman), m.scores(man))
        // Unknown values (no such occupation in the training data) add nothing.
        var stranger = plain
        stranger.attributes = UserAttributes(occupation: "farmer")
        XCTAssertEqual(m.scores(stranger), m.scores(plain))
        XCTAssertTrue(m.explain(woman, item: 1).terms.contains { $0.name == "demographics" })
    }
}

/// Issue 13, item 5: metrics per demographic group, with group sizes.
final class EvalByGroupTests: XCTestCase {
    func testEachGroupIsMeasuredOnItsOwnUsers() throws {
        var data = PersistenceTests.fixture()
        data.userAttributes = (0..<data.userCount).map { UserAttributes(gender: $0 % 2 == 0 ? "F" : "M") }
        data.userAttributes[11] = UserAttributes()
        let folds = try Splitter.folds(.holdoutUser(0.3), dataset: data, seed: 4)
        let c = EvalConfiguration(algorithms: ["popularity", "demographic"],
                                  metrics: try MetricSpec.parseList("ndcg@5,rmse"), seed: 4, threads: 1)
        let groups = try EvalByGroup.run(folds: folds, configuration: c, attribute: "gender")
        XCTAssertEqual(groups.map(\.value), ["F", "M", "unknown"])
        XCTAssertEqual(groups.map(\.users), [6, 5, 1])
        // The women's figure is popularity measured on the women's test ratings alone.
        let test = folds[0].test
        let women = test.filter { p in (0..<test.userCount).contains { u in u % 2 == 0 && test.rowStart[u] <= p && p < test.rowStart[u + 1] } }
        let model = try Algorithms.make("popularity")
        try model.fit(folds[0].train, context: FitContext(seed: 4))
        let direct = try EvalRunner.evaluate(model: model, fold: EvalFold(name: "w", train: folds[0].train, test: women),
                                             configuration: c, isFitted: true)
        XCTAssertEqual(groups[0].metrics["popularity"]?["ndcg@5"] ?? .nan, direct.metrics["ndcg@5"] ?? -1, accuracy: 1e-12)
        XCTAssertEqual(groups[0].metrics["popularity"]?["rmse"] ?? .nan, direct.metrics["rmse"] ?? -1, accuracy: 1e-12)
        let table = EvalByGroup.table(groups, attribute: "gender", configuration: c)
        XCTAssertTrue(table.contains("unknown") && table.contains("(small group)"), table)
        XCTAssertThrowsError(try EvalByGroup.run(folds: folds, configuration: c, attribute: "shoe"))
    }
}

/// Issue 13, item 5: `info --by`, worked by hand on the six-user fixture.
final class GroupStatisticsTests: XCTestCase {
    func testGroupsSizesMeansAndLift() throws {
        let data = DemographicTests.fixture()
        let g = try XCTUnwrap(GroupStatistics(data, by: "gender", minSupport: 1))
        XCTAssertEqual(g.groups.map(\.value), ["F", "M"])
        XCTAssertEqual(g.unknownUsers, 1, "u5 did not say")
        XCTAssertEqual(g.groups.map(\.users), [3, 2])
        XCTAssertEqual(g.groups.map(\.ratings), [5, 4])
        XCTAssertEqual(g.groups[0].meanRating, 21.0 / 5, accuracy: 1e-9)
        XCTAssertEqual(g.groups[1].meanRating, 15.0 / 4, accuracy: 1e-9)
        // Women: Movie 1 rated by 2 of 3 against 2 of 6 users overall → lift 2; Movie 0: 3 of 3 against 4 of 6 → 1.5.
        XCTAssertEqual(g.groups[0].overRepresented.map(\.name), ["Movie 1", "Movie 0"])
        XCTAssertEqual(g.groups[0].overRepresented[0].lift, 2, accuracy: 1e-9)
        XCTAssertEqual(g.groups[0].overRepresented[1].lift, 1.5, accuracy: 1e-9)
        // The 10 % support rule: with a minimum of 3 raters, no film of these tiny groups qualifies.
        XCTAssertEqual(GroupStatistics(data, by: "gender")?.groups[0].overRepresented.count, 0)
        XCTAssertNil(GroupStatistics(data, by: "shoe"))
        // JSON carries it under "by" only when asked.
        var stats = data.statistics()
        let plain = String(decoding: try JSONEncoder().encode(stats), as: UTF8.self)
        XCTAssertFalse(plain.contains("\"by\""))
        stats.by = g
        let with = String(decoding: try JSONEncoder().encode(stats), as: UTF8.self)
        XCTAssertTrue(with.contains("\"over_represented\"") && with.contains("\"mean_rating\""), with)
    }
}

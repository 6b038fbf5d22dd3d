import Foundation
import RecsysEngine
import RecsysTestSupport
import XCTest

@testable import RecsysUI

/// Issue 17's onboarding and papercut items, as a learner meets them.
final class NewcomerTests: XCTestCase {
    /// Item 4: behind "terminal too small" only quit and resize act.
    func testKeysDoNothingBehindTheTooSmallScreen() {
        let d = Driver()
        d.select("Alien")
        let before = d.state.profile.count
        let effects = d.effects.count
        d.send(.input(.resize(width: 60, height: 20)))
        XCTAssertTrue(d.screenText().contains("q quits"), d.screenText())
        for k: Key in [.char("3"), .char("x"), .char("u"), .char("/"), .char(":"), .tab, .char("f"), .char("v"), .enter,
                       .char("j"), .escape, .char("C")] {
            d.key(k)
        }
        d.send(.input(.mouse(.click(x: 5, y: 5))))
        XCTAssertEqual(d.state.profile.count, before, "no rating was made behind the screen")
        XCTAssertEqual(d.effects.count, effects, "nothing was asked of the engine or the store")
        XCTAssertEqual(d.state.mode, .normal)
        XCTAssertNil(d.state.overlay)
        XCTAssertEqual(d.state.screen, .explore)
        XCTAssertEqual(d.state.selectedItem, d.item("Alien"))
        d.send(.input(.resize(width: 80, height: 24)))
        XCTAssertFalse(d.screenText().contains("too small"))
        d.send(.input(.resize(width: 60, height: 20)))
        d.key(.char("q"))
        XCTAssertTrue(d.state.shouldQuit, "q still quits")
    }
}

extension NewcomerTests {
    /// Item 3: the quick start stays until 10 ratings or `d`; the row under the cursor never changes after a rating.
    func testQuickStartStaysAndTheCursorStaysOnTheRatedFilm() {
        let d = Driver()
        XCTAssertTrue(d.state.showsQuickStart)
        XCTAssertTrue(d.screenText().contains("10 more ratings"), d.screenText())
        d.key(.tab); d.key(.char("j"))
        let film = d.state.selectedItem!
        d.key(.char("5"))
        XCTAssertEqual(d.state.profile.rating(of: film), 5)
        XCTAssertTrue(d.state.showsQuickStart, "one rating does not end the quick start")
        XCTAssertEqual(d.state.selectedItem, film, "the cursor is still on the film just rated")
        XCTAssertTrue(d.screenText().contains("9 more ratings"), d.screenText())
        d.key(.char("4"))
        XCTAssertEqual(d.state.profile.rating(of: film), 4, "the next key rates the same film, not a neighbour")
        XCTAssertEqual(d.state.profile.count, 1)

        // Rate down the list to the goal: the pane keeps the quick start while the cursor is in it.
        d.key(.home)
        var k = 0
        while d.state.profile.count < AppState.quickStartGoal {
            let before = d.state.selectedItem
            d.key(.char("3"))
            XCTAssertEqual(d.state.selectedItem, before)
            d.key(.char("j"))
            k += 1
            if k > 30 { return XCTFail("the quick start list is too short for the goal") }
        }
        XCTAssertTrue(d.state.showsQuickStart)
        XCTAssertTrue(d.screenText().contains("Quick start done"), d.screenText())
        d.key(.tab)
        XCTAssertFalse(d.state.showsQuickStart, "off once the hand leaves the pane")
        d.key(.tab)
        XCTAssertNotNil(d.state.results[d.state.activeAlgorithm!])
        XCTAssertEqual(d.state.recommendationItems, d.state.results[d.state.activeAlgorithm!]!.rows.map(\.item))
    }

    func testQuickStartGivesWayAtTheGoalWhenRatingFromTheCatalogAndDTogglesIt() {
        let d = Driver()
        for film in ["Alien", "Aliens", "Heat", "Casablanca", "Star Wars", "Amélie", "Airplane!", "Toy Story", "Blade Runner"] {
            d.select(film); d.key(.char("4"))
        }
        XCTAssertTrue(d.state.showsQuickStart)
        XCTAssertTrue(d.screenText().contains("1 more rating "), d.screenText())
        d.select("The Godfather"); d.key(.char("4"))
        XCTAssertFalse(d.state.showsQuickStart, "the cursor is in the catalog: the pane may change")
        XCTAssertTrue(d.state.status.text.contains("every list is personal now"), d.state.status.text)
        d.key(.char("d"))
        XCTAssertTrue(d.state.showsQuickStart)
        XCTAssertEqual(d.state.status.text, "quick start shown (d hides it)")
        d.key(.char("d"))
        XCTAssertFalse(d.state.showsQuickStart)
        XCTAssertEqual(d.state.status.text, "quick start hidden (d shows it)")
    }

    func testTheQuickStartHeaderIsNeverCutMidWord() {
        for width in [80, 100, 120] {
            let d = Driver(width: width, height: 30)
            let line = d.screen().first { $0.contains("Quick start") }!
            XCTAssertTrue(line.contains("d hides"), "\(width): \(line)")
        }
    }
}

extension NewcomerTests {
    func visibleTitles(_ d: Driver) -> [String] { d.state.visible.map { d.state.title($0) } }

    /// Item 6: a new `/` starts empty, ↑ brings the last query back, and a year in the query matches.
    func testSearchStartsEmptyRecallsWithUpAndMatchesYears() {
        let d = Driver()
        d.key(.char("/")); d.type("four wed"); d.key(.enter)
        XCTAssertEqual(d.state.search, "four wed")
        d.key(.char("/"))
        guard case .search(let input) = d.state.mode else { return XCTFail("not searching") }
        XCTAssertEqual(input.text, "", "a new search starts empty, not '/four wed…'")
        XCTAssertTrue(d.screenText().contains("↑ last query"), d.screenText())
        d.key(.up)
        guard case .search(let recalled) = d.state.mode else { return XCTFail("not searching") }
        XCTAssertEqual(recalled.text, "four wed")
        d.key(.ctrl("u"))
        d.type("blade runner"); d.key(.enter)
        XCTAssertEqual(d.state.search, "blade runner", "no '/four wedblade runner'")
        XCTAssertEqual(visibleTitles(d), ["Blade Runner (1982)"])

        let expected: [(String, Set<String>)] = [
            ("alien 1979", ["Alien (1979)"]), ("ALIEN (1979)", ["Alien (1979)"]),
            ("alien (19", ["Alien (1979)", "Aliens (1986)"]), ("alien (198", ["Aliens (1986)"]),
        ]
        for (query, titles) in expected {
            d.key(.char("/")); d.type(query); d.key(.enter)
            XCTAssertEqual(Set(visibleTitles(d)), titles, query)
        }
        d.key(.char("/")); d.type("aliens 1979"); d.key(.enter)
        XCTAssertEqual(visibleTitles(d), [], "the year must match the film")
        // Esc keeps the previous search.
        d.key(.char("/")); d.type("heat"); d.key(.escape)
        XCTAssertEqual(d.state.search, "aliens 1979")
        XCTAssertTrue(Keymap.helpLines().contains { $0.keys == "Ctrl-U" }, "Help documents Ctrl-U")
    }
}

extension NewcomerTests {
    /// Item 8: `g` means first row everywhere, the lab's grid is `s` (a real toggle), and every toggle
    /// says its new state in the status line.
    func testKeysAreConsistentAndTogglesSayTheirNewState() {
        let d = Driver(algorithms: ["popularity", "baseline"], extraModels: false, width: 100, height: 30)
        d.key(.char("C"))
        XCTAssertEqual(d.state.status.text, d.state.colour ? "colour on" : "colour off (monochrome)")
        let colour = d.state.colour
        d.key(.char("C"))
        XCTAssertEqual(d.state.colour, !colour)
        XCTAssertEqual(d.state.status.text, d.state.colour ? "colour on" : "colour off (monochrome)")

        d.key(.char("v"))
        d.key(.char("j")); d.key(.char("j"))
        XCTAssertEqual(d.state.evalLab?.cursor, 2)
        d.key(.char("g"))
        XCTAssertEqual(d.state.evalLab?.cursor, 0, "g is the first row, as in every list")
        XCTAssertNil(d.state.evalLab?.grid, "g does not touch the grid")
        d.key(.char("G"))
        XCTAssertEqual(d.state.evalLab?.cursor, (d.state.evalLab?.rowCount ?? 0) - 1)
        d.key(.char("s"))
        XCTAssertEqual(d.state.evalLab?.grid, "popularity.damping=0,5,10,50")
        XCTAssertEqual(d.state.status.text, "grid search on: popularity.damping=0,5,10,50 (S next preset, s off)")
        d.key(.char("s"))
        XCTAssertNil(d.state.evalLab?.grid)
        XCTAssertEqual(d.state.status.text, "grid search off")
        d.key(.char("o"))
        XCTAssertEqual(d.state.status.text, "cold-start curve on (N = 1,2,3,5,10,20)")
        d.key(.char("o"))
        XCTAssertEqual(d.state.status.text, "cold-start curve off")
        d.key(.char("g")); d.key(.char("j")); d.key(.char(" "))
        XCTAssertEqual(d.state.status.text, "baseline chosen")
        XCTAssertTrue(Keymap.helpLines().contains { $0.keys == "s" && $0.help.contains("grid") })
    }
}

extension NewcomerTests {
    /// Item 9: text is cut at word boundaries (never mid-word or mid-number), and the selected row's
    /// whole reason shows in a detail line; Similar's columns fit whole titles.
    func testTruncationKeepsWordsAndNumbersWhole() {
        XCTAssertEqual(DisplayWidth.truncateWords("factors align with 2.75 here", to: 14), "factors align…")
        XCTAssertEqual(DisplayWidth.truncateWords("similarity 2.75 to Alien", to: 13), "similarity…")
        XCTAssertEqual(DisplayWidth.truncateWords("short", to: 10), "short")
        XCTAssertEqual(DisplayWidth.truncateWords("unbreakableword", to: 6), "unbre…")
        for s in ["because you rated Alien (1979) 5★ and Aliens (1986) 4★", "a 12.5 b 3.25 c"] {
            for w in 3..<DisplayWidth.of(s) {
                let t = DisplayWidth.truncateWords(s, to: w)
                XCTAssertLessThanOrEqual(DisplayWidth.of(t), w)
                let kept = String(t.dropLast())
                XCTAssertTrue(s.hasPrefix(kept))
                let next = s.dropFirst(kept.count).first
                XCTAssertTrue(next == nil || next == " " || !kept.contains(" "), "'\(t)' cuts a word of '\(s)'")
            }
        }
    }

    func testTheSelectedRecommendationShowsItsWholeReason() {
        let d = Driver(width: 80, height: 24)
        d.select("Alien"); d.key(.char("5"))
        d.key(.char("d")); d.key(.tab)
        let row = d.state.results[d.state.activeAlgorithm!]!.rows[0]
        let screen = d.screenText()
        let flat = screen.replacingOccurrences(of: "│", with: " ").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        if DisplayWidth.of(row.reason) > 80 - 16 - 17 - 2 {
            XCTAssertTrue(flat.contains("↳"), screen)
        }
        XCTAssertTrue(flat.replacingOccurrences(of: "  ", with: " ").contains(row.reason.split(separator: " ").suffix(2).joined(separator: " ")),
                      "the end of the reason is on screen: \(row.reason)\n\(screen)")
    }

    func testSimilarShowsWholeTitles() {
        let d = Driver(width: 120, height: 40)
        d.select("Alien"); d.key(.char("m"))
        let text = d.screenText()
        XCTAssertTrue(text.contains("Similar to Alien (1979)"))
        for list in d.state.similar.result!.lists.prefix(2) {
            for item in list.items.prefix(3) {
                let title = d.state.stats.displayTitles[Int(item.item)]
                XCTAssertTrue(text.contains(title), "\(title) whole in\n\(text)")
            }
        }
    }
}

extension NewcomerTests {
    /// Item 5: the panel lists each parameter with value, default, range, what it changes and its meaning;
    /// editing one refits the model; the help example visibly changes a list; errors fit the status line.
    func testParameterPanelShowsEditsAndRefits() throws {
        let d = Driver(algorithms: ["item-knn", "popularity"], extraModels: false, width: 120, height: 40)
        for film in ["Alien", "Heat", "Casablanca"] { d.select(film); d.key(.char("5")) }
        XCTAssertEqual(d.state.activeAlgorithm, "item-knn")
        let before = d.state.results["item-knn"]!.rows.map(\.item)
        d.key(.char("p"))
        guard case .parameters = d.state.overlay else { return XCTFail("p opens the panel") }
        let text = d.screenText()
        XCTAssertTrue(text.contains("Parameters · item-knn"), text)
        for spec in parameterSpecs(of: "item-knn").prefix(5) {
            XCTAssertTrue(text.contains(spec.key), spec.key)
            XCTAssertTrue(text.contains(DisplayWidth.truncateWords(spec.help, to: 200).prefix(20)), spec.help)
        }
        XCTAssertTrue(text.contains("prediction") && text.contains("top-N"), "what each parameter changes")
        XCTAssertTrue(text.contains("an integer in 1...10000"), "the allowed range")
        // Edit topn_k: Enter puts `:set item-knn.topn_k ` on the command line.
        let k = try XCTUnwrap(parameterSpecs(of: "item-knn").firstIndex { $0.key == "topn_k" })
        for _ in 0..<k { d.key(.down) }
        d.key(.enter)
        XCTAssertEqual(d.state.mode, .command(TextInputState("set item-knn.topn_k ")))
        d.type("2"); d.key(.enter)
        XCTAssertEqual(d.state.parameters["item-knn"]?.values["topn_k"], "2")
        XCTAssertTrue(d.effects.contains { if case .fitModels(let job) = $0 { return job.requests.map(\.algorithm) == ["item-knn"] }; return false },
                      "the edit refits that model (in the background)")
        let after = d.state.results["item-knn"]!.rows.map(\.item)
        XCTAssertNotEqual(before, after, "the help's example visibly changes the list")
        d.key(.char("p"))
        XCTAssertTrue(d.screenText().contains("topn_k"))
        d.key(.escape)
        XCTAssertNil(d.state.overlay)

        // The unknown-parameter error fits the status line.
        d.key(.char(":")); d.type("set item-knn.kk 20"); d.key(.enter)
        XCTAssertTrue(d.state.status.isError)
        XCTAssertEqual(d.state.status.text, "item-knn has no parameter 'kk' · p or :params lists them")
        XCTAssertLessThan(DisplayWidth.of(d.state.status.text), 80)
        // :params NAME opens the panel on that algorithm.
        d.key(.char(":")); d.type("params popularity"); d.key(.enter)
        XCTAssertEqual(d.state.activeAlgorithm, "popularity")
        XCTAssertTrue(d.screenText().contains("Parameters · popularity"))
    }
}

extension NewcomerTests {
    /// Item 7: the genre filter applies to the recommendation lists too, and the pane title says so.
    func testGenreFilterAppliesToRecommendations() {
        let d = Driver(width: 120, height: 40)
        for film in ["Alien", "Heat", "Casablanca"] { d.select(film); d.key(.char("5")) }
        d.key(.char("d"))
        let name = d.state.activeAlgorithm!
        let all = d.state.results[name]!.rows.map(\.item)
        let comedy = all.filter { d.state.dataset.catalog[$0].genres.contains("Comedy") }
        XCTAssertFalse(comedy.isEmpty)
        XCTAssertNotEqual(comedy.count, all.count, "the fixture's list mixes genres")
        d.key(.char(":")); d.type("genre Comedy"); d.key(.enter)
        XCTAssertEqual(d.state.recommendationItems, comedy)
        XCTAssertTrue(d.screenText().contains("Recommendations · Comedy only (\(comedy.count) of \(all.count))"), d.screenText())
        // Ranks stay those of the whole list.
        let firstRank = all.firstIndex(of: comedy[0])! + 1
        d.key(.tab)
        XCTAssertEqual(d.state.selectedItem, comedy[0])
        XCTAssertTrue(d.screen().contains { $0.hasPrefix("│\(String(repeating: " ", count: firstRank < 10 ? 1 : 0))\(firstRank) ") },
                      d.screenText())
        d.key(.char("F"))
        XCTAssertEqual(d.state.recommendationItems, all)
        XCTAssertFalse(d.screenText().contains("only ("))
    }
}

extension NewcomerTests {
    /// Item 13: the Users screen shows a synthetic user's true taste behind `t`, and `b` becomes that user
    /// in a scratch profile (nothing written to the store).
    func testUsersShowTrueTastesBehindAKeyAndBecomeThisUser() throws {
        let path = NSTemporaryDirectory() + "tastes-\(getpid()).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ("userId,archetypes,likedGenres,dislikedGenres,likedKeywords\n"
             + "u1,blockbuster:0.700|noir:0.300,Action:1.000|Sci-Fi:0.775,Documentary:-0.783|Musical:-0.393,x:1\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let tastes = try KnownTaste.read(path: path)
        XCTAssertEqual(tastes["u1"]?.archetypes.map(\.name), ["blockbuster", "noir"])
        XCTAssertEqual(tastes["u1"]?.disliked.map(\.name), ["Documentary", "Musical"])

        let d = Driver(width: 120, height: 40)
        d.state.knownTastes = tastes
        d.key(.char("U"))
        let u = try XCTUnwrap(d.state.selectedUser)
        XCTAssertEqual(d.state.dataset.users.id(at: u), "u1", "the fixture's first user")
        XCTAssertFalse(d.screenText().contains("blockbuster"), "hidden until asked for (exercises)")
        XCTAssertTrue(d.screenText().contains("t shows this synthetic user's true taste"))
        d.key(.char("t"))
        XCTAssertEqual(d.state.status.text, "true tastes shown (t hides them)")
        let text = d.screenText()
        XCTAssertTrue(text.contains("True taste blockbuster 70% · noir 30%"), text)
        XCTAssertTrue(text.contains("likes    Action, Sci-Fi"), text)
        XCTAssertTrue(text.contains("dislikes Documentary, Musical"), text)

        let theirs = d.state.dataset.ratings.row(u)
        let savedBefore = try d.store.ratings(profile: "default").count
        d.key(.char("b"))
        XCTAssertEqual(d.state.screen, .explore)
        XCTAssertEqual(d.state.profileName, "user u1 (scratch)")
        XCTAssertEqual(d.state.profile.items.sorted(), Array(theirs.items).sorted())
        XCTAssertTrue(d.screenText().contains("profile user u1 (scratch)"), d.screenText())
        let item = d.state.profile.items[0]
        d.state.focus = .catalog
        d.state.catalogList.selected = d.state.visible.firstIndex(of: item)
        d.key(.char("1"))
        XCTAssertEqual(d.state.profile.rating(of: item), 1)
        XCTAssertTrue(d.state.status.text.contains("scratch, not saved"), d.state.status.text)
        XCTAssertEqual(try d.store.ratings(profile: "default").count, savedBefore, "nothing written for a scratch profile")
        XCTAssertFalse(d.effects.contains { if case .saveRating(let p, _, _) = $0 { return p.contains("scratch") }; return false })
        d.key(.char(":")); d.type("profile default"); d.key(.enter)
        XCTAssertFalse(d.state.isScratch)
        XCTAssertEqual(d.state.profileName, "default")
    }
}

extension NewcomerTests {
    /// Found replaying 17.6: after a narrower search the catalog kept its scroll offset, hiding the
    /// first match above an empty list. A shorter list is pulled up to fill the pane.
    func testANarrowerSearchShowsEveryMatch() {
        let d = Driver()
        d.key(.char("G"))                        // scroll to the end of the catalog
        d.select("Alien")
        d.key(.char("/")); d.type("alien"); d.key(.enter)
        XCTAssertEqual(d.state.visible.count, 2)
        XCTAssertEqual(d.state.catalogList.offset, 0)
        let text = d.screenText()
        XCTAssertTrue(text.contains("│     Alien ") && text.contains("│     Aliens "), text)
    }
}

extension NewcomerTests {
    /// The store replies later now (its own queue): "saving…" until `.saved`, shown while models fit too.
    func testSavingThenSavedIsVisibleWhileModelsFit() {
        let d = Driver(width: 120, height: 40)
        d.runEngine = false
        d.select("Alien")
        _ = update(&d.state, .input(.key(.char("5"))))   // the save effect is not run yet
        d.state.fitStatus["svd"] = .fitting(fraction: 0.5, message: "epoch 2/5")
        XCTAssertTrue(d.screenText().contains("saving… · fitting svd"), d.screenText())
        d.send(.saved(item: "x"))
        XCTAssertTrue(d.screenText().contains("saved · fitting svd"), d.screenText())
    }
}

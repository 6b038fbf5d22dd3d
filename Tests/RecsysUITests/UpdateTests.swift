import RecsysEngine
import RecsysTestSupport
import XCTest
@testable import RecsysUI

final class UpdateTests: XCTestCase {
    func titles(_ d: Driver) -> [String] { d.state.visible.map { d.state.dataset.catalog[$0].displayTitle } }

    func testIncrementalSearchIgnoresCaseAndAccents() {
        let d = Driver()
        d.key(.char("/"))
        d.type("AMEL")
        XCTAssertEqual(titles(d), ["Amélie"], "filters on every key, before Enter")
        d.key(.backspace); d.key(.backspace); d.key(.backspace); d.key(.backspace)
        d.type("alien")
        XCTAssertEqual(Set(titles(d)), ["Alien", "Aliens"])
        d.key(.enter)
        XCTAssertEqual(d.state.search, "alien")
        XCTAssertEqual(d.state.mode, .normal)
        XCTAssertEqual(Set(titles(d)), ["Alien", "Aliens"], "Enter keeps the filter")
        d.key(.char("/")); d.type("zzz")
        XCTAssertTrue(d.state.visible.isEmpty)
        XCTAssertTrue(d.screenText().contains("no movie matches “zzz”"), "a new / starts empty (issue 17.6)")
        d.key(.escape)
        XCTAssertEqual(Set(titles(d)), ["Alien", "Aliens"], "Esc abandons the edit, keeps the accepted search")
        d.key(.escape)
        XCTAssertEqual(d.state.visible.count, 16, "Esc in normal mode clears filters")
    }

    func testQWhileSearchingIsText() {
        let d = Driver()
        d.key(.char("/")); d.key(.char("q"))
        XCTAssertFalse(d.state.shouldQuit)
        XCTAssertEqual(d.state.mode, .search(TextInputState("q")))
        d.key(.escape)
        d.key(.char("q"))
        XCTAssertTrue(d.state.shouldQuit)
        guard case .quit? = d.effects.last else { return XCTFail("q quits with a .quit effect") }
    }

    func testGenreFilterPicker() {
        let d = Driver()
        d.key(.char("f"))
        guard case .genrePicker? = d.state.overlay else { return XCTFail("f opens the genre picker") }
        let comedy = d.state.stats.genreNames.firstIndex(of: "Comedy")!
        for _ in 0...comedy { d.key(.down) }
        d.key(.enter)
        XCTAssertNil(d.state.overlay)
        XCTAssertEqual(d.state.genreFilter, "Comedy")
        XCTAssertEqual(Set(titles(d)), ["Amélie", "Groundhog Day", "Airplane!", "Toy Story"])
        // Filter and search combine.
        d.key(.char("/")); d.type("day"); d.key(.enter)
        XCTAssertEqual(titles(d), ["Groundhog Day"])
        d.key(.char("F"))
        XCTAssertEqual(d.state.visible.count, 16)
    }

    func testSortsCycle() {
        let d = Driver()
        let stats = d.state.stats
        XCTAssertEqual(d.state.sort, .popularity)
        let counts = d.state.visible.map { stats.counts[Int($0)] }
        XCTAssertEqual(counts, counts.sorted(by: >))
        d.key(.char("s"))
        XCTAssertEqual(d.state.sort, .mean)
        let means = d.state.visible.map { stats.dampedMeans[Int($0)] }
        XCTAssertEqual(means, means.sorted(by: >))
        d.key(.char("s"))
        XCTAssertEqual(titles(d).first, "Airplane!")
        XCTAssertEqual(titles(d).last, "千と千尋の神隠し")
        d.key(.char("s"))
        XCTAssertEqual(titles(d).first, "Amélie")  // 2001, lower index than the other 2001 film
        d.key(.char("s"))
        XCTAssertEqual(d.state.sort, .yourRating)
        d.select("Fargo"); d.key(.char("5"))
        d.select("Heat"); d.key(.char("2"))
        XCTAssertEqual(Array(titles(d).prefix(2)), ["Fargo", "Heat"])
        d.key(.char("s"))
        XCTAssertEqual(d.state.sort, .predicted)
        let scores = d.state.results["genre-fan"]!.scores
        let ordered = d.state.visible.map { scores[Int($0)] }
        XCTAssertEqual(ordered, ordered.sorted(by: >), "predicted sort follows the active algorithm's scores")
        d.key(.char("s"))
        XCTAssertEqual(d.state.sort, .popularity)
    }

    func testRateUndoRemove() {
        let d = Driver()
        d.select("Alien")
        let alien = d.item("Alien")
        let g0 = d.state.generation
        d.key(.char("4"))
        XCTAssertEqual(d.state.profile.rating(of: alien), 4)
        XCTAssertEqual(d.state.ratingCountText, "1 rating")
        XCTAssertGreaterThan(d.state.generation, g0)
        XCTAssertEqual(try d.store.ratings(profile: "default").map(\.item), ["2"], "saved by raw id")
        XCTAssertEqual(try d.store.ratings(profile: "default").first?.value, 4)
        XCTAssertTrue(d.screen()[0].contains("profile default · 1 rating"), d.screen()[0])
        XCTAssertTrue(d.effects.contains { if case .recompute = $0 { return true }; return false })
        d.key(.char("5"))
        XCTAssertEqual(d.state.profile.rating(of: alien), 5)
        d.select("Heat"); d.key(.char("3"))
        XCTAssertEqual(d.state.ratingCountText, "2 ratings")
        d.key(.char("u"))
        XCTAssertFalse(d.state.profile.contains(d.item("Heat")), "undo removes a new rating")
        d.key(.char("u"))
        XCTAssertEqual(d.state.profile.rating(of: alien), 4, "undo restores the previous value")
        d.select("Alien")
        d.key(.char("x"))
        XCTAssertTrue(d.state.profile.isEmpty)
        XCTAssertTrue(try d.store.ratings(profile: "default").isEmpty)
        d.key(.char("0"))
        XCTAssertTrue(d.state.status.text.contains("not rated"))
        d.key(.char("u"))
        XCTAssertEqual(d.state.profile.rating(of: alien), 4)
        XCTAssertEqual(d.state.pendingSaves, 0, "every write was confirmed")
    }

    func testHalfStars() {
        let half = Driver(dataset: UIFixtures.dataset(halfStars: true))
        half.select("Heat")
        half.key(.char(".")); half.key(.char("4"))
        XCTAssertEqual(half.state.profile.rating(of: half.item("Heat")), 3.5)
        half.key(.char(".")); half.key(.char("1"))
        XCTAssertEqual(half.state.profile.rating(of: half.item("Heat")), 0.5)
        half.key(.char(".")); half.key(.char("j"))
        XCTAssertEqual(half.state.profile.rating(of: half.item("Heat")), 0.5, "a non-digit cancels the half star")
        XCTAssertFalse(half.state.pendingHalfStar)

        let whole = Driver()
        whole.select("Heat")
        whole.key(.char("."))
        XCTAssertFalse(whole.state.pendingHalfStar)
        XCTAssertTrue(whole.state.status.isError)
        whole.key(.char("4"))
        XCTAssertEqual(whole.state.profile.rating(of: whole.item("Heat")), 4)
    }

    func testStaleResultsAreDropped() {
        let d = Driver()
        d.runEngine = false
        d.select("Alien"); d.key(.char("5"))
        d.select("Aliens"); d.key(.char("5"))
        let jobs = d.effects.compactMap { e -> RecomputeJob? in if case .recompute(let j) = e { return j }; return nil }
        let old = jobs[jobs.count - 2], new = jobs[jobs.count - 1]
        XCTAssertLessThan(old.generation, new.generation)
        XCTAssertEqual(old.profile.count, 1)
        d.send(.recommendationsReady(new.run()))
        let fresh = d.state.results["genre-fan"]!.rows.map(\.item)
        d.send(.recommendationsReady(old.run()))
        XCTAssertEqual(d.state.results["genre-fan"]!.rows.map(\.item), fresh, "older generation ignored")
        XCTAssertFalse(fresh.contains(d.item("Aliens")), "rated items are not recommended")
    }

    func testRecommendationsChangeWithMovementMarkers() {
        let d = Driver()
        XCTAssertTrue(d.state.showsQuickStart)
        XCTAssertTrue(d.screenText().contains("Quick start"))
        d.select("Alien"); d.key(.char("5"))
        XCTAssertTrue(d.state.showsQuickStart, "the quick start stays until 10 ratings or d (issue 17.3)")
        d.key(.char("d"))
        XCTAssertFalse(d.state.showsQuickStart)
        let before = d.state.results["genre-fan"]!.rows.map(\.item)
        d.select("Casablanca"); d.key(.char("5"))
        let after = d.state.results["genre-fan"]!.rows.map(\.item)
        XCTAssertNotEqual(before, after)
        for (rank, item) in after.enumerated() {
            let mark = d.state.movement(algorithm: "genre-fan", item: item, rank: rank)
            if let old = before.firstIndex(of: item) {
                XCTAssertEqual(mark, old > rank ? "▲\(old - rank)" : old < rank ? "▼\(rank - old)" : "")
            } else {
                XCTAssertEqual(mark, "new")
            }
        }
        XCTAssertTrue(after.enumerated().contains { d.state.movement(algorithm: "genre-fan", item: $1, rank: $0) != "" })
    }

    func testTabsAndPanes() {
        let d = Driver()
        XCTAssertEqual(d.state.algorithms, ["genre-fan"] + Algorithms.names)
        XCTAssertEqual(d.state.activeAlgorithm, "genre-fan")
        d.key(.right)
        XCTAssertEqual(d.state.activeAlgorithm, d.state.algorithms[1 % d.state.algorithms.count])
        d.key(.left)
        XCTAssertEqual(d.state.activeAlgorithm, "genre-fan")
        d.key(.left)
        XCTAssertEqual(d.state.activeAlgorithm, d.state.algorithms.last, "tabs wrap around")
        d.key(.char("]"))
        XCTAssertEqual(d.state.activeAlgorithm, "genre-fan")
        XCTAssertEqual(d.state.focus, .catalog)
        d.key(.tab)
        XCTAssertEqual(d.state.focus, .recommendations)
        XCTAssertEqual(d.state.selectedItem, d.state.quickStart.first, "empty profile: the pane holds quick start")
        d.key(.char("4"))
        XCTAssertEqual(d.state.profile.rating(of: d.state.quickStart.first!), 4, "rating from the quick start list")
        d.key(.backTab)
        XCTAssertEqual(d.state.focus, .catalog)
    }

    func testEveryRegisteredAlgorithmGetsATabAndResults() {
        let d = Driver(extraModels: false)
        XCTAssertEqual(d.state.algorithms, Algorithms.names)
        XCTAssertEqual(Set(d.state.models.keys), Set(Algorithms.names))
        d.select("Alien"); d.key(.char("5"))
        for name in Algorithms.names {
            XCTAssertEqual(d.state.results[name]?.rows.count, 15, "\(name): 16 items minus the rated one")
        }
        // At 80 columns the tab row scrolls: each algorithm is visible when it is the active one.
        for name in Algorithms.names {
            XCTAssertEqual(d.state.activeAlgorithm, name)
            let tabs = d.screen()[Layout(width: 80, height: 24).tabRow.y]
            XCTAssertTrue(tabs.contains(" \(name) "), "tab row shows \(name): \(tabs)")
            d.key(.right)
        }
    }

    func testHelpListsEveryKeyGrouped() {
        let d = Driver(width: 120, height: 40)
        d.key(.char("?"))
        XCTAssertEqual(d.state.overlay, .help)
        var text = ""
        for _ in 0..<8 {
            text += d.screenText()
            d.key(.pageDown)
        }
        for g in Keymap.groups { XCTAssertTrue(text.contains(g), "group \(g)") }
        for b in Keymap.bindings { XCTAssertTrue(text.contains(b.help), "binding \(b.help)") }
        d.key(.escape)
        XCTAssertNil(d.state.overlay)
    }

    func testCommandLine() {
        let d = Driver()
        d.key(.char(":")); d.type("algo nope"); d.key(.enter)
        XCTAssertTrue(d.state.status.isError)
        XCTAssertTrue(d.state.status.text.contains("valid: genre-fan"), d.state.status.text)
        d.key(.char(":")); d.type("algo popularity"); d.key(.enter)
        XCTAssertEqual(d.state.activeAlgorithm, "popularity")
        d.key(.char(":")); d.type("set popularity.by sideways"); d.key(.enter)
        XCTAssertTrue(d.state.status.isError)
        XCTAssertTrue(d.state.status.text.contains("one of count, mean"), d.state.status.text)
        let before = d.state.models["popularity"].map(ObjectIdentifier.init)
        d.key(.char(":")); d.type("set popularity.by=mean"); d.key(.enter)
        XCTAssertEqual(d.state.parameters["popularity"]?["by"], "mean")
        XCTAssertEqual(d.state.models["popularity"]?.parameters["by"], "mean", "the model was refitted")
        XCTAssertNotEqual(d.state.models["popularity"].map(ObjectIdentifier.init), before)
        d.key(.char(":")); d.type("sort title"); d.key(.enter)
        XCTAssertEqual(d.state.sort, .title)
        d.key(.char(":")); d.type("genre war"); d.key(.enter)
        XCTAssertEqual(titles(d), ["Schindler's List"])
        d.key(.char(":")); d.type("genre all"); d.key(.enter)
        XCTAssertNil(d.state.genreFilter)

        try! d.store.setRating(profile: "bob", item: "7", value: 5, timestamp: 1)
        d.key(.char(":")); d.type("profile bob"); d.key(.enter)
        XCTAssertEqual(d.state.profileName, "bob")
        XCTAssertEqual(d.state.profile.rating(of: d.item("The Godfather")), 5)
        XCTAssertTrue(d.screen()[0].contains("profile bob · 1 rating"))

        let path = NSTemporaryDirectory() + "recsys-ui-export-\(getpid()).csv"
        d.key(.char(":")); d.type("export \(path)"); d.key(.enter)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "item,title,rating\n7,The Godfather (1972),5\n")
        XCTAssertTrue(d.state.status.text.contains("exported 1 rating"))
        try? FileManager.default.removeItem(atPath: path)

        d.key(.char(":")); d.type("frobnicate"); d.key(.enter)
        XCTAssertTrue(d.state.status.text.contains("unknown command 'frobnicate'"))
        d.key(.char(":")); d.type("q"); d.key(.enter)
        XCTAssertTrue(d.state.shouldQuit)
    }

    func testScreensOpenAndClose() {
        let d = Driver()
        d.select("Alien"); d.key(.char("5"))
        d.select("Aliens")
        d.key(.char("e"))
        XCTAssertEqual(d.state.screen, .explain)
        XCTAssertEqual(d.state.explain.result?.item, d.item("Aliens"))
        XCTAssertNotNil(d.state.explain.result?.whyNot.rank, "an unrated item gets a rank (why not?)")
        XCTAssertTrue(d.screenText().contains("Alien (rated item)"), "terms about a movie name it:\n" + d.screenText())
        d.key(.right)
        XCTAssertEqual(d.state.explain.result?.algorithm, d.state.activeAlgorithm, "← → re-explain under another algorithm")
        d.key(.escape)
        XCTAssertEqual(d.state.screen, .explore)
        d.key(.char("m"))
        XCTAssertEqual(d.state.screen, .similar)
        XCTAssertEqual(d.state.similar.result?.lists.first?.name, "genres")
        XCTAssertEqual(d.state.similar.result?.lists.first?.items.first?.item, d.item("The Terminator"),
                       "Action+Sci-Fi twin ranks first by genre overlap")
        d.key(.escape)
        d.key(.char("c"))
        XCTAssertEqual(d.state.screen, .compare)
        d.key(.char("c"))
        XCTAssertEqual(d.state.screen, .explore)
        d.key(.char("U"))
        XCTAssertEqual(d.state.screen, .users)
        XCTAssertEqual(d.state.users.details?.user, 0)
        d.key(.down)
        XCTAssertEqual(d.state.users.details?.user, 1)
        XCTAssertFalse(d.state.users.details!.neighbours.isEmpty)
        d.key(.escape)
        XCTAssertEqual(d.state.screen, .explore)
    }

    func testMouse() {
        let d = Driver()
        let layout = Layout(width: 80, height: 24)
        d.send(.input(.mouse(.click(x: 5, y: layout.catalogList.y + 3))))
        XCTAssertEqual(d.state.catalogList.selected, 3)
        d.send(.input(.mouse(.wheelDown(x: 5, y: layout.catalogList.y))))
        XCTAssertEqual(d.state.catalogList.offset, 3)
        let tabs = Tabs(titles: d.state.tabTitles, selected: 0).visibleRanges(width: layout.tabRow.width)
        d.send(.input(.mouse(.click(x: layout.tabRow.x + tabs[1].range.lowerBound + 1, y: layout.tabRow.y))))
        XCTAssertEqual(d.state.activeTab, 1)
        d.send(.input(.mouse(.click(x: 10, y: layout.recommendationList.y + 2))))
        XCTAssertEqual(d.state.focus, .recommendations)
        XCTAssertEqual(d.state.selectedItem, d.state.recommendationItems[1], "row under the quick start note")
    }

    func testStatusFadesOnTicksButErrorsStay() {
        let d = Driver()
        d.key(.char("s"))
        XCTAssertEqual(d.state.status.text, "sort: mean")
        for _ in 0..<(StatusMessage.lifetime - 1) { d.send(.tick) }
        XCTAssertEqual(d.state.status.text, "sort: mean")
        d.send(.tick)
        XCTAssertEqual(d.state.status.text, "")
        d.send(.failed("disk full"))
        for _ in 0..<20 { d.send(.tick) }
        XCTAssertEqual(d.state.status.text, "disk full")
    }

    func testClickAfterRefilterHitsTheDrawnRow() {
        let layout = Layout(width: 80, height: 24)
        for sorts in 1...5 {
            let d = Driver()
            d.key(.end)  // last row; the list scrolls
            for _ in 0..<sorts { d.key(.char("s")) }  // the selected movie moves to another row
            // Whatever is drawn on the first list row is what a click there selects.
            let firstDrawn = d.screen()[layout.catalogList.y]
            d.send(.input(.mouse(.click(x: 8, y: layout.catalogList.y))))
            let title = d.state.stats.displayTitles[Int(d.state.selectedItem!)]
            XCTAssertTrue(firstDrawn.contains(title), "sort \(d.state.sort): \(firstDrawn) vs \(title)")
        }
    }

    func testResizeAndTooSmall() {
        let d = Driver()
        d.send(.input(.resize(width: 60, height: 15)))
        XCTAssertTrue(d.screenText().contains("terminal too small (need 80×24)"))
        XCTAssertEqual(view(d.state).width, 60)
        d.send(.input(.resize(width: 80, height: 24)))
        XCTAssertFalse(d.screenText().contains("too small"))
        XCTAssertTrue(d.screenText().contains("Catalog"))
    }

    func testTextInputEditing() {
        var t = TextInputState("hello world")
        XCTAssertTrue(t.handle(.ctrl("w")))
        XCTAssertEqual(t.text, "hello ")
        _ = t.handle(.home); _ = t.handle(.char(">"))
        XCTAssertEqual(t.text, ">hello ")
        _ = t.handle(.end); _ = t.handle(.backspace)
        XCTAssertEqual(t.text, ">hello")
        _ = t.handle(.left); _ = t.handle(.delete)
        XCTAssertEqual(t.text, ">hell")
        _ = t.handle(.ctrl("u"))
        XCTAssertEqual(t.text, "")
        XCTAssertFalse(t.handle(.up))
    }
}

/// Issue 17 item 11: `:export ~/x.csv` writes into the home folder instead of failing on a folder named "~".
final class ExportPathTests: XCTestCase {
    func testTildeExpandsLikeAShell() {
        XCTAssertEqual(UserPath.expand("~/x.csv", home: "/home/ann"), "/home/ann/x.csv")
        XCTAssertEqual(UserPath.expand("~", home: "/home/ann"), "/home/ann")
        XCTAssertEqual(UserPath.expand("~bob/x.csv", home: "/home/ann"), "~bob/x.csv")
        XCTAssertEqual(UserPath.expand("out/~/x.csv", home: "/home/ann"), "out/~/x.csv")
    }

    func testExportCommandWritesUnderHome() throws {
        let home = NSTemporaryDirectory() + "recsys-ui-home-\(getpid())"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let saved = ProcessInfo.processInfo.environment["HOME"]
        setenv("HOME", home, 1)
        defer {
            if let saved { setenv("HOME", saved, 1) } else { unsetenv("HOME") }
            try? FileManager.default.removeItem(atPath: home)
        }
        let d = Driver(ratings: [StoredRating(item: "7", value: 5, timestamp: 1)])
        d.key(.char(":")); d.type("export ~/mine.csv"); d.key(.enter)
        XCTAssertEqual(try String(contentsOfFile: home + "/mine.csv", encoding: .utf8),
                       "item,title,rating\n7,The Godfather (1972),5\n")
        XCTAssertTrue(d.state.status.text.contains("exported 1 rating to \(home)/mine.csv"), d.state.status.text)
    }
}

/// Issue 17 items 1 and 2: the header says when the explorer made the profile for this dataset.
final class ProfileTagTests: XCTestCase {
    func testTheHeaderTagsANewProfileUntilAnotherIsLoaded() {
        let d = Driver()
        XCTAssertTrue(d.screen()[0].contains("profile default · 0 ratings"), d.screen()[0])
        d.state.profileTag = "new"
        XCTAssertTrue(d.screen()[0].contains("profile default (new) · 0 ratings"), d.screen()[0])
        try! d.store.setRating(profile: "bob", item: "7", value: 5, timestamp: 1)
        d.key(.char(":")); d.type("profile bob"); d.key(.enter)
        XCTAssertTrue(d.screen()[0].contains("profile bob · 1 rating"), d.screen()[0])
        XCTAssertEqual(d.state.profileTag, "")
    }
}

import Foundation
import RecsysEngine
@testable import RecsysReport
import RecsysTestSupport
import RecsysUI
import XCTest

/// The handout (issue 15, part 3): its structure (a recorded outline), that it parses as XML,
/// that its lists and formulas are the models' own, and that every title is escaped.
final class HandoutTests: XCTestCase {
    /// The page's outline: sections, headings, table shapes, chart marks; not the numbers.
    /// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter RecsysReportTests`.
    static func outline(_ html: String) throws -> [String] {
        let root = try XMLTree.parse(html)
        var out: [String] = []
        var section = ""
        func walk(_ e: XMLTree.Element) {
            switch e.name {
            case "h1": out.append("h1 " + e.allText)
            case "nav": out.append("nav: \(e.all("li").count) entries"); return
            case "section":
                section = e.attributes["id"] ?? "?"
                out.append("section #" + section)
            case "h2": out.append("  h2 " + e.allText)
            case "h3":
                // A formula's heading names the film the fit put first: keep "family: algorithm".
                let t = e.allText
                out.append("    h3 " + (section == "formulas" ? t.components(separatedBy: " on ").first ?? t : t))
            case "table":
                let rows = e.all("tbody").first?.all("tr") ?? []
                let marks = Dictionary(grouping: rows.compactMap { $0.attributes["class"] }, by: { $0 })
                    .map { "\($0.key) \($0.value.count)" }.sorted()
                out.append("    table \(e.all("th").count) columns × \(rows.count) rows"
                           + (marks.isEmpty ? "" : " (" + marks.joined(separator: ", ") + ")"))
                return
            case "pre": out.append("    pre"); return
            case "svg":
                let title = e.children.first { $0.name == "title" }?.allText ?? "?"
                out.append("    svg \"\(title)\": rect \(e.all("rect").count), polyline \(e.all("polyline").count), "
                           + "circle \(e.all("circle").count)")
                return
            case "p" where e.attributes["class"] == nil: out.append("    p"); return
            default: break
            }
            for c in e.children { walk(c) }
        }
        walk(root)
        return out
    }

    func testOutlineOfAClassHandoutWithALabRun() throws {
        let h = HandoutBuilder.build(try HandoutFixtures.input(classMode: true))
        assertLines(try Self.outline(HandoutHTML.render(h)), named: "handout-class-lab", in: snapshotDirectory())
    }

    func testOutlineOfAnEmptyProfileWithoutALabRun() throws {
        let ds = UIFixtures.dataset()
        let h = HandoutBuilder.build(try HandoutFixtures.input(algorithms: ["popularity", "item-knn"], lab: false,
                                                               profile: Profile()))
        let outline = try Self.outline(HandoutHTML.render(h))
        assertLines(outline, named: "handout-empty", in: snapshotDirectory())
        XCTAssertFalse(outline.contains("section #class"), "no class table outside class mode")
        let lab = try XCTUnwrap(h.sections.first { $0.id == "lab" })
        XCTAssertEqual(lab.blocks, [.paragraph(HandoutBuilder.noLabText)], "says how to produce a lab run")
        for key in ["press v", "r to run", "o for a cold-start curve", "s for a grid search"] {
            XCTAssertTrue(HandoutBuilder.noLabText.contains(key), key)
        }
        _ = ds
    }

    /// Each algorithm's table is `Listings.recommendations` (the renderer `recommend` uses), and each
    /// family's worked formula ends in the model's own output (`Conformance.formulaFailure`'s check).
    func testListsAreTheModelsAndEachFormulaEndsInTheModelsOutput() throws {
        let input = try HandoutFixtures.input(lab: false)
        let h = HandoutBuilder.build(input)
        let root = try XMLTree.parse(HandoutHTML.render(h))
        let top = try XCTUnwrap(root.all("section").first { $0.attributes["id"] == "top10" })
        let headings = top.all("h3").map(\.allText)
        XCTAssertEqual(headings, input.models.map(\.name))
        let tables = top.all("table")
        XCTAssertEqual(tables.count, input.models.count)
        for (m, table) in zip(input.models, tables) {
            let expected = Listings.recommendations(m, profile: input.profile, dataset: input.dataset, count: 10).items
            let rows = table.all("tbody").first?.all("tr") ?? []
            let cells = rows.map { $0.all("td").map(\.allText) }
            XCTAssertEqual(cells.map { $0[1] }, expected.map(\.title), m.name)
            XCTAssertEqual(cells.map { $0[2] }, expected.map { JSONText.number($0.score) }, m.name)
            XCTAssertEqual(cells.map { $0[3] }, expected.map(\.reason), m.name)
            XCTAssertFalse(expected.isEmpty, m.name)
        }

        let text = FormulaText(unicode: true, names: ExplanationText(dataset: input.dataset))
        let formulas = try XCTUnwrap(h.sections.first { $0.id == "formulas" })
        var seen: [String] = []
        let flat = formulas.blocks.flatMap { b -> [Handout.Block] in if case .group(let g) = b { return g } else { return [b] } }
        for (k, b) in flat.enumerated() {
            guard case .heading(let title) = b, case .preformatted(let lines) = flat[k + 1] else { continue }
            let name = String(title.split(separator: ":")[1].split(separator: " ")[0])
            let m = try XCTUnwrap(input.models.first { $0.name == name }, title)
            let item = Listings.recommendations(m, profile: input.profile, dataset: input.dataset, count: 1).items[0]
            let i = try XCTUnwrap(input.dataset.catalog.index(of: item.item))
            XCTAssertTrue(title.hasSuffix(" on " + item.title), title)
            XCTAssertNil(Conformance.formulaFailure(m, input.profile, items: [i]), name)
            let e = m.explain(input.profile, item: i)
            let output = e.meaning == .predictedRating ? m.predict(input.profile, items: [i])[0].value : m.scores(input.profile)[Int(i)]
            let result = try XCTUnwrap(lines.last { $0.trimmingCharacters(in: .whitespaces).hasPrefix("= ") }, name)
            XCTAssertEqual(result.trimmingCharacters(in: .whitespaces), "= " + text.number(output), name)
            seen.append(name)
        }
        // One per family of the course (every algorithm of the fixture is fitted).
        XCTAssertEqual(seen.count, HandoutBuilder.families.count)
        for f in HandoutBuilder.families { XCTAssertEqual(seen.filter { f.algorithms.contains($0) }.count, 1, f.name) }
    }

    func testTitlesWithMarkupCharactersAreEscapedEverywhere() throws {
        var items = UIFixtures.movies
        items[1].title = "Tom & Jerry <Live> \"Uncut\" 'Q' (1979)"
        items[3].title = "AT&T; &amp; <script>alert(1)</script> (1982)"
        let base = UIFixtures.dataset()
        let ds = Dataset(name: "odd & <names>", catalog: Catalog(items: items), users: base.users, ratings: base.ratings,
                         scale: base.scale)
        let input = try HandoutFixtures.input(algorithms: ["popularity", "item-knn", "content"], lab: false, dataset: ds)
        let h = HandoutBuilder.build(input)
        let html = HandoutHTML.render(h)
        XCTAssertFalse(html.contains("<script"), "no markup from a title reaches the page")
        XCTAssertFalse(html.contains("<Live>"))
        XCTAssertTrue(html.contains("Tom &amp; Jerry &lt;Live&gt;"))
        XCTAssertTrue(html.contains("AT&amp;T; &amp;amp;"), "an entity-looking title is shown as typed, not decoded")
        let root = try XMLTree.parse(html)
        let cells = root.all("td").map(\.allText)
        XCTAssertTrue(cells.contains(items[1].title), "the title reads back exactly")
        XCTAssertTrue(cells.contains(items[3].title))
        XCTAssertTrue(root.all("p").map(\.allText).contains { $0.contains("odd & <names>") })

        let md = HandoutMarkdown.render(h, base: "x").markdown
        XCTAssertTrue(md.contains("Tom \\& Jerry \\<Live\\> \"Uncut\" 'Q' (1979)"), md)
        // Inside a fenced code block (a formula) text is shown as typed; outside, markup is escaped.
        var inFence = false
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") || line.hasPrefix("~~~~") { inFence.toggle(); continue }
            if !inFence { XCTAssertFalse(line.contains("<script>"), String(line)) }
        }
        XCTAssertFalse(inFence, "every fence is closed")
    }

    func testEscapingOfTextAndAttributes() throws {
        XCTAssertEqual(Escape.attribute("a\"b<c>&'d"), "a&quot;b&lt;c&gt;&amp;&#39;d")
        XCTAssertEqual(Escape.clean("a\u{01}b\tc\n"), "ab\tc\n", "control characters XML cannot hold are dropped")
        let svg = SVGNode("svg", [("data-x", "\"><script>")], [SVGNode("title", text: "A & B <C>")])
        let doc = SVGFile.document(svg)
        XCTAssertTrue(doc.contains("data-x=\"&quot;&gt;&lt;script&gt;\""), doc)
        XCTAssertTrue(doc.contains("<title>A &amp; B &lt;C&gt;</title>"), doc)
        XCTAssertEqual(HandoutMarkdown.inline("a|b*c_[d]<e>&#!"), "a\\|b\\*c\\_\\[d\\]\\<e\\>\\&\\#\\!")
    }

    func testMarkdownHasTheSameSectionsAndOneSVGFilePerChart() throws {
        let h = HandoutBuilder.build(try HandoutFixtures.input(algorithms: ["popularity", "item-knn", "svd"],
                                                               classMode: true))
        let (md, files) = HandoutMarkdown.render(h, base: "alice")
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        XCTAssertEqual(headings, ["Contents"] + h.sections.map(\.title))
        XCTAssertEqual(files.map(\.name), h.charts.map { "alice-\($0.file).svg" })
        XCTAssertEqual(Set(files.map(\.name)).count, files.count, "one file per chart")
        XCTAssertTrue(files.map(\.name).contains("alice-hist.svg"))
        XCTAssertTrue(files.map(\.name).contains("alice-lab-curve.svg"))
        for f in files {
            XCTAssertTrue(md.contains("](\(f.name))"), "the Markdown links \(f.name)")
            let svg = try XMLTree.parse(f.svg)
            XCTAssertEqual(svg.name, "svg")
            XCTAssertEqual(svg.attributes["xmlns"], "http://www.w3.org/2000/svg", "a standalone SVG names its namespace")
        }
        XCTAssertTrue(md.contains("| **Casablanca (1942)** |"), "the dislike stands out in Markdown too")
    }

    /// The page is well-formed XML for xmllint (Debian's libxml2-utils, installed by .ci/run), and so are
    /// the Markdown variant's SVG files. Skipped only where xmllint is missing outside CI.
    func testXmllintAcceptsThePageAndTheChartFiles() throws {
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let xmllint else {
            if ProcessInfo.processInfo.environment["CI"] != nil { return XCTFail("xmllint is missing in CI (.ci/run installs libxml2-utils)") }
            throw XCTSkip("xmllint is not installed")
        }
        let dir = NSTemporaryDirectory() + "recsys-handout-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = HandoutBuilder.build(try HandoutFixtures.input(algorithms: ["popularity", "item-knn", "svd"], classMode: true))
        try HandoutHTML.render(h).write(toFile: dir + "/h.html", atomically: true, encoding: .utf8)
        var paths = [dir + "/h.html"]
        for f in HandoutMarkdown.render(h, base: "h").files {
            try f.svg.write(toFile: dir + "/" + f.name, atomically: true, encoding: .utf8)
            paths.append(dir + "/" + f.name)
        }
        // A page that is not well-formed must fail: the check itself can fail.
        try "<html><body><p>x</body></html>".write(toFile: dir + "/bad.html", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try Self.run(xmllint, ["--noout", dir + "/bad.html"]).status, 0)
        let r = try Self.run(xmllint, ["--noout"] + paths)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.output, "")
    }

    static func run(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testSelfContained() throws {
        let html = HandoutHTML.render(HandoutBuilder.build(try HandoutFixtures.input(algorithms: ["popularity", "svd"])))
        for needle in ["http://", "https://", "<script", "<link", "@import", "url(", "<img"] {
            XCTAssertFalse(html.contains(needle), needle)
        }
        XCTAssertTrue(html.contains("@media print"))
        XCTAssertTrue(html.contains("break-before:page"))
    }
}

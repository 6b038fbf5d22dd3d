import Foundation

/// Writes a `Handout` as Markdown with the same content as the HTML page; each chart becomes a
/// standalone SVG file beside it (`<base>-<chart>.svg`), linked as an image.
public enum HandoutMarkdown {
    /// The Markdown text and the chart files (file name → SVG document).
    /// - Parameter base: the Markdown file's name without its extension ("alice" for alice.md).
    public static func render(_ h: Handout, base: String) -> (markdown: String, files: [(name: String, svg: String)]) {
        var out: [String] = ["# " + inline(h.title), ""]
        for m in h.meta { out += [inline(m), ""] }
        out.append("## Contents")
        out.append("")
        for (k, s) in h.sections.enumerated() { out.append("\(k + 1). [\(inline(s.title))](#\(s.id))") }
        out.append("")
        var files: [(String, String)] = []
        for s in h.sections {
            out += ["<a id=\"\(s.id)\"></a>", "", "## " + inline(s.title), ""]
            for b in s.blocks { write(b, into: &out, files: &files, base: base) }
        }
        out.append("*Made offline by recsys-tui: every model is seeded, so the same ratings give the same handout.*")
        return (out.joined(separator: "\n") + "\n", files)
    }

    static func write(_ b: Handout.Block, into out: inout [String], files: inout [(String, String)], base: String) {
        switch b {
        case .paragraph(let t): out += [inline(t), ""]
        case .note(let t): out += ["*" + inline(t) + "*", ""]
        case .heading(let t): out += ["### " + inline(t), ""]
        case .preformatted(let lines):
            let fence = lines.contains { $0.contains("```") } ? "~~~~" : "```"
            out += [fence + "text"] + lines + [fence, ""]
        case .table(let t): out += table(t) + [""]
        case .chart(let c):
            let name = "\(base)-\(c.file).svg"
            files.append((name, SVGFile.document(SVGChart.draw(c))))
            out += ["![\(inline(c.title))](\(linkTarget(name)))", ""]
        case .group(let inner):
            for b in inner { write(b, into: &out, files: &files, base: base) }
        }
    }

    static func table(_ t: Handout.Table) -> [String] {
        func row(_ cells: [String]) -> String { "| " + cells.map(inline).joined(separator: " | ") + " |" }
        let rule = "|" + t.header.indices.map { t.numeric.contains($0) ? " ---: |" : " --- |" }.joined()
        return [row(t.header), rule] + t.rows.map { r in
            // A dislike (or the learner's own row) is set apart in bold as well as said in its cells.
            let bold = r.mark == .dislike || r.mark == .you
            return "| " + r.cells.map { c in bold && !c.isEmpty ? "**" + inline(c) + "**" : inline(c) }
                .joined(separator: " | ") + " |"
        }
    }

    /// Text safe inside a Markdown paragraph or table cell: Markdown's punctuation and HTML's
    /// `< > &` are backslash-escaped (CommonMark), line breaks become spaces.
    public static func inline(_ s: String) -> String {
        var out = ""
        for c in Escape.clean(s) {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "#", "!": out += "\\" + String(c)
            case "\n", "\r", "\t": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// A file name as a link target: spaces and parentheses percent-encoded.
    static func linkTarget(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "()"))) ?? name
    }
}

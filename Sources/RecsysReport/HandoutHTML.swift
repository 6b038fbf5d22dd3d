import Foundation
import Plot

/// Writes a `Handout` as one self-contained HTML page with Plot: inline style (with a print
/// layout: each section on a new page, no row or chart split across pages), inline SVG charts,
/// no script, no font, no link to anything outside the file. Every text goes through `Escape`,
/// so the page is also well-formed XML (`xmllint --noout` reads it).
public enum HandoutHTML {
    public static func render(_ h: Handout) -> String {
        let page = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [Escape.text(h.title)]),
                .style(css)
            ),
            .body(
                .header(
                    .h1(Escape.text(h.title)),
                    .group(h.meta.map { .p(.class("meta"), Escape.text($0)) })
                ),
                .nav(
                    .h2(Escape.text("Contents")),
                    .ol(.group(h.sections.map { s in .li(.a(.href("#" + s.id), Escape.text(s.title))) }))
                ),
                .group(h.sections.map(section)),
                .footer(.p(.class("note"), Escape.text(
                    "Made offline by recsys-tui: every model is seeded, so the same ratings give the same handout.")))
            )
        )
        return page.render()
    }

    static func section(_ s: Handout.Section) -> Node<HTML.BodyContext> {
        .section(.id(s.id), .h2(Escape.text(s.title)), .group(s.blocks.map(block)))
    }

    static func block(_ b: Handout.Block) -> Node<HTML.BodyContext> {
        switch b {
        case .paragraph(let t): return .p(Escape.text(t))
        case .note(let t): return .p(.class("note"), Escape.text(t))
        case .heading(let t): return .h3(Escape.text(t))
        case .preformatted(let lines): return .pre(Escape.text(lines.joined(separator: "\n")))
        case .table(let t): return table(t)
        case .group(let inner): return .div(.class("keep"), .group(inner.map(block)))
        case .chart(let c):
            let svg: Node<HTML.BodyContext> = SVGChart.draw(c).plotNode()
            // The caption first: read before the chart, and never taken for the next chart's.
            return .element(named: "figure", nodes: [
                .element(named: "figcaption", nodes: [Escape.text(c.title)]), svg,
            ])
        }
    }

    static func table(_ t: Handout.Table) -> Node<HTML.BodyContext> {
        func cellClass(_ k: Int) -> String { t.numeric.contains(k) ? "num" : "" }
        let head: Node<HTML.TableContext> = .thead(.tr(.group(t.header.enumerated().map { k, h in
            .th(.class(cellClass(k)), Escape.text(h))
        })))
        let body: Node<HTML.TableContext> = .tbody(.group(t.rows.map { r in
            .tr(.class(r.mark?.rawValue ?? ""), .group(r.cells.enumerated().map { k, c in
                .td(.class(cellClass(k)), Escape.text(c))
            }))
        }))
        return .table(head, body)
    }

    /// The page's style: readable on screen, one section per printed page.
    static let css = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;\
        color:#111;line-height:1.45}
        h1{font-size:1.7rem;margin:0 0 .4rem}
        h2{font-size:1.35rem;color:#0a3d62;margin:.2rem 0 .6rem}
        h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
        .meta{color:#333;margin:.1rem 0}
        .note{color:#555;font-size:.85rem;margin:.2rem 0 .6rem}
        nav ol{columns:2;padding-left:1.4rem}
        section{margin-top:2.2rem;border-top:3px solid #0072B2;padding-top:.6rem}
        table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.4rem 0 1rem}
        th,td{border-bottom:1px solid #d6d6d6;padding:.22rem .45rem;text-align:left;vertical-align:top}
        th{background:#eef2f6}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tr.dislike td{background:#fbe3e1;color:#7a1a10}
        tr.dislike td:last-child{font-weight:bold}
        tr.you td{background:#e3f0fb;font-weight:bold}
        pre{background:#f6f6f6;border:1px solid #ddd;padding:.6rem .8rem;overflow-x:auto;font-size:.8rem;line-height:1.35}
        figure{margin:.6rem 0 1.2rem}
        figcaption{font-size:.95rem;font-weight:bold;color:#222;margin-bottom:.3rem}
        svg{max-width:100%;height:auto}
        footer{margin-top:2rem;border-top:1px solid #ccc}
        @page{margin:14mm}
        @media print{
        body{max-width:none;margin:0;padding:0;font-size:10pt}
        nav ol{columns:3}
        section{break-before:page;page-break-before:always;border-top:none;margin-top:0}
        h2,h3{break-after:avoid;page-break-after:avoid}
        section#ratings,section#histogram{break-before:auto;page-break-before:auto}
        tr,figure,pre,.keep{break-inside:avoid;page-break-inside:avoid}
        thead{display:table-header-group}
        pre{white-space:pre-wrap;overflow:visible}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """
}

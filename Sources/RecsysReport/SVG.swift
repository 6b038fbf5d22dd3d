import Foundation
import Plot

/// A small typed SVG tree. The chart code names the elements and attributes; every attribute
/// value and every text is user data as far as writing goes, and is escaped when the tree becomes
/// Plot nodes (`plotNode`): nothing is spliced into markup as a string.
public struct SVGNode: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var name: String
    public var attributes: [Attribute]
    public var children: [SVGNode]
    public var text: String?

    public init(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil, _ children: [SVGNode] = []) {
        self.name = name
        self.attributes = attributes.map { Attribute(name: $0.0, value: $0.1) }
        self.children = children
        self.text = text
    }

    /// The node as a Plot element of any context (inline in HTML, or the root of an .svg file).
    public func plotNode<Context>() -> Node<Context> {
        var nodes: [Node<Context>] = attributes.map { .attribute(named: $0.name, value: Escape.attribute($0.value)) }
        if let text { nodes.append(Escape.text(text)) }
        nodes += children.map { $0.plotNode() }
        return .element(named: name, nodes: nodes)
    }

    /// Every text in the tree, depth first (tests read labels back).
    public var texts: [String] { (text.map { [$0] } ?? []) + children.flatMap(\.texts) }

    /// How many elements named `name` the tree has.
    public func count(_ name: String) -> Int { (self.name == name ? 1 : 0) + children.reduce(0) { $0 + $1.count(name) } }
}

/// Escaping for text and attribute values written through Plot.
///
/// Plot's own text escaping keeps anything that looks like an entity ("&amp;", "&x;") as it is,
/// and it does not escape attribute values at all; so text gets its "&" turned into "&amp;" first
/// (which Plot then keeps), and attribute values are escaped here in full. Control characters
/// that XML cannot hold are dropped.
public enum Escape {
    /// Text as a Plot node: `<`, `>` and `&` end up as entities, whatever the text holds.
    public static func text<Context>(_ s: String) -> Node<Context> {
        .text(clean(s).replacingOccurrences(of: "&", with: "&amp;"))
    }

    /// An attribute value with `& < > " '` as entities.
    public static func attribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in clean(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// `s` without the control characters XML 1.0 forbids (tab and newline are kept).
    public static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: forbidden) else { return s }
        var u = String.UnicodeScalarView()
        u.append(contentsOf: s.unicodeScalars.filter { !forbidden($0) })
        return String(u)
    }

    static func forbidden(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\n" && c != "\t") || c.value == 0x7F || c.value == 0xFFFE || c.value == 0xFFFF
    }
}

/// A standalone .svg file of a chart (the Markdown variant's chart files).
public enum SVGFile {
    /// The XML declaration and the chart's root element with its namespace.
    public static func document(_ svg: SVGNode) -> String {
        var root = svg
        root.attributes.insert(SVGNode.Attribute(name: "xmlns", value: "http://www.w3.org/2000/svg"), at: 0)
        let body: Node<SVGFileContext> = root.plotNode()
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.render() + "\n"
    }
}

/// The context of a standalone SVG file's nodes.
public enum SVGFileContext {}

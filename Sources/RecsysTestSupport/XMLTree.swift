import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XHTML page: a tree of elements with their text, for reading the handout back.
public final class XMLTree: NSObject, XMLParserDelegate {
    public final class Element {
        public let name: String
        public let attributes: [String: String]
        public var children: [Element] = []
        public var text = ""
        init(_ name: String, _ attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
        /// All text below, in order.
        public var allText: String { text + children.map(\.allText).joined() }
        public func all(_ name: String) -> [Element] { (self.name == name ? [self] : []) + children.flatMap { $0.all(name) } }
    }

    private var stack: [Element] = []
    public private(set) var root: Element?

    public static func parse(_ text: String) throws -> Element {
        let tree = XMLTree()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = tree
        guard parser.parse(), let root = tree.root else {
            throw NSError(domain: "XMLTree", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)"])
        }
        return root
    }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let e = Element(name, attributes)
        stack.last?.children.append(e)
        if stack.isEmpty { root = e }
        stack.append(e)
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Text after a child element belongs to the parent; kept in order as an anonymous child.
        guard let top = stack.last else { return }
        if top.children.isEmpty { top.text += string } else {
            let t = Element("#text", [:])
            t.text = string
            top.children.append(t)
        }
    }
}

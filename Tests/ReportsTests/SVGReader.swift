import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An SVG read back with Foundation's XML parser: the test that the output is well-formed
/// XML, and a way to check what was drawn without comparing bytes.
struct SVGReader {
  struct Element {
    var name: String
    var attributes: [String: String]
    /// Character data directly inside the element (a `<text>`'s content, unescaped).
    var text: String
    /// The `class` attributes of the enclosing groups, outermost first.
    var groupClasses: [String]
    /// The enclosing groups' `data-series` / `data-category`, innermost wins.
    var dataName: String?

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
  }

  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  let elements: [Element]
  let root: Element

  init(_ svg: String) throws {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else {
      throw ParseError(description: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
    }
    guard let root = collector.elements.first, root.name == "svg" else {
      throw ParseError(description: "the root element is not <svg>")
    }
    self.elements = collector.elements
    self.root = root
  }

  var width: Double { root.number("width") ?? 0 }
  var height: Double { root.number("height") ?? 0 }

  func elements(named name: String, inGroup groupClass: String? = nil) -> [Element] {
    elements.filter { $0.name == name && (groupClass.map($0.groupClasses.contains) ?? true) }
  }

  /// The texts drawn inside groups of `groupClass`.
  func texts(inGroup groupClass: String) -> [String] { elements(named: "text", inGroup: groupClass).map(\.text) }

  /// The polyline of each series, by series name, as pixel points.
  func seriesPolylines() -> [(name: String, points: [(x: Double, y: Double)])] {
    elements(named: "polyline", inGroup: "series").map { line in
      let points = (line.attributes["points"] ?? "").split(separator: " ").compactMap { pair -> (x: Double, y: Double)? in
        let parts = pair.split(separator: ",").compactMap { Double($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
      }
      return (line.dataName ?? "", points)
    }
  }

  private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    private var open: [Int] = []
    private var groups: [(className: String, dataName: String?)] = []

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let dataName = groups.last { $0.dataName != nil }?.dataName
      elements.append(
        Element(name: name, attributes: attributes, text: "", groupClasses: groups.map(\.className), dataName: dataName))
      open.append(elements.count - 1)
      if name == "g" {
        groups.append((attributes["class"] ?? "", attributes["data-series"] ?? attributes["data-category"]))
      }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      open.removeLast()
      if name == "g" { groups.removeLast() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard let current = open.last else { return }
      elements[current].text += string
    }
  }
}

/// A minimal SVG 1.1 writer: shapes and text appended in drawing order, rendered as one
/// UTF-8 string. Every coordinate goes through `SVGDocument.number`, so the same drawing
/// gives the same bytes on every machine (no locale, no float-printing differences).
struct SVGDocument {
  let width: Double
  let height: Double
  private var body: [String] = []
  private var depth = 1

  /// Sans-serif text's average advance per character, in font sizes: generous, so that
  /// layout computed from it leaves room for the widest common glyphs.
  static let characterWidth = 0.62

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// The estimated width in pixels of `text` set at `fontSize`.
  static func textWidth(_ text: String, fontSize: Double) -> Double {
    Double(text.count) * fontSize * characterWidth
  }

  func rendered() -> String {
    let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
    var lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \(size) "
        + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
      "  <rect x=\"0\" y=\"0\" \(size) fill=\"#ffffff\"/>",
    ]
    lines += body
    lines.append("</svg>")
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: Groups

  /// Opens a `<g>`; `attributes` are name/value pairs, escaped here.
  mutating func beginGroup(_ attributes: [(String, String)] = []) {
    append("<g\(Self.attributes(attributes))>")
    depth += 1
  }

  mutating func endGroup() {
    depth -= 1
    append("</g>")
  }

  // MARK: Shapes

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
    let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
    append(
      "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" "
        + "stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(dash)/>")
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: [(String, String)] = []) {
    append(
      "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" "
        + "height=\"\(Self.number(max(0, height)))\" fill=\"\(fill)\"\(Self.attributes(extra))/>")
  }

  mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2, dashed: Bool = false) {
    let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
    let dash = dashed ? " stroke-dasharray=\"6 4\"" : ""
    append(
      "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" "
        + "stroke-linejoin=\"round\"\(dash)/>")
  }

  mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
    append("<circle cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" r=\"\(Self.number(r))\" fill=\"\(fill)\"/>")
  }

  mutating func polygon(_ points: [(x: Double, y: Double)], fill: String) {
    let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
    append("<polygon points=\"\(list)\" fill=\"\(fill)\"/>")
  }

  // MARK: Text

  enum Anchor: String { case start, middle, end }

  /// Text whose baseline sits at `y`; `rotation` in degrees turns it about (x, y).
  mutating func text(
    _ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12, bold: Bool = false,
    rotation: Double = 0, fill: String = "#222222"
  ) {
    var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
    if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
    if size != 12 { attributes += " font-size=\"\(Self.number(size))\"" }
    if bold { attributes += " font-weight=\"bold\"" }
    if rotation != 0 {
      attributes += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))\""
    }
    append("<text \(attributes) fill=\"\(fill)\">\(Self.escape(content))</text>")
  }

  // MARK: Formatting

  /// A coordinate with at most two decimals, trailing zeros dropped: "12", "12.5", "-3.25".
  /// Two decimals are a hundredth of a pixel: finer would only add bytes.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let text = formatFixed(value, decimals: 2)
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return trimmed == "-0" ? "0" : String(trimmed)
  }

  /// `text` safe inside an element or a double-quoted attribute.
  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      // XML 1.0 forbids most control characters even when escaped; a line break in a label
      // would be lost anyway, as SVG text does not wrap.
      case _ where character.unicodeScalars.contains(where: { $0.value < 0x20 }): result += " "
      default: result.append(character)
      }
    }
    return result
  }

  private static func attributes(_ pairs: [(String, String)]) -> String {
    pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
  }

  private mutating func append(_ element: String) {
    body.append(String(repeating: "  ", count: depth) + element)
  }
}

/// The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), black last: eight
/// colours told apart under the common colour-vision deficiencies. Yellow is left out: it
/// vanishes on a white background.
enum Palette {
  static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

  static func color(_ index: Int) -> String { colors[index % colors.count] }
}

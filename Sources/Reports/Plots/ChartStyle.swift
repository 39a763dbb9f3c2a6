/// Sizes, colours and the drawing steps the line and bar charts share, so both read alike.
enum ChartStyle {
  static let fontSize = 12.0
  static let titleSize = 15.0
  static let margin = 16.0
  static let gridColor = "#e3e3e3"
  static let axisColor = "#444444"
  static let mutedText = "#555555"

  /// The height taken by a title line and the gap under it.
  static let titleBand = 40.0

  static func title(_ text: String, in document: inout SVGDocument) {
    document.text(text, x: margin, y: margin + titleSize, size: titleSize, bold: true)
  }

  /// A chart with nothing to plot: still valid SVG, with its title and a plain notice.
  static func noData(title: String) -> String {
    let width = max(420, SVGDocument.textWidth(title, fontSize: titleSize) + 2 * margin)
    var document = SVGDocument(width: width, height: 160)
    ChartStyle.title(title, in: &document)
    document.text("no data", x: width / 2, y: 100, anchor: .middle, size: 14, fill: mutedText)
    return document.rendered()
  }

  /// Marker shapes cycle with the colours, so series stay apart in grey-scale print too.
  /// Each shape is smaller than the one before it, so where series coincide (row-major and
  /// Scan often move the same traffic) the earlier marker still shows around the later one.
  enum Marker: CaseIterable {
    case circle, square, diamond, triangle

    static func forSeries(_ index: Int) -> Marker { allCases[index % allCases.count] }

    func draw(x: Double, y: Double, color: String, in document: inout SVGDocument) {
      switch self {
      case .circle:
        document.circle(cx: x, cy: y, r: 5, fill: color)
      case .square:
        document.rect(x: x - 3.2, y: y - 3.2, width: 6.4, height: 6.4, fill: color)
      case .diamond:
        document.polygon([(x, y - 3.6), (x + 3.6, y), (x, y + 3.6), (x - 3.6, y)], fill: color)
      case .triangle:
        document.polygon([(x, y - 3), (x + 2.8, y + 2), (x - 2.8, y + 2)], fill: color)
      }
    }
  }

  /// `text` cut to `limit` characters, its middle replaced by an ellipsis: unit names differ
  /// at both ends ("b12.expand..b12.add"), so both ends are kept.
  static func truncated(_ text: String, limit: Int) -> String {
    guard text.count > limit, limit >= 5 else { return text }
    let head = (limit - 1) / 2
    let tail = limit - 1 - head
    return String(text.prefix(head)) + "…" + String(text.suffix(tail))
  }
}

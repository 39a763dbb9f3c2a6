/// A stacked bar chart rendered as a standalone SVG: one bar per category, split into named
/// components, with a value axis from zero, each bar's total at its end, and a legend.
///
/// Horizontal bars suit many categories with long names (60 layers of a network): the canvas
/// grows a row per category and names stay horizontal. Vertical bars turn their names 45°.
/// Names longer than `labelLimit` characters lose their middle to an ellipsis.
/// Each bar is an SVG group `<g class="bar" data-category="NAME">`, one `<rect>` per component.
package struct BarChart: Hashable, Sendable {
  package struct Category: Hashable, Sendable {
    package var name: String
    /// One value per component, in the chart's component order; negative values count as zero.
    package var values: [Double]
    /// Set on a shaded band with a bold name; the legend names the band `emphasisLabel`.
    package var emphasized: Bool

    package init(name: String, values: [Double], emphasized: Bool = false) {
      self.name = name
      self.values = values
      self.emphasized = emphasized
    }

    var stackedValues: [Double] { values.map { $0.isFinite ? max(0, $0) : 0 } }
    var total: Double { stackedValues.reduce(0, +) }
  }

  package enum Orientation: Hashable, Sendable { case horizontal, vertical }

  package var title: String
  /// The quantity and unit of the value axis, e.g. "DRAM traffic (entries)".
  package var valueLabel: String
  package var components: [String]
  package var categories: [Category]
  package var orientation: Orientation
  /// What an emphasized category is, for the legend (e.g. "fused segment").
  package var emphasisLabel: String?
  package var labelLimit: Int

  package init(
    title: String, valueLabel: String, components: [String], categories: [Category],
    orientation: Orientation = .horizontal, emphasisLabel: String? = nil, labelLimit: Int = 32
  ) {
    self.title = title
    self.valueLabel = valueLabel
    self.components = components
    self.categories = categories
    self.orientation = orientation
    self.emphasisLabel = emphasisLabel
    self.labelLimit = labelLimit
  }

  static let emphasisColor = "#efe9d6"

  package func svg() -> String {
    guard !categories.isEmpty, !components.isEmpty else { return ChartStyle.noData(title: title) }
    let layout = BarLayout(chart: self)
    var document = SVGDocument(width: layout.width, height: layout.height)
    ChartStyle.title(title, in: &document)
    drawLegend(layout.legend, in: &document)
    // Bands first, so the grid and the bars show through them.
    document.beginGroup([("class", "emphasis")])
    for (index, category) in categories.enumerated() where category.emphasized {
      let band = layout.band(index)
      document.rect(x: band.x, y: band.y, width: band.width, height: band.height, fill: Self.emphasisColor)
    }
    document.endGroup()
    layout.drawValueAxis(valueLabel: valueLabel, in: &document)
    for (index, category) in categories.enumerated() {
      drawBar(category, index: index, layout: layout, in: &document)
    }
    return document.rendered()
  }

  /// Label text as drawn: shortened past `labelLimit`.
  func label(_ category: Category) -> String { ChartStyle.truncated(category.name, limit: labelLimit) }

  /// The legend entries: components in order, then the emphasis band if any category has it.
  var legendEntries: [(name: String, color: String)] {
    var entries = components.enumerated().map { (name: $0.element, color: Palette.color($0.offset)) }
    if let emphasisLabel, categories.contains(where: \.emphasized) { entries.append((emphasisLabel, Self.emphasisColor)) }
    return entries
  }

  private func drawLegend(_ placed: [BarLayout.LegendEntry], in document: inout SVGDocument) {
    document.beginGroup([("class", "legend")])
    for entry in placed {
      document.rect(x: entry.x, y: entry.y - 10, width: 12, height: 12, fill: entry.color, extra: [("stroke", "#999999")])
      document.text(entry.name, x: entry.x + 17, y: entry.y)
    }
    document.endGroup()
  }

  private func drawBar(_ category: Category, index: Int, layout: BarLayout, in document: inout SVGDocument) {
    document.beginGroup([("class", "bar"), ("data-category", category.name)])
    let (barStart, barLength) = layout.bar(index)
    let center = barStart + barLength / 2
    let axis = layout.valueAxis
    var runningTotal = 0.0
    for (component, value) in category.stackedValues.enumerated() where value > 0 {
      let from = axis.position(runningTotal)
      runningTotal += value
      let to = axis.position(runningTotal)
      switch orientation {
      case .horizontal:
        document.rect(x: from, y: barStart, width: to - from, height: barLength, fill: Palette.color(component))
      case .vertical:
        document.rect(x: barStart, y: to, width: barLength, height: from - to, fill: Palette.color(component))
      }
    }
    let font = ChartStyle.fontSize
    switch orientation {
    case .horizontal:
      document.text(label(category), x: layout.plotLeft - 6, y: center + font * 0.35, anchor: .end, bold: category.emphasized)
      // The total at the bar's end: the one number a reader looks for first.
      let total = TickLabel.compact(runningTotal)
      document.text(total, x: axis.position(runningTotal) + 4, y: center + font * 0.35, size: 10, fill: ChartStyle.mutedText)
    case .vertical:
      // Turned 45° and ending under the bar, so long names hang down-left without colliding.
      let x = center + font * 0.3
      document.text(label(category), x: x, y: layout.plotBottom + 10, anchor: .end, bold: category.emphasized, rotation: -45)
    }
    document.endGroup()
  }
}

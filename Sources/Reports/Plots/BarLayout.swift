/// Where everything of a `BarChart` goes: the canvas grows with the number of categories and
/// the longest name, so nothing is squeezed, overlaps or falls off the canvas.
struct BarLayout {
  struct LegendEntry {
    var name: String
    var color: String
    /// Swatch's left edge and the text's baseline.
    var x: Double
    var y: Double
  }

  /// Space per category along the category axis, and the bar's thickness within it.
  static let slotLength = 18.0
  static let barLength = 12.0
  /// Length of the value axis.
  static let valueLength = 520.0
  /// Room after the longest horizontal bar for its total.
  static let totalRoom = 56.0
  static let legendRowHeight = 20.0

  let orientation: BarChart.Orientation
  let width: Double
  let height: Double
  let plotLeft: Double
  let plotTop: Double
  let plotRight: Double
  let plotBottom: Double
  let legend: [LegendEntry]
  let valueAxis: Axis
  private let categoryCount: Int

  init(chart: BarChart) {
    orientation = chart.orientation
    categoryCount = chart.categories.count
    let margin = ChartStyle.margin
    let font = ChartStyle.fontSize
    var axis = Axis.fromZero(chart.categories.map(\.total))
    // Bold names run wider than the estimate for regular text.
    let labelWidth =
      chart.categories.map { SVGDocument.textWidth(chart.label($0), fontSize: font) * ($0.emphasized ? 1.08 : 1) }.max() ?? 0
    let titleWidth = SVGDocument.textWidth(chart.title, fontSize: ChartStyle.titleSize) + 2 * margin
    let categoryLength = Double(chart.categories.count) * Self.slotLength
    // A label turned 45° reaches this far across and down.
    let diagonal = labelWidth * 0.71 + font

    let left: Double
    switch chart.orientation {
    case .horizontal:
      left = margin + labelWidth + 8
      width = max(left + Self.valueLength + Self.totalRoom + margin, titleWidth)
    case .vertical:
      let tickWidth = axis.ticks.map { SVGDocument.textWidth(axis.label($0), fontSize: font) }.max() ?? 0
      left = max(margin + font + 12 + tickWidth + 8, margin + diagonal - Self.slotLength / 2)
      width = max(left + max(240, categoryLength) + margin, titleWidth)
    }
    let (legend, legendBottom) = Self.placeLegend(
      chart.legendEntries, left: margin, top: margin + ChartStyle.titleBand, right: width - margin)
    self.legend = legend

    switch chart.orientation {
    case .horizontal:
      plotLeft = left
      plotRight = left + Self.valueLength
      plotTop = legendBottom + 12 + font + 6  // room for the tick labels above the plot
      plotBottom = plotTop + categoryLength
      height = plotBottom + 24 + font * 1.6 + margin
      axis.start = plotLeft
      axis.end = plotRight
    case .vertical:
      plotLeft = left
      plotRight = left + max(240, categoryLength)
      plotTop = legendBottom + 16
      plotBottom = plotTop + 320
      height = plotBottom + 10 + diagonal + margin
      axis.start = plotBottom
      axis.end = plotTop
    }
    valueAxis = axis
  }

  /// Legend entries left to right, wrapping before `right`; returns the last row's bottom.
  private static func placeLegend(
    _ entries: [(name: String, color: String)], left: Double, top: Double, right: Double
  ) -> ([LegendEntry], Double) {
    var placed: [LegendEntry] = []
    var x = left
    var baseline = top + ChartStyle.fontSize
    for entry in entries {
      let entryWidth = 17 + SVGDocument.textWidth(entry.name, fontSize: ChartStyle.fontSize) + 18
      if x > left, x + entryWidth > right {
        x = left
        baseline += legendRowHeight
      }
      placed.append(LegendEntry(name: entry.name, color: entry.color, x: x, y: baseline))
      x += entryWidth
    }
    return (placed, baseline + 4)
  }

  /// The bar of category `index`: its start and thickness along the category axis.
  func bar(_ index: Int) -> (start: Double, length: Double) {
    let slotStart = (orientation == .horizontal ? plotTop : plotLeft) + Double(index) * Self.slotLength
    return (slotStart + (Self.slotLength - Self.barLength) / 2, Self.barLength)
  }

  /// The shaded band behind an emphasized category: its whole slot, label included.
  func band(_ index: Int) -> (x: Double, y: Double, width: Double, height: Double) {
    let slotStart = (orientation == .horizontal ? plotTop : plotLeft) + Double(index) * Self.slotLength
    switch orientation {
    case .horizontal:
      return (ChartStyle.margin, slotStart, width - 2 * ChartStyle.margin, Self.slotLength)
    case .vertical:
      return (slotStart, plotTop, Self.slotLength, plotBottom - plotTop + 6)
    }
  }

  func drawValueAxis(valueLabel: String, in document: inout SVGDocument) {
    let font = ChartStyle.fontSize
    document.beginGroup([("class", "value-axis")])
    for tick in valueAxis.ticks {
      let position = valueAxis.position(tick)
      let label = valueAxis.label(tick)
      switch orientation {
      case .horizontal:
        document.line(x1: position, y1: plotTop, x2: position, y2: plotBottom, stroke: ChartStyle.gridColor)
        // Labels above and below: a tall chart is read from either end.
        document.text(label, x: position, y: plotTop - 6, anchor: .middle)
        document.text(label, x: position, y: plotBottom + 6 + font, anchor: .middle)
      case .vertical:
        document.line(x1: plotLeft, y1: position, x2: plotRight, y2: position, stroke: ChartStyle.gridColor)
        document.text(label, x: plotLeft - 6, y: position + font * 0.35, anchor: .end)
      }
    }
    switch orientation {
    case .horizontal:
      document.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: ChartStyle.axisColor)
      document.text(valueLabel, x: (plotLeft + plotRight) / 2, y: plotBottom + 24 + font * 1.6, anchor: .middle)
    case .vertical:
      document.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: ChartStyle.axisColor)
      // Beside the tick labels, however far the turned category names push the plot right.
      let tickWidth = valueAxis.ticks.map { SVGDocument.textWidth(valueAxis.label($0), fontSize: font) }.max() ?? 0
      let middle = (plotTop + plotBottom) / 2
      document.text(valueLabel, x: plotLeft - tickWidth - 14, y: middle, anchor: .middle, rotation: -90)
    }
    document.endGroup()
  }
}

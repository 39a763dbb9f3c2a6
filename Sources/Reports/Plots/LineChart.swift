/// A line chart rendered as a standalone SVG: one polyline with point markers per series,
/// a linear y axis from zero, a log2 or linear x axis, and a legend on the right.
///
/// The output is deterministic: the same chart gives the same bytes. Points that cannot be
/// drawn (non-finite values, x <= 0 on a log2 axis) are left out; a chart left with no point
/// says "no data". Dashed series are drawn under solid ones; the legend keeps the given order.
/// Each series is an SVG group `<g class="series" data-series="NAME">` holding
/// its `<polyline>` (points in ascending x) and its markers, so tools and tests can read it back.
package struct LineChart: Hashable, Sendable {
  package struct Point: Hashable, Sendable {
    package var x: Double
    package var y: Double

    package init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  package struct Series: Hashable, Sendable {
    package var name: String
    package var points: [Point]
    /// Drawn dashed: for bounds and references (a floor) rather than measured results.
    package var dashed: Bool
    /// An SVG colour; nil takes the series' place in the Okabe-Ito palette.
    package var color: String?

    package init(name: String, points: [Point], dashed: Bool = false, color: String? = nil) {
      self.name = name
      self.points = points
      self.dashed = dashed
      self.color = color
    }
  }

  package enum XScale: Hashable, Sendable {
    /// Ticks in 1-2-5 steps, labelled compactly (250K, 1.2M).
    case linear
    /// Equal space per doubling, ticks at the powers of two, labelled as buffer sizes (16K, 1M).
    case log2
  }

  package var title: String
  package var xLabel: String
  package var yLabel: String
  package var xScale: XScale
  package var series: [Series]

  package init(title: String, xLabel: String, yLabel: String, xScale: XScale = .log2, series: [Series]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xScale = xScale
    self.series = series
  }

  static let plotWidth = 560.0
  static let plotHeight = 320.0
  /// Keeps the first and last markers off the axis lines.
  static let inset = 14.0

  package func svg() -> String {
    let drawn = series.map { line in line.points.filter(isDrawable).sorted { $0.x < $1.x } }
    let all = drawn.joined()
    guard !all.isEmpty else { return ChartStyle.noData(title: title) }

    var yAxis = Axis.fromZero(all.map(\.y))
    var xAxis = xScale == .log2 ? Axis.log2(all.map(\.x)) : Axis.linear(all.map(\.x))
    let font = ChartStyle.fontSize
    let yLabelWidth = yAxis.ticks.map { SVGDocument.textWidth(yAxis.label($0), fontSize: font) }.max() ?? 0
    let left = ChartStyle.margin + font + 12 + yLabelWidth + 8
    let top = ChartStyle.margin + ChartStyle.titleBand
    let legendWidth = 36 + (series.map { SVGDocument.textWidth($0.name, fontSize: font) }.max() ?? 0)
    let width = max(
      left + Self.plotWidth + 24 + legendWidth + ChartStyle.margin,
      SVGDocument.textWidth(title, fontSize: ChartStyle.titleSize) + 2 * ChartStyle.margin)
    let legendBottom = top + 8 + Double(series.count) * 20
    let height = max(top + Self.plotHeight + 52, legendBottom) + ChartStyle.margin
    yAxis.start = top + Self.plotHeight
    yAxis.end = top
    xAxis.start = left + Self.inset
    xAxis.end = left + Self.plotWidth - Self.inset

    var document = SVGDocument(width: width, height: height)
    ChartStyle.title(title, in: &document)
    drawAxes(x: xAxis, y: yAxis, left: left, top: top, in: &document)
    // Dashed references (floors) first, so measured results that reach them stay on top.
    let drawingOrder = series.indices.filter { series[$0].dashed } + series.indices.filter { !series[$0].dashed }
    for index in drawingOrder {
      let line = series[index]
      let color = line.color ?? Palette.color(index)
      let pixels = drawn[index].map { (x: xAxis.position($0.x), y: yAxis.position($0.y)) }
      document.beginGroup([("class", "series"), ("data-series", line.name)])
      if !pixels.isEmpty { document.polyline(pixels, stroke: color, dashed: line.dashed) }
      for pixel in pixels {
        ChartStyle.Marker.forSeries(index).draw(x: pixel.x, y: pixel.y, color: color, in: &document)
      }
      document.endGroup()
    }
    drawLegend(x: left + Self.plotWidth + 24, y: top + 8, in: &document)
    return document.rendered()
  }

  private func isDrawable(_ point: Point) -> Bool {
    point.x.isFinite && point.y.isFinite && (xScale == .linear || point.x > 0)
  }

  private func drawAxes(x xAxis: Axis, y yAxis: Axis, left: Double, top: Double, in document: inout SVGDocument) {
    let bottom = top + Self.plotHeight
    let right = left + Self.plotWidth
    let font = ChartStyle.fontSize
    document.beginGroup([("class", "y-axis")])
    for tick in yAxis.ticks {
      let y = yAxis.position(tick)
      document.line(x1: left, y1: y, x2: right, y2: y, stroke: ChartStyle.gridColor)
      document.text(yAxis.label(tick), x: left - 6, y: y + font * 0.35, anchor: .end)
    }
    let middle = (top + bottom) / 2
    document.text(yLabel, x: ChartStyle.margin + font, y: middle, anchor: .middle, rotation: -90)
    document.endGroup()
    document.beginGroup([("class", "x-axis")])
    for tick in xAxis.ticks {
      let x = xAxis.position(tick)
      document.line(x1: x, y1: top, x2: x, y2: bottom, stroke: ChartStyle.gridColor)
      document.line(x1: x, y1: bottom, x2: x, y2: bottom + 4, stroke: ChartStyle.axisColor)
      document.text(xAxis.label(tick), x: x, y: bottom + 6 + font, anchor: .middle)
    }
    document.text(xLabel, x: (left + right) / 2, y: bottom + 24 + font * 1.6, anchor: .middle)
    document.endGroup()
    document.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartStyle.axisColor)
    document.line(x1: left, y1: top, x2: left, y2: bottom, stroke: ChartStyle.axisColor)
  }

  private func drawLegend(x: Double, y: Double, in document: inout SVGDocument) {
    document.beginGroup([("class", "legend")])
    for (index, line) in series.enumerated() {
      let color = line.color ?? Palette.color(index)
      let rowY = y + Double(index) * 20
      document.line(x1: x, y1: rowY, x2: x + 26, y2: rowY, stroke: color, width: 2, dashed: line.dashed)
      ChartStyle.Marker.forSeries(index).draw(x: x + 13, y: rowY, color: color, in: &document)
      document.text(line.name, x: x + 34, y: rowY + ChartStyle.fontSize * 0.35)
    }
    document.endGroup()
  }
}

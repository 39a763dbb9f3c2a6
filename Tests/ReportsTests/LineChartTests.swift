import Testing

@testable import Reports

@Suite struct LineChartTests {
  typealias Point = LineChart.Point

  static let sweep = LineChart(
    title: "net: DRAM traffic by buffer size", xLabel: "buffer size", yLabel: "DRAM traffic (entries)",
    series: [
      .init(name: "layerwise-rowmajor", points: [16, 32, 64, 128, 256].map { Point(x: $0 * 1024, y: 9e6 / $0) }),
      // Unsorted on purpose, with two equal values in a row.
      .init(name: "layerwise-scan", points: [Point(x: 65536, y: 90_000), Point(x: 16384, y: 400_000), Point(x: 32768, y: 90_000)]),
      .init(name: "network floor", points: [16, 256].map { Point(x: $0 * 1024, y: 30_000) }, dashed: true),
    ])

  /// Charts that have tripped plotting code elsewhere: nothing, one point, flat or zero data.
  static let edgeCases: [LineChart] = [
    sweep,
    LineChart(title: "empty", xLabel: "x", yLabel: "y", series: []),
    LineChart(title: "empty series", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [])]),
    LineChart(title: "one point", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [Point(x: 98304, y: 5)])]),
    LineChart(title: "equal", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [Point(x: 1024, y: 7), Point(x: 4096, y: 7)])]),
    LineChart(title: "zeros", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [Point(x: 1, y: 0), Point(x: 2, y: 0)])]),
    LineChart(title: "unplottable", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [Point(x: 0, y: 1), Point(x: 4, y: .nan)])]),
    LineChart(
      title: "linear <&> \"quoted\"", xLabel: "x & y", yLabel: "y < z", xScale: .linear,
      series: [.init(name: "<b>&amp;", points: [Point(x: -3, y: -2), Point(x: 7, y: 12.5)])]),
  ]

  @Test(arguments: edgeCases)
  func everyChartIsWellFormedSVGInsideItsCanvas(chart: LineChart) throws {
    let svg = try SVGReader(chart.svg())
    #expect(svg.width > 0 && svg.height > 0)
    for line in svg.seriesPolylines() {
      for point in line.points {
        #expect((0...svg.width).contains(point.x) && (0...svg.height).contains(point.y), "\(line.name) at \(point)")
      }
    }
  }

  @Test func noPlottablePointSaysNoData() throws {
    for chart in [Self.edgeCases[1], Self.edgeCases[2], Self.edgeCases[6]] {
      let svg = try SVGReader(chart.svg())
      #expect(svg.elements(named: "text").contains { $0.text == "no data" }, "\(chart.title)")
      #expect(svg.seriesPolylines().isEmpty)
    }
  }

  @Test func pixelsFollowTheDataInXAndY() throws {
    let svg = try SVGReader(Self.sweep.svg())
    // The dashed floor is drawn first, under the measured lines.
    let drawn = svg.seriesPolylines()
    #expect(drawn.map(\.name) == ["network floor", "layerwise-rowmajor", "layerwise-scan"])
    let lines = Array(drawn.dropFirst()) + [drawn[0]]
    for line in lines {
      // Sorted by x, so left to right; traffic falls, so pixel y (downward) rises or stays.
      #expect(zip(line.points, line.points.dropFirst()).allSatisfy { $0.x < $1.x && $0.y <= $1.y }, "\(line.name)")
    }
    let scan = lines[1].points
    #expect(scan[1].y == scan[2].y, "equal values, equal heights")
    #expect(scan[0].y < scan[1].y)
    // The floor is below every measured point, so drawn lower (larger pixel y).
    let lowestMeasured = lines[0...1].flatMap(\.points).map(\.y).max() ?? 0
    #expect(lines[2].points.allSatisfy { $0.y > lowestMeasured })
  }

  @Test func eachDoublingTakesTheSameWidth() throws {
    let rowMajor = try #require(try SVGReader(Self.sweep.svg()).seriesPolylines().first { $0.name == "layerwise-rowmajor" }).points
    let steps = zip(rowMajor, rowMajor.dropFirst()).map { $1.x - $0.x }
    let first = try #require(steps.first)
    #expect(first > 0)
    // Two decimals per coordinate: each position is within 0.005 px.
    #expect(steps.allSatisfy { abs($0 - first) <= 0.011 }, "\(steps)")
  }

  @Test func bufferSizeTicksAreThePowersOfTwoInRange() throws {
    let svg = try SVGReader(Self.sweep.svg())
    #expect(svg.texts(inGroup: "x-axis").filter { $0 != "buffer size" } == ["16K", "32K", "64K", "128K", "256K"])
  }

  @Test func yTicksStartAtZeroAndCoverEveryPoint() throws {
    let svg = try SVGReader(Self.sweep.svg())
    let gridYs = svg.elements(named: "line", inGroup: "y-axis").compactMap { $0.number("y1") }
    let labels = svg.texts(inGroup: "y-axis")
    #expect(labels.first == "0")
    let pointYs = svg.seriesPolylines().flatMap(\.points).map(\.y)
    let (top, bottom) = (try #require(gridYs.min()), try #require(gridYs.max()))
    #expect(pointYs.allSatisfy { (top...bottom).contains($0) })
  }

  @Test func legendNamesEverySeriesEscapedAndAll() throws {
    for chart in [Self.sweep, Self.edgeCases[7]] {
      let legend = try SVGReader(chart.svg()).texts(inGroup: "legend")
      #expect(legend == chart.series.map(\.name))
    }
  }

  @Test func sameChartSameBytes() {
    for chart in Self.edgeCases { #expect(chart.svg() == chart.svg()) }
    let rebuilt = LineChart(
      title: Self.sweep.title, xLabel: Self.sweep.xLabel, yLabel: Self.sweep.yLabel, series: Self.sweep.series)
    #expect(rebuilt.svg() == Self.sweep.svg())
  }
}

import Testing

@testable import Reports

@Suite struct BarChartTests {
  static let components = ["input reads", "weight reads", "output writes"]

  /// 64 units, some with names far past the label limit, every fifth emphasized.
  static let manyUnits: [BarChart.Category] = (0..<64).map { index in
    let name = index % 7 == 3 ? "block\(index).expand..block\(index).depthwise..block\(index).project_with_a_long_tail" : "b\(index).pw"
    return BarChart.Category(
      name: name, values: [Double(index * 1000), Double((64 - index) * 300), index % 9 == 0 ? 0 : 5000],
      emphasized: index % 5 == 0)
  }

  static let charts: [BarChart] = [
    BarChart(title: "many", valueLabel: "DRAM traffic (entries)", components: components, categories: manyUnits, emphasisLabel: "fused segment"),
    BarChart(
      title: "many, vertical", valueLabel: "DRAM traffic (entries)", components: components, categories: manyUnits,
      orientation: .vertical, emphasisLabel: "fused segment"),
    BarChart(title: "no categories", valueLabel: "v", components: components, categories: []),
    BarChart(title: "no components", valueLabel: "v", components: [], categories: [.init(name: "a", values: [])]),
    BarChart(title: "zeros", valueLabel: "v", components: components, categories: [.init(name: "a", values: [0, 0, 0])]),
    BarChart(
      title: "odd <values> & \"names\"", valueLabel: "v", components: ["a&b", "<c>"],
      categories: [.init(name: "x<y>", values: [-5, .infinity]), .init(name: "one", values: [3])]),
  ]

  @Test(arguments: charts)
  func everyChartIsWellFormedSVG(chart: BarChart) throws {
    let svg = try SVGReader(chart.svg())
    #expect(svg.width > 0 && svg.height > 0)
    if chart.categories.isEmpty || chart.components.isEmpty {
      #expect(svg.elements(named: "text").contains { $0.text == "no data" })
    }
  }

  @Test(arguments: charts)
  func nothingLeavesTheCanvas(chart: BarChart) throws {
    let svg = try SVGReader(chart.svg())
    for rect in svg.elements(named: "rect") {
      let (x, y) = (rect.number("x") ?? -1, rect.number("y") ?? -1)
      let (width, height) = (rect.number("width") ?? -1, rect.number("height") ?? -1)
      #expect(x >= 0 && y >= 0 && x + width <= svg.width + 0.01 && y + height <= svg.height + 0.01)
    }
    for text in svg.elements(named: "text") {
      let (x, y) = (text.number("x") ?? -1, text.number("y") ?? -1)
      #expect((0...svg.width).contains(x) && (0...svg.height).contains(y), "\(text.text)")
      // Right-aligned horizontal labels: their estimated left end must stay on the canvas too.
      if text.attributes["text-anchor"] == "end", text.attributes["transform"] == nil {
        #expect(x - SVGDocument.textWidth(text.text, fontSize: 12) >= 0, "\(text.text)")
      }
    }
  }

  @Test func barsStackTheirComponentsEndToEndInCategoryOrder() throws {
    let chart = Self.charts[0]
    let svg = try SVGReader(chart.svg())
    let rects = svg.elements(named: "rect", inGroup: "bar")
    #expect(svg.elements(named: "rect", inGroup: "emphasis").count == chart.categories.filter(\.emphasized).count)
    let names = rects.compactMap(\.dataName).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
    #expect(names == chart.categories.map(\.name))
    var pixelsPerUnit: [Double] = []
    for category in chart.categories {
      let parts = rects.filter { $0.dataName == category.name }
      #expect(parts.count == category.values.filter { $0 > 0 }.count)
      for (left, right) in zip(parts, parts.dropFirst()) {
        let end = (left.number("x") ?? 0) + (left.number("width") ?? 0)
        #expect(abs(end - (right.number("x") ?? 0)) <= 0.011, "\(category.name): a gap or overlap")
      }
      let length = parts.reduce(0) { $0 + ($1.number("width") ?? 0) }
      if category.total > 0 { pixelsPerUnit.append(length / category.total) }
    }
    // Every bar on the same scale: length proportional to its total.
    let scale = try #require(pixelsPerUnit.first)
    #expect(pixelsPerUnit.allSatisfy { abs($0 - scale) <= scale * 1e-3 })
  }

  @Test func longNamesAreShortenedButKeepBothEnds() throws {
    let chart = Self.charts[0]
    let labels = try SVGReader(chart.svg()).elements(named: "text", inGroup: "bar")
      .filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
    #expect(labels.count == chart.categories.count)
    for (label, category) in zip(labels, chart.categories) {
      #expect(label.count <= chart.labelLimit)
      if category.name.count > chart.labelLimit {
        #expect(label.contains("…") && label.hasPrefix("block") && label.hasSuffix("tail"), "\(label)")
      } else {
        #expect(label == category.name)
      }
    }
  }

  @Test func legendNamesEveryComponentAndTheEmphasis() throws {
    #expect(try SVGReader(Self.charts[0].svg()).texts(inGroup: "legend") == Self.components + ["fused segment"])
    #expect(try SVGReader(Self.charts[5].svg()).texts(inGroup: "legend") == ["a&b", "<c>"])
  }

  @Test func valueTicksStartAtZeroAndReachTheLongestBar() throws {
    let axis = Axis.fromZero(Self.manyUnits.map(\.total))
    #expect(axis.ticks.first == 0)
    #expect((axis.ticks.last ?? 0) >= Self.manyUnits.map(\.total).max() ?? 0)
  }

  @Test func sameChartSameBytes() {
    for chart in Self.charts { #expect(chart.svg() == chart.svg()) }
  }
}

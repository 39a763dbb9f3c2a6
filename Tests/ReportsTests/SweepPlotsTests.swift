import Testing
import Tiling

@testable import Reports

@Suite struct SweepPlotsTests {
  static let network = "mobilenetv2"

  @Test func oneLinePerStrategyInOrderThenTheFloor() throws {
    let plans = PlanFixtures.plans
    try #require(!plans.isEmpty, "the fixture network did not plan")
    let floor = Double(try #require(plans.map(\.floor).min()))
    let svg = try SVGReader(SweepPlots.traffic(network: Self.network, plans: plans, floor: floor, objective: .traffic, energy: .default))
    let drawn = svg.seriesPolylines()
    // The legend keeps the order of first appearance; the dashed floor is drawn underneath, first.
    #expect(svg.texts(inGroup: "legend") == ["layerwise-rowmajor", "layerwise-scan", "fused-greedy", "network floor"])
    #expect(drawn.first?.name == "network floor")
    let lines = Array(drawn.dropFirst()) + drawn.prefix(1)
    #expect(lines.map(\.name) == ["layerwise-rowmajor", "layerwise-scan", "fused-greedy", "network floor"])
    #expect(lines.map(\.points.count) == [3, 3, 1, 3])
    // Higher traffic is drawn higher: pixel y orders the plans as their totals do.
    let layerwise = plans.filter { $0.strategy != .fusedGreedy }
    let pixels = lines[0...1].flatMap(\.points).map(\.y)
    let totals = [Strategy.layerwiseRowMajor, .layerwiseScan].flatMap { strategy in
      layerwise.filter { $0.strategy == strategy }.sorted { $0.buffer < $1.buffer }.map { Double($0.traffic.total) }
    }
    for (i, j) in zip(totals.indices, totals.indices.dropFirst()) + [(0, 3), (1, 4), (2, 5)] {
      #expect((totals[i] < totals[j]) == (pixels[i] > pixels[j]), "plans \(i) and \(j)")
    }
    let floorY = try #require(lines.last?.points.first?.y)
    #expect(lines.dropLast().flatMap(\.points).allSatisfy { $0.y <= floorY }, "no plan below the floor")
    #expect(svg.texts(inGroup: "x-axis").contains("16K"))
  }

  @Test func energyIsDrawnInAReadableUnit() throws {
    let plans = PlanFixtures.plans
    try #require(!plans.isEmpty)
    let svgText = SweepPlots.traffic(network: Self.network, plans: plans, floor: nil, objective: .energy, energy: .default)
    let svg = try SVGReader(svgText)
    #expect(svg.seriesPolylines().map(\.name) == ["layerwise-rowmajor", "layerwise-scan", "fused-greedy"])
    let axisTitle = try #require(svg.texts(inGroup: "y-axis").last)
    #expect(["(nJ)", "(µJ)", "(mJ)", "(J)"].contains { axisTitle.hasSuffix($0) }, "\(axisTitle)")
    // The largest tick stays below 1000 of the chosen unit: no "1.2K µJ".
    #expect(!svg.texts(inGroup: "y-axis").dropLast().contains { $0.hasSuffix("K") || $0.hasSuffix("M") })
    #expect(svgText == SweepPlots.traffic(network: Self.network, plans: plans, floor: nil, objective: .energy, energy: .default))
  }

  @Test func otherNetworksAreIgnoredAndNoPlanSaysNoData() throws {
    let svg = try SVGReader(SweepPlots.traffic(network: "other", plans: PlanFixtures.plans, floor: 10, objective: .traffic, energy: .default))
    #expect(svg.seriesPolylines().isEmpty)
    #expect(svg.elements(named: "text").contains { $0.text == "no data" })
  }

  @Test func oneBarPerUnitWithSegmentsShaded() throws {
    let plan = try #require(PlanFixtures.fused)
    let text = SweepPlots.layers(network: Self.network, plan: plan)
    let svg = try SVGReader(text)
    let bars = svg.elements(named: "g").filter { $0.attributes["class"] == "bar" }
    #expect(bars.map { $0.attributes["data-category"] ?? "" } == plan.units.map(\.name))
    #expect(svg.texts(inGroup: "legend") == SweepPlots.operandNames + ["fused segment"])
    #expect(svg.elements(named: "rect", inGroup: "emphasis").count == plan.segments.count)
    let title = try #require(svg.elements(named: "text").first?.text)
    #expect(title.contains(Self.network) && title.contains(plan.strategy.rawValue) && title.contains("16K"))
    #expect(text == SweepPlots.layers(network: Self.network, plan: plan))
  }
}

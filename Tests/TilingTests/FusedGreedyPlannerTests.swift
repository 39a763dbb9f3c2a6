import Foundation
import Networks
import Testing

@testable import Tiling

/// The fused-greedy plans of bundled networks, at reduced resolution so every segment's
/// schedule can also be walked.
@Suite struct FusedGreedyPlannerTests {
  static func analysis(_ file: String, side: Int) throws -> NetworkAnalysis {
    var network = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path)
    network.inputs[0].shape.height = side
    network.inputs[0].shape.width = side
    return try network.analyze()
  }

  @Test(arguments: [("mobilenetv2.yaml", 32, 4096), ("mobilenetv2.yaml", 32, 20 * 1024), ("resnet50-cp.yaml", 32, 8192)])
  func planCoversEveryLayerOnceAndNeverLosesToLayerwiseScan(file: String, side: Int, buffer: Int) throws {
    let analysis = try Self.analysis(file, side: side)
    let fused = try FusedGreedyPlanner.plan(analysis, buffer: buffer)
    let scan = try LayerPlanner.plan(analysis, buffer: buffer, scan: .allowed)
    #expect(fused.units.flatMap(\.layerNames) == analysis.layers.map(\.name))
    #expect(!fused.segments.isEmpty)
    // Each unit moves no more bits than its layers alone, so the plan never moves more.
    #expect(fused.units.reduce(0) { $0 + $1.bitsMoved } <= scan.units.reduce(0) { $0 + $1.bitsMoved })
    for schedule in fused.segments {
      let model = SegmentModel(segment: schedule.segment)
      #expect(try model.cost(of: schedule.tiling) == schedule.cost)
      #expect(schedule.cost.footprint <= buffer)
      #expect(schedule.cost.traffic.total >= schedule.floor, "\(schedule.segment.name) below its floor")
      let walked = SegmentWalk(segment: schedule.segment, tiling: schedule.tiling).traffic()
      #expect(walked == schedule.cost.traffic, "\(schedule.segment.name): walk \(walked), closed form \(schedule.cost.traffic)")
    }
    #expect(fused.traffic.total >= fused.floor)
  }

  /// At three stages, MobileNetV2's inverted-residual blocks are fused whole, with their add,
  /// when the buffer allows.
  @Test func mobileNetV2BlocksAreFused() throws {
    let analysis = try Self.analysis("mobilenetv2.yaml", side: 32)
    let plan = try FusedGreedyPlanner.plan(analysis, buffer: 64 * 1024, maxStages: 3)
    let names = plan.segments.map(\.segment.name)
    #expect(names.contains("b3.expand..b3.add"))
    #expect(names.contains("b17.expand..b17.project") || names.contains("b17.expand..head"))
  }

  /// At the default limits, segments reach across blocks: some keep two blocks and their adds
  /// on chip, so that a block output never goes to DRAM.
  @Test func defaultSegmentsSpanBlocks() throws {
    let analysis = try Self.analysis("mobilenetv2.yaml", side: 32)
    let plan = try FusedGreedyPlanner.plan(analysis, buffer: 64 * 1024)
    #expect(plan.segments.contains { $0.segment.layers.filter { $0.kind == .add }.count >= 2 })
  }
}

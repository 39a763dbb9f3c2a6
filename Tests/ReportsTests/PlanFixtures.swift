import Foundation
import Networks
import Tiling

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Real plans of a small network, made once: MobileNetV2 at 32x32 from its stem through
/// b5_1 (with the adds of b3 and b5_1), then b5_2.expand, left with nothing to fuse with (at
/// three stages per segment, one block) so that the fused plan has a lone layer too. Small enough to plan fused in a few seconds.
enum PlanFixtures {
  static let analysis: NetworkAnalysis? = {
    guard var network = try? NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/mobilenetv2.yaml").path)
    else { return nil }
    network.inputs[0].shape.height = 32
    network.inputs[0].shape.width = 32
    guard let end = network.layers.firstIndex(where: { $0.name == "b5_2.expand" }) else { return nil }
    network.layers = Array(network.layers[...end])
    return try? network.analyze()
  }()

  static let buffers = [8 * 1024, 16 * 1024, 32 * 1024]

  /// Row-major and Scan at every buffer size, then fused-greedy at 16K with three stages (`plans.last`).
  static let plans: [NetworkPlan] = {
    guard let analysis else { return [] }
    var plans: [NetworkPlan] = []
    for buffer in buffers {
      for scan in [ScanOption.never, .allowed] {
        if let plan = try? LayerPlanner.plan(analysis, buffer: buffer, scan: scan) { plans.append(plan) }
      }
    }
    if let fused = try? FusedGreedyPlanner.plan(analysis, buffer: 16 * 1024, maxStages: 3) { plans.append(fused) }
    return plans
  }()

  static var fused: NetworkPlan? { plans.last { $0.strategy == .fusedGreedy } }
}

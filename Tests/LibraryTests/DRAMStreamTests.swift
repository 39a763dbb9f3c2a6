import DSE
import Foundation
import Testing

/// The DRAM transaction stream of real plans against the cost model: for every bundled network
/// and strategy, in both layouts, the useful bytes of the bursts are the plan's `dram_bytes`,
/// the useful bits its bits, and every byte lies inside its tensor's placement.
@Suite struct DRAMStreamTests {
  /// Networks with every kind of unit (GEMM, KxK, depthwise, pooling, add, concat, upsample,
  /// fused segments), at 32x32 so that a debug build walks their millions of bursts in seconds;
  /// `dse trace` runs the rest (docs/dram-model.md).
  static let networks = ["mobilenetv2.yaml", "squeezenet1_1.yaml", "yolov3-tiny.cfg"]

  @Test(arguments: networks)
  func usefulBytesAreTheCostModelsBytes(file: String) throws {
    let network = try bundled(file, side: 32)
    for strategy in Strategy.allCases {
      let plan = try network.plan(strategy, context: PlanContext(buffer: 4096))
      let layouts = strategy == .optimal ? [TensorLayout(), TensorLayout(activations: .nhwc, weights: .hwio)] : [TensorLayout()]
      for layout in layouts {
        let options = DRAMStreamOptions(layout: layout)
        let placements = try plan.addressLayout(options)
        var summary = DRAMStreamSummary()
        var strays = 0
        for transaction in try plan.transactions(options) {
          summary.record(transaction)
          // The burst overlaps its tensor, and carries no more useful bits than it holds.
          guard let placement = placements.placement(of: transaction.tensor),
            transaction.address + UInt64(transaction.bytes) > placement.address,
            transaction.address < placement.address + UInt64(placement.bytes),
            transaction.usefulBits > 0 && transaction.usefulBits <= transaction.bytes * 8
          else {
            strays += 1
            continue
          }
        }
        #expect(strays == 0, "\(file) \(strategy) \(layout)")
        #expect(summary.usefulBits == Int64(plan.cost.bits), "\(file) \(strategy) \(layout)")
        #expect(summary.usefulBytes(units: plan.units) == Int64(plan.cost.bytes), "\(file) \(strategy) \(layout)")
        #expect(summary.burstBytes >= Int64(plan.cost.bytes))
      }
    }
  }

  /// Tensors are placed aligned, one after the other, never overlapping.
  @Test func tensorsDoNotOverlap() throws {
    let network = try bundled("resnet50.yaml", side: 32)
    let plan = try network.plan(.layerwiseRowMajor, context: PlanContext(buffer: 4096))
    let layout = try plan.addressLayout()
    let placements = layout.placements
    #expect(Set(placements.map(\.tensor.name)).count == placements.count)
    for (placement, next) in zip(placements, placements.dropFirst()) {
      #expect(placement.address % 4096 == 0)
      #expect(placement.address + UInt64(placement.bytes) <= next.address)
    }
    // Every weight tensor (53 convolutions and the classifier) and every layer output is there.
    #expect(placements.filter { $0.tensor.role == .weights }.count == 54)
    #expect(Set(network.layers.map(\.name)).isSubset(of: placements.map(\.tensor.name)))
  }
}

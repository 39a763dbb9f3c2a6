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

/// One stream, two consumers: the executor runs a plan on data consuming its units' transfers,
/// and the DRAM transactions of the same plan cover, burst for burst, every element those
/// transfers move, at the address the test computes itself from the placement (base, element
/// order, bits per entry); and the DRAM model's runs of the plan add up.
@Suite struct DRAMStreamConsumerTests {
  @Test(arguments: [TensorLayout(), TensorLayout(activations: .nhwc, weights: .hwio)])
  func transactionsCoverWhatTheExecutorMoves(layout: TensorLayout) throws {
    let network = try bundled("squeezenet1_1.yaml", side: 32)
    let plan = try network.plan(.optimal, context: PlanContext(buffer: 4096))
    #expect(try Verifier(network).verify(plan).passed)
    let options = DRAMStreamOptions(layout: layout)
    let placements = try plan.addressLayout(options)
    struct Key: Hashable {
      var unit: Int, step: Int, tensor: String, isWrite: Bool
    }
    var bursts: [Key: Set<UInt64>] = [:]
    for transaction in try plan.transactions(options) {
      let key = Key(unit: transaction.unit, step: transaction.step, tensor: transaction.tensor, isWrite: transaction.isWrite)
      bursts[key, default: []].insert(transaction.address)
    }
    var elements = 0
    var uncovered = 0
    for (unitIndex, unit) in plan.units.enumerated() {
      for transfer in unit.transfers() {
        let placement = try #require(placements.placement(of: transfer.tensor))
        let key = Key(unit: unitIndex, step: transfer.step, tensor: transfer.tensor, isWrite: transfer.direction == .write)
        let covered = bursts[key] ?? []
        for box in transfer.moved {
          for coordinate in box.coordinates() {
            var flat = 0
            for (position, axis) in placement.order.enumerated() {
              flat = flat * placement.orderedExtents[position] + coordinate[axis]
            }
            let byte = placement.address + UInt64(flat * transfer.bitsPerEntry / 8)
            elements += 1
            if !covered.contains(byte / 64 * 64) { uncovered += 1 }
          }
        }
      }
    }
    #expect(elements == plan.cost.entries)
    #expect(uncovered == 0)
  }

  /// The DRAM model's run of the whole plan serves every transaction, and so do its units' runs
  /// together; the stream's useful bytes are the plan's dram_bytes.
  @Test func planReportAddsUp() throws {
    let network = try bundled("mobilenetv2.yaml", side: 32)
    let plan = try network.plan(.optimal, context: PlanContext(buffer: 4096))
    for device in ["ddr4-2400-x8", "lpddr4-x16"] {
      let model = try DRAMModel(device: try DRAMDevice.load(device))
      let report = try plan.dramReport(DRAMEvaluation(model: model))
      let burst = model.device.organization.bytesPerBurst
      let transactions = try plan.transactions(DRAMStreamOptions(burstBytes: burst)).reduce(0) { count, _ in count + 1 }
      #expect(report.plan.requests == Int64(transactions), "\(device)")
      #expect(report.units.count == plan.units.count)
      #expect(report.units.map(\.requests).reduce(0, +) == report.plan.requests, "\(device)")
      #expect(report.stream.usefulBytes(units: plan.units) == Int64(plan.cost.bytes), "\(device)")
      #expect(report.plan.hitRate > 0 && report.plan.hitRate < 1)
      // Every unit that moves data opens a row in its own run, from idle banks.
      #expect(zip(report.units, plan.unitCosts).allSatisfy { $0.0.activations > 0 || $0.1.bytes == 0 })
      let session = try DRAMModel(device: model.device, scheduling: .frfcfsDefault)
      #expect(try plan.dramReport(DRAMEvaluation(model: session)).plan.requests == report.plan.requests)
    }
  }
}

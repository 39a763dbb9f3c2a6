import Networks
import Tiling

/// The CSV tables of `dse sweep`: one row per (network, buffer size, strategy), and one per layer
/// or fused segment of every plan.
/// Traffic is in entries; bytes follow each operand's bit width; energy is DRAM energy in pJ.
public struct SweepTables: Sendable {
  public let records: [PlanRecord]
  public let energy: EnergyModel
  /// `TrafficFloor.network` of each network, by name.
  public let networkFloors: [String: Int]
  /// What `saving_vs_baseline` compares.
  public let objective: Objective

  /// Tables of `records`, energy priced with `energy`.
  public init(records: [PlanRecord], energy: EnergyModel, networkFloors: [String: Int], objective: Objective = .energy) {
    self.records = records
    self.energy = energy
    self.networkFloors = networkFloors
    self.objective = objective
  }

  public static let summaryHeader = [
    "network", "buffer_entries", "strategy", "dram_reads", "dram_writes", "dram_traffic", "dram_bytes",
    "dram_energy_pj", "floor", "ratio_to_floor", "network_floor", "saving_vs_baseline", "segments", "solver", "solve_ms",
  ]

  public static let segmentHeader = [
    "network", "buffer_entries", "strategy", "unit", "op", "layers", "tile", "order", "scan", "chunks",
    "streamed_weights", "line_buffers", "buffer_split", "widths", "footprint", "input_reads", "skip_reads", "weight_reads",
    "output_writes", "psum_reads", "psum_writes", "dram_traffic", "dram_bytes", "dram_energy_pj", "floor",
    "ratio_to_floor", "halo_macs", "chunk_macs",
  ]

  /// `saving_vs_baseline` is 1 - plan / baseline in the metric, against `layerwise-rowmajor` at
  /// the same buffer size (empty when the sweep has no baseline there); `segments` counts the
  /// plan's units, a layer alone being a one-layer segment.
  public func summaryCSV() -> String {
    CSV.render(
      header: Self.summaryHeader,
      rows: records.map { record in
        let plan = record.plan
        let cost = plan.cost(energy)
        let saving = baseline(of: plan).map { base in
          let reference = base.cost(energy).value(objective)
          return reference > 0 ? formatFixed(1 - cost.value(objective) / reference, decimals: 4) : ""
        }
        return [
          plan.network, String(plan.buffer), plan.strategy.rawValue, String(cost.reads), String(cost.writes),
          String(cost.entries), String(cost.bytes), formatFixed(cost.dramEnergyPicojoules, decimals: 1),
          String(cost.floor), formatFixed(cost.ratioToFloor, decimals: 4),
          networkFloors[plan.network].map(String.init) ?? "", saving ?? "", String(plan.units.count), record.solver,
          String(record.milliseconds),
        ]
      })
  }

  public func segmentCSV() -> String {
    CSV.render(
      header: Self.segmentHeader,
      rows: records.flatMap { record in
        record.plan.units.map { unit in
          let cost = unit.cost(energy)
          let traffic = cost.traffic
          let layout = UnitLayout(unit)
          return [
            record.plan.network, String(record.plan.buffer), record.plan.strategy.rawValue, unit.name, unit.operation,
            unit.layerNames.joined(separator: "+"), layout.tile, layout.order, layout.scan, layout.chunks,
            layout.streamedWeights, layout.lineBuffers, layout.split, layout.widths, String(cost.footprint),
            String(traffic.inputReads - cost.skipReads), String(cost.skipReads), String(traffic.weightReads),
            String(traffic.outputWrites), String(traffic.psumReads), String(traffic.psumWrites), String(traffic.total),
            String(cost.bytes), formatFixed(cost.dramEnergyPicojoules, decimals: 1), String(cost.floor),
            formatFixed(cost.ratioToFloor, decimals: 4), String(cost.haloMACs), String(cost.chunkMACs),
          ]
        }
      })
  }

  private func baseline(of plan: NetworkPlan) -> NetworkPlan? {
    records.first { record in
      record.plan.network == plan.network && record.plan.buffer == plan.buffer
        && record.plan.strategy == .baseline
    }?.plan
  }
}

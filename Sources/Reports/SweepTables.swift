import Networks
import Tiling

/// One plan of a sweep with how it was made: which solver, and in how long.
public struct SweepRecord: Hashable, Sendable {
  public var plan: NetworkPlan
  /// What produced the plan: `per-layer search` (layerwise strategies), `greedy`, or the
  /// optimizer's `milp`, `milp-incumbent`, `dp`.
  public var solver: String
  /// Wall time of making the plan (searches and solver), in milliseconds.
  public var milliseconds: Int

  public init(plan: NetworkPlan, solver: String, milliseconds: Int) {
    self.plan = plan
    self.solver = solver
    self.milliseconds = milliseconds
  }
}

/// What `saving_vs_baseline` compares: the optimizer's objective.
public enum SweepMetric: String, Hashable, Sendable {
  case energy, traffic
}

/// The CSV tables of `dse sweep`: one row per (network, buffer size, strategy), and one per layer
/// or fused segment of every plan.
/// Traffic is in entries; bytes follow each operand's bit width; energy is DRAM energy in pJ.
public struct SweepTables: Sendable {
  public static let baselineStrategy = "layerwise-rowmajor"

  public let records: [SweepRecord]
  public let energy: EnergyModel
  /// `TrafficFloor.network` of each network, by name.
  public let networkFloors: [String: Int]
  public let metric: SweepMetric
  /// Width of a partial sum in entries, as the plans were made with (for the buffer split).
  public let psumWidth: Int

  public init(
    records: [SweepRecord], energy: EnergyModel, networkFloors: [String: Int], metric: SweepMetric = .energy, psumWidth: Int = 1
  ) {
    self.records = records
    self.energy = energy
    self.networkFloors = networkFloors
    self.metric = metric
    self.psumWidth = psumWidth
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
        let traffic = plan.traffic
        let saving = baseline(of: plan).map { base in
          let reference = measure(base)
          return reference > 0 ? formatFixed(1 - measure(plan) / reference, decimals: 4) : ""
        }
        return [
          plan.network, String(plan.buffer), plan.strategy, String(traffic.reads), String(traffic.writes),
          String(traffic.total), String(plan.bytes), formatFixed(plan.dramEnergy(energy), decimals: 1),
          String(plan.floor), formatFixed(plan.ratioToFloor, decimals: 4),
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
          let traffic = unit.traffic
          let layout = UnitLayout(unit, psumWidth: psumWidth)
          let skips: Int
          if case .segment(let schedule) = unit { skips = schedule.cost.traffic.totalSkipReads } else { skips = 0 }
          return [
            record.plan.network, String(record.plan.buffer), record.plan.strategy, unit.name, unit.operation,
            unit.layerNames.joined(separator: "+"), layout.tile, layout.order, layout.scan, layout.chunks,
            layout.streamedWeights, layout.lineBuffers, layout.split, layout.widths, String(unit.footprint),
            String(traffic.inputReads - skips), String(skips), String(traffic.weightReads), String(traffic.outputWrites),
            String(traffic.psumReads), String(traffic.psumWrites), String(traffic.total), String(unit.bytes),
            formatFixed(unit.dramEnergy(energy), decimals: 1), String(unit.floor),
            formatFixed(unit.ratioToFloor, decimals: 4), String(unit.haloMACs), String(unit.chunkMACs),
          ]
        }
      })
  }

  private func baseline(of plan: NetworkPlan) -> NetworkPlan? {
    records.first { record in
      record.plan.network == plan.network && record.plan.buffer == plan.buffer
        && record.plan.strategy == Self.baselineStrategy
    }?.plan
  }

  private func measure(_ plan: NetworkPlan) -> Double {
    switch metric {
    case .energy: return plan.dramEnergy(energy)
    case .traffic: return Double(plan.traffic.total)
    }
  }
}

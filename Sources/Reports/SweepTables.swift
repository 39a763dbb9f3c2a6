import DRAM
import Networks
import Tiling

/// The CSV tables of `dse sweep`: one row per (network, buffer size, strategy), and one per layer
/// or fused segment of every plan.
/// Traffic is in entries; bytes follow each operand's bit width; energy is DRAM energy in pJ:
/// bytes at the energy model's pJ per byte (`dram_model` = `pj-per-byte`), or what a DRAM
/// device model reports for the plan's transaction stream (`dram_model` = the device's name,
/// with its row-hit rate, activations and time).
public struct SweepTables: Sendable {
  /// The plans, one row each in the summary and one row per unit in the segments table.
  public let records: [PlanRecord]
  /// Prices DRAM bytes when `dram` is empty.
  public let energy: EnergyModel
  /// `TrafficFloor.network` of each network, by name.
  public let networkFloors: [String: Int]
  /// What `saving_vs_baseline` compares.
  public let objective: Objective
  /// The DRAM model's report of each record, in the order of `records`; empty: priced per byte.
  public let dram: [DRAMPlanReport]
  /// Whether `solve_ms` is filled; off, it is left empty so that two runs write the same bytes.
  public var timing = true

  /// Tables of `records`, energy priced with `energy`, or taken from `dram` (one report per
  /// record, in order) when given.
  public init(
    records: [PlanRecord], energy: EnergyModel, networkFloors: [String: Int], objective: Objective = .energy,
    dram: [DRAMPlanReport] = []
  ) {
    self.records = records
    self.energy = energy
    self.networkFloors = networkFloors
    self.objective = objective
    self.dram = dram.count == records.count ? dram : []
  }

  /// Columns of `summaryCSV`.
  public static let summaryHeader = [
    "network", "buffer_entries", "strategy", "dram_reads", "dram_writes", "dram_traffic", "dram_bytes",
    "dram_energy_pj", "dram_model", "row_hit_rate", "activations", "dram_time_us", "floor", "ratio_to_floor",
    "network_floor", "saving_vs_baseline", "segments", "solver", "solve_ms",
  ]

  /// Columns of `segmentCSV`.
  public static let segmentHeader = [
    "network", "buffer_entries", "strategy", "unit", "op", "layers", "tile", "order", "scan", "chunks",
    "streamed_weights", "line_buffers", "buffer_split", "widths", "footprint", "input_reads", "skip_reads", "weight_reads",
    "output_writes", "psum_reads", "psum_writes", "dram_traffic", "dram_bytes", "dram_energy_pj", "dram_model",
    "row_hit_rate", "activations", "dram_time_us", "floor", "ratio_to_floor", "halo_macs", "chunk_macs",
  ]

  /// `dram_model` when energy is bytes times the energy model's constant.
  public static let perByteModel = "pj-per-byte"

  /// The DRAM columns of a plan or unit: energy, model, row-hit rate, activations, time (the
  /// last three empty when priced per byte).
  private func dramColumns(_ report: DRAMReport?, perByte picojoules: Double) -> [String] {
    guard let report else { return [formatFixed(picojoules, decimals: 1), Self.perByteModel, "", "", ""] }
    return [
      formatFixed(report.totalPicojoules, decimals: 1), report.device, formatFixed(report.hitRate, decimals: 4),
      String(report.activations), formatFixed(report.timeNanoseconds / 1000, decimals: 3),
    ]
  }

  /// The value `saving_vs_baseline` compares: DRAM energy from the model when there is one.
  private func objectiveValue(_ index: Int) -> Double {
    if objective == .energy, !dram.isEmpty { return dram[index].plan.totalPicojoules }
    return records[index].plan.cost(energy).value(objective)
  }

  /// `saving_vs_baseline` is 1 - plan / baseline in the metric, against `layerwise-rowmajor` at
  /// the same buffer size (empty when the sweep has no baseline there); `segments` counts the
  /// plan's units, a layer alone being a one-layer segment.
  public func summaryCSV() -> String {
    CSV.render(
      header: Self.summaryHeader,
      rows: records.indices.map { index in
        let record = records[index]
        let plan = record.plan
        let cost = plan.cost(energy)
        let saving = baseline(of: plan).map { base in
          let reference = objectiveValue(base)
          return reference > 0 ? formatFixed(1 - objectiveValue(index) / reference, decimals: 4) : ""
        }
        return [
          plan.network, String(plan.buffer), plan.strategy.rawValue, String(cost.reads), String(cost.writes),
          String(cost.entries), String(cost.bytes),
        ] + dramColumns(dram.isEmpty ? nil : dram[index].plan, perByte: cost.dramEnergyPicojoules) + [
          String(cost.floor), formatFixed(cost.ratioToFloor, decimals: 4),
          networkFloors[plan.network].map(String.init) ?? "", saving ?? "", String(plan.units.count), record.solver,
          timing ? String(record.milliseconds) : "",
        ]
      })
  }

  /// One row per unit of every plan, in plan order.
  public func segmentCSV() -> String {
    CSV.render(
      header: Self.segmentHeader,
      rows: records.indices.flatMap { index in
        let record = records[index]
        return record.plan.units.indices.map { unitIndex in
          let unit = record.plan.units[unitIndex]
          let cost = unit.cost(energy)
          let traffic = cost.traffic
          let layout = UnitLayout(unit)
          return [
            record.plan.network, String(record.plan.buffer), record.plan.strategy.rawValue, unit.name, unit.operation,
            unit.layerNames.joined(separator: "+"), layout.tile, layout.order, layout.scan, layout.chunks,
            layout.streamedWeights, layout.lineBuffers, layout.split, layout.widths, String(cost.footprint),
            String(traffic.inputReads - cost.skipReads), String(cost.skipReads), String(traffic.weightReads),
            String(traffic.outputWrites), String(traffic.psumReads), String(traffic.psumWrites), String(traffic.total),
            String(cost.bytes),
          ] + dramColumns(dram.isEmpty ? nil : dram[index].units[unitIndex], perByte: cost.dramEnergyPicojoules) + [
            String(cost.floor), formatFixed(cost.ratioToFloor, decimals: 4), String(cost.haloMACs), String(cost.chunkMACs),
          ]
        }
      })
  }

  /// The index of the baseline record at `plan`'s network and buffer size.
  private func baseline(of plan: NetworkPlan) -> Int? {
    records.firstIndex { record in
      record.plan.network == plan.network && record.plan.buffer == plan.buffer
        && record.plan.strategy == .baseline
    }
  }
}

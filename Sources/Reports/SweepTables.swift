import Networks
import Tiling

/// The CSV tables of `dse sweep`: one row per (network, buffer size, strategy), and one per layer
/// or fused segment.
/// Traffic is in entries; bytes follow each operand's bit width; energy is DRAM energy in pJ.
public struct SweepTables: Sendable {
  public let plans: [NetworkPlan]
  public let energy: EnergyModel

  public init(plans: [NetworkPlan], energy: EnergyModel) {
    self.plans = plans
    self.energy = energy
  }

  public static let summaryHeader = [
    "network", "buffer_entries", "strategy", "dram_reads", "dram_writes", "dram_traffic", "dram_bytes",
    "dram_energy_pj", "floor", "ratio_to_floor",
  ]

  public static let layerHeader = [
    "network", "buffer_entries", "strategy", "layer", "op", "layers", "schedule", "footprint", "input_reads",
    "weight_reads", "output_writes", "psum_reads", "psum_writes", "dram_traffic", "dram_bytes", "dram_energy_pj", "floor",
    "ratio_to_floor", "halo_macs", "chunk_macs",
  ]

  public func summaryCSV() -> String {
    CSV.render(
      header: Self.summaryHeader,
      rows: plans.map { plan in
        let traffic = plan.traffic
        return [
          plan.network, String(plan.buffer), plan.strategy, String(traffic.reads), String(traffic.writes),
          String(traffic.total), String(plan.bytes), formatFixed(plan.dramEnergy(energy), decimals: 1),
          String(plan.floor), formatFixed(plan.ratioToFloor, decimals: 4),
        ]
      })
  }

  public func layerCSV() -> String {
    CSV.render(
      header: Self.layerHeader,
      rows: plans.flatMap { plan in
        plan.units.map { unit in
          let traffic = unit.traffic
          return [
            plan.network, String(plan.buffer), plan.strategy, unit.name, unit.operation,
            unit.layerNames.joined(separator: "+"), unit.scheduleDescription, String(unit.footprint),
            String(traffic.inputReads), String(traffic.weightReads), String(traffic.outputWrites), String(traffic.psumReads),
            String(traffic.psumWrites), String(traffic.total), String(unit.bytes),
            formatFixed(unit.dramEnergy(energy), decimals: 1), String(unit.floor), formatFixed(unit.ratioToFloor, decimals: 4),
            String(unit.haloMACs), String(unit.chunkMACs),
          ]
        }
      })
  }
}

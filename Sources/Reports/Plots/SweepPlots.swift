import DRAM
import Tiling

/// The SVG charts of `dse sweep`: how a network's DRAM traffic or energy falls as the buffer
/// grows, per strategy, and where one plan's traffic goes, per layer or fused segment.
package enum SweepPlots {
  /// One line per strategy (in order of first appearance in `plans`) against buffer size on a
  /// log2 axis, plus `floor` as a dashed line named "network floor". The chart plots the
  /// objective: DRAM traffic in entries, or DRAM energy computed in pJ with `energy` and drawn
  /// in the SI unit (nJ, µJ, mJ, J) that keeps the largest value between 1 and 1000.
  ///
  /// - Parameters:
  ///   - plans: plans of the network `network`; plans of other networks are ignored.
  ///   - floor: the network's lower bound in the objective's unit, the one `plans` are
  ///     measured in: entries for `.traffic`, pJ for `.energy` (the caller knows the bit
  ///     widths that turn entries into energy; the chart converts pJ to its display unit).
  ///     nil draws no floor.
  package static func traffic(
    network: String, plans: [NetworkPlan], floor: Double?, objective: Objective, energy: EnergyModel
  ) -> String {
    let ours = plans.filter { $0.network == network }
    return lines(
      network: network, plans: ours, values: ours.map { $0.cost(energy).value(objective) }, floor: floor,
      unit: { DisplayUnit(objective: objective, largest: $0) }, title: nil)
  }

  /// One line per strategy of the DRAM energy a device model reports for each plan (`reports[i]`
  /// of `plans[i]`) against buffer size on a log2 axis, in the SI unit that keeps the largest
  /// value between 1 and 1000; the title names the device.
  package static func dramEnergy(network: String, plans: [NetworkPlan], reports: [DRAMPlanReport]) -> String {
    let pairs = zip(plans, reports).filter { $0.0.network == network }
    let device = pairs.first?.1.plan.device ?? "DRAM model"
    return lines(
      network: network, plans: pairs.map(\.0), values: pairs.map(\.1.plan.totalPicojoules), floor: nil,
      unit: { DisplayUnit.energy(largestPicojoules: $0) },
      title: "\(network): DRAM energy on \(device) by buffer size")
  }

  /// The line chart of `values[i]` of `plans[i]` per strategy (in order of first appearance),
  /// with `floor` dashed when given.
  private static func lines(
    network: String, plans: [NetworkPlan], values: [Double], floor: Double?, unit makeUnit: (Double) -> DisplayUnit,
    title: String?
  ) -> String {
    let unit = makeUnit((values + (floor.map { [$0] } ?? [])).max() ?? 0)
    var strategies: [Strategy] = []
    for plan in plans where !strategies.contains(plan.strategy) { strategies.append(plan.strategy) }
    var series = strategies.map { strategy in
      LineChart.Series(
        name: strategy.rawValue,
        points: plans.indices.filter { plans[$0].strategy == strategy }.map { index in
          LineChart.Point(x: Double(plans[index].buffer), y: values[index] / unit.scale)
        })
    }
    let buffers = Set(plans.map(\.buffer)).sorted()
    if let floor, !buffers.isEmpty {
      // One point per buffer size, so the line spans the chart like the strategies do.
      let points = buffers.map { LineChart.Point(x: Double($0), y: floor / unit.scale) }
      series.append(LineChart.Series(name: "network floor", points: points, dashed: true, color: "#000000"))
    }
    let chart = LineChart(
      title: title ?? "\(network): \(unit.quantity) by buffer size", xLabel: "buffer size (entries; K = 1024)",
      yLabel: "\(unit.quantity) (\(unit.name))", xScale: .log2, series: series)
    return chart.svg()
  }

  /// The operands of DRAM traffic, in the stacking order of `layers`.
  package static let operandNames = ["input reads", "weight reads", "output writes", "partial-sum reads", "partial-sum writes"]

  /// A stacked horizontal bar per unit of `plan`, in plan order, split by operand
  /// (`operandNames`), in entries. Fused segments are shaded and named in the legend.
  package static func layers(network: String, plan: NetworkPlan) -> String {
    let categories = plan.units.map { unit in
      let traffic = unit.traffic
      let values = [traffic.inputReads, traffic.weightReads, traffic.outputWrites, traffic.psumReads, traffic.psumWrites]
      let isSegment: Bool
      if case .segment = unit { isSegment = true } else { isSegment = false }
      return BarChart.Category(name: unit.name, values: values.map(Double.init), emphasized: isSegment)
    }
    let total = TickLabel.compact(Double(plan.traffic.total))
    let title =
      "\(network), \(plan.strategy.rawValue), buffer \(TickLabel.bufferSize(Double(plan.buffer))) entries: "
      + "DRAM traffic \(total) entries by unit"
    let chart = BarChart(
      title: title, valueLabel: "DRAM traffic (entries)", components: operandNames, categories: categories,
      orientation: .horizontal, emphasisLabel: "fused segment")
    return chart.svg()
  }

  /// The unit values are drawn in: entries as they are (tick labels add K, M, G), energy
  /// scaled from pJ to the largest SI unit the largest value reaches.
  struct DisplayUnit {
    var quantity: String
    var name: String
    /// Base-unit values per display unit.
    var scale: Double

    static let entries = DisplayUnit(quantity: "DRAM traffic", name: "entries", scale: 1)

    static func energy(largestPicojoules largest: Double) -> DisplayUnit {
      let units: [(String, Double)] = [("J", 1e12), ("mJ", 1e9), ("µJ", 1e6), ("nJ", 1e3)]
      let (name, scale) = units.first { largest >= $0.1 } ?? ("pJ", 1)
      return DisplayUnit(quantity: "DRAM energy", name: name, scale: scale)
    }

    init(quantity: String, name: String, scale: Double) {
      self.quantity = quantity
      self.name = name
      self.scale = scale
    }

    init(objective: Objective, largest: Double) {
      switch objective {
      case .traffic: self = .entries
      case .energy: self = .energy(largestPicojoules: largest)
      }
    }
  }
}

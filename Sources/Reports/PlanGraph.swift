import Networks
import Tiling

/// Graphviz DOT of a network plan: the network drawn as `NetworkGraph` draws it, every fused
/// segment boxed as a `cluster_<n>` (n counting segments in plan order) labelled with its
/// schedule, traffic and floor, every layer run alone annotated with its own. The graph label
/// gives the network, strategy, buffer size, total traffic, its ratio to the plan's floor and
/// the DRAM energy under `energy`. Traffic is in entries, energy in the SI unit that fits.
public struct PlanGraph: Sendable {
  public let analysis: NetworkAnalysis
  public let plan: NetworkPlan
  public let energy: EnergyModel

  public init(analysis: NetworkAnalysis, plan: NetworkPlan, energy: EnergyModel) {
    self.analysis = analysis
    self.plan = plan
    self.energy = energy
  }

  public func dot() -> String {
    var lines = GraphStyle.header(name: plan.network, label: title)
    lines += analysis.network.inputs.map { GraphStyle.inputNode($0) }
    let outputs = Set(analysis.network.outputNames)
    let layersByName = Dictionary(analysis.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    // The unit running each layer; layers no unit runs are drawn as the network draws them.
    var unitOfLayer: [String: Int] = [:]
    for (index, unit) in plan.units.enumerated() {
      for name in unit.layerNames where unitOfLayer[name] == nil { unitOfLayer[name] = index }
    }
    let clusterOfUnit = clusterNumbers()
    var drawnUnits = Set<Int>()
    for layer in analysis.layers {
      guard let unitIndex = unitOfLayer[layer.name] else {
        lines.append(GraphStyle.layerNode(layer, isOutput: outputs.contains(layer.name)))
        continue
      }
      // A segment is drawn whole where its first layer comes, then skipped.
      guard drawnUnits.insert(unitIndex).inserted else { continue }
      let unit = plan.units[unitIndex]
      guard let cluster = clusterOfUnit[unitIndex] else {
        lines.append(GraphStyle.layerNode(layer, isOutput: outputs.contains(layer.name), notes: notes(for: unit)))
        continue
      }
      lines.append("  subgraph cluster_\(cluster) {")
      lines.append("    graph [label=\(DOT.id(clusterLabel(unit))), style=\"rounded,filled\", "
        + "fillcolor=\"#f7f3e6\", color=\"#b39b55\", labeljust=l, fontsize=10];")
      for name in unit.layerNames {
        guard let member = layersByName[name], unitOfLayer[name] == unitIndex else { continue }
        lines.append(GraphStyle.layerNode(member, isOutput: outputs.contains(name), indent: "    "))
      }
      lines.append("  }")
    }
    lines += GraphStyle.edges(analysis)
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Cluster number of each segment unit, counting segments in plan order from 0.
  private func clusterNumbers() -> [Int: Int] {
    var numbers: [Int: Int] = [:]
    for (index, unit) in plan.units.enumerated() {
      if case .segment = unit { numbers[index] = numbers.count }
    }
    return numbers
  }

  private var title: String {
    let traffic = plan.traffic.total
    return "\(plan.network), \(plan.strategy.rawValue), buffer \(TickLabel.bufferSize(Double(plan.buffer))) entries "
      + "(\(plan.buffer))\nDRAM traffic \(TickLabel.compact(Double(traffic))) entries (\(traffic)), "
      + "floor \(TickLabel.compact(Double(plan.floor))) (\(ratio(plan.ratioToFloor))); "
      + "DRAM energy \(Self.energyText(plan.dramEnergy(energy)))"
  }

  /// Lines under a lone layer's name, op and shape.
  private func notes(for unit: PlanUnit) -> [String] {
    [unit.scheduleDescription, "traffic \(TickLabel.compact(Double(unit.traffic.total))), \(ratio(unit.ratioToFloor)) floor"]
  }

  private func clusterLabel(_ unit: PlanUnit) -> String {
    let traffic = TickLabel.compact(Double(unit.traffic.total))
    let floor = TickLabel.compact(Double(unit.floor))
    return "fused \(unit.name)\n\(unit.scheduleDescription)\ntraffic \(traffic) / floor \(floor) (\(ratio(unit.ratioToFloor)))"
  }

  private func ratio(_ value: Double) -> String { formatFixed(value, decimals: 2) + "x" }

  /// pJ in the SI unit that keeps the number between 1 and 1000: "2.45 mJ".
  static func energyText(_ picojoules: Double) -> String {
    let unit = SweepPlots.DisplayUnit.energy(largestPicojoules: picojoules)
    return TickLabel.significant(picojoules / unit.scale, digits: 3) + " " + unit.name
  }
}

/// A network planned at one buffer size by one strategy: the units chosen, how they were found,
/// and what they cost on the architecture of the context. A `Codable` value that carries every
/// unit's shapes: it can be priced, walked and saved without the network beside it.
public struct Plan: Hashable, Sendable, Codable {
  /// The units, strategy, buffer and network name, the solver and the time taken.
  public var record: PlanRecord
  /// The accelerator the plan was priced for.
  public var architecture: Architecture
  /// Width of a partial sum in buffer entries, as planned.
  public var psumWidth: Int
  /// The network's floor in entries and bits: every weight, the input and the outputs once.
  /// No plan of any strategy moves less.
  public var networkFloor: NetworkFloor
  /// What the solver reported that the caller should know (a time limit reached, a fallback).
  public var warnings: [String]

  /// The network's name.
  public var network: String { record.plan.network }
  /// On-chip buffer capacity in entries.
  public var buffer: Int { record.plan.buffer }
  /// The strategy that made the plan.
  public var strategy: Strategy { record.plan.strategy }
  /// Layers and fused segments in execution order.
  public var units: [PlanUnit] { record.plan.units }
  /// The plan's totals: the sum of its units' costs, energy at the architecture's DRAM pJ/byte.
  public var cost: Cost { record.plan.cost(architecture.energy) }
  /// Each unit's cost, in order.
  public var unitCosts: [Cost] { units.map { $0.cost(architecture.energy) } }
}

/// The traffic every plan of a network must move, in entries and in bits.
public struct NetworkFloor: Hashable, Sendable, Codable {
  /// Entries: every weight, every network output and the network inputs (as read), once.
  public var entries: Int
  /// The same entries, each at its tensor's width.
  public var bits: Int

  /// A floor of `entries` entries and `bits` bits.
  public init(entries: Int, bits: Int) {
    self.entries = entries
    self.bits = bits
  }

  /// The floor of an analysed network.
  public init(_ analysis: NetworkAnalysis) {
    let floor = TrafficFloor.network(analysis)
    self.init(entries: floor.entries, bits: floor.bits)
  }
}

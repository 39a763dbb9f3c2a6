/// A network scheduled at one buffer size by one strategy: its layers and fused segments in
/// network order, with totals.
public struct NetworkPlan: Hashable, Sendable, Codable {
  /// The network's name.
  public var network: String
  /// On-chip buffer capacity in entries.
  public var buffer: Int
  /// The strategy that made the plan.
  public var strategy: Strategy
  /// Layers and fused segments in execution order.
  public var units: [PlanUnit]

  /// A plan of `units` in execution order.
  public init(network: String, buffer: Int, strategy: Strategy, units: [PlanUnit]) {
    self.network = network
    self.buffer = buffer
    self.strategy = strategy
    self.units = units
  }

  /// A plan that runs every layer alone.
  public init(network: String, buffer: Int, strategy: Strategy, layers: [LayerSchedule]) {
    self.init(network: network, buffer: buffer, strategy: strategy, units: layers.map(PlanUnit.layer))
  }

  /// The layers run alone.
  public var layers: [LayerSchedule] {
    units.compactMap { unit in if case .layer(let schedule) = unit { return schedule } else { return nil } }
  }

  /// The fused segments.
  public var segments: [SegmentSchedule] {
    units.compactMap { unit in if case .segment(let schedule) = unit { return schedule } else { return nil } }
  }

  /// DRAM traffic in entries, by operand.
  public var traffic: Traffic { units.reduce(.zero) { $0 + $1.traffic } }
  /// DRAM bytes.
  public var bytes: Int { units.reduce(0) { $0 + $1.bytes } }
  /// The sum of the floors of the plan's own layers and segments, in entries.
  public var floor: Int { units.reduce(0) { $0 + $1.floor } }
  /// DRAM energy in pJ.
  public func dramEnergy(_ model: EnergyModel) -> Double { units.reduce(0) { $0 + $1.dramEnergy(model) } }
  /// Traffic over the plan's floor.
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }

  /// The plan's totals: the sum of its units' costs.
  public func cost(_ model: EnergyModel) -> Cost { units.reduce(.zero) { $0 + $1.cost(model) } }
}

/// One unit of a network plan: a layer run alone, or a fused segment. Each carries its own
/// shapes, so a unit can be walked, priced and executed without the network beside it.
public enum PlanUnit: Hashable, Sendable, Codable {
  case layer(LayerSchedule)
  case segment(SegmentSchedule)

  /// The layer's name, or the segment's ("first..last").
  public var name: String {
    switch self {
    case .layer(let schedule): return schedule.layer
    case .segment(let schedule): return schedule.segment.name
    }
  }

  /// The layers the unit runs, in order.
  public var layerNames: [String] {
    switch self {
    case .layer(let schedule): return [schedule.layer]
    case .segment(let schedule): return schedule.segment.layers.map(\.name)
    }
  }

  /// DRAM traffic in entries, by operand (a segment's skip reads count as input reads).
  public var traffic: Traffic {
    switch self {
    case .layer(let schedule): return schedule.traffic
    case .segment(let schedule): return schedule.cost.traffic.traffic
    }
  }

  /// DRAM bytes: each operand's bits rounded up to whole bytes for a layer; a segment's bits
  /// moved, rounded up.
  public var bytes: Int {
    switch self {
    case .layer(let schedule): return schedule.bytes
    case .segment(let schedule): return (schedule.cost.bits + 7) / 8
    }
  }

  /// Bits moved (the planners' objective), as a Double the planners add up.
  public var bitsMoved: Double { Double(bits) }

  /// Bits moved: each entry at its operand's width.
  public var bits: Int {
    switch self {
    case .layer(let schedule):
      let traffic = schedule.traffic
      let widths = schedule.bits
      return traffic.inputReads * widths.input + traffic.weightReads * widths.weight + traffic.outputWrites * widths.output
        + (traffic.psumReads + traffic.psumWrites) * widths.psum
    case .segment(let schedule): return schedule.cost.bits
    }
  }

  /// DRAM energy in pJ.
  public func dramEnergy(_ model: EnergyModel) -> Double { bitsMoved / 8 * model.dramPicojoulesPerByte }

  /// The floor in entries.
  public var floor: Int {
    switch self {
    case .layer(let schedule): return schedule.floor.value
    case .segment(let schedule): return schedule.floor
    }
  }

  /// Buffer entries the unit occupies at most.
  public var footprint: Int {
    switch self {
    case .layer(let schedule): return schedule.footprint
    case .segment(let schedule): return schedule.cost.footprint
    }
  }

  /// Multiply-accumulates of the unit's layers, counted once (pooling, adds and other streaming
  /// layers count none).
  public var macs: Int {
    switch self {
    case .layer(let schedule): return schedule.workload.macs
    case .segment(let schedule): return schedule.segment.macs
    }
  }

  /// MACs a segment spends recomputing halos (overlapping windows of neighbouring tiles); 0 for a layer.
  public var haloMACs: Int {
    if case .segment(let schedule) = self { return schedule.cost.haloMACs } else { return 0 }
  }

  /// MACs a segment spends recomputing chunked stages per chunk of a later stage; 0 for a layer.
  public var chunkMACs: Int {
    if case .segment(let schedule) = self { return schedule.cost.chunkMACs } else { return 0 }
  }

  /// Entries a segment reads for the skip operands of its residual adds; 0 for a layer.
  public var skipReads: Int {
    if case .segment(let schedule) = self { return schedule.cost.traffic.totalSkipReads } else { return 0 }
  }

  /// Traffic over floor.
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }

  /// Everything the unit moves and costs, with DRAM energy from `model`.
  public func cost(_ model: EnergyModel) -> Cost {
    Cost(
      traffic: traffic, skipReads: skipReads, bits: bits, bytes: bytes, dramEnergyPicojoules: dramEnergy(model),
      floor: floor, macs: macs, haloMACs: haloMACs, chunkMACs: chunkMACs, footprint: footprint)
  }

  /// "segment", or the layer's operation.
  public var operation: String {
    switch self {
    case .layer(let schedule): return schedule.kind.rawValue
    case .segment: return "segment"
    }
  }

  /// One line: the tiling, Scan and chunks.
  public var scheduleDescription: String {
    switch self {
    case .layer(let schedule): return schedule.scheduleDescription
    case .segment(let schedule): return schedule.tiling.description
    }
  }
}

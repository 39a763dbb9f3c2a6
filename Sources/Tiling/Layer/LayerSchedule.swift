import Networks

/// How a network is scheduled layer by layer: each layer alone with its own best tiling.
public enum LayerwiseStrategy: String, Hashable, Sendable, Codable, CaseIterable {
  /// Loops never Scan: the conventional baseline.
  case rowMajor = "layerwise-rowmajor"
  /// Any loop may Scan.
  case scan = "layerwise-scan"

  var scanOption: ScanOption { self == .scan ? .allowed : .never }
}

/// The schedule of one layer at one buffer size, with its exact traffic and its floor.
public struct LayerSchedule: Hashable, Sendable {
  /// What was chosen for the layer.
  public enum Choice: Hashable, Sendable {
    case gemm(GEMMTiling)
    case convolution(ConvolutionTiling)
    /// Pooling, add, concat, upsample: read once, written once.
    case streaming
  }

  public var layer: String
  public var kind: OperationKind
  public var choice: Choice
  /// DRAM traffic in entries, per operand.
  public var traffic: Traffic
  public var floor: TrafficFloor
  /// Buffer entries the schedule occupies, and how they are split between operands.
  public var footprint: Int
  public var split: BufferSplit
  public var bits: OperandBits

  /// DRAM bytes, each operand rounded up to whole bytes.
  public var bytes: Int { bits.wholeBytes(of: traffic) }

  /// DRAM energy in pJ.
  public func dramEnergy(_ model: EnergyModel) -> Double { model.dramEnergy(of: traffic, bits: bits) }

  /// Traffic over floor (1 means the schedule moves only what it must).
  public var ratioToFloor: Double { floor.value > 0 ? Double(traffic.total) / Double(floor.value) : 1 }

  /// One line: the tiling, or "streaming".
  public var scheduleDescription: String {
    switch choice {
    case .gemm(let tiling): return tiling.description
    case .convolution(let tiling): return tiling.description
    case .streaming: return "streaming"
    }
  }
}

/// One unit of a network plan: a layer run alone, or a fused segment.
public enum PlanUnit: Hashable, Sendable {
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

  /// Bits moved (the planners' objective).
  public var bitsMoved: Double {
    switch self {
    case .layer(let schedule): return schedule.bits.bits(of: schedule.traffic)
    case .segment(let schedule): return Double(schedule.cost.bits)
    }
  }

  public func dramEnergy(_ model: EnergyModel) -> Double { bitsMoved / 8 * model.dramPicojoulesPerByte }

  public var floor: Int {
    switch self {
    case .layer(let schedule): return schedule.floor.value
    case .segment(let schedule): return schedule.floor
    }
  }

  public var footprint: Int {
    switch self {
    case .layer(let schedule): return schedule.footprint
    case .segment(let schedule): return schedule.cost.footprint
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

  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }

  /// "segment", or the layer's operation.
  public var operation: String {
    switch self {
    case .layer(let schedule): return schedule.kind.rawValue
    case .segment: return "segment"
    }
  }

  public var scheduleDescription: String {
    switch self {
    case .layer(let schedule): return schedule.scheduleDescription
    case .segment(let schedule): return schedule.tiling.description
    }
  }
}

/// A network scheduled at one buffer size by one strategy: its layers and fused segments in
/// network order, with totals.
public struct NetworkPlan: Hashable, Sendable {
  public var network: String
  public var buffer: Int
  public var strategy: String
  public var units: [PlanUnit]

  public init(network: String, buffer: Int, strategy: String, units: [PlanUnit]) {
    self.network = network
    self.buffer = buffer
    self.strategy = strategy
    self.units = units
  }

  public init(network: String, buffer: Int, strategy: String, layers: [LayerSchedule]) {
    self.init(network: network, buffer: buffer, strategy: strategy, units: layers.map(PlanUnit.layer))
  }

  /// The layers run alone.
  public var layers: [LayerSchedule] {
    units.compactMap { unit in if case .layer(let schedule) = unit { return schedule } else { return nil } }
  }

  public var segments: [SegmentSchedule] {
    units.compactMap { unit in if case .segment(let schedule) = unit { return schedule } else { return nil } }
  }

  public var traffic: Traffic { units.reduce(.zero) { $0 + $1.traffic } }
  public var bytes: Int { units.reduce(0) { $0 + $1.bytes } }
  /// The sum of the floors of the plan's own layers and segments.
  public var floor: Int { units.reduce(0) { $0 + $1.floor } }
  public func dramEnergy(_ model: EnergyModel) -> Double { units.reduce(0) { $0 + $1.dramEnergy(model) } }
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }
}

extension TrafficObjective {
  /// Minimise bits moved: the DRAM energy of a layer is proportional to it.
  public init(bits: OperandBits) {
    self.init(input: bits.input, weight: bits.weight, output: bits.output, psum: bits.psum)
  }
}

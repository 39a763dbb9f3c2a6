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
  /// Buffer entries the schedule occupies.
  public var footprint: Int
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

/// Every layer of a network scheduled at one buffer size by one strategy, with totals.
public struct NetworkPlan: Hashable, Sendable {
  public var network: String
  public var buffer: Int
  public var strategy: String
  public var layers: [LayerSchedule]

  public init(network: String, buffer: Int, strategy: String, layers: [LayerSchedule]) {
    self.network = network
    self.buffer = buffer
    self.strategy = strategy
    self.layers = layers
  }

  public var traffic: Traffic { layers.reduce(.zero) { $0 + $1.traffic } }
  public var bytes: Int { layers.reduce(0) { $0 + $1.bytes } }
  /// The sum of the floors of the plan's own layers.
  public var floor: Int { layers.reduce(0) { $0 + $1.floor.value } }
  public func dramEnergy(_ model: EnergyModel) -> Double { layers.reduce(0) { $0 + $1.dramEnergy(model) } }
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }
}

extension TrafficObjective {
  /// Minimise bits moved: the DRAM energy of a layer is proportional to it.
  public init(bits: OperandBits) {
    self.init(input: bits.input, weight: bits.weight, output: bits.output, psum: bits.psum)
  }
}

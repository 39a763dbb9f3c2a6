import Networks

/// The schedule of one layer at one buffer size, with its exact traffic and its floor.
public struct LayerSchedule: Hashable, Sendable, Codable {
  /// What was chosen for the layer.
  public enum Choice: Hashable, Sendable, Codable {
    case gemm(GEMMTiling)
    case convolution(ConvolutionTiling)
    /// Pooling, add, concat, upsample: read once, written once.
    case streaming
  }

  /// The layer's name.
  public var layer: String
  public var kind: OperationKind
  /// What the tiling model sees of the layer: its shapes, so the schedule can be walked alone.
  public var workload: LayerWorkload
  /// The DRAM tensors it reads and writes, so that its transfers name what they move.
  public var tensors: LayerTensors
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

extension TrafficObjective {
  /// Minimise bits moved: the DRAM energy of a layer is proportional to it.
  public init(bits: OperandBits) {
    self.init(input: bits.input, weight: bits.weight, output: bits.output, psum: bits.psum)
  }
}

import Networks
import Tiling

/// What the optimizer needs to know of a candidate: the layers it covers and its figures.
public struct CandidateFigures: Hashable, Sendable {
  /// Indices into `NetworkAnalysis.layers`.
  public var layers: Range<Int>
  /// Bits moved to and from DRAM (each operand at its width): what DRAM energy is proportional to.
  public var bits: Int
  /// DRAM traffic in entries.
  public var traffic: Int
  /// MACs executed, the layers' own plus what the schedule recomputes (halos, chunks).
  public var macs: Int
  public var extraMACs: Int
  /// The tensors behind `bits`, so that other widths can re-price them (empty when read from a
  /// candidate file, which then cannot be solved with a width choice).
  public var moves: [TensorTraffic]

  public init(layers: Range<Int>, bits: Int, traffic: Int, macs: Int, extraMACs: Int, moves: [TensorTraffic] = []) {
    self.layers = layers
    self.bits = bits
    self.traffic = traffic
    self.macs = macs
    self.extraMACs = extraMACs
    self.moves = moves
  }

  public var isFused: Bool { layers.count > 1 }

  /// Cycles under a roofline: the MAC array at full use or the DRAM interface at peak
  /// bandwidth, whichever is slower (the two overlap; nothing else stalls).
  public func cycles(_ architecture: Architecture) -> Double {
    let compute = Double(macs) / Double(architecture.macArray.macsPerCycle)
    let memory = Double(bits) / 8 / architecture.dramBandwidthBytesPerCycle
    return max(compute, memory)
  }
}

/// One way to run a consecutive range of a network's layers: a layer alone or a fused segment,
/// with one schedule. The optimizer covers the network with candidates.
public struct PlanCandidate: Hashable, Sendable {
  public var unit: PlanUnit
  public var figures: CandidateFigures

  public init(layers: Range<Int>, unit: PlanUnit, macs: Int, in analysis: NetworkAnalysis, psumWidth: Int) {
    self.unit = unit
    figures = CandidateFigures(
      layers: layers, bits: Int(unit.bitsMoved), traffic: unit.traffic.total, macs: macs,
      extraMACs: unit.haloMACs + unit.chunkMACs,
      moves: TensorTraffic.moves(of: unit, layers: layers, in: analysis, psumWidth: psumWidth))
  }

  public var layers: Range<Int> { figures.layers }
}

/// Every candidate of one network at one buffer size.
public struct CandidateSet: Sendable {
  /// Ordered by first layer, then length, then bits and MACs: a deterministic order the solvers keep.
  public var candidates: [PlanCandidate]
  /// The same candidates as the optimizer sees them.
  public var problem: PartitionProblem
  public var analysis: NetworkAnalysis
  public var psumWidth: Int

  public init(analysis: NetworkAnalysis, buffer: Int, psumWidth: Int, candidates: [PlanCandidate], pruned: Bool) {
    self.analysis = analysis
    self.psumWidth = psumWidth
    let network = analysis.network.name
    let layerNames = analysis.layers.map(\.name)
    self.candidates = candidates.sorted { a, b in
      let x = a.figures
      let y = b.figures
      return (x.layers.lowerBound, x.layers.count, x.bits, x.macs) < (y.layers.lowerBound, y.layers.count, y.bits, y.macs)
    }
    problem = PartitionProblem(
      network: network, buffer: buffer, layerNames: layerNames, candidates: self.candidates.map(\.figures), pruned: pruned)
  }

  public var fusedCount: Int { problem.candidates.filter(\.isFused).count }
}

/// The optimizer's input: a network's layers and the candidates that cover them.
public struct PartitionProblem: Hashable, Sendable {
  public var network: String
  public var buffer: Int
  public var layerNames: [String]
  public var candidates: [CandidateFigures]
  /// Whether candidates that cannot be in a least-bits plan were left out (see
  /// `CandidateOptions.pruneLosing`): then only the uncoupled energy objective may be optimized.
  public var pruned: Bool

  public init(network: String, buffer: Int, layerNames: [String], candidates: [CandidateFigures], pruned: Bool) {
    self.network = network
    self.buffer = buffer
    self.layerNames = layerNames
    self.candidates = candidates
    self.pruned = pruned
  }

  public var layerCount: Int { layerNames.count }
}

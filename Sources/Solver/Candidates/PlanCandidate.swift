import Networks
import Tiling

/// What the optimizer needs to know of a candidate: the layers it covers and its figures.
package struct CandidateFigures: Hashable, Sendable {
  /// Indices into `NetworkAnalysis.layers`.
  package var layers: Range<Int>
  /// Bits moved to and from DRAM (each operand at its width): what DRAM energy is proportional to.
  package var bits: Int
  /// DRAM traffic in entries.
  package var traffic: Int
  /// MACs executed, the layers' own plus what the schedule recomputes (halos, chunks).
  package var macs: Int
  package var extraMACs: Int
  /// The tensors behind `bits`, so that other widths can re-price them (empty when read from a
  /// candidate file, which then cannot be solved with a width choice).
  package var moves: [TensorTraffic]

  package init(layers: Range<Int>, bits: Int, traffic: Int, macs: Int, extraMACs: Int, moves: [TensorTraffic] = []) {
    self.layers = layers
    self.bits = bits
    self.traffic = traffic
    self.macs = macs
    self.extraMACs = extraMACs
    self.moves = moves
  }

  package var isFused: Bool { layers.count > 1 }

  /// Cycles under a roofline: the MAC array at full use or the DRAM interface at peak
  /// bandwidth, whichever is slower (the two overlap; nothing else stalls).
  package func cycles(_ architecture: Architecture) -> Double {
    let compute = Double(macs) / Double(architecture.macArray.macsPerCycle)
    let memory = Double(bits) / 8 / architecture.dramBandwidthBytesPerCycle
    return max(compute, memory)
  }
}

/// One way to run a consecutive range of a network's layers: a layer alone or a fused segment,
/// with one schedule. The optimizer covers the network with candidates.
package struct PlanCandidate: Hashable, Sendable {
  package var unit: PlanUnit
  package var figures: CandidateFigures

  package init(layers: Range<Int>, unit: PlanUnit, macs: Int, in analysis: NetworkAnalysis, psumWidth: Int) {
    self.unit = unit
    figures = CandidateFigures(
      layers: layers, bits: Int(unit.bitsMoved), traffic: unit.traffic.total, macs: macs,
      extraMACs: unit.haloMACs + unit.chunkMACs,
      moves: TensorTraffic.moves(of: unit, layers: layers, in: analysis, psumWidth: psumWidth))
  }

  package var layers: Range<Int> { figures.layers }
}

/// Every candidate of one network at one buffer size.
package struct CandidateSet: Sendable {
  /// Ordered by first layer, then length, then bits and MACs: a deterministic order the solvers keep.
  package var candidates: [PlanCandidate]
  /// The same candidates as the optimizer sees them.
  package var problem: PartitionProblem
  package var analysis: NetworkAnalysis
  package var psumWidth: Int

  package init(analysis: NetworkAnalysis, buffer: Int, psumWidth: Int, candidates: [PlanCandidate], prunedAbove: Int) {
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
      network: network, buffer: buffer, layerNames: layerNames, candidates: self.candidates.map(\.figures),
      prunedAbove: prunedAbove)
  }

  package var fusedCount: Int { problem.candidates.filter(\.isFused).count }
}

/// The optimizer's input: a network's layers and the candidates that cover them.
package struct PartitionProblem: Hashable, Sendable {
  package var network: String
  package var buffer: Int
  package var layerNames: [String]
  package var candidates: [CandidateFigures]
  /// Segments of more than this many channel stages that cannot be in a least-bits plan were
  /// left out (`CandidateOptions.pruneLosingAbove`; Int.max: none). Coupling constraints and
  /// other objectives need at least the segments `CandidateOptions.forCoupledObjectives` keeps.
  package var prunedAbove: Int

  package init(network: String, buffer: Int, layerNames: [String], candidates: [CandidateFigures], prunedAbove: Int) {
    self.network = network
    self.buffer = buffer
    self.layerNames = layerNames
    self.candidates = candidates
    self.prunedAbove = prunedAbove
  }

  package var layerCount: Int { layerNames.count }
}

import Foundation
import Networks
import Solver
import Tiling

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A bundled network with its input shrunk to `side` x `side`, so that every search is quick.
func bundledAnalysis(_ file: String, side: Int) throws -> NetworkAnalysis {
  var network = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path)
  network.inputs[0].shape.height = side
  network.inputs[0].shape.width = side
  return try network.analyze()
}

/// Every cover of 0..<layerCount by the candidates, by plain recursion: the brute-force oracle.
func everyCover(_ problem: PartitionProblem) -> [[Int]] {
  let starting = Dictionary(grouping: problem.candidates.indices) { problem.candidates[$0].layers.lowerBound }
  func covers(from start: Int) -> [[Int]] {
    if start == problem.layerCount { return [[]] }
    return starting[start, default: []].flatMap { index in
      covers(from: problem.candidates[index].layers.upperBound).map { [index] + $0 }
    }
  }
  return covers(from: 0)
}

/// A random partition problem: every layer alone, and random fused ranges with one to three
/// figures each (a few equal in bits, to exercise ties).
func randomProblem(layers: Int, using generator: inout some RandomNumberGenerator) -> PartitionProblem {
  var candidates: [CandidateFigures] = []
  for first in 0..<layers {
    for end in (first + 1)...min(layers, first + 4) {
      let isAlone = end == first + 1
      guard isAlone || Int.random(in: 0..<3, using: &generator) > 0 else { continue }
      for _ in 0..<(isAlone ? 1 : Int.random(in: 1...3, using: &generator)) {
        // MACs comparable to traffic in roofline cycles, and fused units that recompute: fewer
        // bits can mean more cycles, so a latency budget really trades against the objective.
        let macs = Int.random(in: 20_000...400_000, using: &generator) * (end - first)
        let extra = isAlone ? 0 : Int.random(in: 0...macs, using: &generator)
        let traffic = Int.random(in: 500...20_000, using: &generator) * (isAlone ? 2 : 1)
        candidates.append(
          CandidateFigures(layers: first..<end, bits: traffic * 8, traffic: traffic, macs: macs + extra, extraMACs: extra))
      }
    }
  }
  return PartitionProblem(
    network: "random", buffer: 1024, layerNames: (0..<layers).map { "l\($0)" }, candidates: candidates, prunedAbove: .max)
}

/// A random problem whose candidates carry their tensors (`moves`): each reads the previous
/// layer's output (or the 8-bit network input), its layers' weights, and writes its last
/// layer's output; fused candidates move fewer activations. With a width choice over all layers.
func randomProblemWithMoves(layers: Int, using generator: inout some RandomNumberGenerator) -> PartitionProblem {
  var candidates: [CandidateFigures] = []
  for first in 0..<layers {
    for end in (first + 1)...min(layers, first + 3) {
      guard end == first + 1 || Int.random(in: 0..<3, using: &generator) > 0 else { continue }
      var moves: [TensorTraffic] = []
      let input: TensorTraffic.Owner = first == 0 ? .input(bits: 8) : .activations(first - 1)
      moves.append(TensorTraffic(owner: input, entries: Int.random(in: 100...3_000, using: &generator)))
      for layer in first..<end {
        moves.append(TensorTraffic(owner: .weights(layer), entries: Int.random(in: 50...4_000, using: &generator)))
      }
      moves.append(TensorTraffic(owner: .activations(end - 1), entries: Int.random(in: 100...3_000, using: &generator)))
      let traffic = moves.reduce(0) { $0 + $1.entries }
      let macs = Int.random(in: 20_000...200_000, using: &generator) * (end - first)
      candidates.append(
        CandidateFigures(layers: first..<end, bits: traffic * 8, traffic: traffic, macs: macs, extraMACs: 0, moves: moves))
    }
  }
  return PartitionProblem(
    network: "random", buffer: 1024, layerNames: (0..<layers).map { "l\($0)" }, candidates: candidates, prunedAbove: .max)
}

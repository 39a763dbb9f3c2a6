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
    network: "random", buffer: 1024, layerNames: (0..<layers).map { "l\($0)" }, candidates: candidates, pruned: false)
}

/// The exact dynamic program over the layer chain: the cheapest way to cover layers 0..<n with
/// candidates of consecutive layers, each layer exactly once. A shortest path through the
/// boundaries 0...n; it needs an objective that is a sum over candidates and no constraint
/// that couples them, which is what the MILP adds.
package enum ChainProgram {
  /// Indices of the chosen candidates in layer order and their total cost, or nil when no
  /// cover exists. Among equal totals the earliest-listed candidates win, so the answer is
  /// deterministic.
  package static func cheapestCover(
    layerCount: Int, candidates: [CandidateFigures], cost: (CandidateFigures) -> Double
  ) -> (cost: Double, chosen: [Int])? {
    var best = Array(repeating: Double.infinity, count: layerCount + 1)
    var last = Array(repeating: -1, count: layerCount + 1)
    best[0] = 0
    let ending = Dictionary(grouping: candidates.indices, by: { candidates[$0].layers.upperBound })
    for boundary in stride(from: 1, through: layerCount, by: 1) {
      for index in ending[boundary, default: []] {
        let candidate = candidates[index]
        let total = best[candidate.layers.lowerBound] + cost(candidate)
        if total < best[boundary] {
          best[boundary] = total
          last[boundary] = index
        }
      }
    }
    guard layerCount == 0 || best[layerCount].isFinite else { return nil }
    var chosen: [Int] = []
    var boundary = layerCount
    while boundary > 0 {
      let index = last[boundary]
      chosen.append(index)
      boundary = candidates[index].layers.lowerBound
    }
    return (best[layerCount], chosen.reversed())
  }
}

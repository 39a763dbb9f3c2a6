import Networks
import Tiling

/// Runs a pointwise (no padding) or fully connected layer as the GEMM O[M x N] = I[M x K] . W[K x N]
/// of its `GEMMTiling` (docs/tiling-model.md), tile by tile through an `OnChipBuffer`, counting every
/// transfer: one resident tile per operand, loaded when its tile index changes, an output tile
/// written when left (complete, or as 32-bit partial sums read back on the next visit).
struct GEMMExecution {
  let name: String
  let shape: GEMMShape
  let tiling: GEMMTiling
  let capacity: Int
  let psumWidth: Int
  /// Where GEMM coordinates live in the layer's tensors (flat CHW indices).
  let inputIndex: (_ m: Int, _ k: Int) -> Int
  let outputIndex: (_ m: Int, _ n: Int) -> Int
  let outputCount: Int
  /// The input tensor and the weights ([n][k]) as stored in DRAM.
  let input: [Int32]
  let weights: [Int32]
  let finish: (_ outputChannel: Int, _ accumulator: Int32) -> Int32
  var droppedInputLoads: Set<Int> = []

  func run() throws(ExecutionFailure) -> ConvolutionExecution.Result {
    func range(_ dimension: GEMMDimension, _ tile: Int) -> Range<Int> {
      let size = max(1, min(tiling.tile[dimension], shape[dimension]))
      return (tile * size)..<min((tile + 1) * size, shape[dimension])
    }
    var buffer = OnChipBuffer(capacity: capacity)
    var result = ConvolutionExecution.Result(output: Array(repeating: 0, count: outputCount))
    let kTiles = (shape.k + max(1, min(tiling.tile.k, shape.k)) - 1) / max(1, min(tiling.tile.k, shape.k))
    var partialSums: [[Int]: [Int32]] = [:]
    var contributions: [[Int]: Int] = [:]
    var accumulators: [Int32] = []
    var current: (key: [Int], m: Range<Int>, n: Range<Int>)?

    func leave(_ tile: (key: [Int], m: Range<Int>, n: Range<Int>)) {
      if contributions[tile.key] == kTiles {
        var position = 0
        for m in tile.m {
          for n in tile.n {
            result.output[outputIndex(m, n)] = finish(n, accumulators[position])
            position += 1
          }
        }
        result.traffic.outputWrites += accumulators.count
      } else {
        partialSums[tile.key] = accumulators
        result.traffic.psumWrites += accumulators.count
      }
    }
    for (number, step) in GEMMWalk(shape: shape, tiling: tiling).steps().enumerated() {
      let (ms, ks, ns) = (range(.m, step.m), range(.k, step.k), range(.n, step.n))
      let key = [step.m, step.n]
      if let tile = current, tile.key != key { leave(tile) }
      if current?.key != key {
        if let saved = partialSums.removeValue(forKey: key) {
          accumulators = saved
          result.traffic.psumReads += saved.count
        } else {
          accumulators = Array(repeating: 0, count: ms.count * ns.count)
        }
        current = (key, ms, ns)
      }
      if !droppedInputLoads.contains(number) {
        result.traffic.inputReads += buffer.hold("input", ms.flatMap { m in ks.map { inputIndex(m, $0) } }, from: input)
      }
      result.traffic.weightReads += buffer.hold("weights", ns.flatMap { n in ks.map { n * shape.k + $0 } }, from: weights)
      let tile = "m\(step.m) k\(step.k) n\(step.n)"
      for (region, overflow) in [
        ("input", buffer.occupyHeld("input")), ("weights", buffer.occupyHeld("weights")),
        ("outputs", buffer.occupy("outputs", accumulators.count * psumWidth)),
      ] {
        if let overflow { throw ExecutionFailure(unit: name, step: number, tile: tile, operand: region, message: overflow) }
      }
      // Gather the step's operands from the buffer (each must be held), then multiply densely.
      let heldInput = buffer.held("input"), heldWeights = buffer.held("weights")
      var inputTile = [Int32](repeating: 0, count: ms.count * ks.count)
      var weightTile = [Int32](repeating: 0, count: ns.count * ks.count)
      for (row, m) in ms.enumerated() {
        for (column, k) in ks.enumerated() {
          guard let value = heldInput.value(inputIndex(m, k)) else {
            throw ExecutionFailure(
              unit: name, step: number, tile: tile, operand: "input", message: "element (m \(m), k \(k)) read but not in the buffer")
          }
          inputTile[row * ks.count + column] = value
        }
      }
      for (row, n) in ns.enumerated() {
        for (column, k) in ks.enumerated() {
          guard let weight = heldWeights.value(n * shape.k + k) else {
            throw ExecutionFailure(
              unit: name, step: number, tile: tile, operand: "weights", message: "weight (k \(k), n \(n)) read but not in the buffer")
          }
          weightTile[row * ks.count + column] = weight
        }
      }
      let depth = ks.count
      inputTile.withUnsafeBufferPointer { inputs in
        weightTile.withUnsafeBufferPointer { weights in
          var position = 0
          for m in 0..<ms.count {
            for n in 0..<ns.count {
              var sum: Int32 = 0
              for k in 0..<depth { sum = sum &+ inputs[m * depth + k] &* weights[n * depth + k] }
              accumulators[position] = accumulators[position] &+ sum
              position += 1
            }
          }
        }
      }
      contributions[key, default: 0] += 1
    }
    if let tile = current { leave(tile) }
    return result
  }
}

import Networks
import Tiling

/// Runs a pointwise (no padding) or fully connected layer as the GEMM O[M x N] = I[M x K] . W[K x N]
/// of its `GEMMTiling` (docs/tiling-model.md), tile by tile through an `OnChipBuffer`, counting every
/// transfer: one resident tile per operand, loaded when its tile index changes, an output tile
/// written when left (complete, or as 32-bit partial sums read back on the next visit). Loads are
/// the walk's stream (`PlanUnit.transfers()`: tiles in the layer's tensor coordinates); the
/// arithmetic reads GEMM coordinates through `inputIndex`, so a stream that maps m or k to the
/// wrong pixels fails; each output transfer must be the stream's next one, on the same elements.
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
  /// Extents of the input tensor `c h w` and of the weights `co ci kh kw`, and the walk's transfers.
  let inputExtents: [Int]
  let outputExtents: [Int]
  let transfers: UnitTransfers
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
    var stream = TransferStream(transfers)
    let weightExtents = [shape.n, shape.k, 1, 1]

    func offsets(_ tile: (key: [Int], m: Range<Int>, n: Range<Int>)) -> [Int] {
      tile.m.flatMap { m in tile.n.map { outputIndex(m, $0) } }
    }
    func leave(_ tile: (key: [Int], m: Range<Int>, n: Range<Int>), at number: Int) throws(ExecutionFailure) {
      let complete = contributions[tile.key] == kTiles
      if let mismatch = stream.expect(complete ? .output : .psum, .write, at: number, offsets: offsets(tile), in: outputExtents) {
        throw ExecutionFailure(unit: name, step: number, tile: "m\(tile.key[0]) n\(tile.key[1])", operand: "outputs", message: mismatch)
      }
      if complete {
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
    let steps = GEMMWalk(shape: shape, tiling: tiling).steps()
    for (number, step) in steps.enumerated() {
      let (ms, ks, ns) = (range(.m, step.m), range(.k, step.k), range(.n, step.n))
      let tile = "m\(step.m) k\(step.k) n\(step.n)"
      while let read = stream.nextRead(at: number, of: [.input, .weights]) {
        let isInput = read.operand == .input
        if isInput && droppedInputLoads.contains(number) { continue }
        let (held, moved) = TransferStream.offsets(read, in: isInput ? inputExtents : weightExtents)
        switch buffer.load(isInput ? "input" : "weights", tile: held, moved: moved, from: isInput ? input : weights) {
        case .success(let loaded):
          if isInput { result.traffic.inputReads += loaded } else { result.traffic.weightReads += loaded }
        case .failure(let mismatch):
          throw ExecutionFailure(
            unit: name, step: number, tile: tile, operand: isInput ? "input" : "weights",
            message: "the walk's transfer \(mismatch.message)")
        }
      }
      let key = [step.m, step.n]
      if let previous = current, previous.key != key { try leave(previous, at: number) }
      if current?.key != key {
        current = (key, ms, ns)
        if let saved = partialSums.removeValue(forKey: key), let restored = current {
          if let mismatch = stream.expect(.psum, .read, at: number, offsets: offsets(restored), in: outputExtents) {
            throw ExecutionFailure(unit: name, step: number, tile: tile, operand: "outputs", message: mismatch)
          }
          accumulators = saved
          result.traffic.psumReads += saved.count
        } else {
          accumulators = Array(repeating: 0, count: ms.count * ns.count)
        }
      }
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
    if let tile = current { try leave(tile, at: steps.count - 1) }
    if let leftover = stream.leftover {
      throw ExecutionFailure(unit: name, step: steps.count, tile: "-", operand: "stream", message: leftover)
    }
    return result
  }
}

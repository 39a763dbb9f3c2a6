/// One DRAM transfer of a convolution's walk (or, with no entries, a tile that only shrank).
package struct ConvolutionTransfer: Hashable, Sendable, Codable {
  package var operand: Operand
  package var kind: Transfer.Kind
  /// Tile index along each loop of the nest (loops the operand does not depend on included).
  package var tile: [ConvolutionDimension: Int]
  /// Entries moved: for an input tile, only what the previous input tile does not hold.
  package var entries: Int
  /// Index of the step that made the transfer (an output tile left is written at the step that leaves it).
  package var step: Int = 0
  /// For a read: the tile the operand held before (the previous step's), whose overlap did not move.
  package var previousTile: [ConvolutionDimension: Int]? = nil
}

/// Enumerates a tiled convolution step by step and emits its DRAM transfers: the reference the
/// closed form is checked against, and the stream DRAM traces and the executor consume.
package struct ConvolutionWalk: Sendable {
  package let problem: ConvolutionProblem
  package let tiling: ConvolutionTiling

  package init(problem: ConvolutionProblem, tiling: ConvolutionTiling) {
    self.problem = problem
    self.tiling = tiling
  }

  package func transfers() -> [ConvolutionTransfer] {
    let order = tiling.order
    func axes(_ operand: Operand) -> [AxisIntervals] {
      order.map { ConvolutionTraffic.axis(operand, $0, problem, tiling) }
    }
    let inputAxes = axes(.input)
    let weightAxes = axes(.weight)
    let outputAxes = axes(.output)
    let levels = order.indices.map { LoopLevel(count: outputAxes[$0].count, scanned: tiling.scan.contains(order[$0])) }
    let kernelArea = problem.kernel.height * problem.kernel.width
    let multiplier = problem.isDepthwise ? problem.multiplier : 1
    let reductionLevel = problem.isDepthwise ? nil : order.firstIndex(of: .inputChannels)
    let reductionTiles = reductionLevel.map { levels[$0].count } ?? 1

    func size(_ axes: [AxisIntervals], _ step: [Int]) -> Int { step.indices.reduce(1) { $0 * axes[$1].length(step[$1]) } }
    func shared(_ axes: [AxisIntervals], _ a: [Int], _ b: [Int]) -> Int {
      a.indices.reduce(1) { $0 * axes[$1].overlap(a[$1], b[$1]) }
    }
    func tile(_ step: [Int]) -> [ConvolutionDimension: Int] {
      Dictionary(uniqueKeysWithValues: zip(order, step))
    }
    func outputKey(_ step: [Int]) -> [Int] {
      step.indices.map { $0 == reductionLevel ? 0 : step[$0] }
    }

    var transfers: [ConvolutionTransfer] = []
    var contributions: [[Int]: Int] = [:]
    var previous: [Int]?
    func leave(_ step: [Int], at number: Int) {
      let complete = contributions[outputKey(step)] == reductionTiles
      transfers.append(
        ConvolutionTransfer(
          operand: .output, kind: complete ? .write : .psumWrite, tile: tile(outputKey(step)),
          entries: size(outputAxes, step) * multiplier, step: number))
    }
    let steps = LoopNestWalk(levels: levels).steps()
    for (number, step) in steps.enumerated() {
      for (operand, operandAxes, scale) in [(Operand.input, inputAxes, 1), (.weight, weightAxes, kernelArea * multiplier)] {
        let kept = previous.map { shared(operandAxes, $0, step) } ?? 0
        let new = size(operandAxes, step) - kept
        // A tile that only shrinks moves nothing, but the stream still says so: the operand
        // holds less from this step on.
        if new > 0 || previous.map({ kept < size(operandAxes, $0) }) == true {
          transfers.append(
            ConvolutionTransfer(
              operand: operand, kind: .read, tile: tile(step), entries: new * scale, step: number,
              previousTile: previous.map(tile)))
        }
      }
      let key = outputKey(step)
      if let previous, outputKey(previous) != key { leave(previous, at: number) }
      if previous.map(outputKey) != key, contributions[key] != nil {
        transfers.append(
          ConvolutionTransfer(
            operand: .output, kind: .psumRead, tile: tile(key), entries: size(outputAxes, step) * multiplier, step: number))
      }
      contributions[key, default: 0] += 1
      previous = step
    }
    if let previous { leave(previous, at: max(0, steps.count - 1)) }
    return transfers
  }

  /// The walk's transfers summed per operand and kind.
  package func traffic() -> Traffic {
    transfers().reduce(into: Traffic.zero) { $0.record($1.operand, $1.kind, entries: $1.entries) }
  }
}

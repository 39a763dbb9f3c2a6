import Networks
import Tiling

/// Runs one KxK or depthwise convolution tile by tile as its `ConvolutionTiling` says, through an
/// `OnChipBuffer` of B entries, counting every DRAM transfer.
///
/// What is loaded at each step is the region the cost model charges (`ConvolutionTraffic.axis`:
/// the tile's channels and the input rows and columns its windows read), keeping what the
/// previous step already holds; what the arithmetic reads is derived separately from the
/// definition of convolution (output o reads input o*stride - padding + i). A read of an element
/// the buffer does not hold fails the execution, so a region the model gets wrong, or a dropped
/// load, is caught. Partial sums of a tile left before its reduction ends go to DRAM as 32-bit
/// accumulators and come back when the tile is revisited, as the model counts them.
struct ConvolutionExecution {
  let name: String
  let problem: ConvolutionProblem
  let tiling: ConvolutionTiling
  let capacity: Int
  let psumWidth: Int
  /// The input tensor (CHW) and the weights ([co][ci or 1][kh][kw]) as stored in DRAM.
  let input: [Int32]
  let weights: [Int32]
  /// Bias, requantization and activation of a complete accumulator of an output channel.
  let finish: (_ outputChannel: Int, _ accumulator: Int32) -> Int32
  /// Steps whose input load is skipped (to prove that a dropped reload is caught).
  var droppedInputLoads: Set<Int> = []

  struct Result {
    var traffic = Traffic.zero
    var output: [Int32]
  }

  func run() throws(ExecutionFailure) -> Result {
    let order = tiling.order
    let sizes = order.map { tiling.size($0, in: problem) }
    let levels = order.indices.map { index in
      LoopLevel(
        count: (problem.extent(of: order[index]) + sizes[index] - 1) / sizes[index],
        scanned: tiling.scan.contains(order[index]))
    }
    func regions(_ operand: Operand) -> [AxisIntervals] {
      order.map { ConvolutionTraffic.axis(operand, $0, problem, tiling) }
    }
    let inputRegions = regions(.input)
    let weightRegions = regions(.weight)
    let multiplier = problem.multiplier
    let kernelArea = problem.kernel.height * problem.kernel.width
    let (inHeight, inWidth) = (problem.input.height, problem.input.width)
    let (outHeight, outWidth) = (problem.output.height, problem.output.width)
    let reduction = problem.isDepthwise ? nil : order.firstIndex(of: .inputChannels)
    let reductionTiles = reduction.map { levels[$0].count } ?? 1

    var buffer = OnChipBuffer(capacity: capacity, outputWidth: psumWidth)
    var result = Result(output: Array(repeating: 0, count: problem.output.elementCount ?? 0))
    var partialSums: [[Int]: [Int: Int32]] = [:]  // in DRAM, by output tile
    var contributions: [[Int]: Int] = [:]
    var accumulators: [Int: Int32] = [:]
    var previousKey: [Int]?

    func range(_ dimension: ConvolutionDimension, _ step: [Int]) -> Range<Int> {
      guard let level = order.firstIndex(of: dimension) else { return 0..<problem.extent(of: dimension) }
      let start = step[level] * sizes[level]
      return start..<min(start + sizes[level], problem.extent(of: dimension))
    }
    func coordinates(_ axes: [AxisIntervals], _ step: [Int], _ dimension: ConvolutionDimension) -> [Int] {
      guard let level = order.firstIndex(of: dimension) else { return [] }
      return axes[level].tiles[step[level]].flatMap { Array($0) }
    }
    func outputChannels(_ step: [Int]) -> Range<Int> {
      if problem.isDepthwise {
        let channels = range(.inputChannels, step)
        return (channels.lowerBound * multiplier)..<(channels.upperBound * multiplier)
      }
      return range(.outputChannels, step)
    }
    func outputTile(_ step: [Int]) -> [Int] { step.indices.map { $0 == reduction ? 0 : step[$0] } }
    func outputIndices(_ step: [Int]) -> [Int] {
      var indices: [Int] = []
      for channel in outputChannels(step) {
        for row in range(.rows, step) {
          for column in range(.columns, step) { indices.append((channel * outHeight + row) * outWidth + column) }
        }
      }
      return indices
    }
    func failure(_ step: Int, _ indices: [Int], _ operand: String, _ message: String) -> ExecutionFailure {
      let tile = zip(order, indices).map { "\($0.0.rawValue)\($0.1)" }.joined(separator: " ")
      return ExecutionFailure(unit: name, step: step, tile: tile, operand: operand, message: message)
    }
    func leave(_ key: [Int], step: [Int]) {
      let indices = outputIndices(step)
      if contributions[key] == reductionTiles {
        for index in indices {
          let channel = index / (outHeight * outWidth)
          result.output[index] = finish(channel, accumulators[index] ?? 0)
        }
        result.traffic.outputWrites += indices.count
      } else {
        partialSums[key] = accumulators
        result.traffic.psumWrites += indices.count
      }
      accumulators = [:]
    }

    let steps = LoopNestWalk(levels: levels).steps()
    var previousStep: [Int]?
    for (number, step) in steps.enumerated() {
      let key = outputTile(step)
      if let previousKey, previousKey != key, let previousStep { leave(previousKey, step: previousStep) }
      if previousKey != key {
        if let saved = partialSums.removeValue(forKey: key) {
          accumulators = saved
          result.traffic.psumReads += saved.count
        } else {
          accumulators = [:]
        }
      }
      // Loads: the regions the model charges, keeping what the previous step holds.
      let channels = coordinates(inputRegions, step, .inputChannels)
      var inputNeeded: [Int] = []
      for channel in channels {
        for row in coordinates(inputRegions, step, .rows) {
          for column in coordinates(inputRegions, step, .columns) { inputNeeded.append((channel * inHeight + row) * inWidth + column) }
        }
      }
      // A dropped load leaves the previous step's input in the buffer.
      if !droppedInputLoads.contains(number) {
        result.traffic.inputReads += buffer.hold("input", inputNeeded) { input[$0] }
      }
      var weightNeeded: [Int] = []
      let weightChannels = coordinates(weightRegions, step, .inputChannels)
      for outputChannel in outputChannels(step) {
        for channel in problem.isDepthwise ? [outputChannel / multiplier] : weightChannels {
          let base = problem.isDepthwise ? outputChannel * kernelArea : (outputChannel * problem.input.channels + channel) * kernelArea
          for offset in 0..<kernelArea { weightNeeded.append(base + offset) }
        }
      }
      result.traffic.weightReads += buffer.hold("weights", weightNeeded) { weights[$0] }
      let outputCount = outputIndices(step).count
      guard buffer.occupied + outputCount * psumWidth <= capacity else {
        throw failure(
          number, step, "buffer", "holds \(buffer.occupied + outputCount * psumWidth) entries, more than the \(capacity) it has")
      }
      // The arithmetic: every MAC of the step, operands read from the buffer.
      let reductionChannels = problem.isDepthwise ? nil : range(.inputChannels, step)
      for outputChannel in outputChannels(step) {
        let sourceChannels = reductionChannels ?? (outputChannel / multiplier)..<(outputChannel / multiplier + 1)
        for row in range(.rows, step) {
          for column in range(.columns, step) {
            var sum: Int32 = 0
            for channel in sourceChannels {
              for i in 0..<problem.kernel.height {
                let y = row * problem.stride.height - problem.padding.top + i
                guard y >= 0 && y < inHeight else { continue }
                for j in 0..<problem.kernel.width {
                  let x = column * problem.stride.width - problem.padding.left + j
                  guard x >= 0 && x < inWidth else { continue }
                  guard let value = buffer.value("input", (channel * inHeight + y) * inWidth + x) else {
                    throw failure(number, step, "input", "element (c \(channel), y \(y), x \(x)) read but not in the buffer")
                  }
                  let weightIndex =
                    problem.isDepthwise
                    ? outputChannel * kernelArea + i * problem.kernel.width + j
                    : ((outputChannel * problem.input.channels + channel) * problem.kernel.height + i) * problem.kernel.width + j
                  guard let weight = buffer.value("weights", weightIndex) else {
                    throw failure(number, step, "weights", "weight \(weightIndex) read but not in the buffer")
                  }
                  sum = sum &+ value &* weight
                }
              }
            }
            let index = (outputChannel * outHeight + row) * outWidth + column
            accumulators[index, default: 0] = accumulators[index, default: 0] &+ sum
          }
        }
      }
      contributions[key, default: 0] += 1
      previousKey = key
      previousStep = step
    }
    if let previousKey, let previousStep { leave(previousKey, step: previousStep) }
    return result
  }
}

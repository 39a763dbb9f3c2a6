import Networks
import Tiling

/// Runs one KxK or depthwise convolution tile by tile as its `ConvolutionTiling` says, through an
/// `OnChipBuffer` of B entries, on the walk's transfer stream (`PlanUnit.transfers()`).
///
/// What is loaded at each step is what the stream says: each read names the tile the operand
/// holds and the elements that move, and the buffer must have lacked exactly those. What the
/// arithmetic reads is derived separately from the definition of convolution (output o reads
/// input o*stride - padding + i). A read of an element the buffer does not hold fails the
/// execution, so a region the walk gets wrong, or a dropped load, is caught. Partial sums of a
/// tile left before its reduction ends go to DRAM as 32-bit accumulators and come back when the
/// tile is revisited; each output and partial-sum transfer the execution makes must be the
/// stream's next one, over the same region.
struct ConvolutionExecution {
  let name: String
  let problem: ConvolutionProblem
  let tiling: ConvolutionTiling
  let capacity: Int
  let psumWidth: Int
  /// The input tensor (CHW) and the weights ([co][ci or 1][kh][kw]) as stored in DRAM.
  let input: [Int32]
  let weights: [Int32]
  /// The walk's transfers of the layer, in order.
  let transfers: UnitTransfers
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
    let multiplier = problem.multiplier
    let kernelArea = problem.kernel.height * problem.kernel.width
    let (inHeight, inWidth) = (problem.input.height, problem.input.width)
    let (outHeight, outWidth) = (problem.output.height, problem.output.width)
    let reduction = problem.isDepthwise ? nil : order.firstIndex(of: .inputChannels)
    let reductionTiles = reduction.map { levels[$0].count } ?? 1

    var buffer = OnChipBuffer(capacity: capacity)
    var result = Result(output: Array(repeating: 0, count: problem.output.elementCount ?? 0))
    var partialSums: [[Int]: IntegerBlock] = [:]  // in DRAM, by output tile
    var contributions: [[Int]: Int] = [:]
    var accumulators = IntegerBlock(region: TensorRegion(channels: 0..<0, rows: 0..<0, columns: 0..<0), values: [])
    var previousKey: [Int]?
    var stream = TransferStream(transfers)
    let inputExtents = [problem.input.channels, inHeight, inWidth]
    let weightExtents = [
      problem.output.channels, problem.isDepthwise ? 1 : problem.input.channels, problem.kernel.height, problem.kernel.width,
    ]
    let geometry = WindowGeometry(
      input: problem.input, output: problem.output, kernel: problem.kernel, stride: problem.stride, padding: problem.padding,
      groups: problem.isDepthwise ? problem.input.channels : 1)

    func range(_ dimension: ConvolutionDimension, _ step: [Int]) -> Range<Int> {
      guard let level = order.firstIndex(of: dimension) else { return 0..<problem.extent(of: dimension) }
      let start = step[level] * sizes[level]
      return start..<min(start + sizes[level], problem.extent(of: dimension))
    }
    func outputChannels(_ step: [Int]) -> Range<Int> {
      if problem.isDepthwise {
        let channels = range(.inputChannels, step)
        return (channels.lowerBound * multiplier)..<(channels.upperBound * multiplier)
      }
      return range(.outputChannels, step)
    }
    func outputTile(_ step: [Int]) -> [Int] { step.indices.map { $0 == reduction ? 0 : step[$0] } }
    func outputRegion(_ step: [Int]) -> TensorRegion {
      TensorRegion(channels: outputChannels(step), rows: range(.rows, step), columns: range(.columns, step))
    }
    func failure(_ step: Int, _ indices: [Int], _ operand: String, _ message: String) -> ExecutionFailure {
      let tile = zip(order, indices).map { "\($0.0.rawValue)\($0.1)" }.joined(separator: " ")
      return ExecutionFailure(unit: name, step: step, tile: tile, operand: operand, message: message)
    }
    func leave(_ key: [Int], at number: Int, _ indices: [Int]) throws(ExecutionFailure) {
      let region = accumulators.region
      let complete = contributions[key] == reductionTiles
      if let mismatch = stream.expect(complete ? .output : .psum, .write, at: number, region: region.box) {
        throw failure(number, indices, "outputs", mismatch)
      }
      if complete {
        for channel in region.channels {
          for row in region.rows {
            for column in region.columns {
              result.output[(channel * outHeight + row) * outWidth + column] = finish(channel, accumulators[channel, row, column])
            }
          }
        }
        result.traffic.outputWrites += region.count
      } else {
        partialSums[key] = accumulators
        result.traffic.psumWrites += region.count
      }
    }

    let steps = LoopNestWalk(levels: levels).steps()
    for (number, step) in steps.enumerated() {
      // Loads: what the stream moves at this step, keeping what the buffer holds. A dropped
      // load leaves the previous step's input in the buffer.
      while let read = stream.nextRead(at: number, of: [.input, .weights]) {
        let isInput = read.operand == .input
        if isInput && droppedInputLoads.contains(number) { continue }
        let (tile, moved) = TransferStream.offsets(read, in: isInput ? inputExtents : weightExtents)
        switch buffer.load(isInput ? "input" : "weights", tile: tile, moved: moved, from: isInput ? input : weights) {
        case .success(let loaded):
          if isInput { result.traffic.inputReads += loaded } else { result.traffic.weightReads += loaded }
        case .failure(let mismatch):
          throw failure(number, step, isInput ? "input" : "weights", "the walk's transfer \(mismatch.message)")
        }
      }
      let key = outputTile(step)
      if let previousKey, previousKey != key { try leave(previousKey, at: number, step) }
      if previousKey != key {
        if let saved = partialSums.removeValue(forKey: key) {
          if let mismatch = stream.expect(.psum, .read, at: number, region: saved.region.box) {
            throw failure(number, step, "outputs", mismatch)
          }
          accumulators = saved
          result.traffic.psumReads += saved.region.count
        } else {
          accumulators = IntegerBlock(region: outputRegion(step), repeating: 0)
        }
      }
      let outputCount = accumulators.region.count
      for (region, overflow) in [
        ("input", buffer.occupyHeld("input")), ("weights", buffer.occupyHeld("weights")),
        ("outputs", buffer.occupy("outputs", outputCount * psumWidth)),
      ] {
        if let overflow { throw failure(number, step, region, overflow) }
      }
      // The arithmetic reads, from the buffer, exactly the input elements the definition of
      // convolution names (output o reads o*stride - padding + i, inside the tensor) and the
      // step's weights; the region kernel then computes on the dense block gathered from them.
      let region = accumulators.region
      let sourceChannels =
        problem.isDepthwise
        ? (region.channels.lowerBound / multiplier)..<((region.channels.upperBound - 1) / multiplier + 1)
        : range(.inputChannels, step)
      let box = geometry.inputRegion(of: region, inputChannels: sourceChannels)
      let readRows = Self.reads(region.rows, within: box.rows, stride: problem.stride.height, padding: problem.padding.top, kernel: problem.kernel.height)
      let readColumns = Self.reads(region.columns, within: box.columns, stride: problem.stride.width, padding: problem.padding.left, kernel: problem.kernel.width)
      var block = IntegerBlock(region: box, repeating: 0)
      let heldInput = buffer.held("input"), heldWeights = buffer.held("weights")
      var position = 0
      for channel in box.channels {
        for (row, rowRead) in zip(box.rows, readRows) {
          for (column, columnRead) in zip(box.columns, readColumns) {
            defer { position += 1 }
            guard rowRead && columnRead else { continue }
            guard let value = heldInput.value((channel * inHeight + row) * inWidth + column) else {
              throw failure(number, step, "input", "element (c \(channel), y \(row), x \(column)) read but not in the buffer")
            }
            block.values[position] = value
          }
        }
      }
      for outputChannel in region.channels {
        let channels = problem.isDepthwise ? (outputChannel / multiplier)..<(outputChannel / multiplier + 1) : sourceChannels
        for channel in channels {
          let base = geometry.weightOffset(outputChannel: outputChannel, inputChannel: channel)
          for offset in 0..<kernelArea where heldWeights.value(base + offset) == nil {
            throw failure(number, step, "weights", "weight \(base + offset) read but not in the buffer")
          }
        }
      }
      ConvolutionKernel.accumulate(
        input: block, inputChannels: sourceChannels, weights: weights, geometry: geometry, region: region, into: &accumulators)
      contributions[key, default: 0] += 1
      previousKey = key
    }
    if let previousKey, let last = steps.last { try leave(previousKey, at: steps.count - 1, last) }
    if let leftover = stream.leftover { throw failure(steps.count, [], "stream", leftover) }
    return result
  }

  /// Along one axis, which coordinates of `box` (an input range) some output in `outputs` reads:
  /// output o reads o*stride - padding + k for k in 0..<kernel (a stride longer than the kernel
  /// skips some).
  static func reads(_ outputs: Range<Int>, within box: Range<Int>, stride: Int, padding: Int, kernel: Int) -> [Bool] {
    var read = Array(repeating: false, count: box.count)
    for output in outputs {
      for offset in 0..<kernel where box.contains(output * stride - padding + offset) {
        read[output * stride - padding + offset - box.lowerBound] = true
      }
    }
    return read
  }
}

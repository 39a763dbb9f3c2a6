/// Exact DRAM traffic of a tiled convolution, per operand, without enumerating tiles.
///
/// Each operand's tile region is a product of intervals, one per loop (`AxisIntervals`):
/// - input: input channels of the channel tile x the input rows and columns the output tile's
///   windows read (clipped: padding is never read); output-channel loops do not move it. Moving to
///   a neighbouring spatial tile in the same channel tile reads only the rows (or columns) not
///   already resident — a sliding window, across Scan turns too;
/// - weights: output x input channel tiles (x kernel area); spatial loops do not move them;
/// - outputs: output channels x output rows x columns; input-channel loops do not move them, and
///   leaving an output tile before its reduction over input channels completes writes a partial
///   sum that is read back on the next visit (as for a GEMM).
package enum ConvolutionTraffic {
  package static func traffic(problem: ConvolutionProblem, tiling: ConvolutionTiling) -> Traffic {
    let levels = tiling.order.map { dimension in
      LoopLevel(count: axis(.output, dimension, problem, tiling).count, scanned: tiling.scan.contains(dimension))
    }
    func loads(_ operand: Operand) -> Int {
      LoopNestTraffic.loads(levels: levels, axes: tiling.order.map { axis(operand, $0, problem, tiling) })
    }
    let outputSize = problem.output.elementCount ?? 0
    let outputRuns = loads(.output) * (problem.isDepthwise ? problem.multiplier : 1)
    return Traffic(
      inputReads: loads(.input),
      weightReads: loads(.weight) * problem.kernel.height * problem.kernel.width * (problem.isDepthwise ? problem.multiplier : 1),
      outputWrites: outputSize, psumReads: outputRuns - outputSize, psumWrites: outputRuns - outputSize)
  }

  /// Buffer entries of the largest tile of each operand: input window, weights, and outputs
  /// (partial sums `psumWidth` entries wide).
  package static func footprint(problem: ConvolutionProblem, tiling: ConvolutionTiling, psumWidth: Int = 1) -> Int {
    split(problem: problem, tiling: tiling, psumWidth: psumWidth).total
  }

  /// The footprint, operand by operand.
  package static func split(problem: ConvolutionProblem, tiling: ConvolutionTiling, psumWidth: Int = 1) -> BufferSplit {
    func largest(_ operand: Operand) -> Int {
      tiling.order.reduce(1) { product, dimension in
        product * AxisSummary(axis(operand, dimension, problem, tiling)).maximumLength
      }
    }
    let kernelArea = problem.kernel.height * problem.kernel.width
    let multiplier = problem.isDepthwise ? problem.multiplier : 1
    return BufferSplit([
      ("input", largest(.input)), ("weights", largest(.weight) * kernelArea * multiplier),
      ("outputs", largest(.output) * multiplier * psumWidth),
    ])
  }

  /// The intervals `operand` covers along loop `dimension`, one per tile index (the regions the
  /// cost model charges, which the executor loads).
  package static func axis(
    _ operand: Operand, _ dimension: ConvolutionDimension, _ problem: ConvolutionProblem, _ tiling: ConvolutionTiling
  ) -> AxisIntervals {
    let size = tiling.size(dimension, in: problem)
    let tiles = AxisIntervals.tiles(extent: problem.extent(of: dimension), size: size)
    switch (operand, dimension) {
    case (.input, .outputChannels), (.weight, .rows), (.weight, .columns):
      return .irrelevant(count: tiles.count)
    case (.output, .inputChannels) where !problem.isDepthwise:
      return .irrelevant(count: tiles.count)
    case (.input, .rows):
      return .windows(
        outputExtent: problem.output.height, size: size, stride: problem.stride.height, kernel: problem.kernel.height,
        padding: problem.padding.top, inputExtent: problem.input.height)
    case (.input, .columns):
      return .windows(
        outputExtent: problem.output.width, size: size, stride: problem.stride.width, kernel: problem.kernel.width,
        padding: problem.padding.left, inputExtent: problem.input.width)
    default:
      return tiles
    }
  }
}

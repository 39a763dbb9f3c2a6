/// One DRAM transfer of a plan unit, whichever walker produced it: the stream the library's
/// transfer iterator yields. The GEMM, convolution and segment walks each keep their own event
/// for the checks that need more (tile indices, psum kinds); this is what they have in common.
public struct UnitTransfer: Hashable, Sendable, Codable {
  /// The role of the tensor moved.
  public enum Operand: String, Hashable, Sendable, Codable, CaseIterable {
    /// The unit's input activations.
    case input
    /// The skip operand of a residual add inside a fused segment, read from DRAM.
    case skip
    /// A layer's weights.
    case weights
    /// The unit's output activations, complete.
    case output
    /// Partial sums of an output tile left before its reduction completes, written and read back.
    case psum
  }

  /// DRAM to buffer, or buffer to DRAM.
  public enum Direction: String, Hashable, Sendable, Codable {
    case read, write
  }

  /// The role of what moved.
  public var operand: Operand
  /// Read from DRAM or written to it.
  public var direction: Direction
  /// Index of the layer within the unit whose weights or skip operand move (0 for a layer alone).
  public var layer: Int
  /// Names of the region's axes, in order: `c h w` for activations, `co ci kh kw` for weights,
  /// `m k` / `k n` / `m n` for a GEMM's input, weights and output (m: output pixels in row-major
  /// order, k: input channels, n: output channels).
  public var axes: [String]
  /// The coordinates of the tile accessed along each axis, as sorted disjoint inclusive ranges
  /// (a strided window reads rows with gaps). Empty for streaming layers, which move whole tensors.
  public var region: [[ClosedRange<Int>]]
  /// Entries moved: the region less what the buffer already held of it (a sliding window's
  /// overlap with the previous tile is not read again).
  public var entries: Int
  /// Width of one entry in bits.
  public var bitsPerEntry: Int

  /// A transfer from its parts.
  public init(
    operand: Operand, direction: Direction, layer: Int = 0, axes: [String], region: [[ClosedRange<Int>]], entries: Int,
    bitsPerEntry: Int
  ) {
    self.operand = operand
    self.direction = direction
    self.layer = layer
    self.axes = axes
    self.region = region
    self.entries = entries
    self.bitsPerEntry = bitsPerEntry
  }

  /// Bits moved.
  public var bits: Int { entries * bitsPerEntry }
  /// Entries in the region (at least `entries`; more when part of it was already on chip).
  public var regionEntries: Int { region.isEmpty ? entries : region.reduce(1) { $0 * RangeSet.count($1) } }
}

extension PlanUnit {
  /// Every DRAM transfer of the unit in execution order, from its walk. The unit's traffic is
  /// their sum per operand.
  public func transfers() -> [UnitTransfer] {
    switch self {
    case .layer(let schedule): return schedule.transfers()
    case .segment(let schedule): return schedule.transfers()
    }
  }
}

extension LayerSchedule {
  /// The layer's transfers: its GEMM or convolution walk, or a streaming layer's whole reads and writes.
  func transfers() -> [UnitTransfer] {
    switch (workload, choice) {
    case (.gemm(let shape), .gemm(let tiling)):
      let axes = tiling.axes(for: shape)
      return GEMMWalk(shape: shape, tiling: tiling).transfers().map { transfer in
        let (a, b) = transfer.operand.dimensions
        func range(_ dimension: GEMMDimension) -> [ClosedRange<Int>] {
          let axis = axes[dimension]
          let start = transfer.tile[dimension] * axis.size
          return [start...(start + axis.length(of: transfer.tile[dimension]) - 1)]
        }
        let (operand, direction, width) = role(transfer.operand, transfer.kind)
        return UnitTransfer(
          operand: operand, direction: direction, axes: [a.rawValue, b.rawValue], region: [range(a), range(b)],
          entries: transfer.entries, bitsPerEntry: width)
      }
    case (.convolution(let problem), .convolution(let tiling)):
      let regions = ConvolutionRegions(problem: problem, tiling: tiling)
      return ConvolutionWalk(problem: problem, tiling: tiling).transfers().map { transfer in
        let (operand, direction, width) = role(transfer.operand, transfer.kind)
        let region = regions.region(transfer)
        return UnitTransfer(
          operand: operand, direction: direction, axes: region.axes, region: region.ranges, entries: transfer.entries,
          bitsPerEntry: width)
      }
    default:
      guard case .streaming(let reads, let writes) = workload else { return [] }
      return [
        UnitTransfer(operand: .input, direction: .read, axes: [], region: [], entries: reads, bitsPerEntry: bits.input),
        UnitTransfer(operand: .output, direction: .write, axes: [], region: [], entries: writes, bitsPerEntry: bits.output),
      ].filter { $0.entries > 0 }
    }
  }

  private func role(_ operand: Operand, _ kind: Transfer.Kind) -> (UnitTransfer.Operand, UnitTransfer.Direction, Int) {
    switch (operand, kind) {
    case (.input, _): return (.input, .read, bits.input)
    case (.weight, _): return (.weights, .read, bits.weight)
    case (.output, .write): return (.output, .write, bits.output)
    case (.output, .psumWrite): return (.psum, .write, bits.psum)
    case (.output, .psumRead), (.output, .read): return (.psum, .read, bits.psum)
    }
  }
}

/// The coordinates a convolution's transfers cover, from the intervals the cost model charges
/// (`ConvolutionTraffic.axis`), computed once per operand and loop.
struct ConvolutionRegions {
  let problem: ConvolutionProblem
  private let axes: [Operand: [ConvolutionDimension: AxisIntervals]]

  init(problem: ConvolutionProblem, tiling: ConvolutionTiling) {
    self.problem = problem
    var axes: [Operand: [ConvolutionDimension: AxisIntervals]] = [:]
    for operand in Operand.allCases {
      for dimension in problem.dimensions {
        axes[operand, default: [:]][dimension] = ConvolutionTraffic.axis(operand, dimension, problem, tiling)
      }
    }
    self.axes = axes
  }

  /// The coordinates a transfer's tile covers: input `c h w` (the windows, clipped), weights
  /// `co ci kh kw`, output `c h w` (a depthwise layer's output channels are its input channels
  /// times the multiplier).
  func region(_ transfer: ConvolutionTransfer) -> (axes: [String], ranges: [[ClosedRange<Int>]]) {
    func along(_ operand: Operand, _ dimension: ConvolutionDimension) -> [ClosedRange<Int>] {
      guard let axis = axes[operand]?[dimension] else { return [0...0] }
      return axis.tiles[transfer.tile[dimension] ?? 0]
    }
    let multiplier = problem.multiplier
    func scaled(_ channels: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
      channels.map { ($0.lowerBound * multiplier)...(($0.upperBound + 1) * multiplier - 1) }
    }
    let kernel = [[0...(problem.kernel.height - 1)], [0...(problem.kernel.width - 1)]]
    switch transfer.operand {
    case .input:
      return (["c", "h", "w"], [along(.input, .inputChannels), along(.input, .rows), along(.input, .columns)])
    case .weight:
      if problem.isDepthwise {
        return (["co", "ci", "kh", "kw"], [scaled(along(.weight, .inputChannels)), [0...0]] + kernel)
      }
      return (["co", "ci", "kh", "kw"], [along(.weight, .outputChannels), along(.weight, .inputChannels)] + kernel)
    case .output:
      let channels = problem.isDepthwise ? scaled(along(.output, .inputChannels)) : along(.output, .outputChannels)
      return (["c", "h", "w"], [channels, along(.output, .rows), along(.output, .columns)])
    }
  }
}

extension SegmentSchedule {
  /// The segment's transfers, from its walk: input, skip and output tiles `c h w`, weight tiles
  /// `co ci kh kw` of the layer they belong to.
  func transfers() -> [UnitTransfer] {
    let layers = segment.layers
    return SegmentWalk(segment: segment, tiling: tiling, psumWidth: psumWidth).transfers().map { transfer in
      func runs(_ coordinates: [Int]) -> [ClosedRange<Int>] {
        RangeSet.union(coordinates.map { $0...$0 }, [])
      }
      let spatial = [runs(transfer.rows), runs(transfer.columns)]
      let channels = [transfer.channels.lowerBound...(transfer.channels.upperBound - 1)]
      switch transfer.operand {
      case .input:
        return UnitTransfer(
          operand: .input, direction: .read, axes: ["c", "h", "w"], region: [channels] + spatial, entries: transfer.entries,
          bitsPerEntry: segment.inputBits)
      case .skip(let layer):
        let width: Int
        if case .external(_, let bits)? = layers[layer].skip { width = bits } else { width = segment.inputBits }
        return UnitTransfer(
          operand: .skip, direction: .read, layer: layer, axes: ["c", "h", "w"], region: [channels] + spatial,
          entries: transfer.entries, bitsPerEntry: width)
      case .weights(let layer):
        let kernel = layers[layer].kernel
        let inputs = transfer.inputChannels.map { [$0.lowerBound...($0.upperBound - 1)] } ?? [0...0]
        return UnitTransfer(
          operand: .weights, direction: .read, layer: layer, axes: ["co", "ci", "kh", "kw"],
          region: [channels, inputs, [0...(kernel.height - 1)], [0...(kernel.width - 1)]], entries: transfer.entries,
          bitsPerEntry: layers[layer].weightBits)
      case .output:
        return UnitTransfer(
          operand: .output, direction: .write, layer: layers.count - 1, axes: ["c", "h", "w"], region: [channels] + spatial,
          entries: transfer.entries, bitsPerEntry: layers[layers.count - 1].outputBits)
      }
    }
  }
}

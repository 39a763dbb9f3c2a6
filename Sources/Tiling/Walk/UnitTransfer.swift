/// One DRAM transfer of a plan unit, whichever walker produced it: the one stream the counting
/// checks, the executor, the DRAM traces and the library's transfer iterator consume. It names
/// the tensor, the tile the operand holds after the transfer, and exactly which of its elements
/// moved (the tile less what the buffer already held). A read that moves nothing says that an
/// operand's tile shrank to a part of what it held: an executor must drop the rest.
public struct UnitTransfer: Hashable, Sendable, Codable {
  /// The role of the tensor moved.
  public enum Operand: String, Hashable, Sendable, Codable, CaseIterable {
    /// The unit's input activations (each input of an add or a concat).
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
  /// The DRAM tensor (`DRAMTensor.name`): an activation tensor, `LAYER weights` or `LAYER partial sums`.
  public var tensor: String
  /// The walk step that made the transfer: the loop-nest step of a tiled layer, the spatial tile
  /// of a segment, the output row of a streaming layer (numbered from 0 within the unit).
  public var step: Int
  /// The tile in the tensor's coordinates (`axes`): what the operand holds after a read, what is
  /// written by a write. A union of disjoint boxes (a GEMM's pixel range wraps rows).
  public var region: [CoordinateBox]
  /// What moved: the region less what the buffer already held of it, as disjoint boxes.
  public var moved: [CoordinateBox]
  /// Entries moved (the coordinates in `moved`).
  public var entries: Int
  /// Width of one entry in bits.
  public var bitsPerEntry: Int

  /// A transfer from its parts; `entries` is counted from `moved`.
  public init(
    operand: Operand, direction: Direction, layer: Int = 0, tensor: String, step: Int, region: [CoordinateBox],
    moved: [CoordinateBox], bitsPerEntry: Int
  ) {
    self.operand = operand
    self.direction = direction
    self.layer = layer
    self.tensor = tensor
    self.step = step
    self.region = region
    self.moved = moved
    self.entries = moved.reduce(0) { $0 + $1.count }
    self.bitsPerEntry = bitsPerEntry
  }

  /// A transfer that moves its whole region (a write, or a read into an empty slot).
  public init(
    operand: Operand, direction: Direction, layer: Int = 0, tensor: String, step: Int, region: [CoordinateBox],
    bitsPerEntry: Int
  ) {
    self.init(
      operand: operand, direction: direction, layer: layer, tensor: tensor, step: step, region: region, moved: region,
      bitsPerEntry: bitsPerEntry)
  }

  /// Names of the tensor's axes: `c h w` for activations and partial sums, `co ci kh kw` for weights.
  public var axes: [String] { operand == .weights ? ["co", "ci", "kh", "kw"] : ["c", "h", "w"] }
  /// Bits moved.
  public var bits: Int { entries * bitsPerEntry }
  /// Entries in the region (at least `entries`; more when part of it was already on chip).
  public var regionEntries: Int { region.reduce(0) { $0 + $1.count } }

  /// The smallest box containing the region: per axis, the lowest and highest coordinate.
  public var boundingBox: [ClosedRange<Int>] {
    let axisCount = region.first?.ranges.count ?? 0
    return (0..<axisCount).compactMap { axis in
      let lows = region.compactMap { $0.ranges[axis].first?.lowerBound }
      let highs = region.compactMap { $0.ranges[axis].last?.upperBound }
      guard let low = lows.min(), let high = highs.max() else { return nil }
      return low...high
    }
  }
}

/// One unit's DRAM transfers in execution order, from its walk. A streaming layer's are made as
/// they are consumed, one output row at a time (an add of hundreds of wide inputs makes tens of
/// millions of them, which would not fit in memory at once); a tiled layer's or a segment's are
/// walked when the sequence is made (a few per tile, bounded by its tile counts).
public struct UnitTransfers: Sequence, Sendable {
  /// (Both payloads are one reference: with a streaming walk inline, a `.walked` value left the
  /// larger payload's bytes uninitialised, and the optimized copy's test of the case read them,
  /// which memcheck reports in a C host's process.)
  enum Source: Sendable {
    case walked([UnitTransfer])
    case streaming(StreamingBox)
  }

  /// A streaming walk behind a reference (see `Source`).
  final class StreamingBox: Sendable {
    let walk: StreamingWalk
    init(_ walk: StreamingWalk) { self.walk = walk }
  }

  let source: Source

  init(source: Source) { self.source = source }

  /// Transfers already walked, in order.
  package init(_ transfers: [UnitTransfer]) { source = .walked(transfers) }

  /// Iterates the walk's transfers in order.
  public struct Iterator: IteratorProtocol {
    // One of the two is set. (Two optionals rather than an enum of both: see `Source`.)
    var walked: IndexingIterator<[UnitTransfer]>?
    var streaming: StreamingWalk.Transfers.Iterator?

    /// The next transfer, nil after the unit's last.
    public mutating func next() -> UnitTransfer? {
      walked != nil ? walked?.next() : streaming?.next()
    }
  }

  /// An iterator from the unit's first transfer.
  public func makeIterator() -> Iterator {
    switch source {
    case .walked(let transfers): return Iterator(walked: transfers.makeIterator(), streaming: nil)
    case .streaming(let box): return Iterator(walked: nil, streaming: box.walk.transfers.makeIterator())
    }
  }
}

extension PlanUnit {
  /// Every DRAM transfer of the unit in execution order, from its walk. The unit's traffic is
  /// their sum per operand.
  public func transfers() -> UnitTransfers {
    switch self {
    case .layer(let schedule): return schedule.transfers()
    case .segment(let schedule): return UnitTransfers(schedule.transfers())
    }
  }

  /// The DRAM tensors the unit reads and writes, in the order it first names them: inputs,
  /// weights and skip operands layer by layer, the output, partial sums.
  public func tensors() -> [DRAMTensor] {
    switch self {
    case .layer(let schedule): return schedule.dramTensors()
    case .segment(let schedule): return schedule.dramTensors()
    }
  }
}

extension LayerSchedule {
  /// The layer's transfers: its GEMM, convolution or streaming walk.
  func transfers() -> UnitTransfers {
    switch (workload, choice) {
    case (.gemm(let shape), .gemm(let tiling)):
      return UnitTransfers(
        GEMMWalk(shape: shape, tiling: tiling).unitTransfers(tensors: tensors, bits: bits, isFullyConnected: kind == .fc))
    case (.convolution(let problem), .convolution(let tiling)):
      return UnitTransfers(ConvolutionWalk(problem: problem, tiling: tiling).unitTransfers(tensors: tensors, bits: bits))
    default:
      return UnitTransfers(source: .streaming(UnitTransfers.StreamingBox(StreamingWalk(kind: kind, tensors: tensors, bits: bits))))
    }
  }

  /// The tensors the layer moves: inputs, weights, output, and partial sums when it leaves any.
  func dramTensors() -> [DRAMTensor] {
    var result = zip(tensors.inputs, tensors.inputShapes).map { DRAMTensor.activations($0, $1, bits: bits.input) }
    if let extents = tensors.weightExtents {
      result.append(DRAMTensor(name: tensors.weights, role: .weights, extents: extents, bitsPerEntry: bits.weight))
    }
    result.append(.activations(tensors.output, tensors.outputShape, bits: bits.output))
    if traffic.psumWrites > 0 {
      let shape = tensors.outputShape
      result.append(
        DRAMTensor(
          name: tensors.partialSums, role: .partialSums, extents: [shape.channels, shape.height, shape.width],
          bitsPerEntry: bits.psum))
    }
    return result
  }

}

extension GEMMWalk {
  /// The walk's transfers in the layer's tensor coordinates (`GEMMRegions`).
  package func unitTransfers(tensors: LayerTensors, bits: OperandBits, isFullyConnected: Bool) -> [UnitTransfer] {
    let regions = GEMMRegions(shape: shape, tiling: tiling, tensors: tensors, isFullyConnected: isFullyConnected)
    return transfers().map { transfer in
      let (operand, direction, width) = bits.role(transfer.operand, transfer.kind)
      return UnitTransfer(
        operand: operand, direction: direction, tensor: tensors.name(of: operand), step: transfer.step,
        region: regions.region(transfer.operand, transfer.tile), bitsPerEntry: width)
    }
  }
}

extension ConvolutionWalk {
  /// The walk's transfers with their tiles and what moved (a tile less the operand's previous one).
  package func unitTransfers(tensors: LayerTensors, bits: OperandBits) -> [UnitTransfer] {
    let regions = ConvolutionRegions(problem: problem, tiling: tiling)
    return transfers().map { transfer in
      let (operand, direction, width) = bits.role(transfer.operand, transfer.kind)
      let region = regions.region(transfer.operand, transfer.tile)
      let moved = transfer.previousTile.map { region.subtracting(regions.region(transfer.operand, $0)) } ?? [region]
      return UnitTransfer(
        operand: operand, direction: direction, tensor: tensors.name(of: operand), step: transfer.step, region: [region],
        moved: moved, bitsPerEntry: width)
    }
  }
}

extension LayerTensors {
  /// The tensor an operand of the layer lives in.
  func name(of operand: UnitTransfer.Operand) -> String {
    switch operand {
    case .input, .skip: return inputs.first ?? ""
    case .weights: return weights
    case .output: return output
    case .psum: return partialSums
    }
  }
}

extension OperandBits {
  /// What a GEMM or convolution walk's transfer is in the stream: operand, direction and width.
  func role(_ operand: Operand, _ kind: Transfer.Kind) -> (UnitTransfer.Operand, UnitTransfer.Direction, Int) {
    switch (operand, kind) {
    case (.input, _): return (.input, .read, input)
    case (.weight, _): return (.weights, .read, weight)
    case (.output, .write): return (.output, .write, output)
    case (.output, .psumWrite): return (.psum, .write, psum)
    case (.output, .psumRead), (.output, .read): return (.psum, .read, psum)
    }
  }
}

/// The coordinates a convolution's tiles cover, from the intervals the cost model charges
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

  /// The coordinates an operand's tile covers: input `c h w` (the windows, clipped), weights
  /// `co ci kh kw` (a depthwise layer's ci is 0), output `c h w` (a depthwise layer's output
  /// channels are its input channels times the multiplier).
  func region(_ operand: Operand, _ tile: [ConvolutionDimension: Int]) -> CoordinateBox {
    func along(_ dimension: ConvolutionDimension) -> [ClosedRange<Int>] {
      guard let axis = axes[operand]?[dimension] else { return [0...0] }
      return axis.tiles[tile[dimension] ?? 0]
    }
    let multiplier = problem.multiplier
    func scaled(_ channels: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
      channels.map { ($0.lowerBound * multiplier)...(($0.upperBound + 1) * multiplier - 1) }
    }
    let kernel = [[0...(problem.kernel.height - 1)], [0...(problem.kernel.width - 1)]]
    switch operand {
    case .input:
      return CoordinateBox([along(.inputChannels), along(.rows), along(.columns)])
    case .weight:
      if problem.isDepthwise { return CoordinateBox([scaled(along(.inputChannels)), [0...0]] + kernel) }
      return CoordinateBox([along(.outputChannels), along(.inputChannels)] + kernel)
    case .output:
      let channels = problem.isDepthwise ? scaled(along(.inputChannels)) : along(.outputChannels)
      return CoordinateBox([channels, along(.rows), along(.columns)])
    }
  }
}

import Networks
import Tiling

/// Runs a fused segment as its `SegmentTiling` says, through a bounded buffer, counting every
/// DRAM transfer.
///
/// The schedule's script is `SegmentWalk.events()`, taken as the walk makes it
/// (`SegmentWalk.forEachEvent`, so a schedule of millions of steps needs no memory for it):
/// spatial tiles, the tile each DRAM operand
/// holds at each step, the layer executions on channel chunks, the output writes. The executor
/// carries it out on data: a DRAM operand's tile is loaded into the buffer keeping what it holds
/// already (the count is what the buffer did not have, not what the walk says), a layer computes
/// its tile's region reading from the buffer exactly the inputs the definition of convolution
/// names, intermediate tensors live only on chip (`OnChipTensor`), and an output tile is copied to
/// DRAM. So a region the schedule gets wrong, a chunk dropped too early, a line buffer that does
/// not hold what the next band reads, or a dropped load, fails the execution; the counts are
/// compared with `SegmentModel`'s closed form by the caller.
///
/// The buffer is split statically, as the segment model assumes: every operand and tensor gets a
/// region as large as the most it ever holds, and those regions together must fit B entries.
struct SegmentExecution {
  let segment: FusedSegment
  let tiling: SegmentTiling
  var capacity: Int
  let psumWidth: Int
  /// Per layer of the segment.
  let quantization: [LayerQuantization]
  /// Per layer: where the chain tensor is among the layer's network inputs (an add's other input
  /// is its skip operand).
  let chainPositions: [Int]
  /// The segment input and the external skip operands (by layer index), as stored in DRAM.
  let input: [Int32]
  let externalSkips: [Int: [Int32]]
  /// Access events (by number in `SegmentWalk.events()`) to skip, to prove a dropped load is caught.
  var droppedAccesses: Set<Int> = []

  func run() throws(ExecutionFailure) -> ConvolutionExecution.Result {
    var state = State(execution: self)
    var number = 0
    var failure: ExecutionFailure?
    // The walk cannot stop early: after a failure the rest of its events are ignored.
    SegmentWalk(segment: segment, tiling: tiling, psumWidth: psumWidth).forEachEvent { [droppedAccesses] event in
      defer { number += 1 }
      guard failure == nil else { return }
      state.event = number
      do throws(ExecutionFailure) {
        switch event {
        case .tile(let regions): state.begin(regions)
        case .access(let transfer):
          // An add of the segment input reads it from the input's tile unless the schedule
          // loads it apart, which it does before the add's first execution.
          if case .skip(let layer) = transfer.operand { state.skipsFromDRAM.insert(layer) }
          guard !droppedAccesses.contains(number) else { return }
          try state.access(transfer)
        case .execute(let layer, let outputs, let inputs): try state.execute(layer, outputs: outputs, inputs: inputs)
        case .write(let transfer): try state.write(transfer)
        }
      } catch {
        failure = error
      }
    }
    if let failure { throw failure }
    return state.result
  }

  /// The buffer and DRAM while the segment runs: `access` and `begin` here, the layers'
  /// computation (SegmentExecutionLayers.swift) and the output writes
  /// (SegmentExecutionOutput.swift) beside it.
  struct State {
    let execution: SegmentExecution
    let layers: [SegmentLayer]
    let lineBuffered: [Bool]
    /// Per layer: its window (an add's is 1x1).
    let geometries: [WindowGeometry]
    /// The tensor whose buffer region holds each tensor: an add writes in place over its chain
    /// input when no later add reads that (`FusedSegment.addWritesInPlace`).
    let regionOwner: [Int]
    var buffer: OnChipBuffer
    /// Tensors 1...n (index 0 unused: the segment input lives in the buffer's "input" slot).
    var tensors: [OnChipTensor]
    var result: ConvolutionExecution.Result
    var regions: SegmentTileRegions?
    var skipsFromDRAM: Set<Int> = []
    /// Each operand's last access, less its tile number and count.
    var lastAccess: [SegmentTransfer.Operand: SegmentTransfer] = [:]
    var event = 0
    /// A final global pool's sums, per channel, over the tiles added in so far.
    var poolSums: [Int64]

    init(execution: SegmentExecution) {
      self.execution = execution
      let segment = execution.segment
      layers = segment.layers
      lineBuffered = (0..<segment.tensorCount).map { $0 >= 1 && $0 < segment.layers.count && execution.tiling.lineBuffers[$0] }
      // (A concat's is never used: it has no window, and its channels are not its input's.)
      geometries = segment.layers.map { layer in
        WindowGeometry(
          input: layer.input, output: layer.output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
          groups: layer.kind == .mixing || layer.kind == .concat ? 1 : layer.input.channels)
      }
      regionOwner = (0..<segment.tensorCount).reduce(into: []) { owners, tensor in
        owners.append(tensor >= 1 && segment.addWritesInPlace(tensor - 1) ? owners[tensor - 1] : tensor)
      }
      buffer = OnChipBuffer(capacity: execution.capacity)
      tensors = (0..<segment.tensorCount).map { OnChipTensor(shape: $0 == 0 ? TensorShape(channels: 0, height: 0, width: 0) : segment.shape(ofTensor: $0)) }
      result = ConvolutionExecution.Result(output: Array(repeating: 0, count: segment.output.elementCount ?? 0))
      poolSums = Array(repeating: 0, count: segment.endsInGlobalPool ? segment.output.channels : 0)
    }

    func failure(_ operand: String, _ message: String) -> ExecutionFailure {
      let tile = regions.map { regions in
        let tiled = execution.segment.tiledTensor
        let rows = regions.computedRows[tiled], columns = regions.computedColumns[tiled]
        return "\(regions.tile) (output rows \(Self.span(rows)), columns \(Self.span(columns)))"
      } ?? "-"
      return ExecutionFailure(unit: execution.segment.name, step: event, tile: tile, operand: operand, message: message)
    }

    static func span(_ coordinates: [Int]) -> String {
      guard let first = coordinates.first, let last = coordinates.last else { return "none" }
      return first == last ? "\(first)" : "\(first)...\(last)"
    }

    /// Ascending coordinates as maximal runs of consecutive ones.
    static func runs(_ coordinates: [Int]) -> [Range<Int>] {
      var runs: [Range<Int>] = []
      for coordinate in coordinates {
        if let last = runs.last, last.upperBound == coordinate {
          runs[runs.count - 1] = last.lowerBound..<(coordinate + 1)
        } else {
          runs.append(coordinate..<(coordinate + 1))
        }
      }
      return runs
    }

    mutating func begin(_ regions: SegmentTileRegions) {
      self.regions = regions
      for tensor in 1..<tensors.count {
        let kept = lineBuffered[tensor] ? Set(regions.keptRows[tensor]) : []
        tensors[tensor].beginTile(keepingRows: kept, columns: Set(regions.neededColumns[tensor]))
      }
    }

    /// Records a region's occupancy; the static split must fit the buffer.
    mutating func occupy(_ region: String, _ entries: Int) throws(ExecutionFailure) {
      if let overflow = buffer.occupy(region, entries) { throw failure(region, overflow) }
    }

    /// `occupy` with what a DRAM operand's slot holds.
    mutating func occupyHeld(_ slot: String) throws(ExecutionFailure) {
      if let overflow = buffer.occupyHeld(slot) { throw failure(slot, overflow) }
    }

    mutating func access(_ transfer: SegmentTransfer) throws(ExecutionFailure) {
      // The same tile again (a resident weight at every step, a whole input over the chunk loops)
      // leaves the buffer as it is: nothing to look up element by element.
      var tile = transfer
      tile.tile = 0
      tile.entries = 0
      tile.moved = []
      guard lastAccess[transfer.operand] != tile else { return }
      lastAccess[transfer.operand] = tile
      let segment = execution.segment
      switch transfer.operand {
      case .input:
        result.traffic.inputReads += try hold("input", transfer, shape: segment.input, from: execution.input)
        try occupyHeld("input")
      case .skip(let layer):
        let source = segment.layers[layer].skip == .segmentInput ? execution.input : execution.externalSkips[layer]
        guard let source else { throw failure("skip of '\(layers[layer].name)'", "the skip operand is not in DRAM") }
        result.traffic.inputReads += try hold("skip \(layer)", transfer, shape: layers[layer].skipShape, from: source)
        try occupyHeld("skip \(layer)")
      case .weights(let layer):
        // A mixing layer's tile names its input channels; a depthwise filter reads its own channel.
        let geometry = geometries[layer]
        let kernelArea = geometry.kernel.height * geometry.kernel.width
        var needed: [Int] = []
        for output in transfer.channels {
          for input in transfer.inputChannels ?? output..<(output + 1) {
            let base = geometry.weightOffset(outputChannel: output, inputChannel: input)
            for offset in 0..<kernelArea { needed.append(base + offset) }
          }
        }
        // The walk's weight boxes: output channels, (a mixing layer's) input channels, kernel positions.
        let extents = transfer.inputChannels == nil ? [layers[layer].output.channels, kernelArea] : [layers[layer].output.channels, layers[layer].input.channels, kernelArea]
        result.traffic.weightReads += try load(
          "weights \(layer)", needed, moved: transfer.moved.flatMap { $0.offsets(in: extents) },
          from: execution.quantization[layer].quantizedWeights)
        try occupyHeld("weights \(layer)")
      case .output:
        throw failure("output", "the output is written, not read")
      }
    }

    private mutating func hold(_ slot: String, _ transfer: SegmentTransfer, shape: TensorShape, from source: [Int32]) throws(ExecutionFailure) -> Int {
      var needed: [Int] = []
      needed.reserveCapacity(transfer.channels.count * transfer.rows.count * transfer.columns.count)
      for channel in transfer.channels {
        for row in transfer.rows {
          for column in transfer.columns { needed.append((channel * shape.height + row) * shape.width + column) }
        }
      }
      let moved = transfer.moved.flatMap { $0.offsets(in: [shape.channels, shape.height, shape.width]) }
      return try load(slot, needed, moved: moved, from: source)
    }

    /// Holds `needed` in `slot`, loading what the walk's transfer says moved (and nothing else).
    private mutating func load(_ slot: String, _ needed: [Int], moved: [Int], from source: [Int32]) throws(ExecutionFailure) -> Int {
      switch buffer.load(slot, tile: needed, moved: moved, from: source) {
      case .success(let loaded): return loaded
      case .failure(let mismatch): throw failure(slot, "the walk's transfer \(mismatch.message)")
      }
    }

  }
}

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

  /// The buffer and DRAM while the segment runs.
  private struct State {
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
        result.traffic.inputReads += try hold("skip \(layer)", transfer, shape: layers[layer].output, from: source)
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

    mutating func execute(_ index: Int, outputs: Range<Int>, inputs: Range<Int>) throws(ExecutionFailure) {
      guard let regions else { throw failure("layer '\(layers[index].name)'", "runs before any tile") }
      let layer = layers[index]
      let tensor = index + 1
      if layer.kind == .globalAveragePool { return try pool(index, channels: outputs, regions: regions) }
      // A final concat computes nothing on chip: its operands' tiles are joined on the way to
      // DRAM (`write`), where every element they give must still be held.
      if layer.kind == .concat { return }
      // Tensors sharing a buffer region (an add in place over its chain input) move to the new
      // chunk together: the previous chunk's sums have been read by now, or a read will fail.
      for shared in tensors.indices where shared >= 1 && regionOwner[shared] == regionOwner[tensor] {
        tensors[shared].produce(outputs, keepsOtherChunks: lineBuffered[shared])
      }
      for rows in Self.runs(regions.computedRows[tensor]) {
        for columns in Self.runs(regions.computedColumns[tensor]) {
          let region = TensorRegion(channels: outputs, rows: rows, columns: columns)
          switch layer.kind {
          case .mixing, .depthwise: try convolve(index, region: region, inputs: inputs)
          case .maxPool: try maxPool(index, region: region)
          case .add: try add(index, region: region)
          case .globalAveragePool, .concat: break
          }
        }
      }
      let owner = regionOwner[tensor]
      let entries = tensors.indices.filter { regionOwner[$0] == owner && $0 >= 1 }.reduce(0) { total, shared in
        let weight = layers[shared - 1].kind == .mixing ? execution.psumWidth : 1
        return total + tensors[shared].retained + tensors[shared].current * weight
      }
      try occupy("output of '\(layers[owner - 1].name)'", entries)
    }

    /// One rectangle of a convolution's output, on one chunk of its input channels.
    private mutating func convolve(_ index: Int, region: TensorRegion, inputs: Range<Int>) throws(ExecutionFailure) {
      let layer = layers[index]
      let q = execution.quantization[index]
      let depthwise = layer.kind == .depthwise
      let geometry = geometries[index]
      let block = try gather(index, region: region, inputChannels: inputs, geometry: geometry)
      let kernelArea = layer.kernel.height * layer.kernel.width
      let heldWeights = buffer.held("weights \(index)")
      for output in region.channels {
        for input in depthwise ? output..<(output + 1) : inputs {
          let base = geometry.weightOffset(outputChannel: output, inputChannel: input)
          for offset in 0..<kernelArea where heldWeights.value(base + offset) == nil {
            throw failure("weights of '\(layer.name)'", "weight \(base + offset) read but not in the buffer")
          }
        }
      }
      let tensor = index + 1
      let first = depthwise || inputs.lowerBound == 0
      let last = depthwise || inputs.upperBound == layer.input.channels
      var accumulators = IntegerBlock(region: region, repeating: 0)
      if !first {
        for channel in region.channels {
          for row in region.rows {
            for column in region.columns {
              let element = tensors[tensor].index(channel, row, column)
              guard tensors[tensor].state(element) == .partial else {
                throw failure(
                  "partial sums of '\(layer.name)'", "(c \(channel), y \(row), x \(column)) is not accumulating on chip")
              }
              accumulators[channel, row, column] = tensors[tensor].values[element]
            }
          }
        }
      }
      ConvolutionKernel.accumulate(
        input: block, inputChannels: depthwise ? region.channels : inputs, weights: q.quantizedWeights,
        geometry: geometry, region: region, into: &accumulators)
      var finished = accumulators
      if last {
        RequantizeKernel.requantize(accumulators, bias: q.quantizedBias, requantizer: q.requantizer, region: region, into: &finished)
      }
      store(finished, in: tensor, last ? .complete : .partial)
    }

    /// One rectangle of a max pool, from its input's windows on chip (or in the input's slot).
    private mutating func maxPool(_ index: Int, region: TensorRegion) throws(ExecutionFailure) {
      let geometry = geometries[index]
      let block = try gather(index, region: region, inputChannels: region.channels, geometry: geometry)
      var output = IntegerBlock(region: region, repeating: 0)
      PoolingKernel.maxPool(
        input: block, geometry: geometry, region: region, requantizer: execution.quantization[index].requantizer,
        into: &output)
      store(output, in: index + 1, .complete)
    }

    /// The input a convolution or pooling rectangle reads: from the buffer's input slot for layer 0
    /// and branches from the input, else from the on-chip tensor; only the coordinates its windows
    /// read (a stride longer than the kernel skips some), each of which must be held.
    private func gather(_ index: Int, region: TensorRegion, inputChannels: Range<Int>, geometry: WindowGeometry)
      throws(ExecutionFailure) -> IntegerBlock
    {
      let layer = layers[index]
      let box = geometry.inputRegion(of: region, inputChannels: layer.kind == .mixing ? inputChannels : region.channels)
      let readRows = ConvolutionExecution.reads(
        region.rows, within: box.rows, stride: layer.stride.height, padding: layer.padding.top, kernel: layer.kernel.height)
      let readColumns = ConvolutionExecution.reads(
        region.columns, within: box.columns, stride: layer.stride.width, padding: layer.padding.left, kernel: layer.kernel.width)
      var block = IntegerBlock(region: box, repeating: 0)
      let input = buffer.held("input")
      // The previous layer's output, or the segment input for a layer branching from it.
      let source = execution.segment.inputTensor(ofLayer: index)
      var position = 0
      for channel in box.channels {
        for (row, rowRead) in zip(box.rows, readRows) {
          for (column, columnRead) in zip(box.columns, readColumns) {
            defer { position += 1 }
            guard rowRead && columnRead else { continue }
            guard let value = element(source, channel, row, column, input: input) else {
              throw missing("input of '\(layer.name)'", tensor: source, channel, row, column)
            }
            block.values[position] = value
          }
        }
      }
      return block
    }

    /// An element of tensor `tensor` as the buffer holds it: the segment input in its slot
    /// (`input`, looked up once by the caller), any other tensor on chip.
    private func element(_ tensor: Int, _ channel: Int, _ row: Int, _ column: Int, input: OnChipBuffer.Held) -> Int32? {
      guard tensor == 0 else { return onChip(tensor, channel, row, column) }
      let shape = execution.segment.input
      return input.value((channel * shape.height + row) * shape.width + column)
    }

    /// A finished element of an on-chip tensor, or nil when it is not there.
    private func onChip(_ tensor: Int, _ channel: Int, _ row: Int, _ column: Int) -> Int32? {
      let element = tensors[tensor].index(channel, row, column)
      return tensors[tensor].state(element) == .complete ? tensors[tensor].values[element] : nil
    }

    /// An element of tensor `tensor` read but not held (tensor 0 lives in DRAM and the buffer).
    private func missing(_ operand: String, tensor: Int, _ channel: Int, _ row: Int, _ column: Int) -> ExecutionFailure {
      let element = "element (c \(channel), y \(row), x \(column))"
      guard tensor >= 1 else { return failure(operand, "\(element) read but not in the buffer") }
      return failure(operand, "\(element) of '\(layers[tensor - 1].name)' read but not computed on chip")
    }

    /// One rectangle of an add: the chain tensor plus the skip operand, from wherever it lives.
    private mutating func add(_ index: Int, region: TensorRegion) throws(ExecutionFailure) {
      let layer = layers[index]
      let q = execution.quantization[index]
      var chain = IntegerBlock(region: region, repeating: 0)
      var skip = chain
      let shape = layer.output
      let skipSlot = layer.skip == .segmentInput && !skipsFromDRAM.contains(index) ? "input" : "skip \(index)"
      let skipHeld = buffer.held(skipSlot), input = buffer.held("input")
      for channel in region.channels {
        for row in region.rows {
          for column in region.columns {
            guard let value = element(index, channel, row, column, input: input) else {
              throw missing("input of '\(layer.name)'", tensor: index, channel, row, column)
            }
            chain[channel, row, column] = value
            let skipped: Int32?
            if case .layer(let source)? = layer.skip {
              skipped = onChip(source + 1, channel, row, column)
            } else {
              skipped = skipHeld.value((channel * shape.height + row) * shape.width + column)
            }
            guard let skipped else {
              let tensor = if case .layer(let source)? = layer.skip { source + 1 } else { 0 }
              throw missing("skip of '\(layer.name)'", tensor: tensor, channel, row, column)
            }
            skip[channel, row, column] = skipped
          }
        }
      }
      var operands = [chain, chain]
      operands[execution.chainPositions[index]] = chain
      operands[1 - execution.chainPositions[index]] = skip
      var sum = chain
      ElementwiseKernel.add(operands, formats: q.inputs, output: q.output, activation: q.activation, region: region, into: &sum)
      if execution.segment.addWritesInPlace(index) { tensors[index].consume(region) }
      store(sum, in: index + 1, .complete)
    }

    /// A final global pool adds the tile's region of its input (complete on chip) into its sums.
    private mutating func pool(_ index: Int, channels: Range<Int>, regions: SegmentTileRegions) throws(ExecutionFailure) {
      let layer = layers[index]
      for channel in channels {
        for row in regions.computedRows[index] {
          for column in regions.computedColumns[index] {
            guard let value = onChip(index, channel, row, column) else {
              throw missing("input of '\(layer.name)'", tensor: index, channel, row, column)
            }
            poolSums[channel] += Int64(value)
          }
        }
      }
      try occupy("sums of '\(layer.name)'", layer.output.channels * execution.psumWidth)
    }

    private mutating func store(_ block: IntegerBlock, in tensor: Int, _ state: OnChipTensor.State) {
      let region = block.region
      var position = 0
      for channel in region.channels {
        for row in region.rows {
          for column in region.columns {
            tensors[tensor].store(tensors[tensor].index(channel, row, column), block.values[position], state)
            position += 1
          }
        }
      }
    }

    /// A finished output tile to DRAM; of a global pool, the averages of its sums, as the pooling
    /// kernel rounds them.
    mutating func write(_ transfer: SegmentTransfer) throws(ExecutionFailure) {
      let last = tensors.count - 1
      let shape = execution.segment.output
      if execution.segment.endsInConcat { return try writeConcatenated(transfer) }
      if execution.segment.endsInGlobalPool {
        let input = layers[last - 1].input
        let requantizer = execution.quantization[last - 1].requantizer
        for channel in transfer.channels {
          result.output[channel] = requantizer.apply(poolSums[channel], dividedBy: Int64(input.height * input.width))
          result.traffic.outputWrites += 1
        }
        return
      }
      for channel in transfer.channels {
        for row in transfer.rows {
          for column in transfer.columns {
            guard let value = onChip(last, channel, row, column) else {
              throw missing("output", tensor: last, channel, row, column)
            }
            result.output[(channel * shape.height + row) * shape.width + column] = value
            result.traffic.outputWrites += 1
          }
        }
      }
    }

    /// A final concat's output tile: each channel from its operand's tile on chip (the chain
    /// tensor, or the skip source), requantized into the output's format by the concat kernel.
    private mutating func writeConcatenated(_ transfer: SegmentTransfer) throws(ExecutionFailure) {
      let index = layers.count - 1
      let layer = layers[index]
      guard case .layer(let source)? = layer.skip else { throw failure("output", "the concat's skip is not on chip") }
      let q = execution.quantization[index]
      // Operands in the output's channel order, which is the network's input order (the formats').
      let operands = layer.chainFirst ? [index, source + 1] : [source + 1, index]
      let counts = operands.map { execution.segment.shape(ofTensor: $0).channels }
      let shape = execution.segment.output
      let channels = transfer.channels
      for rows in Self.runs(transfer.rows) {
        for columns in Self.runs(transfer.columns) {
          let region = TensorRegion(channels: channels, rows: rows, columns: columns)
          var offset = 0
          var blocks: [IntegerBlock] = []
          for (operand, count) in zip(operands, counts) {
            // The operand's channels this tile takes, in its own coordinates.
            let low = min(max(channels.lowerBound - offset, 0), count)
            let high = max(low, min(channels.upperBound - offset, count))
            var block = IntegerBlock(region: TensorRegion(channels: low..<high, rows: rows, columns: columns), repeating: 0)
            for channel in low..<high {
              for row in rows {
                for column in columns {
                  guard let value = onChip(operand, channel, row, column) else {
                    throw missing("input of '\(layer.name)'", tensor: operand, channel, row, column)
                  }
                  block[channel, row, column] = value
                }
              }
            }
            blocks.append(block)
            offset += count
          }
          var joined = IntegerBlock(region: region, repeating: 0)
          ElementwiseKernel.concat(
            blocks, channelCounts: counts, formats: q.inputs, output: q.output, activation: q.activation, region: region,
            into: &joined)
          for channel in channels {
            for row in rows {
              for column in columns {
                result.output[(channel * shape.height + row) * shape.width + column] = joined[channel, row, column]
                result.traffic.outputWrites += 1
              }
            }
          }
        }
      }
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
  }
}

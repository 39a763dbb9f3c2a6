import Networks
import Tiling

/// The layers of a segment computed on chip, region by region, from what the buffer holds.
extension SegmentExecution.State {
  /// Layer `index` on output channels `outputs` (from input channels `inputs`) over what the
  /// tile computes of its output, and the buffer region that output then takes.
  mutating func execute(_ index: Int, outputs: Range<Int>, inputs: Range<Int>) throws(ExecutionFailure) {
    guard let regions else { throw failure("layer '\(layers[index].name)'", "runs before any tile") }
    let layer = layers[index]
    let tensor = index + 1
    if layer.kind == .globalAveragePool { return try pool(index, channels: outputs, regions: regions) }
    // A final concat computes nothing on chip: its operands' tiles are joined on the way to
    // DRAM (`write`), where every element they give must still be held.
    if layer.kind == .concat && index == layers.count - 1 { return }
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
        case .upsample: try upsample(index, region: region)
        case .add: try add(index, region: region)
        case .concat:
          // Inside the segment: the chain's chunk `inputs` at its channels of the output and,
          // with the first chunk, the skip's channels.
          let placed = layer.concatChannels
          var parts = [(placed.chain + inputs.lowerBound)..<(placed.chain + inputs.upperBound)]
          if inputs.lowerBound == 0 { parts.append(placed.skip) }
          for part in parts {
            store(try concatenated(index, TensorRegion(channels: part, rows: rows, columns: columns)), in: tensor, .complete)
          }
        case .globalAveragePool: break
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
  mutating func convolve(_ index: Int, region: TensorRegion, inputs: Range<Int>) throws(ExecutionFailure) {
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
  mutating func maxPool(_ index: Int, region: TensorRegion) throws(ExecutionFailure) {
    let geometry = geometries[index]
    let block = try gather(index, region: region, inputChannels: region.channels, geometry: geometry)
    var output = IntegerBlock(region: region, repeating: 0)
    PoolingKernel.maxPool(
      input: block, geometry: geometry, region: region, requantizer: execution.quantization[index].requantizer,
      into: &output)
    store(output, in: index + 1, .complete)
  }

  /// One rectangle of an upsample, from the input coordinates its outputs copy (y / f, x / f),
  /// each of which must be on chip (or in the input's slot), requantized as the kernel does.
  mutating func upsample(_ index: Int, region: TensorRegion) throws(ExecutionFailure) {
    let layer = layers[index]
    let factor = layer.stride.height
    let box = TensorRegion(
      channels: region.channels, rows: (region.rows.lowerBound / factor)..<((region.rows.upperBound - 1) / factor + 1),
      columns: (region.columns.lowerBound / factor)..<((region.columns.upperBound - 1) / factor + 1))
    let block = try held(execution.segment.inputTensor(ofLayer: index), box, reader: layer.name)
    let q = execution.quantization[index]
    var output = IntegerBlock(region: region, repeating: 0)
    ElementwiseKernel.upsample(
      block, factor: factor, format: q.inputs[0], output: q.output, activation: q.activation, region: region, into: &output)
    store(output, in: index + 1, .complete)
  }

  /// The input a convolution or pooling rectangle reads: from the buffer's input slot for layer 0
  /// and branches from the input, else from the on-chip tensor; only the coordinates its windows
  /// read (a stride longer than the kernel skips some), each of which must be held.
  func gather(_ index: Int, region: TensorRegion, inputChannels: Range<Int>, geometry: WindowGeometry)
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
  func element(_ tensor: Int, _ channel: Int, _ row: Int, _ column: Int, input: OnChipBuffer.Held) -> Int32? {
    guard tensor == 0 else { return onChip(tensor, channel, row, column) }
    let shape = execution.segment.input
    return input.value((channel * shape.height + row) * shape.width + column)
  }

  /// A finished element of an on-chip tensor, or nil when it is not there.
  func onChip(_ tensor: Int, _ channel: Int, _ row: Int, _ column: Int) -> Int32? {
    let element = tensors[tensor].index(channel, row, column)
    return tensors[tensor].state(element) == .complete ? tensors[tensor].values[element] : nil
  }

  /// An element of tensor `tensor` read but not held (tensor 0 lives in DRAM and the buffer).
  func missing(_ operand: String, tensor: Int, _ channel: Int, _ row: Int, _ column: Int) -> ExecutionFailure {
    let element = "element (c \(channel), y \(row), x \(column))"
    guard tensor >= 1 else { return failure(operand, "\(element) read but not in the buffer") }
    return failure(operand, "\(element) of '\(layers[tensor - 1].name)' read but not computed on chip")
  }

  /// One rectangle of an add: the chain tensor plus the skip operand, from wherever it lives.
  mutating func add(_ index: Int, region: TensorRegion) throws(ExecutionFailure) {
    let layer = layers[index]
    let q = execution.quantization[index]
    let chain = try held(index, region, reader: layer.name)
    var skip = chain
    let shape = layer.output
    let skipSlot = layer.skip == .segmentInput && !skipsFromDRAM.contains(index) ? "input" : "skip \(index)"
    let skipHeld = buffer.held(skipSlot)
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
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

  /// `region` of tensor `tensor` as the buffer holds it (the segment input in its slot), every
  /// element of which must be there for layer `reader`, which reads it.
  func held(_ tensor: Int, _ region: TensorRegion, reader: String) throws(ExecutionFailure) -> IntegerBlock {
    var block = IntegerBlock(region: region, repeating: 0)
    let input = buffer.held("input")
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
          guard let value = element(tensor, channel, row, column, input: input) else {
            throw missing("input of '\(reader)'", tensor: tensor, channel, row, column)
          }
          block[channel, row, column] = value
        }
      }
    }
    return block
  }

  /// `region` of concat `index`'s output: each channel from its operand's tile in the buffer (the
  /// chain tensor; the skip source on chip, or the skip's tile loaded from DRAM), requantized
  /// into the output's format by the concat kernel.
  func concatenated(_ index: Int, _ region: TensorRegion) throws(ExecutionFailure) -> IntegerBlock {
    let layer = layers[index]
    let q = execution.quantization[index]
    // Operands as tensors (nil: the skip from DRAM) in the output's channel order, which is the
    // network's input order (the formats').
    let skipSource: Int? = if case .layer(let source)? = layer.skip { source + 1 } else { nil }
    let operands: [Int?] = layer.chainFirst ? [index, skipSource] : [skipSource, index]
    let counts = operands.map { $0.map { execution.segment.shape(ofTensor: $0).channels } ?? layer.skipChannels }
    let skipShape = layer.skipShape
    let skipHeld = buffer.held("skip \(index)")
    let (channels, rows, columns) = (region.channels, region.rows, region.columns)
    var offset = 0
    var blocks: [IntegerBlock] = []
    for (operand, count) in zip(operands, counts) {
      // The operand's channels the region takes, in its own coordinates.
      let low = min(max(channels.lowerBound - offset, 0), count)
      let high = max(low, min(channels.upperBound - offset, count))
      var block = IntegerBlock(region: TensorRegion(channels: low..<high, rows: rows, columns: columns), repeating: 0)
      for channel in low..<high {
        for row in rows {
          for column in columns {
            let value =
              if let operand { onChip(operand, channel, row, column) } else {
                skipHeld.value((channel * skipShape.height + row) * skipShape.width + column)
              }
            guard let value else {
              if let operand { throw missing("input of '\(layer.name)'", tensor: operand, channel, row, column) }
              throw failure("skip of '\(layer.name)'", "(c \(channel), y \(row), x \(column)) read but not in the buffer")
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
    return joined
  }

  /// A final global pool adds the tile's region of its input (complete on chip) into its sums.
  mutating func pool(_ index: Int, channels: Range<Int>, regions: SegmentTileRegions) throws(ExecutionFailure) {
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

  mutating func store(_ block: IntegerBlock, in tensor: Int, _ state: OnChipTensor.State) {
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
}

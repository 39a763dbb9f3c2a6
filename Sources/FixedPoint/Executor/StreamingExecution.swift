import Networks
import Tiling

/// Runs a layer the tiling model streams (max / average / global pooling, add, concat, upsample)
/// one output row of one channel at a time through an `OnChipBuffer`: each step holds the input
/// elements that row reads (a pooling window's rows and columns, the same row of each addend, the
/// source row of a concatenated or upsampled channel), keeps those the previous step already
/// holds, computes the row with the region kernel and writes it. What it loads and writes is the
/// walk's stream (`StreamingWalk`, through `PlanUnit.transfers()`); what it reads is derived here
/// from the layer's definition, and must be held.
struct StreamingExecution {
  let layer: LayerAnalysis
  let quantization: LayerQuantization
  let capacity: Int
  /// The layer's input tensors, in `layer.layer.inputs` order, as stored in DRAM.
  let inputs: [[Int32]]
  /// The walk's transfers of the layer, in order.
  let transfers: UnitTransfers

  func run() throws(ExecutionFailure) -> ConvolutionExecution.Result {
    let output = layer.outputShape
    let shapes = layer.inputShapes
    var buffer = OnChipBuffer(capacity: capacity)
    var result = ConvolutionExecution.Result(output: Array(repeating: 0, count: output.elementCount ?? 0))
    let geometry = [.maxpool, .avgpool, .globalavgpool].contains(layer.kind) ? WindowGeometry(layer) : nil
    let concatOffsets = shapes.reduce(into: [0]) { $0.append(($0.last ?? 0) + $1.channels) }
    var step = 0
    var stream = TransferStream(transfers)
    for channel in 0..<output.channels {
      for row in 0..<output.height {
        let region = TensorRegion(channels: channel..<(channel + 1), rows: row..<(row + 1), columns: 0..<output.width)
        // What each input holds for this row: its channel, rows and columns, in its own coordinates.
        var reads: [(input: Int, region: TensorRegion)] = []
        switch layer.kind {
        case .maxpool, .avgpool, .globalavgpool:
          if let geometry {
            reads = [(0, TensorRegion(channels: region.channels, rows: geometry.inputRows(of: region.rows), columns: geometry.inputColumns(of: region.columns)))]
          }
        case .add:
          reads = shapes.indices.map { ($0, region) }
        case .concat:
          let source = (concatOffsets.lastIndex { $0 <= channel } ?? 0)
          let local = channel - concatOffsets[source]
          reads = [(source, TensorRegion(channels: local..<(local + 1), rows: region.rows, columns: region.columns))]
        case .upsample:
          let factor = max(1, layer.stride.height)
          let source = row / factor
          reads = [(0, TensorRegion(channels: region.channels, rows: source..<(source + 1), columns: 0..<shapes[0].width))]
        case .conv, .pointwise, .depthwise, .fc:
          throw ExecutionFailure(unit: layer.name, step: 0, tile: "-", operand: "layer", message: "not a streaming layer")
        }
        var blocks = shapes.map { _ in IntegerBlock(region: TensorRegion(channels: 0..<0, rows: 0..<0, columns: 0..<0), values: []) }
        for (input, box) in reads {
          let shape = shapes[input]
          let slot = Self.slot(input)
          // A pooling window with a stride longer than its kernel skips rows and columns: only
          // what some window reads is loaded (and charged by the model).
          var rowsRead = Array(repeating: true, count: box.rows.count)
          var columnsRead = Array(repeating: true, count: box.columns.count)
          if let geometry {
            rowsRead = ConvolutionExecution.reads(
              region.rows, within: box.rows, stride: geometry.stride.height, padding: geometry.padding.top,
              kernel: geometry.kernel.height)
            columnsRead = ConvolutionExecution.reads(
              region.columns, within: box.columns, stride: geometry.stride.width, padding: geometry.padding.left,
              kernel: geometry.kernel.width)
          }
          // The stream's read of this input at this step, if anything of it is new.
          if let read = stream.nextRead(at: step, of: [.input]) {
            guard read.tensor == layer.layer.inputs[input] else {
              throw ExecutionFailure(
                unit: layer.name, step: step, tile: "c\(channel) y\(row)", operand: slot,
                message: "the walk reads '\(read.tensor)' where the layer reads '\(layer.layer.inputs[input])'")
            }
            let (tile, moved) = TransferStream.offsets(read, in: [shape.channels, shape.height, shape.width])
            switch buffer.load(slot, tile: tile, moved: moved, from: inputs[input]) {
            case .success(let loaded): result.traffic.inputReads += loaded
            case .failure(let mismatch):
              throw ExecutionFailure(
                unit: layer.name, step: step, tile: "c\(channel) y\(row)", operand: slot,
                message: "the walk's transfer \(mismatch.message)")
            }
          }
          var block = IntegerBlock(region: box, repeating: 0)
          let held = buffer.held(slot)
          for channel in box.channels {
            for (row, rowRead) in zip(box.rows, rowsRead) where rowRead {
              for (column, columnRead) in zip(box.columns, columnsRead) where columnRead {
                let index = (channel * shape.height + row) * shape.width + column
                guard let value = held.value(index) else {
                  throw ExecutionFailure(
                    unit: layer.name, step: step, tile: "c\(channel) y\(row)", operand: slot,
                    message: "element \(index) read but not in the buffer")
                }
                block[channel, row, column] = value
              }
            }
          }
          blocks[input] = block
        }
        let regions = reads.map { Self.slot($0.input) }
        for (region, overflow) in regions.map({ ($0, buffer.occupyHeld($0)) }) + [("output", buffer.occupy("output", output.width))] {
          if let overflow {
            throw ExecutionFailure(unit: layer.name, step: step, tile: "c\(channel) y\(row)", operand: region, message: overflow)
          }
        }
        var computed = IntegerBlock(region: region, repeating: 0)
        compute(region, blocks, &computed, concatOffsets: concatOffsets)
        if let mismatch = stream.expect(.output, .write, at: step, region: region.box) {
          throw ExecutionFailure(unit: layer.name, step: step, tile: "c\(channel) y\(row)", operand: "output", message: mismatch)
        }
        for column in 0..<output.width { result.output[(channel * output.height + row) * output.width + column] = computed[channel, row, column] }
        result.traffic.outputWrites += output.width
        step += 1
      }
    }
    if let leftover = stream.leftover {
      throw ExecutionFailure(unit: layer.name, step: step, tile: "-", operand: "stream", message: leftover)
    }
    return result
  }

  /// The buffer slot of the layer's input at this position: "input", "input 2", ...
  private static func slot(_ input: Int) -> String { input == 0 ? "input" : "input \(input + 1)" }

  private func compute(_ region: TensorRegion, _ blocks: [IntegerBlock], _ computed: inout IntegerBlock, concatOffsets: [Int]) {
    let q = quantization
    switch layer.kind {
    case .maxpool:
      PoolingKernel.maxPool(input: blocks[0], geometry: WindowGeometry(layer), region: region, requantizer: q.requantizer, into: &computed)
    case .avgpool, .globalavgpool:
      PoolingKernel.averagePool(input: blocks[0], geometry: WindowGeometry(layer), region: region, requantizer: q.requantizer, into: &computed)
    case .add:
      ElementwiseKernel.add(blocks, formats: q.inputs, output: q.output, activation: q.activation, region: region, into: &computed)
    case .concat:
      // The kernel reads a concatenated channel from its source block in the source's coordinates.
      ElementwiseKernel.concat(
        blocks, channelCounts: layer.inputShapes.map(\.channels), formats: q.inputs, output: q.output, activation: q.activation,
        region: region, into: &computed)
    case .upsample:
      ElementwiseKernel.upsample(
        blocks[0], factor: layer.stride.height, format: q.inputs[0], output: q.output, activation: q.activation, region: region,
        into: &computed)
    case .conv, .pointwise, .depthwise, .fc:
      break
    }
  }
}

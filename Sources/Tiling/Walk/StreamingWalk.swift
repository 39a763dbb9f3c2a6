import Networks

/// Walks a layer the tiling model streams (max / average / global pooling, add, concat,
/// upsample) one output row of one channel at a time: each step holds the input elements that
/// row reads (a pooling window's rows and columns, the same row of each addend, the source row of
/// a concatenated or upsampled channel), loading what the step before did not hold, and writes
/// the row. Every input element read once and every output written once is what the model
/// charges (`LayerWorkload.streaming`); FixedPoint's streaming executor runs these steps.
package struct StreamingWalk: Sendable {
  package let kind: OperationKind
  package let tensors: LayerTensors
  package let bits: OperandBits

  package init(kind: OperationKind, tensors: LayerTensors, bits: OperandBits) {
    self.kind = kind
    self.tensors = tensors
    self.bits = bits
  }

  /// One output row: what each input holds for it (by input position) and the row written.
  package struct Step: Sendable {
    package var channel: Int
    package var row: Int
    /// Per input read at this step: its position in the layer's inputs and the box it holds, in its own coordinates.
    package var reads: [(input: Int, box: CoordinateBox)]
  }

  /// Every step, channel-major then row.
  package func steps() -> [Step] {
    let output = tensors.outputShape
    let shapes = tensors.inputShapes
    let concatOffsets = shapes.reduce(into: [0]) { $0.append(($0.last ?? 0) + $1.channels) }
    var steps: [Step] = []
    steps.reserveCapacity(output.channels * output.height)
    for channel in 0..<output.channels {
      for row in 0..<output.height {
        var reads: [(input: Int, box: CoordinateBox)] = []
        switch kind {
        case .maxpool, .avgpool, .globalavgpool:
          let input = shapes[0]
          let rows = RangeSet.window(
            [row...row], kernel: tensors.kernel.height, stride: tensors.stride.height, padding: tensors.padding.top,
            extent: input.height)
          let columns = RangeSet.window(
            [0...(output.width - 1)], kernel: tensors.kernel.width, stride: tensors.stride.width,
            padding: tensors.padding.left, extent: input.width)
          reads = [(0, CoordinateBox([[channel...channel], rows, columns]))]
        case .add:
          reads = shapes.indices.map { ($0, CoordinateBox([[channel...channel], [row...row], [0...(output.width - 1)]])) }
        case .concat:
          let source = concatOffsets.lastIndex { $0 <= channel } ?? 0
          let local = channel - concatOffsets[source]
          reads = [(source, CoordinateBox([[local...local], [row...row], [0...(output.width - 1)]]))]
        case .upsample:
          let source = row / max(1, tensors.stride.height)
          reads = [(0, CoordinateBox([[channel...channel], [source...source], [0...(shapes[0].width - 1)]]))]
        case .conv, .pointwise, .depthwise, .fc:
          reads = []
        }
        steps.append(Step(channel: channel, row: row, reads: reads))
      }
    }
    return steps
  }

  /// The steps' transfers: each input's new elements, then the output row.
  package func transfers() -> [UnitTransfer] {
    let output = tensors.outputShape
    guard output.width > 0 else { return [] }
    var held: [Int: CoordinateBox] = [:]
    var transfers: [UnitTransfer] = []
    for (number, step) in steps().enumerated() {
      for (input, box) in step.reads {
        let previous = held[input]
        let moved = previous.map { box.subtracting($0) } ?? (box.isEmpty ? [] : [box])
        held[input] = box
        // The same tile again moves nothing; a tile that only shrinks says so with nothing moved.
        guard previous != box else { continue }
        transfers.append(
          UnitTransfer(
            operand: .input, direction: .read, tensor: tensors.inputs[input], step: number, region: [box], moved: moved,
            bitsPerEntry: bits.input))
      }
      let row = CoordinateBox([[step.channel...step.channel], [step.row...step.row], [0...(output.width - 1)]])
      transfers.append(
        UnitTransfer(
          operand: .output, direction: .write, tensor: tensors.output, step: number, region: [row],
          bitsPerEntry: bits.output))
    }
    return transfers
  }
}

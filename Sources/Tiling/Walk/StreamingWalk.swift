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

  /// The buffer split the walk needs: per input, the most it holds at one step (a row of an addend
  /// or of a concatenated or upsampled source, a pooling window's rows by its columns, counting
  /// only what the windows read), and the output row. Closed form of the largest tile of each
  /// input over the steps, which the executor's static split allots.
  package var split: BufferSplit {
    let output = tensors.outputShape
    let shapes = tensors.inputShapes
    var regions: [(String, Int)] = []
    switch kind {
    case .maxpool, .avgpool, .globalavgpool:
      guard let input = shapes.first else { break }
      // Rows differ only at the edges (clipping): the tallest window over the output rows.
      var tallest = 0
      for row in 0..<output.height {
        let rows = RangeSet.window(
          [row...row], kernel: tensors.kernel.height, stride: tensors.stride.height, padding: tensors.padding.top,
          extent: input.height)
        tallest = max(tallest, RangeSet.count(rows))
      }
      let columns = output.width > 0
        ? RangeSet.count(
          RangeSet.window(
            [0...(output.width - 1)], kernel: tensors.kernel.width, stride: tensors.stride.width,
            padding: tensors.padding.left, extent: input.width)) : 0
      regions.append(("input", tallest * columns))
    case .add, .concat:
      // Every input keeps its last row: its own width (an addend's is the output's).
      regions.append(("inputs", shapes.reduce(0) { $0 + $1.width }))
    case .upsample:
      regions.append(("input", shapes.first?.width ?? 0))
    case .conv, .pointwise, .depthwise, .fc:
      break
    }
    regions.append(("outputs", output.width))
    return BufferSplit(regions)
  }

  /// The step that writes output row `row` of channel `channel` (steps run channel-major, then
  /// row).
  package func step(channel: Int, row: Int) -> Step {
    let output = tensors.outputShape
    let shapes = tensors.inputShapes
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
      let concatOffsets = shapes.reduce(into: [0]) { $0.append(($0.last ?? 0) + $1.channels) }
      let source = concatOffsets.lastIndex { $0 <= channel } ?? 0
      let local = channel - concatOffsets[source]
      reads = [(source, CoordinateBox([[local...local], [row...row], [0...(output.width - 1)]]))]
    case .upsample:
      let source = row / max(1, tensors.stride.height)
      reads = [(0, CoordinateBox([[channel...channel], [source...source], [0...(shapes[0].width - 1)]]))]
    case .conv, .pointwise, .depthwise, .fc:
      reads = []
    }
    return Step(channel: channel, row: row, reads: reads)
  }

  /// The steps' transfers, made as they are consumed (a streaming layer of many wide inputs has
  /// tens of millions of them; only one step's are held): each input's new elements, then the
  /// output row.
  package var transfers: Transfers { Transfers(walk: self) }

  /// The walk's transfers in order, step by step.
  package struct Transfers: Sequence, Sendable {
    let walk: StreamingWalk

    package struct Iterator: IteratorProtocol {
      let walk: StreamingWalk
      var number = 0
      /// What each input holds after the last step walked (by input position).
      var held: [Int: CoordinateBox] = [:]
      /// The current step's transfers not yet returned.
      var pending: [UnitTransfer] = []
      var position = 0

      package mutating func next() -> UnitTransfer? {
        let output = walk.tensors.outputShape
        let stepCount = output.width > 0 ? output.channels * output.height : 0
        while position == pending.count {
          guard number < stepCount else { return nil }
          pending = walk.transfers(ofStep: number, held: &held)
          position = 0
          number += 1
        }
        defer { position += 1 }
        return pending[position]
      }
    }

    package func makeIterator() -> Iterator { Iterator(walk: walk) }
  }

  /// Step `number`'s transfers, given what each input holds before it (updated to after it).
  private func transfers(ofStep number: Int, held: inout [Int: CoordinateBox]) -> [UnitTransfer] {
    let output = tensors.outputShape
    let step = step(channel: number / output.height, row: number % output.height)
    var transfers: [UnitTransfer] = []
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
    return transfers
  }
}

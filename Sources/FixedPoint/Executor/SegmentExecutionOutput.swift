import Networks
import Tiling

/// A segment's output tiles on their way to DRAM.
extension SegmentExecution.State {
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

  /// A final concat's output tile: each channel from its operand's tile in the buffer (the chain
  /// tensor; the skip source on chip, or the skip's tile loaded from DRAM), requantized into
  /// the output's format by the concat kernel.
  mutating func writeConcatenated(_ transfer: SegmentTransfer) throws(ExecutionFailure) {
    let index = layers.count - 1
    let layer = layers[index]
    let q = execution.quantization[index]
    // Operands as tensors (nil: the skip from DRAM) in the output's channel order, which is the
    // network's input order (the formats').
    let skipSource: Int? = if case .layer(let source)? = layer.skip { source + 1 } else { nil }
    let operands: [Int?] = layer.chainFirst ? [index, skipSource] : [skipSource, index]
    let counts = operands.map { $0.map { execution.segment.shape(ofTensor: $0).channels } ?? layer.skipChannels }
    let skipShape = layer.skipShape
    let skipHeld = buffer.held("skip \(index)")
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
}

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

  /// A final concat's output tile, joined from its operands' tiles in the buffer.
  mutating func writeConcatenated(_ transfer: SegmentTransfer) throws(ExecutionFailure) {
    let shape = execution.segment.output
    for rows in Self.runs(transfer.rows) {
      for columns in Self.runs(transfer.columns) {
        let region = TensorRegion(channels: transfer.channels, rows: rows, columns: columns)
        let joined = try concatenated(layers.count - 1, region)
        for channel in region.channels {
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

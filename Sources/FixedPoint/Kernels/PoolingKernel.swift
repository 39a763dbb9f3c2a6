import Networks

/// Max, average and global average pooling, region by region.
///
/// **Contract**: computes `region` (output coordinates) into `output` (a block containing it) from
/// `input`, a block holding at least `geometry.inputRegion(of: region, inputChannels: region.channels)`
/// (pooling keeps channels: output channel c reads input channel c; use `groups` = channels).
///
/// - Max: the largest input in the window; padding is ignored (never wins), as in PyTorch and
///   Darknet; a window entirely in padding has maximum 0. The maximum (input format) is requantized.
/// - Average: the sum over the window divided by the window **clipped to the padded input**:
///   padding counts as zeros, the ceil-mode overhang beyond the padding does not. This is PyTorch's
///   `count_include_pad=True` default; with `countsPadding` false (ONNX's default) the divisor is
///   the window clipped to the input. The integer version sums in 64 bits and divides with one
///   rounding (half up) into the output format (`Requantizer.apply(_:dividedBy:)`).
/// - Global average pooling is average pooling with the whole input as window (what shape
///   inference records for it), so the divisor is H * W.
package enum PoolingKernel {
  package static func maxPool(
    input: IntegerBlock, geometry: WindowGeometry, region: TensorRegion, requantizer: Requantizer,
    into output: inout IntegerBlock
  ) {
    check(input: input, geometry: geometry, region: region, output: output)
    forEachWindow(geometry, region) { channel, row, column, rows, columns, _ in
      var best = Int32.min
      for y in rows {
        for x in columns { best = max(best, input[channel, y, x]) }
      }
      output[channel, row, column] = requantizer.apply(rows.isEmpty || columns.isEmpty ? 0 : Int64(best))
    }
  }

  package static func averagePool(
    input: IntegerBlock, geometry: WindowGeometry, region: TensorRegion, requantizer: Requantizer,
    into output: inout IntegerBlock
  ) {
    check(input: input, geometry: geometry, region: region, output: output)
    let inputRegion = input.region
    input.values.withUnsafeBufferPointer { x in
      forEachWindow(geometry, region) { channel, row, column, rows, columns, divisor in
        var sum: Int64 = 0
        for y in rows {
          let start = inputRegion.offset(channel: channel, row: y, column: columns.lowerBound)
          for i in 0..<columns.count { sum += Int64(x[start + i]) }
        }
        output[channel, row, column] = requantizer.apply(sum, dividedBy: Int64(divisor))
      }
    }
  }

  package static func maxPool(
    input: FloatBlock, geometry: WindowGeometry, region: TensorRegion, activation: Activation, into output: inout FloatBlock
  ) {
    check(input: input, geometry: geometry, region: region, output: output)
    forEachWindow(geometry, region) { channel, row, column, rows, columns, _ in
      var best = -Float.infinity
      for y in rows {
        for x in columns { best = max(best, input[channel, y, x]) }
      }
      output[channel, row, column] = activation.apply(rows.isEmpty || columns.isEmpty ? 0 : best)
    }
  }

  package static func averagePool(
    input: FloatBlock, geometry: WindowGeometry, region: TensorRegion, activation: Activation, into output: inout FloatBlock
  ) {
    check(input: input, geometry: geometry, region: region, output: output)
    forEachWindow(geometry, region) { channel, row, column, rows, columns, divisor in
      var sum: Double = 0
      for y in rows {
        for x in columns { sum += Double(input[channel, y, x]) }
      }
      output[channel, row, column] = activation.apply(Float(sum / Double(divisor)))
    }
  }

  private static func check<Scalar>(
    input: TensorBlock<Scalar>, geometry: WindowGeometry, region: TensorRegion, output: TensorBlock<Scalar>
  ) {
    precondition(geometry.input.channels == geometry.output.channels, "pooling keeps the channel count")
    precondition(TensorRegion(geometry.output).contains(region), "\(region) is outside the output \(geometry.output)")
    precondition(output.region.contains(region), "\(region) is outside the output block \(output.region)")
    let needed = geometry.inputRegion(of: region, inputChannels: region.channels)
    precondition(input.region.contains(needed), "the input block \(input.region) lacks part of \(needed)")
  }

  /// Calls `body` once per output element of `region` with its window's input rows and columns
  /// (inside the tensor) and its average-pooling divisor (the window clipped to the padded input,
  /// or to the input when the padding does not count).
  @inline(__always)
  private static func forEachWindow(
    _ geometry: WindowGeometry, _ region: TensorRegion,
    _ body: (_ channel: Int, _ row: Int, _ column: Int, _ rows: Range<Int>, _ columns: Range<Int>, _ divisor: Int) -> Void
  ) {
    let input = geometry.input, padding = geometry.padding
    for channel in region.channels {
      for row in region.rows {
        let top = row * geometry.stride.height - padding.top
        let bottom = top + geometry.kernel.height
        let rows = max(top, 0)..<max(max(top, 0), min(bottom, input.height))
        let paddedRows = min(bottom, input.height + padding.bottom) - max(top, -padding.top)
        for column in region.columns {
          let left = column * geometry.stride.width - padding.left
          let right = left + geometry.kernel.width
          let columns = max(left, 0)..<max(max(left, 0), min(right, input.width))
          let paddedColumns = min(right, input.width + padding.right) - max(left, -padding.left)
          let divisor = geometry.countsPadding ? paddedRows * paddedColumns : rows.count * columns.count
          body(channel, row, column, rows, columns, max(1, divisor))
        }
      }
    }
  }
}

import Networks

/// Convolutions of every kind (KxK, strided, asymmetric padding, grouped, depthwise, pointwise),
/// region by region, accumulating partial sums over input-channel ranges.
///
/// **Contract** (what the tiled executor relies on):
/// - `region`: the output box to compute, in output-tensor coordinates; it must lie inside the
///   output shape and inside `accumulator.region`.
/// - `accumulator`: a caller-owned dense block (usually exactly `region`, zeroed before the first
///   input-channel range); only the elements of `region` are touched, each gets `+=` the sum over
///   input channels in `inputChannels` (intersected with the channels its group reads) and over
///   kernel positions of weight * input. Int32 sums wrap, so splitting the channels into ranges in
///   any order gives exactly the untiled sum.
/// - `input`: a dense block holding at least `geometry.inputRegion(of: region, inputChannels:)`,
///   the rows and columns the windows read, clipped to the tensor; rows and columns outside the
///   tensor are padding and read as zero (the caller never provides them).
/// - `weights`: the whole layer, [outputChannel][inputChannel / groups][kernelRow][kernelColumn].
/// - No bias, no shift: `RequantizeKernel` finishes a complete accumulator.
///
/// The untiled reference is one call with the whole output as region and every input channel.
package enum ConvolutionKernel {
  package static func accumulate<Scalar: KernelScalar>(
    input: TensorBlock<Scalar>, inputChannels: Range<Int>, weights: [Scalar], geometry: WindowGeometry,
    region: TensorRegion, into accumulator: inout TensorBlock<Scalar>
  ) {
    guard !region.isEmpty, !inputChannels.isEmpty else { return }
    let kernelArea = geometry.kernel.height * geometry.kernel.width
    precondition(TensorRegion(geometry.output).contains(region), "\(region) is outside the output \(geometry.output)")
    precondition(accumulator.region.contains(region), "\(region) is outside the accumulator \(accumulator.region)")
    precondition(
      input.region.contains(geometry.inputRegion(of: region, inputChannels: inputChannels)),
      "the input block \(input.region) lacks part of \(geometry.inputRegion(of: region, inputChannels: inputChannels))")
    precondition(weights.count == geometry.output.channels * geometry.inputChannelsPerGroup * kernelArea, "weight count")
    let isPointwise =
      kernelArea == 1 && geometry.stride == Extent2D(square: 1) && geometry.padding.isZero
    if isPointwise {
      accumulatePointwise(input: input, inputChannels: inputChannels, weights: weights, geometry: geometry, region: region, into: &accumulator)
    } else {
      accumulateWindowed(input: input, inputChannels: inputChannels, weights: weights, geometry: geometry, region: region, into: &accumulator)
    }
  }

  /// 1x1, stride 1, no padding: per output channel a GEMM row, O[o][p] += sum_i W[o][i] * I[i][p],
  /// over contiguous runs of pixels (a whole region when its rows are contiguous in both blocks),
  /// four input channels at a time so each accumulator element is loaded and stored once per four.
  static func accumulatePointwise<Scalar: KernelScalar>(
    input: TensorBlock<Scalar>, inputChannels: Range<Int>, weights: [Scalar], geometry: WindowGeometry,
    region: TensorRegion, into accumulator: inout TensorBlock<Scalar>
  ) {
    let perGroup = geometry.inputChannelsPerGroup
    let inputRegion = input.region
    let accumulatorRegion = accumulator.region
    let wholeRows = inputRegion.columns == region.columns && accumulatorRegion.columns == region.columns
    // Runs of contiguous pixels: (row of the run's start, length).
    let runs: [(row: Int, length: Int)] =
      wholeRows
      ? [(region.rows.lowerBound, region.rows.count * region.columns.count)]
      : region.rows.map { ($0, region.columns.count) }
    let column = region.columns.lowerBound
    weights.withUnsafeBufferPointer { w in
      input.values.withUnsafeBufferPointer { x in
        accumulator.values.withUnsafeMutableBufferPointer { acc in
          for output in region.channels {
            let group = geometry.inputChannels(ofOutputChannel: output)
            let channels = inputChannels.clamped(to: group)
            guard !channels.isEmpty else { continue }
            let weightRow = output * perGroup - group.lowerBound
            for run in runs {
              let a = accumulatorRegion.offset(channel: output, row: run.row, column: column)
              var channel = channels.lowerBound
              while channel + 4 <= channels.upperBound {
                let w0 = w[weightRow + channel], w1 = w[weightRow + channel + 1]
                let w2 = w[weightRow + channel + 2], w3 = w[weightRow + channel + 3]
                let x0 = inputRegion.offset(channel: channel, row: run.row, column: column)
                let channelStride = inputRegion.rows.count * inputRegion.columns.count
                let x1 = x0 + channelStride, x2 = x1 + channelStride, x3 = x2 + channelStride
                for i in 0..<run.length {
                  var sum = Scalar.multiplyAccumulate(acc[a + i], w0, x[x0 + i])
                  sum = Scalar.multiplyAccumulate(sum, w1, x[x1 + i])
                  sum = Scalar.multiplyAccumulate(sum, w2, x[x2 + i])
                  acc[a + i] = Scalar.multiplyAccumulate(sum, w3, x[x3 + i])
                }
                channel += 4
              }
              while channel < channels.upperBound {
                let weight = w[weightRow + channel]
                let x0 = inputRegion.offset(channel: channel, row: run.row, column: column)
                for i in 0..<run.length { acc[a + i] = Scalar.multiplyAccumulate(acc[a + i], weight, x[x0 + i]) }
                channel += 1
              }
            }
          }
        }
      }
    }
  }

  /// Any window: per (output channel, input channel, kernel position) one weight times a strided
  /// run of input columns, only over the output rows and columns whose window position is inside
  /// the input (padding contributes nothing, so it is skipped rather than read).
  static func accumulateWindowed<Scalar: KernelScalar>(
    input: TensorBlock<Scalar>, inputChannels: Range<Int>, weights: [Scalar], geometry: WindowGeometry,
    region: TensorRegion, into accumulator: inout TensorBlock<Scalar>
  ) {
    let kernelHeight = geometry.kernel.height, kernelWidth = geometry.kernel.width
    let strideY = geometry.stride.height, strideX = geometry.stride.width
    let top = geometry.padding.top, left = geometry.padding.left
    let perGroup = geometry.inputChannelsPerGroup
    let validColumns = (0..<kernelWidth).map { geometry.validColumns(kernelColumn: $0, within: region.columns) }
    let validRows = (0..<kernelHeight).map { geometry.validRows(kernelRow: $0, within: region.rows) }
    let inputRegion = input.region
    let accumulatorRegion = accumulator.region
    weights.withUnsafeBufferPointer { w in
      input.values.withUnsafeBufferPointer { x in
        accumulator.values.withUnsafeMutableBufferPointer { acc in
          for output in region.channels {
            let group = geometry.inputChannels(ofOutputChannel: output)
            let channels = inputChannels.clamped(to: group)
            for channel in channels {
              let weightBase = ((output * perGroup) + (channel - group.lowerBound)) * kernelHeight * kernelWidth
              for kernelRow in 0..<kernelHeight {
                for kernelColumn in 0..<kernelWidth {
                  let weight = w[weightBase + kernelRow * kernelWidth + kernelColumn]
                  let columns = validColumns[kernelColumn]
                  let length = columns.count
                  guard length > 0 else { continue }
                  let firstInputColumn = columns.lowerBound * strideX - left + kernelColumn
                  for row in validRows[kernelRow] {
                    let a = accumulatorRegion.offset(channel: output, row: row, column: columns.lowerBound)
                    let i0 = inputRegion.offset(channel: channel, row: row * strideY - top + kernelRow, column: firstInputColumn)
                    if strideX == 1 {
                      for i in 0..<length { acc[a + i] = Scalar.multiplyAccumulate(acc[a + i], weight, x[i0 + i]) }
                    } else {
                      for i in 0..<length {
                        acc[a + i] = Scalar.multiplyAccumulate(acc[a + i], weight, x[i0 + i * strideX])
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

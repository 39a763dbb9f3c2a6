import Networks

/// Fully connected layers over a CHW input flattened as feature (c * H + y) * W + x.
///
/// **Contract**: `accumulator[o, 0, 0] += sum over c in inputChannels, y, x of
/// W[o][(c * H + y) * W + x] * input[c, y, x]` for every output feature o in `outputFeatures`
/// (the output is a features x 1 x 1 tensor). `input` must hold `inputChannels` x every row x every
/// column; `weights` is the whole layer, [outputFeature][inputFeature]. Splitting the input
/// channels into ranges accumulates exactly the untiled sum (Int32 wraps).
package enum FullyConnectedKernel {
  package static func accumulate<Scalar: KernelScalar>(
    input: TensorBlock<Scalar>, inputShape: TensorShape, inputChannels: Range<Int>, weights: [Scalar],
    outputFeatures: Range<Int>, into accumulator: inout TensorBlock<Scalar>
  ) {
    guard !inputChannels.isEmpty, !outputFeatures.isEmpty else { return }
    let pixels = inputShape.height * inputShape.width
    let features = inputShape.channels * pixels
    let needed = TensorRegion(channels: inputChannels, rows: 0..<inputShape.height, columns: 0..<inputShape.width)
    precondition(input.region.contains(needed), "the input block \(input.region) lacks part of \(needed)")
    precondition(
      accumulator.region.contains(TensorRegion(channels: outputFeatures, rows: 0..<1, columns: 0..<1)),
      "output features \(outputFeatures) are outside the accumulator \(accumulator.region)")
    precondition(weights.count % features == 0, "weight count")
    // Contiguous runs of the block: (offset in the block, offset in a weight row, length). Each
    // row of a channel is one run; when the block holds exactly the needed rows and columns, all
    // of them form a single run.
    let inputRegion = input.region
    var runs: [(input: Int, weight: Int, length: Int)] = []
    if inputRegion.rows == needed.rows && inputRegion.columns == needed.columns {
      let first = inputRegion.offset(channel: inputChannels.lowerBound, row: 0, column: 0)
      runs = [(first, inputChannels.lowerBound * pixels, inputChannels.count * pixels)]
    } else {
      for channel in inputChannels {
        for row in 0..<inputShape.height {
          let start = inputRegion.offset(channel: channel, row: row, column: 0)
          runs.append((start, (channel * inputShape.height + row) * inputShape.width, inputShape.width))
        }
      }
    }
    let accumulatorRegion = accumulator.region
    weights.withUnsafeBufferPointer { w in
      input.values.withUnsafeBufferPointer { x in
        accumulator.values.withUnsafeMutableBufferPointer { acc in
          for output in outputFeatures {
            let a = accumulatorRegion.offset(channel: output, row: 0, column: 0)
            var sum = acc[a]
            let row = output * features
            for run in runs {
              for i in 0..<run.length { sum = Scalar.multiplyAccumulate(sum, w[row + run.weight + i], x[run.input + i]) }
            }
            acc[a] = sum
          }
        }
      }
    }
  }
}

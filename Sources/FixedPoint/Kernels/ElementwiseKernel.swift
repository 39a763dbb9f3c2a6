import Networks

/// Residual add, channel concatenation and nearest-neighbour upsampling, region by region.
///
/// **Contract**: each computes `region` (output coordinates) into `output` (a block containing it).
/// Inputs are blocks in their own tensors' coordinates holding at least what the region reads:
/// add, the same region; concat, the region's rows and columns of the channels it takes from that
/// input (input i holds output channels offset_i ..< offset_i + channels_i, offsets in input order);
/// upsample, rows y / factor and columns x / factor of the region.
///
/// Rescaling: add aligns every input exactly to the finest input fraction (left shifts, in 64
/// bits), sums, and rounds once into the output format; concat and upsample requantize each value
/// from its input's format into the output format. The layer's activation applies in that step.
package enum ElementwiseKernel {
  package static func add(
    _ inputs: [IntegerBlock], formats: [QFormat], output format: QFormat, activation: Activation, region: TensorRegion,
    into output: inout IntegerBlock
  ) {
    precondition(inputs.count == formats.count && !inputs.isEmpty, "one format per input")
    precondition(output.region.contains(region), "\(region) is outside the output block \(output.region)")
    for input in inputs { precondition(input.region.contains(region), "an input block lacks part of \(region)") }
    let finest = formats.map(\.fractionBits).max() ?? 0
    let requantizer = Requantizer(from: finest, to: format, activation: activation)
    let alignments = formats.map { finest - $0.fractionBits }
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
          var sum: Int64 = 0
          for (index, input) in inputs.enumerated() {
            sum += FixedPointArithmetic.roundingShift(Int64(input[channel, row, column]), by: -alignments[index])
          }
          output[channel, row, column] = requantizer.apply(sum)
        }
      }
    }
  }

  package static func concat(
    _ inputs: [IntegerBlock], channelCounts: [Int], formats: [QFormat], output format: QFormat, activation: Activation,
    region: TensorRegion, into output: inout IntegerBlock
  ) {
    precondition(inputs.count == formats.count && inputs.count == channelCounts.count, "one format per input")
    let requantizers = formats.map { Requantizer(from: $0.fractionBits, to: format, activation: activation) }
    forEachConcatenated(channelCounts, region) { index, outputChannel, inputChannel in
      for row in region.rows {
        for column in region.columns {
          output[outputChannel, row, column] = requantizers[index].apply(Int64(inputs[index][inputChannel, row, column]))
        }
      }
    }
  }

  package static func upsample(
    _ input: IntegerBlock, factor: Int, format inputFormat: QFormat, output format: QFormat, activation: Activation,
    region: TensorRegion, into output: inout IntegerBlock
  ) {
    let requantizer = Requantizer(from: inputFormat.fractionBits, to: format, activation: activation)
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
          output[channel, row, column] = requantizer.apply(Int64(input[channel, row / factor, column / factor]))
        }
      }
    }
  }

  package static func add(_ inputs: [FloatBlock], activation: Activation, region: TensorRegion, into output: inout FloatBlock) {
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
          var sum: Float = 0
          for input in inputs { sum += input[channel, row, column] }
          output[channel, row, column] = activation.apply(sum)
        }
      }
    }
  }

  package static func concat(
    _ inputs: [FloatBlock], channelCounts: [Int], activation: Activation, region: TensorRegion, into output: inout FloatBlock
  ) {
    forEachConcatenated(channelCounts, region) { index, outputChannel, inputChannel in
      for row in region.rows {
        for column in region.columns {
          output[outputChannel, row, column] = activation.apply(inputs[index][inputChannel, row, column])
        }
      }
    }
  }

  package static func upsample(
    _ input: FloatBlock, factor: Int, activation: Activation, region: TensorRegion, into output: inout FloatBlock
  ) {
    for channel in region.channels {
      for row in region.rows {
        for column in region.columns {
          output[channel, row, column] = activation.apply(input[channel, row / factor, column / factor])
        }
      }
    }
  }

  /// Calls `body` for every output channel of `region` with the input it comes from and its
  /// channel in that input.
  private static func forEachConcatenated(
    _ channelCounts: [Int], _ region: TensorRegion, _ body: (_ input: Int, _ outputChannel: Int, _ inputChannel: Int) -> Void
  ) {
    var offset = 0
    for (index, count) in channelCounts.enumerated() {
      for channel in max(offset, region.channels.lowerBound)..<max(max(offset, region.channels.lowerBound), min(offset + count, region.channels.upperBound)) {
        body(index, channel, channel - offset)
      }
      offset += count
    }
  }
}

import Foundation
import Networks

/// Finishes complete accumulators of a convolution or FC layer: output = saturate(activation(
/// round((accumulator + bias[channel]) * 2^-shift))), the sum taken in 64 bits (the accumulator
/// is 32-bit; the bias, in the accumulator's format, is a 32-bit value too).
package enum RequantizeKernel {
  /// Writes `region` of `output` from the same region of `accumulator`; `bias` has one value per
  /// output channel of the whole layer (empty: no bias).
  package static func requantize(
    _ accumulator: IntegerBlock, bias: [Int32], requantizer: Requantizer, region: TensorRegion,
    into output: inout IntegerBlock
  ) {
    precondition(accumulator.region.contains(region) && output.region.contains(region), "region outside the blocks")
    let width = region.columns.count
    guard width > 0 else { return }
    let accumulatorRegion = accumulator.region, outputRegion = output.region
    accumulator.values.withUnsafeBufferPointer { acc in
      output.values.withUnsafeMutableBufferPointer { out in
        for channel in region.channels {
          let offset = bias.isEmpty ? 0 : Int64(bias[channel])
          for row in region.rows {
            let a = accumulatorRegion.offset(channel: channel, row: row, column: region.columns.lowerBound)
            let o = outputRegion.offset(channel: channel, row: row, column: region.columns.lowerBound)
            for i in 0..<width { out[o + i] = requantizer.apply(Int64(acc[a + i]) + offset) }
          }
        }
      }
    }
  }

  /// The float counterpart: output = activation(accumulator + bias[channel]).
  package static func finish(
    _ accumulator: FloatBlock, bias: [Float], activation: Activation, region: TensorRegion, into output: inout FloatBlock
  ) {
    precondition(accumulator.region.contains(region) && output.region.contains(region), "region outside the blocks")
    for channel in region.channels {
      let offset = bias.isEmpty ? 0 : bias[channel]
      for row in region.rows {
        for column in region.columns {
          output[channel, row, column] = activation.apply(accumulator[channel, row, column] + offset)
        }
      }
    }
  }
}

extension Activation {
  /// The activation on a real value (Leaky ReLU: slope 0.1).
  @inlinable
  package func apply(_ value: Float) -> Float {
    switch self {
    case .linear: return value
    case .relu: return max(value, 0)
    case .relu6: return min(max(value, 0), 6)
    case .leaky: return value < 0 ? value * 0.1 : value
    case .sigmoid: return 1 / (1 + exp(-value))
    case .hardsigmoid: return min(max(value + 3, 0), 6) / 6
    case .hardswish: return value * min(max(value + 3, 0), 6) / 6
    }
  }
}

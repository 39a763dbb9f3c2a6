import Foundation
import Networks

@testable import FixedPoint

/// Shapes, random tensors and naive float-then-round oracles for the kernel tests. The oracles
/// compute each real value in Double (exact for these sizes) and round it once into the output
/// format, independently of the kernels' loops and region bookkeeping.
enum KernelFixture {
  /// Shape inference's view of a one-layer network reading `inputs` (named in0, in1, ...).
  static func layer(_ operation: Networks.Operation, inputs: [TensorShape], activation: Activation = .linear) throws -> LayerAnalysis {
    let names = inputs.indices.map { "in\($0)" }
    let network = Network(
      name: "kernel-test", inputs: zip(names, inputs).map { NetworkInput(name: $0, shape: $1) },
      layers: [Layer(name: "layer", operation: operation, inputs: names, activation: activation)])
    return try network.analyze().layers[0]
  }

  static func randomIntegers(_ count: Int, bits: Int, using generator: inout SeededGenerator) -> [Int32] {
    let largest = (Int32(1) << (bits - 1)) - 1
    return (0..<count).map { _ in Int32.random(in: (-largest - 1)...largest, using: &generator) }
  }

  static func randomBlock(_ shape: TensorShape, bits: Int, using generator: inout SeededGenerator) -> IntegerBlock {
    IntegerBlock(shape: shape, values: randomIntegers(shape.channels * shape.height * shape.width, bits: bits, using: &generator))
  }

  /// A real value rounded half up into `format` and saturated.
  static func round(_ value: Double, to format: QFormat) -> Int32 {
    let scaled = (value * exp2(Double(format.fractionBits)) + 0.5).rounded(.down)
    return Int32(min(max(scaled, Double(format.minimum)), Double(format.maximum)))
  }

  /// The activation as documented: leaky's slope is 6554 / 2^16.
  static func activate(_ value: Double, _ activation: Activation) -> Double {
    switch activation {
    case .linear: return value
    case .relu: return max(value, 0)
    case .relu6: return min(max(value, 0), 6)
    case .leaky: return value < 0 ? value * 6554 / 65536 : value
    case .sigmoid: return 1 / (1 + Foundation.exp(-value))
    case .hardsigmoid: return min(max(value + 3, 0), 6) / 6
    case .hardswish: return value * min(max(value + 3, 0), 6) / 6
    }
  }

  /// A layer's stored output for the real pre-activation `value`, as documented: the piecewise-
  /// linear activations are rounded once; sigmoid, hard sigmoid and hard swish apply to the value
  /// first rounded into the output format, as hardware applies them after requantization.
  static func finish(_ value: Double, _ activation: Activation, to output: QFormat) -> Int32 {
    switch activation {
    case .linear, .relu, .relu6, .leaky: return round(activate(value, activation), to: output)
    case .sigmoid, .hardsigmoid, .hardswish:
      return round(activate(real(round(value, to: output), output.fractionBits), activation), to: output)
    }
  }

  static func real(_ value: Int32, _ fractionBits: Int) -> Double { Double(value) * exp2(-Double(fractionBits)) }

  /// Convolution straight from the definition: every output, every tap, padding tested per tap.
  static func naiveConvolution(
    _ layer: LayerAnalysis, input: IntegerBlock, inputFormat: QFormat, weights: [Int32], weightFormat: QFormat,
    bias: [Int32], output: QFormat, activation: Activation
  ) -> [Int32] {
    let inShape = layer.inputShape, outShape = layer.outputShape
    let groups = layer.groups
    let inPerGroup = inShape.channels / groups, outPerGroup = outShape.channels / groups
    let accumulatorFraction = inputFormat.fractionBits + weightFormat.fractionBits
    var result: [Int32] = []
    for o in 0..<outShape.channels {
      for y in 0..<outShape.height {
        for x in 0..<outShape.width {
          var sum = bias.isEmpty ? 0 : real(bias[o], accumulatorFraction)
          for j in 0..<inPerGroup {
            let c = (o / outPerGroup) * inPerGroup + j
            for ky in 0..<layer.kernel.height {
              for kx in 0..<layer.kernel.width {
                let iy = y * layer.stride.height - layer.padding.top + ky
                let ix = x * layer.stride.width - layer.padding.left + kx
                guard iy >= 0, iy < inShape.height, ix >= 0, ix < inShape.width else { continue }
                let w = weights[((o * inPerGroup + j) * layer.kernel.height + ky) * layer.kernel.width + kx]
                sum += real(w, weightFormat.fractionBits) * real(input[c, iy, ix], inputFormat.fractionBits)
              }
            }
          }
          result.append(finish(sum, activation, to: output))
        }
      }
    }
    return result
  }

  /// Max or average pooling from the definition; the average divides by the window clipped to
  /// the padded input (PyTorch's count_include_pad=True), or to the input when the layer says the
  /// padding does not count.
  static func naivePooling(
    _ layer: LayerAnalysis, input: IntegerBlock, inputFormat: QFormat, output: QFormat, activation: Activation, maximum: Bool
  ) -> [Int32] {
    let inShape = layer.inputShape, outShape = layer.outputShape
    var countsPadding = true
    if case .pooling(let pooling) = layer.layer.operation { countsPadding = pooling.countsPadding }
    var result: [Int32] = []
    for c in 0..<outShape.channels {
      for y in 0..<outShape.height {
        for x in 0..<outShape.width {
          let top = y * layer.stride.height - layer.padding.top
          let left = x * layer.stride.width - layer.padding.left
          let bottom = min(top + layer.kernel.height, inShape.height + layer.padding.bottom)
          let right = min(left + layer.kernel.width, inShape.width + layer.padding.right)
          var best = -Double.infinity
          var sum = 0.0
          for iy in max(top, 0)..<max(max(top, 0), min(bottom, inShape.height)) {
            for ix in max(left, 0)..<max(max(left, 0), min(right, inShape.width)) {
              let value = real(input[c, iy, ix], inputFormat.fractionBits)
              best = max(best, value)
              sum += value
            }
          }
          let inside =
            max(0, min(bottom, inShape.height) - max(top, 0)) * max(0, min(right, inShape.width) - max(left, 0))
          let divisor = countsPadding ? (bottom - top) * (right - left) : inside
          let value = maximum ? (best == -.infinity ? 0 : best) : sum / Double(max(divisor, 1))
          result.append(finish(value, activation, to: output))
        }
      }
    }
    return result
  }

  /// Splits `range` into 1 to `pieces` random consecutive non-empty parts.
  static func split(_ range: Range<Int>, pieces: Int, using generator: inout SeededGenerator) -> [Range<Int>] {
    guard range.count > 1 else { return [range] }
    let cuts = Set((0..<Int.random(in: 0..<pieces, using: &generator)).map { _ in
      Int.random(in: (range.lowerBound + 1)..<range.upperBound, using: &generator)
    }).sorted()
    let bounds = [range.lowerBound] + cuts + [range.upperBound]
    return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
  }
}

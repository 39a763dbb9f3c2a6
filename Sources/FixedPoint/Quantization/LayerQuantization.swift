import Foundation
import Networks

/// The fixed-point form of one layer: the Q-formats of what it reads and writes, its weights as
/// integers of the weight width and its biases in the accumulator's format (32-bit).
package struct LayerQuantization: Sendable {
  /// Formats of the tensors the layer reads, in the order of `layer.inputs`.
  package var inputs: [QFormat]
  package var output: QFormat
  /// Convolution and FC layers: the weights' format; nil for layers without weights.
  package var weights: QFormat?
  /// Weights as stored integers, layout as `LayerWeights.weights`; empty without weights.
  package var quantizedWeights: [Int32]
  /// One per output channel at `accumulatorFractionBits`, saturated to 32 bits; empty: no bias.
  package var quantizedBias: [Int32]
  package var activation: Activation

  /// A quantization given outright (tests, or formats chosen elsewhere).
  package init(
    inputs: [QFormat], output: QFormat, weights: QFormat?, quantizedWeights: [Int32], quantizedBias: [Int32],
    activation: Activation
  ) {
    self.inputs = inputs
    self.output = output
    self.weights = weights
    self.quantizedWeights = quantizedWeights
    self.quantizedBias = quantizedBias
    self.activation = activation
  }

  /// The accumulator's fraction: input fraction + weight fraction (a product of two fixed-point
  /// numbers), or the input's for layers without weights.
  package var accumulatorFractionBits: Int { inputs[0].fractionBits + (weights?.fractionBits ?? 0) }

  /// From the accumulator (or the input, for layers without weights) to the output format.
  package var requantizer: Requantizer { Requantizer(from: accumulatorFractionBits, to: output, activation: activation) }

  /// The weight format of `bits` for weights up to `maxAbs`, reading an input of
  /// `inputFractionBits` into an accumulator whose largest value is `accumulatorMaxAbs`.
  ///
  /// By range alone the format would be `QFormat.fitting(maxAbs:bits:)`. But the accumulator is
  /// 32-bit: its fraction is input + weight fraction, and it must hold the largest accumulator value
  /// with one bit to spare (2^30, for inputs beyond the calibration range). With wide operands
  /// (16-bit inputs and weights: products of 30 bits, summed over hundreds of channels) that does not
  /// fit, so the weight fraction gives way: the weights then use fewer than `bits` bits of precision.
  /// Intermediate partial sums may wrap; only the final sum must fit.
  package static func weightFormat(maxAbs: Double, bits: Int, inputFractionBits: Int, accumulatorMaxAbs: Double) -> QFormat {
    var format = QFormat.fitting(maxAbs: maxAbs, bits: bits)
    if accumulatorMaxAbs.isFinite && accumulatorMaxAbs > 0 {
      let cap = 30 - Int(log2(accumulatorMaxAbs).rounded(.up)) - inputFractionBits
      format.fractionBits = max(min(format.fractionBits, cap), QFormat.fractionLimits.lowerBound)
    }
    return format
  }

  /// The quantization of `layer` from calibrated ranges, given the formats of its inputs.
  package init(
    _ layer: LayerAnalysis, inputs: [QFormat], weights: LayerWeights?, statistics: CalibrationStatistics,
    precision: Precision? = nil
  ) throws(FixedPointError) {
    let precision = precision ?? layer.layer.precision
    try Self.checkWidths(layer.name, precision)
    self.inputs = inputs
    self.activation = layer.layer.activation
    output = QFormat.fitting(maxAbs: statistics.tensorMaxAbs[layer.name] ?? 0, bits: precision.activationBits)
    quantizedWeights = []
    quantizedBias = []
    guard layer.weightCount > 0 else { return }
    guard let weights, weights.weights.count == layer.weightCount else {
      throw FixedPointError("layer '\(layer.name)': no weights, or not \(layer.weightCount) of them")
    }
    let format = Self.weightFormat(
      maxAbs: maxAbs(weights.weights), bits: precision.weightBits, inputFractionBits: inputs[0].fractionBits,
      accumulatorMaxAbs: statistics.accumulatorMaxAbs[layer.name] ?? 0)
    self.weights = format
    quantizedWeights = format.quantize(weights.weights)
    quantizedBias = QFormat(bits: 32, fractionBits: inputs[0].fractionBits + format.fractionBits).quantize(weights.bias)
  }

  /// Widths 2...16 run here; 1-bit weights and activations are binarized layers, and other 1-bit
  /// widths have no fixed-point meaning (a 1-bit signed integer holds only -1 and 0).
  static func checkWidths(_ name: String, _ precision: Precision) throws(FixedPointError) {
    if precision.weightBits == 1 && precision.activationBits == 1 { throw .binarized(name) }
    guard precision.weightBits >= 2 && precision.activationBits >= 2 else {
      throw FixedPointError(
        "layer '\(name)': \(precision.weightBits)-bit weights with \(precision.activationBits)-bit activations: "
          + "fixed point needs 2 to 16 bits for both (1 bit for both is a binarized layer)")
    }
  }
}

import Foundation
import Networks

/// Per-layer quantization error by width, for the optimizer's width choice (`ErrorTable.parse` in
/// Solver reads its CSV: header `layer,bits,error`).
///
/// The error of a layer at a width is the noise power of its output relative to the signal power
/// (1 / linear SQNR) when it alone is quantized: weights at that width (in the format the fixed-point
/// path would choose, including the 32-bit accumulator's cap), bias in the accumulator's format,
/// output rounded and saturated to that width; its input and every other layer stay float (the
/// float reference on the evaluation input). Its input's quantization belongs to the layer that
/// writes it, so each noise source is counted once and errors add up approximately.
package struct QuantizationErrorTable: Sendable {
  package struct Row: Hashable, Sendable {
    package var layer: String
    package var bits: Int
    package var error: Double
  }

  /// Rows in network order, widths ascending within a layer.
  package var rows: [Row]

  /// The error of every convolution and FC layer at every width in `widths` (2...16).
  package init(_ analysis: NetworkAnalysis, weights: NetworkWeights, study: QuantizationStudy, widths: [Int]) throws(FixedPointError) {
    for width in widths where !(2...16).contains(width) {
      throw FixedPointError("error-table width \(width) is outside 2...16 (1 bit is a binarized layer)")
    }
    rows = []
    for layer in analysis.layers where [.conv, .pointwise, .depthwise, .fc].contains(layer.kind) {
      guard let floatWeights = weights.layers[layer.name], let expected = study.reference[layer.name] else {
        throw FixedPointError("layer '\(layer.name)' has no weights or no reference output")
      }
      let inputs = try gather(layer, from: study.reference)
      let inputMaxAbs = study.statistics.tensorMaxAbs[layer.layer.inputs[0]] ?? 0
      for bits in Set(widths).sorted() {
        let inputFormat = QFormat.fitting(maxAbs: inputMaxAbs, bits: bits)
        let weightFormat = LayerQuantization.weightFormat(
          maxAbs: maxAbs(floatWeights.weights), bits: bits, inputFractionBits: inputFormat.fractionBits,
          accumulatorMaxAbs: study.statistics.accumulatorMaxAbs[layer.name] ?? 0)
        let biasFormat = QFormat(bits: 32, fractionBits: inputFormat.fractionBits + weightFormat.fractionBits)
        let quantized = LayerWeights(
          weights: weightFormat.dequantize(weightFormat.quantize(floatWeights.weights)),
          bias: biasFormat.dequantize(biasFormat.quantize(floatWeights.bias)))
        let output = try FloatLayer.run(layer, inputs: inputs, weights: quantized).output
        let outputFormat = QFormat.fitting(maxAbs: study.statistics.tensorMaxAbs[layer.name] ?? 0, bits: bits)
        let measured = outputFormat.dequantize(outputFormat.quantize(output.values))
        rows.append(Row(layer: layer.name, bits: bits, error: SignalToNoise.noiseToSignal(reference: expected.values, measured: measured)))
      }
    }
  }

  /// `layer,bits,error`, one row per layer and width; errors with 6 significant digits.
  package func csv() -> String {
    var text = "layer,bits,error\n"
    for row in rows {
      let error = row.error.isFinite ? String(format: "%.6g", row.error) : "1e300"
      text += "\(row.layer),\(row.bits),\(error)\n"
    }
    return text
  }
}

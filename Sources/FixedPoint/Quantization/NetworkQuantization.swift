import Networks

/// Layer-wise fixed-point quantization of a whole network: one Q-format per tensor, chosen from
/// the largest |value| the float network reaches on calibration inputs (integer bits enough for
/// it, the rest fraction), at the width of the layer's precision.
package struct NetworkQuantization: Sendable {
  /// Formats of the network inputs (at their declared bits), by name.
  package var inputs: [String: QFormat]
  /// Every layer's quantization, by name.
  package var layers: [String: LayerQuantization]

  package init(inputs: [String: QFormat], layers: [String: LayerQuantization]) {
    self.inputs = inputs
    self.layers = layers
  }

  /// The format of a tensor: a network input or a layer's output.
  package func format(of tensor: String) -> QFormat? { inputs[tensor] ?? layers[tensor]?.output }

  /// Quantizes `analysis` from calibration statistics; every layer at its own precision.
  package init(_ analysis: NetworkAnalysis, weights: NetworkWeights, statistics: CalibrationStatistics) throws(FixedPointError) {
    var inputs: [String: QFormat] = [:]
    for input in analysis.network.inputs {
      guard input.bits >= 2 else { throw FixedPointError("network input '\(input.name)': \(input.bits)-bit inputs need 2 to 16 bits") }
      inputs[input.name] = QFormat.fitting(maxAbs: statistics.tensorMaxAbs[input.name] ?? 0, bits: input.bits)
    }
    self.init(inputs: inputs, layers: [:])
    for layer in analysis.layers {
      var formats: [QFormat] = []
      for name in layer.layer.inputs {
        guard let format = format(of: name) else { throw FixedPointError("layer '\(layer.name)': input '\(name)' has no format") }
        formats.append(format)
      }
      layers[layer.name] = try LayerQuantization(
        layer, inputs: formats, weights: weights.layers[layer.name], statistics: statistics)
    }
  }
}

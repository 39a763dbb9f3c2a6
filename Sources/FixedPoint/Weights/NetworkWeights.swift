import Networks

/// Floating-point parameters of one layer, batch norm already folded in.
/// Layouts: convolution weights [outputChannel][inputChannel / groups][kernelRow][kernelColumn];
/// fully connected [outputFeature][inputFeature] (inputs flattened in CHW order). One bias per
/// output channel or feature (empty for layers without a bias); layers without parameters
/// (pooling, add, concat, upsample) have none.
package struct LayerWeights: Hashable, Sendable {
  package var weights: [Float]
  package var bias: [Float]

  package init(weights: [Float], bias: [Float]) {
    self.weights = weights
    self.bias = bias
  }
}

/// The parameters of every layer of a network, by layer name.
package struct NetworkWeights: Sendable {
  package var layers: [String: LayerWeights]

  package init(layers: [String: LayerWeights]) { self.layers = layers }

  /// Deterministic random weights (the default when no weights file is given): uniform in
  /// +-sqrt(6 / fan-in) (He et al.'s range for ReLU networks, so activations neither vanish nor
  /// explode through deep stacks), biases uniform in +-0.1; the same seed gives the same bits.
  package static func seeded(_ analysis: NetworkAnalysis, seed: UInt64 = 1) -> NetworkWeights {
    var generator = SeededGenerator(seed: seed)
    var layers: [String: LayerWeights] = [:]
    for layer in analysis.layers where layer.weightCount > 0 {
      let outputs = layer.outputShape.channels
      let fanIn = max(1, layer.weightCount / max(1, outputs))
      let range = Float((6 / Double(fanIn)).squareRoot())
      let weights = (0..<layer.weightCount).map { _ in Float.random(in: -range...range, using: &generator) }
      let bias = (0..<layer.biasCount).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
      layers[layer.name] = LayerWeights(weights: weights, bias: bias)
    }
    return NetworkWeights(layers: layers)
  }
}

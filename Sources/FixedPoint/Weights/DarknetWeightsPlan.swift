import Networks

/// The weighted layers of a cfg paired with their analysed layers, in file order, with the
/// number of floats each takes: everything needed to check a file's size before reading it.
struct DarknetWeightsPlan {
  struct Layer {
    var name: String
    var kind: DarknetCfgLayer.Kind
    var batchNormalize: Bool
    var outputs: Int
    /// Weights per output (c/groups * size * size, or FC input features).
    var fanIn: Int

    var floatCount: Int { outputs * (batchNormalize ? 4 : 1) + outputs * fanIn }

    /// Reads this layer's floats through `next` in Darknet's order and folds batch norm.
    func read(_ next: (Int) -> [Float], transposed: Bool, epsilon: DarknetWeights.BatchNormEpsilon) -> LayerWeights {
      let bias = next(outputs)
      var normalization: (scales: [Float], mean: [Float], variance: [Float])?
      if batchNormalize && kind == .convolutional { normalization = (next(outputs), next(outputs), next(outputs)) }
      var weights = next(outputs * fanIn)
      if kind == .connected && transposed {
        let stored = weights  // [in][out]
        for output in 0..<outputs {
          for input in 0..<fanIn { weights[output * fanIn + input] = stored[input * outputs + output] }
        }
      }
      if batchNormalize && kind == .connected { normalization = (next(outputs), next(outputs), next(outputs)) }
      guard let normalization else { return LayerWeights(weights: weights, bias: bias) }
      var folded = bias
      for output in 0..<outputs {
        let factor = Double(normalization.scales[output]) / epsilon.standardDeviation(Double(normalization.variance[output]))
        folded[output] = Float(Double(bias[output]) - Double(normalization.mean[output]) * factor)
        for index in output * fanIn..<(output + 1) * fanIn { weights[index] = Float(Double(weights[index]) * factor) }
      }
      return LayerWeights(weights: weights, bias: folded)
    }
  }

  var layers: [Layer] = []

  init(cfg: String, analysis: NetworkAnalysis, file: String) throws(DarknetWeightsError) {
    let sections = try DarknetCfgLayers.scan(cfg, file: file)
    let byName = Dictionary(analysis.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for section in sections {
      let header = section.kind == .convolutional ? "[convolutional]" : "[connected]"
      guard let layer = byName[section.name] else {
        throw .cfgMismatch(
          file: file, line: section.line,
          message: "\(header) (Darknet layer \(section.index)) has no layer '\(section.name)' in the network")
      }
      let matches: Bool
      switch (section.kind, layer.layer.operation) {
      case (.convolutional, .convolution):
        matches = layer.kernel == Extent2D(square: section.size) && layer.groups == section.groups
      case (.connected, .fullyConnected): matches = true
      default: matches = false
      }
      let outputs = layer.outputShape.channels
      guard matches, outputs == section.outputs, outputs > 0, layer.weightCount % outputs == 0, layer.biasCount == outputs else {
        throw .cfgMismatch(
          file: file, line: section.line,
          message:
            "\(header) does not match network layer '\(layer.name)' (\(layer.kind.rawValue), \(outputs) outputs, "
            + "\(layer.weightCount) weights, \(layer.biasCount) biases)")
      }
      layers.append(
        Layer(
          name: layer.name, kind: section.kind, batchNormalize: section.batchNormalize, outputs: outputs,
          fanIn: layer.weightCount / outputs))
    }
    let covered = Set(layers.map(\.name))
    if let missing = analysis.layers.first(where: { $0.weightCount > 0 && !covered.contains($0.name) }) {
      throw .cfgMismatch(
        file: file, line: nil, message: "network layer '\(missing.name)' has weights but no weighted cfg section")
    }
  }
}

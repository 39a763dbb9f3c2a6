import Networks

/// The limits of running a network on data, checked before anything is allocated.
package enum ExecutionLimits {
  /// Throws unless every layer holds at most `Limits.executedElements` elements at once (its
  /// inputs, each as often as it reads it, its output and its weights) and the network's work
  /// (MACs, plus one per element an element-wise or pooling layer reads) is at most
  /// `Limits.executedMACs`; the message says to run at a smaller `--input-size`.
  package static func check(_ analysis: NetworkAnalysis) throws(FixedPointError) {
    let hint = "run it at a smaller input (--input-size)"
    for input in analysis.network.inputs where (input.shape.elementCount ?? .max) > Limits.executedElements {
      throw FixedPointError(
        "network input \(excerpt(input.name)) has more than \(Limits.describe(Limits.executedElements)) elements, the most run on data; \(hint)")
    }
    var work = 0
    for layer in analysis.layers {
      // Each tensor has at most 2^36 elements (Limits.tensorElements) and a layer names fewer
      // than 2^26 inputs (a 64 MiB file), so the sum fits; `work` adds only checked layers.
      let reads = layer.inputShapes.reduce(0) { $0 + ($1.elementCount ?? 0) }
      let held = reads + (layer.outputShape.elementCount ?? 0) + layer.weightCount
      guard held <= Limits.executedElements else {
        throw FixedPointError(
          "layer \(excerpt(layer.name)) holds \(Limits.describe(held)) elements (inputs, output and weights); at most \(Limits.describe(Limits.executedElements)) are run on data; \(hint)")
      }
      work += layer.macs + reads
    }
    guard work <= Limits.executedMACs else {
      throw FixedPointError(
        "the network's work is \(Limits.describe(work)) operations (multiply-accumulates and element reads); at most \(Limits.describe(Limits.executedMACs)) are run on data; \(hint)")
    }
  }
}

/// The whole network, untiled, in float: the reference every fixed-point result is measured against.
package enum FloatNetwork {
  package struct Run: Sendable {
    /// Every layer's output, by layer name.
    package var outputs: [String: FloatBlock]
    /// Largest |accumulator + bias| of each convolution and FC layer (see `CalibrationStatistics`).
    package var accumulatorMaxAbs: [String: Double]
  }

  /// Runs every layer in network order on `inputs` (network input name -> tensor).
  package static func run(_ analysis: NetworkAnalysis, weights: NetworkWeights, inputs: [String: FloatBlock])
    throws(FixedPointError) -> Run
  {
    try ExecutionLimits.check(analysis)
    var tensors = inputs
    var result = Run(outputs: [:], accumulatorMaxAbs: [:])
    for layer in analysis.layers {
      let sources = try gather(layer, from: tensors)
      let (output, largest) = try FloatLayer.run(layer, inputs: sources, weights: weights.layers[layer.name])
      tensors[layer.name] = output
      result.outputs[layer.name] = output
      if layer.weightCount > 0 { result.accumulatorMaxAbs[layer.name] = largest }
    }
    return result
  }
}

/// The whole network, untiled, in fixed point: network inputs quantized to their formats, every
/// layer through the integer kernels. The executor's tiled runs must match it bit for bit.
package enum FixedPointNetwork {
  /// Every layer's output (stored integers in the layer's output format), by layer name.
  package static func run(
    _ analysis: NetworkAnalysis, quantization: NetworkQuantization, inputs: [String: FloatBlock]
  ) throws(FixedPointError) -> [String: IntegerBlock] {
    try ExecutionLimits.check(analysis)
    var tensors: [String: IntegerBlock] = [:]
    for (name, block) in inputs {
      guard let format = quantization.inputs[name] else { throw FixedPointError("network input '\(name)' has no format") }
      tensors[name] = IntegerBlock(region: block.region, values: format.quantize(block.values))
    }
    var outputs: [String: IntegerBlock] = [:]
    for layer in analysis.layers {
      try LayerQuantization.checkWidths(layer.name, layer.layer.precision)
      guard let q = quantization.layers[layer.name] else { throw FixedPointError("layer '\(layer.name)' is not quantized") }
      let output = IntegerLayer.run(layer, inputs: try gather(layer, from: tensors), quantization: q)
      tensors[layer.name] = output
      outputs[layer.name] = output
    }
    return outputs
  }
}

/// The tensors a layer reads, in the order of its inputs.
func gather<Scalar>(_ layer: LayerAnalysis, from tensors: [String: TensorBlock<Scalar>]) throws(FixedPointError)
  -> [TensorBlock<Scalar>]
{
  var result: [TensorBlock<Scalar>] = []
  for (index, name) in layer.layer.inputs.enumerated() {
    guard let block = tensors[name] else { throw FixedPointError("layer '\(layer.name)': input '\(name)' was not computed") }
    guard block.region == TensorRegion(layer.inputShapes[index]) else {
      throw FixedPointError("layer '\(layer.name)': input '\(name)' is \(block.region), expected \(layer.inputShapes[index])")
    }
    result.append(block)
  }
  return result
}

import Networks

/// The limits of running a network on data, checked before anything is allocated.
public enum ExecutionLimits {
  /// Throws unless every tensor and weight tensor of the network has at most
  /// `Limits.executedElements` elements and the network at most `Limits.executedMACs` MACs;
  /// the message says to run at a smaller `--input-size`.
  public static func check(_ analysis: NetworkAnalysis) throws(FixedPointError) {
    let hint = "run it at a smaller input (--input-size)"
    for input in analysis.network.inputs where (input.shape.elementCount ?? .max) > Limits.executedElements {
      throw FixedPointError(
        "network input \(excerpt(input.name)) has more than \(Limits.describe(Limits.executedElements)) elements, the most run on data; \(hint)")
    }
    for layer in analysis.layers
    where max(layer.outputShape.elementCount ?? .max, layer.weightCount) > Limits.executedElements {
      throw FixedPointError(
        "layer \(excerpt(layer.name)): a tensor of more than \(Limits.describe(Limits.executedElements)) elements, the most run on data; \(hint)")
    }
    guard analysis.totalMACs <= Limits.executedMACs else {
      throw FixedPointError(
        "the network has \(Limits.describe(analysis.totalMACs)) multiply-accumulates; at most \(Limits.describe(Limits.executedMACs)) are run on data; \(hint)")
    }
  }
}

/// The whole network, untiled, in float: the reference every fixed-point result is measured against.
public enum FloatNetwork {
  public struct Run: Sendable {
    /// Every layer's output, by layer name.
    public var outputs: [String: FloatBlock]
    /// Largest |accumulator + bias| of each convolution and FC layer (see `CalibrationStatistics`).
    public var accumulatorMaxAbs: [String: Double]
  }

  /// Runs every layer in network order on `inputs` (network input name -> tensor).
  public static func run(_ analysis: NetworkAnalysis, weights: NetworkWeights, inputs: [String: FloatBlock])
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
public enum FixedPointNetwork {
  /// Every layer's output (stored integers in the layer's output format), by layer name.
  public static func run(
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

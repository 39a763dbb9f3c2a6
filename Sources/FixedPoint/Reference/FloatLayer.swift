import Networks

/// One layer of the float reference, on whole tensors, through the same region kernels the
/// integer path uses (one region: the whole output; one input-channel range: all channels).
enum FloatLayer {
  /// The layer's output, and for convolution and FC layers the largest |accumulator + bias|
  /// (the pre-activation value the fixed-point accumulator has to hold).
  static func run(_ layer: LayerAnalysis, inputs: [FloatBlock], weights: LayerWeights?) throws(FixedPointError)
    -> (output: FloatBlock, accumulatorMaxAbs: Double)
  {
    let whole = TensorRegion(layer.outputShape)
    let activation = layer.layer.activation
    var output = FloatBlock(region: whole, repeating: 0)
    switch layer.kind {
    case .conv, .pointwise, .depthwise, .fc:
      guard let weights, weights.weights.count == layer.weightCount else {
        throw FixedPointError("layer '\(layer.name)': no weights, or not \(layer.weightCount) of them")
      }
      var accumulator = FloatBlock(region: whole, repeating: 0)
      let channels = 0..<layer.inputShape.channels
      if layer.kind == .fc {
        FullyConnectedKernel.accumulate(
          input: inputs[0], inputShape: layer.inputShape, inputChannels: channels, weights: weights.weights,
          outputFeatures: whole.channels, into: &accumulator)
      } else {
        ConvolutionKernel.accumulate(
          input: inputs[0], inputChannels: channels, weights: weights.weights, geometry: WindowGeometry(layer),
          region: whole, into: &accumulator)
      }
      let largest = preactivationMaxAbs(accumulator, bias: weights.bias)
      RequantizeKernel.finish(accumulator, bias: weights.bias, activation: activation, region: whole, into: &output)
      return (output, largest)
    case .maxpool:
      PoolingKernel.maxPool(input: inputs[0], geometry: WindowGeometry(layer), region: whole, activation: activation, into: &output)
    case .avgpool, .globalavgpool:
      PoolingKernel.averagePool(
        input: inputs[0], geometry: WindowGeometry(layer), region: whole, activation: activation, into: &output)
    case .add:
      ElementwiseKernel.add(inputs, activation: activation, region: whole, into: &output)
    case .concat:
      ElementwiseKernel.concat(
        inputs, channelCounts: layer.inputShapes.map(\.channels), activation: activation, region: whole, into: &output)
    case .upsample:
      ElementwiseKernel.upsample(inputs[0], factor: layer.stride.height, activation: activation, region: whole, into: &output)
    }
    return (output, 0)
  }

  /// Largest |accumulator + bias| over the block, and |bias| itself.
  static func preactivationMaxAbs(_ accumulator: FloatBlock, bias: [Float]) -> Double {
    var largest = maxAbs(bias)
    let pixels = accumulator.region.rows.count * accumulator.region.columns.count
    for (index, value) in accumulator.values.enumerated() {
      let offset = bias.isEmpty ? 0 : bias[index / pixels]
      largest = max(largest, Double(abs(value + offset)))
    }
    return largest
  }
}

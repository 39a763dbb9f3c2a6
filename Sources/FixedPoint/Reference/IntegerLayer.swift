import Networks

/// One layer in fixed point, on whole tensors: the untiled reference of the region kernels.
enum IntegerLayer {
  static func run(_ layer: LayerAnalysis, inputs: [IntegerBlock], quantization q: LayerQuantization) -> IntegerBlock {
    let whole = TensorRegion(layer.outputShape)
    var output = IntegerBlock(region: whole, repeating: 0)
    switch layer.kind {
    case .conv, .pointwise, .depthwise, .fc:
      var accumulator = IntegerBlock(region: whole, repeating: 0)
      let channels = 0..<layer.inputShape.channels
      if layer.kind == .fc {
        FullyConnectedKernel.accumulate(
          input: inputs[0], inputShape: layer.inputShape, inputChannels: channels, weights: q.quantizedWeights,
          outputFeatures: whole.channels, into: &accumulator)
      } else {
        ConvolutionKernel.accumulate(
          input: inputs[0], inputChannels: channels, weights: q.quantizedWeights, geometry: WindowGeometry(layer),
          region: whole, into: &accumulator)
      }
      RequantizeKernel.requantize(accumulator, bias: q.quantizedBias, requantizer: q.requantizer, region: whole, into: &output)
    case .maxpool:
      PoolingKernel.maxPool(input: inputs[0], geometry: WindowGeometry(layer), region: whole, requantizer: q.requantizer, into: &output)
    case .avgpool, .globalavgpool:
      PoolingKernel.averagePool(
        input: inputs[0], geometry: WindowGeometry(layer), region: whole, requantizer: q.requantizer, into: &output)
    case .add:
      ElementwiseKernel.add(
        inputs, formats: q.inputs, output: q.output, activation: q.activation, region: whole, into: &output)
    case .concat:
      ElementwiseKernel.concat(
        inputs, channelCounts: layer.inputShapes.map(\.channels), formats: q.inputs, output: q.output,
        activation: q.activation, region: whole, into: &output)
    case .upsample:
      ElementwiseKernel.upsample(
        inputs[0], factor: layer.stride.height, format: q.inputs[0], output: q.output, activation: q.activation,
        region: whole, into: &output)
    }
    return output
  }
}

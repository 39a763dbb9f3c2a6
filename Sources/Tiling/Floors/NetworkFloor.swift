import Networks

extension TrafficFloor {
  /// The traffic no schedule of the whole network avoids, in entries: every weight, every
  /// network output and the network inputs, each crossing once. Of an input only the elements
  /// some reader uses count (a strided 1x1 reads a quarter), taking the reader that uses most,
  /// so the bound holds for every plan, layerwise or fused. Also in bits, each tensor at its width
  /// (the floor of DRAM energy).
  public static func network(_ analysis: NetworkAnalysis) -> (entries: Int, bits: Int) {
    let chains = FusionChains(analysis)
    var entries = 0
    var bits = 0
    func add(_ count: Int, width: Int) {
      entries += count
      bits += count * width
    }
    for layer in analysis.layers {
      add(layer.weightCount, width: layer.layer.precision.weightBits)
      if chains.isNetworkOutput(layer.name) {
        add(layer.outputShape.elementCount.orZero, width: layer.layer.precision.activationBits)
      }
    }
    for input in analysis.network.inputs {
      let readers = chains.consumers[input.name, default: []].map { analysis.layers[$0] }
      add(readers.map { inputElementsRead(by: $0, of: input.shape) }.max() ?? 0, width: input.bits)
    }
    return (entries, bits)
  }

  private static func inputElementsRead(by layer: LayerAnalysis, of input: TensorShape) -> Int {
    switch try? LayerWorkload(layer) {
    case .gemm(let shape)?: return shape.m * shape.k
    case .convolution(let problem)?: return problem.inputElementsRead
    // Streaming layers (pooling windows aside, which never skip an element here) read all of it.
    case .streaming?, nil: return input.elementCount.orZero
    }
  }
}

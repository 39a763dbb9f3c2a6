import Networks

/// What the tiling model sees of one layer.
public enum LayerWorkload: Hashable, Sendable, Codable {
  /// Pointwise (1x1, one group, no padding) and fully connected layers: a GEMM (docs/tiling-model.md).
  case gemm(GEMMShape)
  /// KxK and depthwise convolutions, tiled with sliding-window halos.
  case convolution(ConvolutionProblem)
  /// Pooling, global pooling, add, concat and upsample: no reuse to plan. Each element the layer
  /// reads is read once and each output written once, which any buffer of a few rows achieves;
  /// their traffic is their compulsory traffic.
  case streaming(reads: Int, writes: Int)

  /// Multiply-accumulates of the layer (none for streaming layers).
  public var macs: Int {
    switch self {
    case .gemm(let shape): return shape.m * shape.k * shape.n
    case .convolution(let problem): return problem.macs
    case .streaming: return 0
    }
  }

  /// The workload of an analysed layer. Grouped convolutions with 1 < groups < channels are
  /// not modelled and are reported as such.
  public init(_ layer: LayerAnalysis) throws(TilingError) {
    switch layer.kind {
    case .pointwise where layer.padding.isZero, .fc:
      guard let gemm = layer.gemm else { throw TilingError("layer '\(layer.name)' has no GEMM view") }
      self = .gemm(GEMMShape(m: gemm.m, k: gemm.k, n: gemm.n))
    case .conv, .pointwise, .depthwise:
      guard let problem = ConvolutionProblem(layer) else {
        throw TilingError(
          "layer '\(layer.name)': grouped convolutions (\(layer.groups) groups of \(layer.inputShape.channels) channels) are not modelled; only one group or one per channel")
      }
      self = .convolution(problem)
    case .maxpool, .avgpool:
      // A pooling window reads like a depthwise convolution's.
      let problem = ConvolutionProblem(
        input: layer.inputShape, output: layer.outputShape, kernel: layer.kernel, stride: layer.stride,
        padding: layer.padding, isDepthwise: true)
      self = .streaming(reads: problem.inputElementsRead, writes: layer.outputShape.elementCount.orZero)
    case .globalavgpool, .add, .concat, .upsample:
      self = .streaming(
        reads: layer.inputShapes.reduce(0) { $0 + $1.elementCount.orZero }, writes: layer.outputShape.elementCount.orZero)
    }
  }
}

extension OperandBits {
  /// The widths of `layer` in `analysis`: its input is its producer's activations (or the
  /// network input's width), its weights and outputs its own precision.
  public init(_ layer: LayerAnalysis, in analysis: NetworkAnalysis, psumWidth: Int = 1) {
    let producer = layer.layer.inputs.first
    let inputBits =
      producer.flatMap { name in analysis.layer(named: name)?.layer.precision.activationBits }
      ?? producer.flatMap { name in analysis.network.inputs.first { $0.name == name }?.bits }
    self.init(precision: layer.layer.precision, inputBits: inputBits, psumWidth: psumWidth)
  }

  /// Whole bytes moved by `traffic`, each operand's bits rounded up: tensors of widths that are
  /// not whole bytes are packed, and a transfer of a packed tensor ends on a byte.
  public func wholeBytes(of traffic: Traffic) -> Int {
    func bytes(_ entries: Int, _ bits: Int) -> Int { (entries * bits + 7) / 8 }
    return bytes(traffic.inputReads, input) + bytes(traffic.weightReads, weight) + bytes(traffic.outputWrites, output)
      + bytes(traffic.psumReads, psum) + bytes(traffic.psumWrites, psum)
  }
}

extension Optional where Wrapped == Int {
  /// Shape inference has already rejected counts that overflow, so nil cannot occur for an analysed layer.
  var orZero: Int { self ?? 0 }
}

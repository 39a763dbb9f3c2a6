/// The operation of a layer as reports name it.
public enum OperationKind: String, Hashable, Sendable, Codable, CaseIterable {
  /// A convolution that is neither pointwise nor depthwise (KxK, or grouped).
  case conv
  /// 1x1, one group: a GEMM.
  case pointwise
  /// One group per input channel.
  case depthwise
  case fc
  case maxpool
  case avgpool
  case globalavgpool
  case add
  case concat
  case upsample
}

/// The GEMM view of a convolution or FC layer (docs/tiling-model.md):
/// O[M x N] = I[M x K] . W[K x N], repeated once per group.
///
/// Convolution: M = output pixels (Ho*Wo), K = (Cin/groups)*Kh*Kw, N = Cout/groups.
/// Depthwise: M = output pixels, K = kernel area, N = channel multiplier, groups = channels.
/// FC: M = 1 (one sample), K = input features, N = output features.
public struct GEMMView: Hashable, Sendable, Codable {
  public var m: Int
  public var k: Int
  public var n: Int
  public var groups: Int

  public init(m: Int, k: Int, n: Int, groups: Int = 1) {
    self.m = m
    self.k = k
    self.n = n
    self.groups = groups
  }
}

/// Everything shape inference derives for one layer.
public struct LayerAnalysis: Hashable, Sendable {
  public var layer: Layer
  public var kind: OperationKind
  /// Shapes of the tensors the layer reads, in the order of `layer.inputs`.
  public var inputShapes: [TensorShape]
  public var outputShape: TensorShape
  /// Window size; 1 for element-wise layers and FC, the whole input for global pooling.
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  /// Channel groups (convolutions); 1 otherwise.
  public var groups: Int
  public var gemm: GEMMView?
  /// Multiply-accumulates of convolution and FC layers; 0 for pooling, add, concat, upsample.
  public var macs: Int
  public var weightCount: Int
  public var biasCount: Int

  public var name: String { layer.name }
  /// Parameters: weights plus biases.
  public var parameterCount: Int { weightCount + biasCount }
  /// The first (for most layers the only) input shape.
  public var inputShape: TensorShape { inputShapes[0] }
}

/// Shape inference results for a whole network, with totals.
public struct NetworkAnalysis: Sendable {
  public let network: Network
  /// One entry per layer, in network order.
  public let layers: [LayerAnalysis]
  /// The shape of every tensor: network inputs and layer outputs, by name.
  public let shapes: [String: TensorShape]
  /// The position of every layer in `layers`, by name, so that lookups by name stay constant
  /// time in networks of thousands of layers.
  private let indices: [String: Int]

  public init(network: Network, layers: [LayerAnalysis], shapes: [String: TensorShape]) {
    self.network = network
    self.layers = layers
    self.shapes = shapes
    indices = Dictionary(layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public var totalMACs: Int { layers.reduce(0) { $0 + $1.macs } }
  public var totalParameters: Int { layers.reduce(0) { $0 + $1.parameterCount } }
  /// Sum of the output activation sizes of all layers, in elements.
  public var totalActivations: Int { layers.reduce(0) { $0 + ($1.outputShape.elementCount ?? 0) } }

  public func layer(named name: String) -> LayerAnalysis? { layerIndex(named: name).map { layers[$0] } }

  /// The position of the layer called `name`, nil when no layer is (a network input, say).
  public func layerIndex(named name: String) -> Int? { indices[name] }
}

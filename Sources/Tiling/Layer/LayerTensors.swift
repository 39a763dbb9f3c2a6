import Networks

/// The DRAM tensors one layer reads and writes, with the geometry that maps its GEMM or window
/// coordinates onto them: what a schedule needs, beside its workload, to say which elements of
/// which tensor each transfer moves without the network at hand.
public struct LayerTensors: Hashable, Sendable, Codable {
  /// The tensors the layer reads, in the layer's input order (an add's or concat's several).
  public var inputs: [String]
  /// Their shapes, in the same order.
  public var inputShapes: [TensorShape]
  /// The tensor the layer writes: its output, named after the layer.
  public var output: String
  public var outputShape: TensorShape
  /// The window (1 for element-wise layers, the whole input for global pooling), its stride
  /// (an upsample's factor) and padding.
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  /// Weight tensor extents `[co, ci, kh, kw]` (a depthwise layer's ci is 1, a fully connected
  /// layer's ci its flattened input); nil for layers without weights.
  public var weightExtents: [Int]?

  /// A layer's tensors from its analysis.
  public init(_ layer: LayerAnalysis) {
    inputs = layer.layer.inputs
    inputShapes = layer.inputShapes
    output = layer.name
    outputShape = layer.outputShape
    kernel = layer.kernel
    stride = layer.stride
    padding = layer.padding
    switch layer.kind {
    case .conv, .pointwise, .depthwise:
      let perGroup = layer.inputShape.channels / max(1, layer.groups)
      weightExtents = [layer.outputShape.channels, perGroup, layer.kernel.height, layer.kernel.width]
    case .fc:
      weightExtents = [layer.outputShape.channels, layer.inputShape.elementCount ?? 0, 1, 1]
    case .maxpool, .avgpool, .globalavgpool, .add, .concat, .upsample:
      weightExtents = nil
    }
  }

  /// The tensors of a layer given only by its workload (`dse layer`): input `NAME input`, output
  /// `NAME`, and a GEMM's m taken as a row of pixels of a 1x1 layer.
  public init(workload: LayerWorkload, name: String) {
    inputs = ["\(name) input"]
    output = name
    padding = .zero
    switch workload {
    case .gemm(let shape):
      inputShapes = [TensorShape(channels: shape.k, height: 1, width: shape.m)]
      outputShape = TensorShape(channels: shape.n, height: 1, width: shape.m)
      kernel = Extent2D(square: 1)
      stride = Extent2D(square: 1)
      weightExtents = [shape.n, shape.k, 1, 1]
    case .convolution(let problem):
      inputShapes = [problem.input]
      outputShape = problem.output
      kernel = problem.kernel
      stride = problem.stride
      padding = problem.padding
      weightExtents = [
        problem.output.channels, problem.isDepthwise ? 1 : problem.input.channels, problem.kernel.height,
        problem.kernel.width,
      ]
    case .streaming(let reads, let writes):
      inputShapes = [TensorShape(channels: 1, height: 1, width: reads)]
      outputShape = TensorShape(channels: 1, height: 1, width: writes)
      kernel = Extent2D(square: 1)
      stride = Extent2D(square: 1)
      weightExtents = nil
    }
  }

  /// The layer's weight tensor in DRAM.
  public var weights: String { Self.weights(of: output) }
  /// The name of layer `layer`'s weight tensor in DRAM.
  public static func weights(of layer: String) -> String { "\(layer) weights" }
  /// Where the layer's partial sums go when a tile is left before its reduction ends.
  public var partialSums: String { "\(output) partial sums" }
}

/// A tensor in DRAM as the walks address it: its name, role, extents per axis and width.
public struct DRAMTensor: Hashable, Sendable, Codable {
  /// What the tensor holds.
  public enum Role: String, Hashable, Sendable, Codable {
    /// Activations (a network input or a layer output), axes `c h w`.
    case activations
    /// A layer's weights, axes `co ci kh kw`.
    case weights
    /// A layer's partial sums, axes `c h w`, at the partial-sum width.
    case partialSums = "partial-sums"
  }

  public var name: String
  public var role: Role
  /// Extent of each axis: `[c, h, w]` or `[co, ci, kh, kw]`.
  public var extents: [Int]
  /// Width of one entry in bits.
  public var bitsPerEntry: Int

  /// A tensor from its parts.
  public init(name: String, role: Role, extents: [Int], bitsPerEntry: Int) {
    self.name = name
    self.role = role
    self.extents = extents
    self.bitsPerEntry = bitsPerEntry
  }

  /// Axis names, in order.
  public var axes: [String] { role == .weights ? ["co", "ci", "kh", "kw"] : ["c", "h", "w"] }
  /// Entries in the tensor.
  public var entries: Int { extents.reduce(1, *) }
  /// Bytes the tensor occupies packed at its width.
  public var bytes: Int { (entries * bitsPerEntry + 7) / 8 }

  /// An activation tensor of `shape`.
  public static func activations(_ name: String, _ shape: TensorShape, bits: Int) -> DRAMTensor {
    DRAMTensor(name: name, role: .activations, extents: [shape.channels, shape.height, shape.width], bitsPerEntry: bits)
  }
}

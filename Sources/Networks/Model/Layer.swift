/// One layer of a network: what it computes, which tensors it reads, and its precision.
public struct Layer: Hashable, Sendable, Codable {
  /// Unique within the network; other layers refer to it by this name.
  public var name: String
  public var operation: Operation
  /// Names of the layers or network inputs this layer reads, in order.
  public var inputs: [String]
  public var activation: Activation
  public var precision: Precision
  /// Marks a layer as a network output even though other layers consume it.
  /// Layers that nothing consumes are outputs anyway.
  public var isMarkedOutput: Bool

  public init(
    name: String, operation: Operation, inputs: [String], activation: Activation = .linear,
    precision: Precision = .int8, isMarkedOutput: Bool = false
  ) {
    self.name = name
    self.operation = operation
    self.inputs = inputs
    self.activation = activation
    self.precision = precision
    self.isMarkedOutput = isMarkedOutput
  }

  /// The convolution parameters when this layer is a convolution.
  public var convolution: Convolution? {
    if case .convolution(let convolution) = operation { return convolution }
    return nil
  }
}

/// A tensor that enters the network from outside (an image, a feature map).
public struct NetworkInput: Hashable, Sendable, Codable {
  public var name: String
  public var shape: TensorShape
  public var bits: Int

  public init(name: String, shape: TensorShape, bits: Int = 8) {
    self.name = name
    self.shape = shape
    self.bits = bits
  }
}

/// The activation function applied to a layer's output. It is an attribute of the
/// layer, not a layer of its own, and costs no MACs in the model.
public enum Activation: String, Hashable, Sendable, Codable, CaseIterable {
  case linear
  case relu
  case relu6
  /// Leaky ReLU with Darknet's slope of 0.1 for negative inputs.
  case leaky
  /// The logistic function 1 / (1 + e^-x) (Darknet's `logistic`, ONNX's `Sigmoid`).
  case sigmoid
  /// min(max(x + 3, 0), 6) / 6: PyTorch's `Hardsigmoid`, ONNX's `HardSigmoid` with alpha 1/6 and
  /// beta 0.5.
  case hardsigmoid
  /// x * min(max(x + 3, 0), 6) / 6: MobileNetV3's h-swish, PyTorch's `Hardswish`, ONNX's `HardSwish`.
  case hardswish

  /// Accepted spellings in network files, besides the raw values.
  static let aliases: [String: Activation] = [
    "none": .linear, "identity": .linear, "logistic": .sigmoid, "hard_sigmoid": .hardsigmoid,
    "hsigmoid": .hardsigmoid, "hard_swish": .hardswish, "hswish": .hardswish,
  ]

  /// The activation called `name` (any case): a raw value or one of the other usual spellings
  /// (`none`, `identity`, `logistic`, `hard_sigmoid`, `hsigmoid`, `hard_swish`, `hswish`).
  public init?(name: String) {
    let key = name.lowercased()
    if let value = Activation(rawValue: key) ?? Activation.aliases[key] { self = value } else { return nil }
  }
}

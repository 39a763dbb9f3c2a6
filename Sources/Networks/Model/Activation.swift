/// The activation function applied to a layer's output. It is an attribute of the
/// layer, not a layer of its own, and costs no MACs in the model.
public enum Activation: String, Hashable, Sendable, Codable, CaseIterable {
  case linear
  case relu
  case relu6
  /// Leaky ReLU with Darknet's slope of 0.1 for negative inputs.
  case leaky

  /// Accepted spellings in network files, besides the raw values.
  static let aliases: [String: Activation] = ["none": .linear, "identity": .linear]

  public init?(name: String) {
    let key = name.lowercased()
    if let value = Activation(rawValue: key) ?? Activation.aliases[key] { self = value } else { return nil }
  }
}

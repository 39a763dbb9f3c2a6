/// Sets the bit widths of weights and activations, to explore quantized variants of a network
/// without editing its file.
public enum PrecisionAssignment {
  public struct Options: Sendable {
    /// Weight width for every layer, unless a layer has its own; nil keeps each layer's width.
    public var weightBits: Int?
    /// Activation width for every layer, unless a layer has its own; nil keeps each layer's width.
    public var activationBits: Int?
    /// Widths for particular layers, by name; they override the global ones.
    public var layers: [String: Precision]

    public init(weightBits: Int? = nil, activationBits: Int? = nil, layers: [String: Precision] = [:]) {
      self.weightBits = weightBits
      self.activationBits = activationBits
      self.layers = layers
    }
  }

  /// The network with its layers' precisions set. The global widths also become the network's
  /// default, so a written file states them once, and the global activation width applies to the
  /// network inputs too: the native format ties input widths to the default activation width, so
  /// anything else would not survive a write and read.
  ///
  /// Refuses widths outside 1...16 and per-layer widths for unknown layers; the error's field
  /// names the option at fault (`weight-bits`, `activation-bits`, `layer`).
  public static func apply(to network: Network, options: Options) throws(NetworkError) -> Network {
    try check(options.weightBits, layer: nil, field: "weight-bits")
    try check(options.activationBits, layer: nil, field: "activation-bits")
    let names = Set(network.layers.map(\.name))
    for (name, precision) in options.layers.sorted(by: { $0.key < $1.key }) {
      guard names.contains(name) else { throw NetworkError("no layer is called \(excerpt(name))", field: "layer") }
      try check(precision.weightBits, layer: name, field: "layer")
      try check(precision.activationBits, layer: name, field: "layer")
    }

    var result = network
    result.defaultPrecision = overridden(network.defaultPrecision, options)
    if let bits = options.activationBits {
      for index in result.inputs.indices { result.inputs[index].bits = bits }
    }
    for index in result.layers.indices {
      let layer = result.layers[index]
      result.layers[index].precision = options.layers[layer.name] ?? overridden(layer.precision, options)
    }
    return result
  }

  private static func overridden(_ precision: Precision, _ options: Options) -> Precision {
    Precision(
      weightBits: options.weightBits ?? precision.weightBits,
      activationBits: options.activationBits ?? precision.activationBits)
  }

  private static func check(_ bits: Int?, layer: String?, field: String) throws(NetworkError) {
    guard let bits, !Precision.validBits.contains(bits) else { return }
    throw NetworkError(
      "bit width \(bits) is outside \(Precision.validBits.lowerBound)...\(Precision.validBits.upperBound)",
      layer: layer, field: field)
  }
}

/// A network: a DAG of layers over one or more input tensors.
///
/// Layers are kept in a topological order: a layer reads only network inputs and
/// layers listed before it, which is what makes the graph acyclic by construction.
public struct Network: Sendable, Codable {
  public var name: String
  public var inputs: [NetworkInput]
  public var layers: [Layer]
  /// The precision layers get unless they say otherwise (used when writing files).
  public var defaultPrecision: Precision
  /// Where each layer was declared, for error messages. Not part of the network's identity.
  public var origins: [String: FileLocation]

  public init(
    name: String, inputs: [NetworkInput], layers: [Layer], defaultPrecision: Precision = .int8,
    origins: [String: FileLocation] = [:]
  ) {
    self.name = name
    self.inputs = inputs
    self.layers = layers
    self.defaultPrecision = defaultPrecision
    self.origins = origins
  }

  public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

  /// The name of a network whose file gives none: the file's base name up to its first '.',
  /// without control characters and cut to `Limits.nameLength`; "network" when nothing is left.
  public static func defaultName(forFile file: String) -> String {
    let base = file.split(separator: "/").last.map(String.init) ?? file
    let stem = base.split(separator: ".").first.map(String.init) ?? base
    let clean = String(String.UnicodeScalarView(stem.unicodeScalars.filter { $0.properties.generalCategory != .control }))
    return clean.isEmpty ? "network" : String(clean.prefix(Limits.nameLength))
  }

  /// The file the network was read from, when it was read from one (for error messages).
  public var sourceFile: String? { origins.values.map(\.file).min() }

  /// Names of the layers that consume each tensor (layer or input), in network order.
  public var consumers: [String: [String]] {
    var result: [String: [String]] = [:]
    for layer in layers {
      for input in layer.inputs { result[input, default: []].append(layer.name) }
    }
    return result
  }

  /// Layers whose output leaves the network: those nothing consumes, and those marked as outputs.
  public var outputNames: [String] {
    let consumed = consumers
    return layers.filter { $0.isMarkedOutput || consumed[$0.name] == nil }.map(\.name)
  }

  /// The source location of a layer, when the network was read from a file.
  func origin(of layer: String) -> FileLocation? { origins[layer] }
}

extension Network: Equatable {
  /// Two networks are equal when they describe the same computation; where they came from does not matter.
  public static func == (lhs: Network, rhs: Network) -> Bool {
    lhs.name == rhs.name && lhs.inputs == rhs.inputs && lhs.layers == rhs.layers
      && lhs.defaultPrecision == rhs.defaultPrecision
  }
}

import Foundation

/// Renders a network in the native YAML format: flat, one layer per line, only the
/// fields that differ from their defaults.
struct YAMLNetworkWriter {
  let network: Network

  func render() -> String {
    var lines = ["name: \(quoted(network.name))"]
    if network.inputs.count == 1, network.inputs[0].name == "input" {
      lines.append("input: \(shape(network.inputs[0].shape))")
    } else {
      lines.append("inputs:")
      for input in network.inputs { lines.append("  \(quoted(input.name)): \(shape(input.shape))") }
    }
    lines.append("bits: \(precision(network.defaultPrecision))")
    lines.append("layers:")
    var previous = network.inputs.first?.name
    for layer in network.layers {
      lines.append("  - {\(fields(of: layer, previous: previous).joined(separator: ", "))}")
      previous = layer.name
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func fields(of layer: Layer, previous: String?) -> [String] {
    var result = ["name: \(quoted(layer.name))"]
    let (op, opFields) = describe(layer.operation)
    result.append("op: \(op)")
    switch layer.operation {
    case .add, .concat:
      result.append("inputs: [\(layer.inputs.map(quoted).joined(separator: ", "))]")
    default:
      if layer.inputs != [previous].compactMap({ $0 }) {
        result.append("input: \(quoted(layer.inputs.first ?? ""))")
      }
    }
    result += opFields
    if layer.activation != .linear { result.append("activation: \(layer.activation.rawValue)") }
    if layer.precision != network.defaultPrecision { result.append("bits: \(precision(layer.precision))") }
    if layer.isMarkedOutput { result.append("output: true") }
    return result
  }

  private func describe(_ operation: Operation) -> (String, [String]) {
    switch operation {
    case .convolution(let conv):
      return describe(conv)
    case .fullyConnected(let fc):
      return ("fc", ["out: \(fc.outputFeatures)"] + (fc.hasBias ? [] : ["bias: false"]))
    case .pooling(let pooling):
      var fields = ["kernel: \(extent(pooling.kernel))"]
      if pooling.stride != pooling.kernel { fields.append("stride: \(extent(pooling.stride))") }
      if !pooling.padding.isZero { fields.append("padding: \(padding(pooling.padding))") }
      if pooling.ceilMode { fields.append("ceil: true") }
      if pooling.kind == .average && !pooling.countsPadding { fields.append("count_include_pad: false") }
      return (pooling.kind == .max ? "maxpool" : "avgpool", fields)
    case .globalAveragePool:
      return ("globalavgpool", [])
    case .add:
      return ("add", [])
    case .concat:
      return ("concat", [])
    case .upsample(let factor):
      return ("upsample", ["factor: \(factor)"])
    }
  }

  private func describe(_ conv: Convolution) -> (String, [String]) {
    var fields: [String] = []
    let op: String
    if case .depthwise = conv.groups {
      op = "depthwise"
      fields.append("kernel: \(extent(conv.kernel))")
      switch conv.outputChannels {
      case .timesInput(1): break
      case .timesInput(let multiplier): fields.append("multiplier: \(multiplier)")
      case .absolute(let count): fields.append("out: \(count)")
      }
    } else if conv.kernel == Extent2D(square: 1), conv.groups == .count(1), conv.padding.isZero {
      op = "pointwise"
      fields.append("out: \(conv.outputChannels)")
    } else {
      return describeGeneral(conv)
    }
    if conv.stride != Extent2D(square: 1) { fields.append("stride: \(extent(conv.stride))") }
    if op == "depthwise", !conv.padding.isZero { fields.append("padding: \(padding(conv.padding))") }
    if !conv.hasBias { fields.append("bias: false") }
    return (op, fields)
  }

  private func describeGeneral(_ conv: Convolution) -> (String, [String]) {
    var fields = ["out: \(conv.outputChannels)", "kernel: \(extent(conv.kernel))"]
    if conv.stride != Extent2D(square: 1) { fields.append("stride: \(extent(conv.stride))") }
    if !conv.padding.isZero { fields.append("padding: \(padding(conv.padding))") }
    if case .count(let count) = conv.groups, count != 1 { fields.append("groups: \(count)") }
    if !conv.hasBias { fields.append("bias: false") }
    return ("conv", fields)
  }

  private func shape(_ shape: TensorShape) -> String { "[\(shape.channels), \(shape.height), \(shape.width)]" }

  private func extent(_ extent: Extent2D) -> String {
    extent.isSquare ? "\(extent.height)" : "[\(extent.height), \(extent.width)]"
  }

  private func padding(_ padding: Padding) -> String {
    if padding.isUniform { return "\(padding.top)" }
    if padding.isSymmetric { return "[\(padding.top), \(padding.left)]" }
    return "[\(padding.top), \(padding.left), \(padding.bottom), \(padding.right)]"
  }

  private func precision(_ precision: Precision) -> String {
    precision.weightBits == precision.activationBits
      ? "\(precision.weightBits)"
      : "{weights: \(precision.weightBits), activations: \(precision.activationBits)}"
  }
}

/// A name as a YAML flow scalar: bare when that reads back unchanged, double-quoted otherwise.
func quoted(_ name: String) -> String {
  let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
  let first = name.first
  let bare =
    !name.isEmpty && (first?.isLetter == true || first == "_")
    && name.allSatisfy { $0.isLetter || $0.isNumber || "_.-/".contains($0) }
    && !reserved.contains(name.lowercased())
  if bare { return name }
  let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
  return "\"\(escaped)\""
}

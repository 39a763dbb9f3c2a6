/// The op-specific part of a layer entry in the YAML format.
struct LayerSyntax {
  var operation: Operation
  var activation: Activation
  /// Keys this op accepts beyond the common ones.
  var keys: [String]
  /// Add and concat name their inputs explicitly; they cannot be repeated.
  var readsSeveralInputs: Bool

  static let ops = ["conv", "pointwise", "depthwise", "fc", "maxpool", "avgpool", "globalavgpool", "add", "concat", "upsample"]

  static func parse(op: String, fields: YAMLFields) throws(NetworkError) -> LayerSyntax {
    let activation = try parseActivation(fields)
    switch op {
    case "conv":
      let kernel = try required(fields.extent("kernel"), "kernel", fields, op)
      let groups = try fields.int("groups") ?? 1
      let convolution = Convolution(
        outputChannels: try channels(fields, op: op), kernel: kernel, stride: try fields.extent("stride") ?? Extent2D(square: 1),
        padding: try fields.padding("padding", kernel: kernel) ?? .zero, groups: .count(groups),
        hasBias: try fields.bool("bias") ?? true)
      return LayerSyntax(
        operation: .convolution(convolution), activation: activation,
        keys: ["out", "kernel", "stride", "padding", "groups", "bias", "activation"], readsSeveralInputs: false)
    case "pointwise":
      let convolution = Convolution(
        outputChannels: try channels(fields, op: op), kernel: Extent2D(square: 1),
        stride: try fields.extent("stride") ?? Extent2D(square: 1), hasBias: try fields.bool("bias") ?? true)
      return LayerSyntax(
        operation: .convolution(convolution), activation: activation, keys: ["out", "stride", "bias", "activation"],
        readsSeveralInputs: false)
    case "depthwise":
      let kernel = try required(fields.extent("kernel"), "kernel", fields, op)
      if fields.has("out") && fields.has("multiplier") {
        throw fields.error("give either 'out' or 'multiplier', not both", field: "multiplier")
      }
      var convolution = Convolution.depthwise(
        kernel: kernel, stride: try fields.extent("stride") ?? Extent2D(square: 1),
        padding: try fields.padding("padding", kernel: kernel) ?? .zero, multiplier: try fields.int("multiplier") ?? 1,
        hasBias: try fields.bool("bias") ?? true)
      if fields.has("out") { convolution.outputChannels = try channels(fields, op: op) }
      return LayerSyntax(
        operation: .convolution(convolution), activation: activation,
        keys: ["kernel", "stride", "padding", "multiplier", "out", "bias", "activation"], readsSeveralInputs: false)
    case "fc":
      let features = try required(fields.int("out"), "out", fields, op)
      return LayerSyntax(
        operation: .fullyConnected(FullyConnected(outputFeatures: features, hasBias: try fields.bool("bias") ?? true)),
        activation: activation, keys: ["out", "bias", "activation"], readsSeveralInputs: false)
    case "maxpool", "avgpool":
      let kernel = try required(fields.extent("kernel"), "kernel", fields, op)
      let pooling = Pooling(
        kind: op == "maxpool" ? .max : .average, kernel: kernel, stride: try fields.extent("stride") ?? kernel,
        padding: try fields.padding("padding", kernel: kernel) ?? .zero, ceilMode: try fields.bool("ceil") ?? false,
        countsPadding: try fields.bool("count_include_pad") ?? true)
      return LayerSyntax(
        operation: .pooling(pooling), activation: activation,
        keys: ["kernel", "stride", "padding", "ceil"] + (op == "avgpool" ? ["count_include_pad"] : []),
        readsSeveralInputs: false)
    case "globalavgpool":
      return LayerSyntax(operation: .globalAveragePool, activation: activation, keys: [], readsSeveralInputs: false)
    case "add":
      return LayerSyntax(operation: .add, activation: activation, keys: ["activation"], readsSeveralInputs: true)
    case "concat":
      return LayerSyntax(operation: .concat, activation: activation, keys: [], readsSeveralInputs: true)
    case "upsample":
      return LayerSyntax(
        operation: .upsample(factor: try fields.int("factor") ?? 2), activation: activation, keys: ["factor"],
        readsSeveralInputs: false)
    default:
      throw fields.error("unknown op \(excerpt(op)); accepted: \(ops.joined(separator: ", "))", field: "op")
    }
  }

  private static func required<T>(_ value: T?, _ key: String, _ fields: YAMLFields, _ op: String) throws(NetworkError) -> T {
    guard let value else { throw fields.missing(key, context: "an \(excerpt(op)) layer") }
    return value
  }

  /// `out: 64` (absolute) or `out: 6x` (six times the input channels).
  private static func channels(_ fields: YAMLFields, op: String) throws(NetworkError) -> ChannelCount {
    let text = try required(fields.string("out"), "out", fields, op)
    if text.hasSuffix("x"), let factor = Int(text.dropLast()), factor >= 1 { return .timesInput(factor) }
    guard let count = Int(text), count >= 1 else {
      throw fields.error("expected a channel count of at least 1 (64) or a multiple of the input channels (6x), found \(excerpt(text))", field: "out")
    }
    return .absolute(count)
  }

  private static func parseActivation(_ fields: YAMLFields) throws(NetworkError) -> Activation {
    guard let name = try fields.string("activation") else { return .linear }
    guard let activation = Activation(name: name) else {
      throw fields.error(
        "unknown activation \(excerpt(name)); accepted: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))",
        field: "activation")
    }
    return activation
  }
}

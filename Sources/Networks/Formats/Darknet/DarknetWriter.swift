/// Writes a network as a Darknet cfg, refusing what Darknet cannot express instead of
/// approximating it: a cfg that silently computes something else would mislead every
/// number derived from it.
///
/// Refused, with the layer named: more than one network input; non-8-bit precision (a cfg
/// has no bit widths); convolutions with non-square kernels or strides, unequal padding on
/// the four sides, or no bias; fully connected layers without bias; average pooling with a
/// window (Darknet's [avgpool] is global); max pooling with ceil mode, non-square windows
/// or padding other than Darknet's (total p: p/2 before, the rest after); adds of other than
/// two tensors; concats of one tensor (a one-layer [route] is an alias, not a layer); an
/// activation on pooling, concat or upsample (those sections take none); a layer other than
/// the first reading the network input (a route cannot name the image).
///
/// Choices: layers whose input is not the previous section get a one-layer [route] before
/// them; a shortcut takes the previous section as its first operand, so an add whose
/// operands come in the other order is written with them swapped (same sum). Layer names
/// are written as comments, since Darknet has none. Output-marked layers get a comment, not
/// a [yolo]: the model keeps no anchors, masks or class counts, so a [yolo] would be
/// invented. Marked layers that nothing consumes are outputs anyway, so the YOLO heads
/// survive a round trip; a marked layer that other layers also read loses its mark.
/// Convolutions get no `batch_normalize`: the model keeps biases, not how they were trained.
/// `relu6` is written as is: AlexeyAB's Darknet has it, pjreddie's original does not.
struct DarknetWriter {
  let network: Network
  let analysis: NetworkAnalysis
  private var lines: [String] = []
  /// The Darknet index the next section will get.
  private var nextIndex = 0
  /// The Darknet index that outputs each tensor written so far.
  private var indexOf: [String: Int] = [:]
  /// The tensor a section reads implicitly: the output of the previous section.
  private var previous: String

  init(network: Network) throws(NetworkError) {
    self.network = network
    guard network.inputs.count == 1, let input = network.inputs.first else {
      throw NetworkError(
        "a Darknet cfg has exactly one input image, this network has \(network.inputs.count) inputs",
        field: "inputs")
    }
    guard input.bits == 8 else {
      throw NetworkError(
        "a Darknet cfg has no bit widths; input \(excerpt(input.name)) is \(input.bits)-bit (only 8-bit networks are written)",
        field: "bits")
    }
    self.analysis = try network.analyze()
    self.previous = input.name
  }

  mutating func render() throws(NetworkError) -> String {
    guard let input = network.inputs.first else { return "" }
    lines = [
      "# \(network.name): written by dse. Layer names are in comments; Darknet refers to layers by index.",
      "[net]", "batch=1", "subdivisions=1",
      "width=\(input.shape.width)", "height=\(input.shape.height)", "channels=\(input.shape.channels)",
    ]
    for layer in analysis.layers { try write(layer) }
    return lines.joined(separator: "\n") + "\n"
  }

  private mutating func write(_ analysis: LayerAnalysis) throws(NetworkError) {
    let layer = analysis.layer
    guard layer.precision == Precision(bits: 8) else {
      throw refusal(layer, "a Darknet cfg has no bit widths; this layer is \(layer.precision)-bit", field: "bits")
    }
    switch layer.operation {
    case .convolution(let convolution):
      try readSingleInput(layer)
      let body = try convolutionBody(convolution, analysis)
      emit(layer, "convolutional", body + ["activation=\(try activationName(layer))"])
    case .fullyConnected(let fc):
      guard fc.hasBias else { throw refusal(layer, "Darknet's [connected] always has a bias", field: "bias") }
      try readSingleInput(layer)
      emit(layer, "connected", ["output=\(fc.outputFeatures)", "activation=\(try activationName(layer))"])
    case .pooling(let pooling):
      try requireLinear(layer, "[maxpool]")
      try readSingleInput(layer)
      emit(layer, "maxpool", try poolingBody(pooling, layer))
    case .globalAveragePool:
      try requireLinear(layer, "[avgpool]")
      try readSingleInput(layer)
      emit(layer, "avgpool", [])
    case .upsample(let factor):
      try requireLinear(layer, "[upsample]")
      try readSingleInput(layer)
      emit(layer, "upsample", ["stride=\(factor)"])
    case .add:
      let other = try shortcutOperand(layer)
      emit(
        layer, "shortcut",
        ["from=\(try relative(other, layer, field: "inputs"))", "activation=\(try activationName(layer))"])
    case .concat:
      try requireLinear(layer, "[route]")
      guard layer.inputs.count >= 2 else {
        throw refusal(
          layer, "a concat of one tensor has no Darknet form: a one-layer [route] is an alias, not a layer",
          field: "inputs")
      }
      var indices: [String] = []
      for input in layer.inputs { indices.append(String(try relative(input, layer, field: "inputs"))) }
      emit(layer, "route", ["layers=\(indices.joined(separator: ", "))"])
    }
  }

  // MARK: Sections

  /// Appends a section for `layer` and records the index it takes.
  private mutating func emit(_ layer: Layer, _ header: String, _ body: [String]) {
    lines.append("")
    lines.append("# \(layer.name)")
    lines.append("[\(header)]")
    lines.append(contentsOf: body)
    if layer.isMarkedOutput {
      lines.append("# network output (Darknet has no generic output marker)")
    }
    indexOf[layer.name] = nextIndex
    nextIndex += 1
    previous = layer.name
  }

  /// Emits a one-layer [route] when the layer's single input is not the previous section.
  private mutating func readSingleInput(_ layer: Layer) throws(NetworkError) {
    guard layer.inputs.count == 1, let input = layer.inputs.first else {
      throw refusal(layer, "expected exactly one input, found \(layer.inputs.count)", field: "inputs")
    }
    try route(to: input, for: layer)
  }

  private mutating func route(to input: String, for layer: Layer) throws(NetworkError) {
    guard input != previous else { return }
    let offset = try relative(input, layer, field: "inputs")
    lines.append("")
    lines.append("[route]")
    lines.append("layers=\(offset)")
    nextIndex += 1
    previous = input
  }

  /// The operand a [shortcut] names with `from=`; the other one must be (or is routed to
  /// become) the previous section.
  private mutating func shortcutOperand(_ layer: Layer) throws(NetworkError) -> String {
    guard layer.inputs.count == 2 else {
      throw refusal(
        layer, "Darknet's [shortcut] adds exactly two tensors, this add has \(layer.inputs.count)", field: "inputs")
    }
    let first = layer.inputs[0]
    let second = layer.inputs[1]
    if first == previous { return second }
    if second == previous { return first }
    try route(to: first, for: layer)
    return second
  }

  /// The negative index, relative to the next section, of the section that outputs `tensor`.
  private func relative(_ tensor: String, _ layer: Layer, field: String) throws(NetworkError) -> Int {
    guard let index = indexOf[tensor] else {
      throw refusal(
        layer,
        "reads the network input \(excerpt(tensor)) after other layers; a Darknet cfg can only read the image in its first layer",
        field: field)
    }
    return index - nextIndex
  }

  // MARK: Layer bodies

  private func convolutionBody(_ convolution: Convolution, _ analysis: LayerAnalysis) throws(NetworkError) -> [String] {
    let layer = analysis.layer
    let kernel = convolution.kernel
    guard kernel.isSquare else {
      throw refusal(layer, "Darknet convolutions have square kernels, this one is \(kernel)", field: "kernel")
    }
    guard convolution.stride.isSquare else {
      throw refusal(
        layer, "Darknet convolutions have one stride for both axes, this one is \(convolution.stride)", field: "stride")
    }
    let padding = convolution.padding
    guard padding.isUniform else {
      throw refusal(
        layer, "Darknet convolutions pad all four sides equally, this one pads \(padding)", field: "padding")
    }
    guard convolution.hasBias else {
      throw refusal(layer, "Darknet convolutions always have a bias (batch norm folds into it)", field: "bias")
    }
    var body = [
      "filters=\(analysis.outputShape.channels)", "size=\(kernel.height)", "stride=\(convolution.stride.height)",
    ]
    if padding.top == kernel.height / 2 {
      body.append("pad=1")
    } else {
      body.append("padding=\(padding.top)")
    }
    if analysis.groups != 1 { body.append("groups=\(analysis.groups)") }
    return body
  }

  private func poolingBody(_ pooling: Pooling, _ layer: Layer) throws(NetworkError) -> [String] {
    guard pooling.kind == .max else {
      throw refusal(
        layer, "Darknet's [avgpool] is global; average pooling with a window has no Darknet form", field: "op")
    }
    guard !pooling.ceilMode else {
      throw refusal(
        layer, "Darknet pooling rounds its output size down; ceil mode has no Darknet form", field: "ceil_mode")
    }
    guard pooling.kernel.isSquare, pooling.stride.isSquare else {
      throw refusal(
        layer, "Darknet max pooling is square, this one has kernel \(pooling.kernel) and stride \(pooling.stride)",
        field: "kernel")
    }
    let padding = pooling.padding
    let total = padding.top + padding.bottom
    guard padding.top == padding.left, padding.bottom == padding.right, padding.top == total / 2 else {
      throw refusal(
        layer,
        "Darknet max pooling pads p in total, p/2 before and the rest after, on both axes; this one pads \(padding)",
        field: "padding")
    }
    var body = ["size=\(pooling.kernel.height)", "stride=\(pooling.stride.height)"]
    if total != pooling.kernel.height - 1 { body.append("padding=\(total)") }
    return body
  }

  /// Darknet's name for the layer's activation; it has none for the hard sigmoid and hard swish.
  private func activationName(_ layer: Layer) throws(NetworkError) -> String {
    switch layer.activation {
    case .linear, .relu, .relu6, .leaky: return layer.activation.rawValue
    case .sigmoid: return "logistic"
    case .hardsigmoid, .hardswish:
      throw refusal(
        layer, "Darknet has no \(layer.activation.rawValue) activation (it has linear, relu, relu6, leaky and logistic)",
        field: "activation")
    }
  }

  private func requireLinear(_ layer: Layer, _ section: String) throws(NetworkError) {
    guard layer.activation == .linear else {
      throw refusal(
        layer, "Darknet's \(section) takes no activation, this layer has \(layer.activation.rawValue)",
        field: "activation")
    }
  }

  private func refusal(_ layer: Layer, _ why: String, field: String) -> NetworkError {
    NetworkError(
      "cannot write as Darknet cfg: \(why)", location: network.origin(of: layer.name), layer: layer.name, field: field)
  }
}

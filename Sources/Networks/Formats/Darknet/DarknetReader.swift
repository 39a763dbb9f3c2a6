/// Builds a `Network` from parsed cfg sections, following Darknet's `parse_network_cfg`.
///
/// Darknet numbers every section after [net] from 0, and [route]/[shortcut] refer to those
/// numbers. Not every section becomes a layer here (a one-input route is an alias, [yolo]
/// marks an output, [dropout] passes its input through), so `tensorAt` maps each Darknet
/// index to the tensor a later reference to that index means.
struct DarknetReader {
  let file: String
  private var network = Network(name: "", inputs: [], layers: [])
  /// Darknet layer index -> name of the tensor (layer or network input) it stands for.
  private var tensorAt: [String] = []
  /// Network layer array index by name, to mark outputs in place.
  private var layerIndex: [String: Int] = [:]
  /// The tensor a section reads when it names no input: the previous index's tensor.
  private var previous = DarknetReader.inputName

  static let inputName = "input"

  init(file: String) { self.file = file }

  mutating func read(_ text: String) throws(NetworkError) -> Network {
    let sections = try CfgText.parse(text, file: file)
    guard let first = sections.first else {
      throw NetworkError("empty cfg: expected a [net] section and layers", location: FileLocation(file: file))
    }
    guard DarknetSectionKind(header: first.header) == .net else {
      throw NetworkError(
        "a Darknet cfg starts with [net] (or [network]), found [\(first.header.prefix(40))]",
        location: FileLocation(file: file, line: first.line))
    }
    network.name = Network.defaultName(forFile: file)
    try readNet(first)
    let layerSections = sections.dropFirst()
    guard !layerSections.isEmpty else {
      throw NetworkError("no layers after [net]", location: FileLocation(file: file, line: first.line))
    }
    for section in layerSections { try readSection(section, index: tensorAt.count) }
    guard !network.layers.isEmpty else {
      throw NetworkError(
        "no computing layers: every section is a route, marker or pass-through", location: FileLocation(file: file))
    }
    return network
  }

  private mutating func readNet(_ section: CfgSection) throws(NetworkError) {
    let fields = CfgFields(section: section, kind: .net, file: file, layer: nil)
    let width = try fields.requiredInt("width", minimum: 1)
    let height = try fields.requiredInt("height", minimum: 1)
    let channels = try fields.requiredInt("channels", minimum: 1)
    network.inputs = [
      NetworkInput(name: Self.inputName, shape: TensorShape(channels: channels, height: height, width: width))
    ]
    network.origins[Self.inputName] = fields.headerLocation
  }

  private mutating func readSection(_ section: CfgSection, index: Int) throws(NetworkError) {
    guard let kind = DarknetSectionKind(header: section.header), kind != .net else {
      let what =
        DarknetSectionKind(header: section.header) == .net
        ? "a second [net] section" : "unknown section [\(section.header.prefix(40))]"
      throw NetworkError(
        "\(what); accepted sections after [net]: \(DarknetSectionKind.layerHeaders)",
        location: FileLocation(file: file, line: section.line))
    }
    let name = "\(kind.namePrefix)\(index)"
    let fields = CfgFields(section: section, kind: kind, file: file, layer: name)
    try fields.rejectUnknownKeys()
    switch kind.role {
    case .layer:
      let (operation, inputs, activation) = try layerContent(kind, fields: fields, index: index)
      addLayer(Layer(name: name, operation: operation, inputs: inputs, activation: activation), at: fields)
    case .alias:
      let sources = try references(fields, key: "layers", index: index)
      if sources.count == 1 {
        tensorAt.append(sources[0])
        previous = sources[0]
      } else {
        addLayer(Layer(name: name, operation: .concat, inputs: sources), at: fields)
      }
    case .outputMarker:
      guard let position = layerIndex[previous] else {
        throw fields.error(
          "[\(section.header.prefix(40))] marks the layer before it as an output, but no layer precedes it", field: nil)
      }
      network.layers[position].isMarkedOutput = true
      tensorAt.append(previous)
    case .passThrough:
      tensorAt.append(previous)
    }
  }

  private mutating func addLayer(_ layer: Layer, at fields: CfgFields) {
    layerIndex[layer.name] = network.layers.count
    network.layers.append(layer)
    network.origins[layer.name] = fields.headerLocation
    tensorAt.append(layer.name)
    previous = layer.name
  }

  /// What a computing section reads and computes. Defaults are Darknet's (parser.c).
  private func layerContent(_ kind: DarknetSectionKind, fields: CfgFields, index: Int) throws(NetworkError)
    -> (Operation, [String], Activation)
  {
    switch kind {
    case .convolutional:
      let filters = try fields.int("filters", default: 1, minimum: 1)
      let size = try fields.int("size", default: 1, minimum: 1)
      let stride = try fields.int("stride", default: 1, minimum: 1)
      let groups = try fields.int("groups", default: 1, minimum: 1)
      _ = try fields.int("batch_normalize", default: 0, minimum: 0)
      // Darknet: `if(pad) padding = size/2;` so pad=1 wins over an explicit padding.
      let pad = try fields.int("pad", default: 0, minimum: 0)
      let explicitPadding = try fields.int("padding", default: 0, minimum: 0)
      let padding = pad != 0 ? size / 2 : explicitPadding
      let convolution = Convolution(
        outputChannels: .absolute(filters), kernel: Extent2D(square: size), stride: Extent2D(square: stride),
        padding: Padding(symmetric: padding, padding), groups: .count(groups), hasBias: true)
      return (.convolution(convolution), [previous], try fields.activation(default: "logistic"))
    case .connected:
      let output = try fields.int("output", default: 1, minimum: 1)
      _ = try fields.int("batch_normalize", default: 0, minimum: 0)
      return (
        .fullyConnected(FullyConnected(outputFeatures: output)), [previous], try fields.activation(default: "logistic")
      )
    case .maxpool:
      let stride = try fields.int("stride", default: 1, minimum: 1)
      let size = try fields.int("size", default: stride, minimum: 1)
      let padding = try fields.int("padding", default: size - 1, minimum: 0)
      // Darknet pads `padding` in total, starting the first window at -padding/2: the
      // remainder goes after, which is why size=2 stride=1 keeps 13x13 in yolov3-tiny.
      let before = padding / 2
      let after = padding - before
      let pooling = Pooling(
        kind: .max, kernel: Extent2D(square: size), stride: Extent2D(square: stride),
        padding: Padding(top: before, left: before, bottom: after, right: after))
      return (.pooling(pooling), [previous], .linear)
    case .avgpool:
      return (.globalAveragePool, [previous], .linear)
    case .shortcut:
      let from = try references(fields, key: "from", index: index)
      guard from.count == 1 else {
        throw fields.error("[shortcut] adds exactly one earlier layer, found \(from.count)", field: "from")
      }
      return (.add, [previous, from[0]], try fields.activation(default: "linear"))
    case .upsample:
      let stride = try fields.int("stride", default: 2, minimum: 1)
      return (.upsample(factor: stride), [previous], .linear)
    case .net, .route, .yolo, .region, .detection, .dropout, .softmax, .cost:
      throw fields.error("internal: [\(kind.rawValue)] is not a computing section", field: nil)
    }
  }

  /// Resolves Darknet layer indices: negative ones count back from this section's own index.
  private func references(_ fields: CfgFields, key: String, index: Int) throws(NetworkError)
    -> [String]
  {
    guard let values = try fields.intList(key) else {
      throw fields.error("[\(fields.section.header)] needs \(excerpt(key)) (Darknet layer indices)", field: key)
    }
    var names: [String] = []
    for value in values {
      let target = value < 0 ? index + value : value
      guard target >= 0, target < index, target < tensorAt.count else {
        let resolved = value < 0 ? " (\(index) \(value) = \(target))" : ""
        let range = index == 0 ? "there is none before layer 0" : "expected 0...\(index - 1) or -1...-\(index)"
        throw fields.error(
          "layer index \(value)\(resolved) does not name an earlier layer of this section (index \(index)); \(range)",
          field: key)
      }
      names.append(tensorAt[target])
    }
    return names
  }
}

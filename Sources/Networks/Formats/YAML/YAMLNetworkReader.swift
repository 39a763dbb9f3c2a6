import Yams

/// Reads the native network format (docs/network-format.md).
struct YAMLNetworkReader {
  private let file: String
  private var network: Network
  private var blocks: [String: BlockDefinition] = [:]
  /// Names that refer to a tensor without being its full name: a repeated layer's base
  /// name and a block instance's name both stand for their last layer.
  private var aliases: [String: String] = [:]
  private var defined: Set<String> = []
  private var previous = ""
  private var instanceCount: [String: Int] = [:]

  static let topLevelKeys = ["name", "input", "inputs", "bits", "blocks", "layers"]
  static let commonLayerKeys = ["name", "op", "input", "inputs", "repeat", "bits", "output"]

  init(file: String) {
    self.file = file
    self.network = Network(name: "", inputs: [], layers: [])
  }

  mutating func read(_ text: String) throws(NetworkError) -> Network {
    guard let root = try YAMLDocument.compose(text, file: file) else {
      throw NetworkError("the file is empty; expected a network description", location: FileLocation(file: file))
    }
    let top = try YAMLFields(root, file: file, layer: nil, what: "a network file")
    try top.rejectUnknownKeys(allowed: Self.topLevelKeys, context: "a network file")
    network.name = try top.string("name") ?? Network.defaultName(forFile: file)
    if let problem = Limits.nameProblem(network.name) { throw top.error(problem, field: "name") }
    network.defaultPrecision = try readPrecision(top, default: .int8) ?? .int8
    try readInputs(top)
    if let blockNode = try top.node("blocks") { try readBlocks(blockNode, top: top) }
    guard let layerNode = try top.node("layers") else { throw top.missing("layers", context: "a network file") }
    guard case .sequence(let entries) = layerNode else {
      throw top.error("expected a list of layers, found \(describe(layerNode))", field: "layers")
    }
    guard !entries.isEmpty else { throw top.error("a network needs at least one layer", field: "layers") }
    var scope = Scope()
    for entry in entries { try readEntry(entry, scope: &scope, blockStack: []) }
    return network
  }

  // MARK: Network-level fields

  private func readPrecision(_ fields: YAMLFields, default fallback: Precision) throws(NetworkError) -> Precision? {
    guard let value = try fields.node("bits") else { return nil }
    if case .mapping = value {
      let bits = try YAMLFields(value, file: file, layer: fields.layer, what: "bits")
      try bits.rejectUnknownKeys(allowed: ["weights", "activations"], context: "bits")
      return Precision(
        weightBits: try bits.int("weights", maximum: Precision.validBits.upperBound) ?? fallback.weightBits,
        activationBits: try bits.int("activations", maximum: Precision.validBits.upperBound) ?? fallback.activationBits)
    }
    return Precision(bits: try fields.integer(value, field: "bits", minimum: 1, maximum: Precision.validBits.upperBound))
  }

  private mutating func readInputs(_ top: YAMLFields) throws(NetworkError) {
    let bits = network.defaultPrecision.activationBits
    if top.has("input") && top.has("inputs") {
      throw top.error("give either 'input' (one tensor) or 'inputs' (named tensors), not both", field: "inputs")
    }
    if let value = try top.node("input") {
      network.inputs = [NetworkInput(name: "input", shape: try shape(value, fields: top, field: "input"), bits: bits)]
    } else if let value = try top.node("inputs") {
      let named = try YAMLFields(value, file: file, layer: nil, what: "inputs")
      for name in named.order {
        guard let shapeNode = try named.node(name) else { continue }
        network.inputs.append(NetworkInput(name: name, shape: try shape(shapeNode, fields: named, field: name), bits: bits))
      }
    }
    guard let first = network.inputs.first else {
      throw top.missing("input", context: "a network file (input: [channels, height, width])")
    }
    for input in network.inputs {
      defined.insert(input.name)
      network.origins[input.name] = top.location(of: top.has("input") ? "input" : "inputs")
    }
    previous = first.name
  }

  private func shape(_ value: Node, fields: YAMLFields, field: String) throws(NetworkError) -> TensorShape {
    let numbers = try fields.integers(value, field: field, minimum: 1)
    guard numbers.count == 3 else {
      throw fields.error("expected [channels, height, width], found \(numbers.count) numbers", field: field)
    }
    return TensorShape(channels: numbers[0], height: numbers[1], width: numbers[2])
  }

  private mutating func readBlocks(_ value: Node, top: YAMLFields) throws(NetworkError) {
    let definitions = try YAMLFields(value, file: file, layer: nil, what: "blocks")
    for name in definitions.order {
      guard let node = try definitions.node(name) else { continue }
      blocks[name] = try BlockDefinition(name: name, node: node, file: file)
    }
  }

  // MARK: Layers and block instances

  private mutating func readEntry(_ entry: Node, scope: inout Scope, blockStack: [String]) throws(NetworkError) {
    var fields = try YAMLFields(entry, file: file, layer: nil, what: "a layer")
    let parameters = scope.parameters
    let file = self.file
    fields.substitute = { (node, field) throws(NetworkError) in
      try BlockDefinition.substitute(node, parameters: parameters, file: file, field: field)
    }
    if fields.has("block") {
      try readInstance(fields, scope: &scope, blockStack: blockStack)
    } else {
      try readLayer(fields, scope: &scope)
    }
  }

  private mutating func readLayer(_ fields: YAMLFields, scope: inout Scope) throws(NetworkError) {
    let op = try fields.requiredString("op", context: "a layer (or a block instance with 'block')")
    let baseName = try fields.string("name") ?? "\(op)\(network.layers.count + 1)"
    try checkName(baseName, fields: fields)
    var named = fields
    named.layer = scope.prefix + baseName
    let parsed = try LayerSyntax.parse(op: op, fields: named)
    try named.rejectUnknownKeys(allowed: Self.commonLayerKeys + parsed.keys, context: "an \(excerpt(op)) layer")
    let precision = try readPrecision(named, default: network.defaultPrecision) ?? network.defaultPrecision
    let repeatCount = try named.int("repeat", maximum: Limits.layers) ?? 1
    if repeatCount > 1, parsed.readsSeveralInputs {
      throw named.error("an \(excerpt(op)) layer cannot be repeated: each copy would need its own inputs", field: "repeat")
    }
    let explicitInputs = try readReferences(named, scope: scope)
    for copy in 1...repeatCount {
      let name = scope.prefix + (repeatCount > 1 ? "\(baseName)_\(copy)" : baseName)
      guard !defined.contains(name) else {
        throw named.error("duplicate name: \(excerpt(name)) is already a layer or input", field: "name")
      }
      let inputs = copy == 1 ? (explicitInputs ?? [scope.previous ?? previous]) : [previous]
      // Checked as layers are made: repeats of repeated blocks multiply.
      guard network.layers.count < Limits.layers else {
        throw named.error("the network would have more than \(Limits.describe(Limits.layers)) layers, the most accepted", field: "repeat")
      }
      network.layers.append(
        Layer(
          name: name, operation: parsed.operation, inputs: inputs, activation: parsed.activation,
          precision: precision, isMarkedOutput: try named.bool("output") ?? false))
      network.origins[name] = FileLocation(file: file, line: named.line)
      defined.insert(name)
      previous = name
      scope.previous = name
    }
    scope.aliases[baseName] = previous
  }

  private func checkName(_ name: String, fields: YAMLFields) throws(NetworkError) {
    if let problem = Limits.nameProblem(name) { throw fields.error(problem, field: "name") }
    guard !name.contains(where: { $0.isWhitespace || $0 == "$" || $0 == "," || $0 == "\"" }) else {
      throw fields.error("\(excerpt(name)) is not a usable name: no spaces, commas, quotes or '$'", field: "name")
    }
  }

  /// Explicit `input`/`inputs`, resolved to full tensor names.
  private func readReferences(_ fields: YAMLFields, scope: Scope) throws(NetworkError) -> [String]? {
    if fields.has("input") && fields.has("inputs") {
      throw fields.error("give either 'input' or 'inputs', not both", field: "inputs")
    }
    let key = fields.has("inputs") ? "inputs" : "input"
    guard let names = try fields.names(key) else { return nil }
    guard !names.isEmpty else { throw fields.error("expected at least one layer name", field: key) }
    var resolved: [String] = []
    for name in names {
      guard let target = resolve(name, scope: scope) else {
        throw fields.error(
          "refers to \(excerpt(name)), which is not a network input or an earlier layer", field: key)
      }
      resolved.append(target)
    }
    return resolved
  }

  private func resolve(_ name: String, scope: Scope) -> String? {
    if let blockInput = scope.blockInput, name == "input" { return blockInput }
    if let local = scope.aliases[name] { return local }
    if defined.contains(scope.prefix + name) { return scope.prefix + name }
    if let global = aliases[name] { return global }
    return defined.contains(name) ? name : nil
  }

  private mutating func readInstance(_ fields: YAMLFields, scope: inout Scope, blockStack: [String]) throws(NetworkError) {
    let blockName = try fields.requiredString("block", context: "a block instance")
    guard let block = blocks[blockName] else {
      let known = blocks.keys.sorted().joined(separator: ", ")
      throw fields.error("no block named \(excerpt(blockName)) is defined under 'blocks' (defined: \(known.isEmpty ? "none" : known))", field: "block")
    }
    guard !blockStack.contains(blockName) else {
      throw fields.error("block \(excerpt(blockName)) uses itself (\((blockStack + [blockName]).joined(separator: " -> ")))", field: "block")
    }
    instanceCount[blockName, default: 0] += 1
    let baseName = try fields.string("name") ?? "\(blockName)\(instanceCount[blockName] ?? 1)"
    try checkName(baseName, fields: fields)
    let parameters = try block.bind(fields, instance: scope.prefix + baseName)
    let repeatCount = try fields.int("repeat", maximum: Limits.layers) ?? 1
    var input = try readReferences(fields, scope: scope)?.first ?? scope.previous ?? previous
    for copy in 1...repeatCount {
      let instance = scope.prefix + (repeatCount > 1 ? "\(baseName)_\(copy)" : baseName)
      var inner = Scope(prefix: instance + ".", blockInput: input, parameters: parameters, previous: input)
      for layerNode in block.layers { try readEntry(layerNode, scope: &inner, blockStack: blockStack + [blockName]) }
      // The instance's name stands for its last layer.
      aliases[instance] = previous
      scope.aliases[repeatCount > 1 ? "\(baseName)_\(copy)" : baseName] = previous
      input = previous
    }
    scope.aliases[baseName] = previous
    scope.previous = previous
    if scope.prefix.isEmpty { aliases[baseName] = previous }
  }
}

/// Where names resolve and which parameters apply while reading layers.
struct Scope {
  /// Prepended to layer names inside a block instance ("b3_1.").
  var prefix = ""
  /// What `input` means inside a block instance.
  var blockInput: String?
  var parameters: [String: Node] = [:]
  /// Local names (base names, instance names) to full tensor names.
  var aliases: [String: String] = [:]
  /// The tensor a layer reads when it names no input.
  var previous: String?
}


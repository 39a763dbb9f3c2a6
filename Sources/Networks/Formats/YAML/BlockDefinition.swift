import Yams

/// A reusable group of layers under `blocks:`, instantiated with `block: NAME`.
///
/// Parameters are declared with defaults (`~` for none) and substituted into the
/// block's fields wherever `$name` or `${name}` appears.
struct BlockDefinition {
  let name: String
  /// Parameter names in declaration order, with their default values (nil when required).
  let parameters: [(name: String, defaultValue: Node?)]
  let layers: [Node]
  let file: String

  static let instanceKeys = ["block", "name", "input", "inputs", "repeat"]

  init(name: String, node: Node, file: String) throws(NetworkError) {
    self.name = name
    self.file = file
    let fields = try YAMLFields(node, file: file, layer: nil, what: "block \(excerpt(name))")
    try fields.rejectUnknownKeys(allowed: ["params", "layers"], context: "a block definition")
    var parameters: [(String, Node?)] = []
    switch fields.values["params"] {
    case nil: break
    case .sequence(let names)?:
      for entry in names {
        guard case .scalar(let scalar) = entry else {
          throw fields.error("expected parameter names, found \(describe(entry))", field: "params")
        }
        parameters.append((scalar.string, nil))
      }
    case let value?:
      let declared = try YAMLFields(value, file: file, layer: nil, what: "params of block \(excerpt(name))")
      for key in declared.order {
        let defaultValue = declared.values[key]
        if case .scalar(let scalar)? = defaultValue, scalar.string == "~" || scalar.string.isEmpty || scalar.string == "null" {
          parameters.append((key, nil))
        } else {
          parameters.append((key, defaultValue))
        }
      }
    }
    for (parameter, _) in parameters where Self.instanceKeys.contains(parameter) {
      throw fields.error("\(excerpt(parameter)) cannot be a parameter name: it is a key of every block instance", field: "params")
    }
    self.parameters = parameters
    guard case .sequence(let layers)? = fields.values["layers"], !layers.isEmpty else {
      throw fields.error("block \(excerpt(name)) needs a non-empty list under 'layers'", field: "layers")
    }
    self.layers = Array(layers)
  }

  /// The parameter values an instance gives, with defaults filled in.
  func bind(_ instance: YAMLFields, instance instanceName: String) throws(NetworkError) -> [String: Node] {
    let names = parameters.map(\.name)
    try instance.rejectUnknownKeys(
      allowed: Self.instanceKeys + names, context: "an instance of block \(excerpt(name)) (its parameters are: \(names.joined(separator: ", ")))")
    var values: [String: Node] = [:]
    for (parameter, defaultValue) in parameters {
      guard let value = try instance.node(parameter) ?? defaultValue else {
        throw instance.missing(parameter, context: "block \(excerpt(name)) (instance \(excerpt(instanceName)))")
      }
      values[parameter] = value
    }
    return values
  }

  /// `node` with every `$name` and `${name}` replaced by the parameter's value.
  static func substitute(_ node: Node, parameters: [String: Node], file: String, field: String) throws(NetworkError) -> Node {
    switch node {
    case .scalar(let scalar):
      let text = scalar.string
      guard text.contains("$") else { return node }
      if text.hasPrefix("$"), let whole = parameters[String(text.dropFirst())] { return whole }
      let replaced = try interpolate(text, parameters: parameters, location: FileLocation(file: file, line: scalar.mark?.line), field: field)
      return .scalar(Node.Scalar(replaced, .implicit, .any, scalar.mark))
    case .sequence(let sequence):
      var elements: [Node] = []
      for element in sequence { elements.append(try substitute(element, parameters: parameters, file: file, field: field)) }
      return .sequence(Node.Sequence(elements, .implicit, sequence.style, sequence.mark))
    case .mapping(let mapping):
      var pairs: [(Node, Node)] = []
      for (key, value) in mapping { pairs.append((key, try substitute(value, parameters: parameters, file: file, field: field))) }
      return .mapping(Node.Mapping(pairs, .implicit, mapping.style, mapping.mark))
    case .alias:
      return node
    }
  }

  private static func interpolate(_ text: String, parameters: [String: Node], location: FileLocation, field: String)
    throws(NetworkError) -> String
  {
    var result = ""
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      guard character == "$" else {
        result.append(character)
        index = text.index(after: index)
        continue
      }
      var nameStart = text.index(after: index)
      let braced = nameStart < text.endIndex && text[nameStart] == "{"
      if braced { nameStart = text.index(after: nameStart) }
      var nameEnd = nameStart
      while nameEnd < text.endIndex, text[nameEnd].isLetter || text[nameEnd].isNumber || text[nameEnd] == "_" {
        nameEnd = text.index(after: nameEnd)
      }
      let name = String(text[nameStart..<nameEnd])
      if braced {
        guard nameEnd < text.endIndex, text[nameEnd] == "}" else {
          throw NetworkError("unclosed '${' in \(excerpt(text))", location: location, field: field)
        }
        nameEnd = text.index(after: nameEnd)
      }
      guard let value = parameters[name] else {
        let known = parameters.keys.sorted().joined(separator: ", ")
        throw NetworkError(
          "\(excerpt(text)) uses an unknown parameter \(excerpt(name)) (parameters here: \(known.isEmpty ? "none, outside a block" : known))",
          location: location, field: field)
      }
      guard case .scalar(let scalar) = value else {
        throw NetworkError("parameter \(excerpt(name)) is a list or mapping and cannot be part of \(excerpt(text))", location: location, field: field)
      }
      result += scalar.string
      index = nameEnd
    }
    return result
  }
}

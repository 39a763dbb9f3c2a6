import Yams

/// A YAML mapping read strictly: each key at most once, unknown keys rejected, every
/// error pointing at the line of the value at fault.
///
/// Scalars pass through `substitute` first, which is how block parameters (`$name`)
/// reach the fields of the layers inside a block.
struct YAMLFields {
  let file: String
  var layer: String?
  private(set) var values: [String: Node] = [:]
  private var lines: [String: Int] = [:]
  private(set) var order: [String] = []
  let line: Int?
  var substitute: (Node, _ field: String) throws(NetworkError) -> Node = { node, _ in node }

  init(_ node: Node, file: String, layer: String?, what: String) throws(NetworkError) {
    self.file = file
    self.layer = layer
    self.line = node.mark?.line
    guard case .mapping(let mapping) = node else {
      throw NetworkError(
        "\(what) must be a mapping of keys to values, found \(describe(node))",
        location: FileLocation(file: file, line: node.mark?.line), layer: layer)
    }
    for (keyNode, value) in mapping {
      guard case .scalar(let keyScalar) = keyNode else {
        throw NetworkError(
          "keys of \(what) must be plain words, found \(describe(keyNode))",
          location: FileLocation(file: file, line: keyNode.mark?.line), layer: layer)
      }
      let key = keyScalar.string
      guard values[key] == nil else {
        throw NetworkError(
          "duplicate key \(excerpt(key)) (first given on line \(lines[key].map(String.init) ?? "?"))",
          location: FileLocation(file: file, line: keyNode.mark?.line), layer: layer, field: key)
      }
      values[key] = value
      lines[key] = keyNode.mark?.line ?? value.mark?.line
      order.append(key)
    }
  }

  func has(_ key: String) -> Bool { values[key] != nil }

  func location(of key: String) -> FileLocation {
    FileLocation(file: file, line: lines[key] ?? line)
  }

  func error(_ message: String, field: String) -> NetworkError {
    NetworkError(message, location: location(of: field), layer: layer, field: field)
  }

  /// Rejects any key outside `allowed`, listing what is accepted.
  func rejectUnknownKeys(allowed: [String], context: String) throws(NetworkError) {
    for key in order where !allowed.contains(key) {
      throw error("unknown key for \(context); accepted keys: \(allowed.joined(separator: ", "))", field: key)
    }
  }

  /// The value of `key` after parameter substitution, or nil when absent.
  func node(_ key: String) throws(NetworkError) -> Node? {
    guard let raw = values[key] else { return nil }
    return try substitute(raw, key)
  }

  func string(_ key: String) throws(NetworkError) -> String? {
    guard let value = try node(key) else { return nil }
    guard case .scalar(let scalar) = value else {
      throw error("expected a single value, found \(describe(value))", field: key)
    }
    return scalar.string
  }

  func requiredString(_ key: String, context: String) throws(NetworkError) -> String {
    guard let value = try string(key) else { throw missing(key, context: context) }
    return value
  }

  func missing(_ key: String, context: String) -> NetworkError {
    NetworkError("\(context) needs the key \(excerpt(key))", location: FileLocation(file: file, line: line), layer: layer, field: key)
  }

  func int(_ key: String, minimum: Int = 1, maximum: Int = Limits.extent) throws(NetworkError) -> Int? {
    guard let value = try node(key) else { return nil }
    return try integer(value, field: key, minimum: minimum, maximum: maximum)
  }

  /// An integer from `minimum` to `maximum` (by default the largest dimension dse accepts).
  func integer(_ value: Node, field: String, minimum: Int, maximum: Int = Limits.extent) throws(NetworkError) -> Int {
    let range = "from \(minimum) to \(Limits.describe(maximum))"
    guard case .scalar(let scalar) = value, let number = Int(scalar.string) else {
      throw error("expected an integer \(range), found \(describe(value))", field: field)
    }
    guard number >= minimum, number <= maximum else {
      throw error("expected an integer \(range), found \(number)", field: field)
    }
    return number
  }

  func bool(_ key: String) throws(NetworkError) -> Bool? {
    guard let value = try string(key) else { return nil }
    switch value.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error("expected true or false, found \(excerpt(value))", field: key)
    }
  }

  /// A list of integers, each at least `minimum`.
  func integers(_ value: Node, field: String, minimum: Int) throws(NetworkError) -> [Int] {
    guard case .sequence(let sequence) = value else { return [try integer(value, field: field, minimum: minimum)] }
    var result: [Int] = []
    for element in sequence { result.append(try integer(element, field: field, minimum: minimum)) }
    return result
  }

  /// A size given as `k` or `[h, w]`.
  func extent(_ key: String) throws(NetworkError) -> Extent2D? {
    guard let value = try node(key) else { return nil }
    let numbers = try integers(value, field: key, minimum: 1)
    switch numbers.count {
    case 1: return Extent2D(square: numbers[0])
    case 2: return Extent2D(height: numbers[0], width: numbers[1])
    default: throw error("expected a number or [height, width], found \(numbers.count) numbers", field: key)
    }
  }

  /// Padding given as `p`, `[h, w]`, `[top, left, bottom, right]` or `same`
  /// (kernel-1 in total per axis, the odd element after: TensorFlow's SAME at stride 1).
  func padding(_ key: String, kernel: Extent2D) throws(NetworkError) -> Padding? {
    guard let value = try node(key) else { return nil }
    if case .scalar(let scalar) = value, scalar.string.lowercased() == "same" {
      let height = kernel.height - 1
      let width = kernel.width - 1
      return Padding(top: height / 2, left: width / 2, bottom: height - height / 2, right: width - width / 2)
    }
    let numbers = try integers(value, field: key, minimum: 0)
    switch numbers.count {
    case 1: return Padding(symmetric: numbers[0], numbers[0])
    case 2: return Padding(symmetric: numbers[0], numbers[1])
    case 4: return Padding(top: numbers[0], left: numbers[1], bottom: numbers[2], right: numbers[3])
    default:
      throw error("expected p, [h, w], [top, left, bottom, right] or same; found \(numbers.count) numbers", field: key)
    }
  }

  /// A list of names given as one name or a sequence of names.
  func names(_ key: String) throws(NetworkError) -> [String]? {
    guard let value = try node(key) else { return nil }
    switch value {
    case .scalar(let scalar): return [scalar.string]
    case .sequence(let sequence):
      var result: [String] = []
      for element in sequence {
        guard case .scalar(let scalar) = element else {
          throw error("expected a layer name, found \(describe(element))", field: key)
        }
        result.append(scalar.string)
      }
      return result
    default: throw error("expected a layer name or a list of names, found \(describe(value))", field: key)
    }
  }
}

/// A short description of a node for error messages.
func describe(_ node: Node) -> String {
  switch node {
  case .scalar(let scalar): return scalar.string.isEmpty ? "an empty value" : excerpt(scalar.string)
  case .mapping: return "a mapping"
  case .sequence: return "a list"
  case .alias: return "an alias"
  }
}

/// A JSON document with object keys kept in the order they were given, so output is
/// deterministic and reads in the order the schema documents.
public indirect enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }
  public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

  /// Compact when `indent` is nil; otherwise pretty-printed with that many spaces a level,
  /// keeping short arrays of numbers on one line.
  public func rendered(indent: Int? = nil) -> String {
    var output = ""
    write(to: &output, indent: indent, level: 0)
    return output
  }

  private func write(to output: inout String, indent: Int?, level: Int) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .double(let value): output += value.isFinite ? String(value) : "null"
    case .string(let value): output += Self.quote(value)
    case .array(let elements):
      let flat = elements.allSatisfy { if case .int = $0 { return true } else { return false } }
      writeContainer(
        elements.map { (nil, $0) }, open: "[", close: "]", to: &output, indent: flat ? nil : indent, level: level)
    case .object(let members):
      writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &output, indent: indent, level: level)
    }
  }

  private func writeContainer(
    _ members: [(String?, JSONValue)], open: String, close: String, to output: inout String, indent: Int?, level: Int
  ) {
    output += open
    guard !members.isEmpty else { return output += close }
    let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
    for (index, (key, value)) in members.enumerated() {
      if index > 0 { output += indent == nil ? ", " : "," }
      if let newline { output += newline }
      if let key { output += Self.quote(key) + ": " }
      value.write(to: &output, indent: indent, level: level + 1)
    }
    if let indent { output += "\n" + String(repeating: " ", count: indent * level) }
    output += close
  }

  static func quote(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}

import Networks
import Yams

extension Architecture {
  /// Reads an architecture file (docs/energy-model.md). Every section and key is optional and
  /// defaults to `base` (`Architecture.default` unless given: a grid's settings are read over a
  /// file's architecture); unknown or duplicate keys, values of the wrong type, negative
  /// energies and non-positive sizes are errors naming the file, line and field. `file` is the
  /// name errors report.
  public static func read(yaml text: String, file: String, base: Architecture = .default) throws(ArchitectureError)
    -> Architecture
  {
    let composed: Node?
    do {
      composed = try YAMLDocument.compose(text, file: file)
    } catch {
      throw ArchitectureError(error.message, location: error.location ?? FileLocation(file: file), field: error.field)
    }
    guard let root = composed else {
      throw ArchitectureError(
        "the file is empty; expected a mapping with sections \(ArchitectureKeys.top.joined(separator: ", "))",
        location: FileLocation(file: file))
    }

    var architecture = base
    let top = try StrictMapping(root, file: file, path: nil, allowed: ArchitectureKeys.top)

    if let dram = try top.section("dram", allowed: ArchitectureKeys.dram) {
      if let value = try dram.number("pj_per_byte", minimum: 0) {
        architecture.energy.dramPicojoulesPerByte = value
      }
      if let value = try dram.number("bandwidth_bytes_per_cycle", minimum: 0, exclusive: true) {
        architecture.dramBandwidthBytesPerCycle = value
      }
    }

    if let buffer = try top.section("buffer", allowed: ArchitectureKeys.buffer) {
      let defaults: (model: String, perByte: Double, referenceBytes: Int) =
        switch base.energy.buffer {
        case .squareRootOfCapacity(let perByte, let referenceBytes): ("sqrt_capacity", perByte, referenceBytes)
        case .constant(let perByte): ("constant", perByte, Self.defaultReferenceBytes)
        }
      let model = try buffer.word("model", accepted: ["sqrt_capacity", "constant"]) ?? defaults.model
      let perByte = try buffer.number("pj_per_byte", minimum: 0) ?? defaults.perByte
      if model == "constant" {
        if buffer.has("reference_bytes") {
          throw buffer.error(
            "applies only to model sqrt_capacity; with model constant the energy per byte is pj_per_byte alone",
            key: "reference_bytes")
        }
        architecture.energy.buffer = .constant(picojoulesPerByte: perByte)
      } else {
        let referenceBytes = try buffer.integer("reference_bytes", minimum: 1) ?? defaults.referenceBytes
        architecture.energy.buffer = .squareRootOfCapacity(picojoulesPerByte: perByte, referenceBytes: referenceBytes)
      }
    }

    if let mac = try top.section("mac", allowed: ArchitectureKeys.mac) {
      if let value = try mac.number("multiply_pj_8bit", minimum: 0) {
        architecture.energy.multiplyPicojoules8Bit = value
      }
      if let value = try mac.number("add_pj_8bit", minimum: 0) {
        architecture.energy.addPicojoules8Bit = value
      }
      if let array = try mac.section("array", allowed: ArchitectureKeys.array) {
        if let rows = try array.integer("rows", minimum: 1) { architecture.macArray.rows = rows }
        if let columns = try array.integer("cols", minimum: 1) { architecture.macArray.columns = columns }
      }
      if let clock = try mac.number("clock_mhz", minimum: 0, exclusive: true) { architecture.clockMHz = clock }
    }
    return architecture
  }

  /// The architecture as an architecture file that `read(yaml:file:)` reads back unchanged.
  public var yaml: String {
    var lines = [
      "dram:",
      "  pj_per_byte: \(energy.dramPicojoulesPerByte)",
      "  bandwidth_bytes_per_cycle: \(dramBandwidthBytesPerCycle)",
      "buffer:",
    ]
    switch energy.buffer {
    case .constant(let perByte):
      lines += ["  model: constant", "  pj_per_byte: \(perByte)"]
    case .squareRootOfCapacity(let perByte, let referenceBytes):
      lines += ["  model: sqrt_capacity", "  pj_per_byte: \(perByte)", "  reference_bytes: \(referenceBytes)"]
    }
    lines += [
      "mac:",
      "  multiply_pj_8bit: \(energy.multiplyPicojoules8Bit)",
      "  add_pj_8bit: \(energy.addPicojoules8Bit)",
      "  array:",
      "    rows: \(macArray.rows)",
      "    cols: \(macArray.columns)",
      "  clock_mhz: \(clockMHz)",
    ]
    return lines.joined(separator: "\n") + "\n"
  }
}

/// The keys each section of an architecture file accepts.
enum ArchitectureKeys {
  static let top = ["dram", "buffer", "mac"]
  static let dram = ["pj_per_byte", "bandwidth_bytes_per_cycle"]
  static let buffer = ["model", "pj_per_byte", "reference_bytes"]
  static let mac = ["multiply_pj_8bit", "add_pj_8bit", "array", "clock_mhz"]
  static let array = ["rows", "cols"]
}

/// A YAML mapping read strictly: scalar keys, each at most once, only the allowed ones; every
/// error located at the line of the key at fault and naming its dotted path.
struct StrictMapping {
  let file: String
  let path: String?
  let line: Int?
  private var values: [String: Node] = [:]
  private var lines: [String: Int] = [:]

  init(_ node: Node, file: String, path: String?, allowed: [String]) throws(ArchitectureError) {
    self.file = file
    self.path = path
    self.line = node.mark?.line
    let what = path.map { "section '\($0)'" } ?? "an architecture file"
    guard case .mapping(let mapping) = node else {
      throw ArchitectureError(
        "\(what) must be a mapping of keys to values (keys: \(allowed.joined(separator: ", "))), found \(Self.describe(node))",
        location: FileLocation(file: file, line: node.mark?.line), field: path)
    }
    for (keyNode, value) in mapping {
      let keyLine = keyNode.mark?.line ?? value.mark?.line
      guard case .scalar(let scalar) = keyNode else {
        throw ArchitectureError(
          "keys of \(what) must be plain words, found \(Self.describe(keyNode))",
          location: FileLocation(file: file, line: keyLine), field: path)
      }
      let key = scalar.string
      let field = path.map { "\($0).\(key)" } ?? key
      guard allowed.contains(key) else {
        throw ArchitectureError(
          "unknown key in \(what); accepted keys: \(allowed.joined(separator: ", "))",
          location: FileLocation(file: file, line: keyLine), field: field)
      }
      guard values[key] == nil else {
        throw ArchitectureError(
          "duplicate key (first given on line \(lines[key].map(String.init) ?? "?")); each key may appear once",
          location: FileLocation(file: file, line: keyLine), field: field)
      }
      values[key] = value
      lines[key] = keyLine
    }
  }

  func has(_ key: String) -> Bool { values[key] != nil }

  func field(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }

  func error(_ message: String, key: String) -> ArchitectureError {
    ArchitectureError(message, location: FileLocation(file: file, line: lines[key] ?? line), field: field(key))
  }

  /// A nested mapping, or nil when the key is absent.
  func section(_ key: String, allowed: [String]) throws(ArchitectureError) -> StrictMapping? {
    guard let value = values[key] else { return nil }
    guard case .mapping = value else {
      throw error("expected a mapping with keys \(allowed.joined(separator: ", ")), found \(Self.describe(value))", key: key)
    }
    return try StrictMapping(value, file: file, path: field(key), allowed: allowed)
  }

  private func scalar(_ key: String, expected: String) throws(ArchitectureError) -> String? {
    guard let value = values[key] else { return nil }
    guard case .scalar(let scalar) = value else {
      throw error("expected \(expected), found \(Self.describe(value))", key: key)
    }
    return scalar.string
  }

  /// A finite decimal number at least `minimum` (above it when `exclusive`) and at most
  /// `Limits.architectureValue`, so that energies and times computed from it stay finite.
  func number(_ key: String, minimum: Double, exclusive: Bool = false) throws(ArchitectureError) -> Double? {
    let bound =
      (exclusive ? "greater than \(Self.show(minimum))" : "at least \(Self.show(minimum))")
      + " and at most \(Self.show(Limits.architectureValue))"
    guard let text = try scalar(key, expected: "a number \(bound)") else { return nil }
    guard let number = Double(text.trimmingCharacters()), number.isFinite else {
      throw error("expected a number \(bound), found \(excerpt(text))", key: key)
    }
    guard exclusive ? number > minimum : number >= minimum, number <= Limits.architectureValue else {
      throw error("expected a number \(bound), found \(text)", key: key)
    }
    return number
  }

  /// A whole number from `minimum` to `Limits.architectureValue`.
  func integer(_ key: String, minimum: Int) throws(ArchitectureError) -> Int? {
    guard let text = try scalar(key, expected: "an integer of at least \(minimum)") else { return nil }
    let largest = Int(Limits.architectureValue)
    guard let number = Int(text.trimmingCharacters()), number >= minimum, number <= largest else {
      throw error("expected an integer from \(minimum) to \(Limits.describe(largest)), found \(excerpt(text))", key: key)
    }
    return number
  }

  /// One of the `accepted` words.
  func word(_ key: String, accepted: [String]) throws(ArchitectureError) -> String? {
    let list = accepted.joined(separator: " or ")
    guard let text = try scalar(key, expected: list) else { return nil }
    guard accepted.contains(text) else {
      throw error("expected \(list), found '\(text)'", key: key)
    }
    return text
  }

  static func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): return scalar.string.isEmpty ? "an empty value" : "'\(scalar.string)'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  static func show(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}

extension String {
  /// The string without leading and trailing spaces and tabs.
  fileprivate func trimmingCharacters() -> String {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
    return String(self[first...last])
  }
}

extension Architecture {
  /// The reference size of the square-root buffer model when a file switches a constant buffer
  /// to it without giving one: Horowitz's 8 KB SRAM.
  fileprivate static var defaultReferenceBytes: Int {
    if case .squareRootOfCapacity(_, let referenceBytes) = BufferEnergy.horowitz45nm { return referenceBytes }
    return 8192
  }
}

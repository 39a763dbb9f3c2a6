import Yams

extension DRAMDevice {
  /// The keys of a device file, section by section; every key is required.
  public static let fileKeys: [String: [String]] = [
    "": ["name", "organization", "timing", "power"],
    "organization": [
      "channels", "ranks", "bank_groups", "banks_per_group", "rows", "columns", "device_width",
      "devices_per_rank", "bus_width", "burst_length",
    ],
    "timing": [
      "tck_ns", "trcd", "trp", "tras", "trc", "cl", "cwl", "tccd_s", "tccd_l", "trrd_s", "trrd_l",
      "tfaw", "twtr_s", "twtr_l", "trtp", "twr", "tburst", "trefi", "trfc",
    ],
    "rail": ["volts", "idd0", "idd2p", "idd2n", "idd3p", "idd3n", "idd4r", "idd4w", "idd5b"],
  ]

  /// Reads a device file (docs/dram-model.md, "Device files"). Every key is required; a missing
  /// or unknown key, a value of the wrong type and an impossible value (`validate()`) are errors
  /// naming `file`, the line and the dotted field, and saying what is accepted.
  public static func read(yaml text: String, file: String) throws(DRAMError) -> DRAMDevice {
    let composed: Node?
    do {
      composed = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        throw DRAMError("malformed YAML: \(problem)", file: file, line: mark.line)
      case .duplicatedKeysInMapping(let duplicates, let context):
        throw DRAMError("duplicate key; each key may appear once", file: file, line: context.mark.line,
          field: duplicates.first)
      default:
        throw DRAMError("malformed YAML: \(error)", file: file)
      }
    } catch {
      throw DRAMError("malformed YAML: \(error)", file: file)
    }
    guard let root = composed else {
      throw DRAMError("the file is empty; expected a mapping with keys name, organization, timing, power", file: file)
    }
    var lines: [String: Int] = [:]
    let top = try DeviceMapping(root, file: file, path: nil, allowed: fileKeys[""] ?? [], lines: &lines)
    let name = try top.text("name")
    let org = try top.section("organization", allowed: fileKeys["organization"] ?? [], lines: &lines)
    let organization = DRAMOrganization(
      channels: try org.integer("channels"), ranks: try org.integer("ranks"),
      bankGroups: try org.integer("bank_groups"), banksPerGroup: try org.integer("banks_per_group"),
      rows: try org.integer("rows"), columns: try org.integer("columns"),
      deviceWidth: try org.integer("device_width"), devicesPerRank: try org.integer("devices_per_rank"),
      busWidth: try org.integer("bus_width"), burstLength: try org.integer("burst_length"))
    let tim = try top.section("timing", allowed: fileKeys["timing"] ?? [], lines: &lines)
    let timing = DRAMTiming(
      clockNanoseconds: try tim.number("tck_ns"), rcd: try tim.cycles("trcd"), rp: try tim.cycles("trp"),
      ras: try tim.cycles("tras"), rc: try tim.cycles("trc"), cl: try tim.cycles("cl"), cwl: try tim.cycles("cwl"),
      ccdS: try tim.cycles("tccd_s"), ccdL: try tim.cycles("tccd_l"), rrdS: try tim.cycles("trrd_s"),
      rrdL: try tim.cycles("trrd_l"), faw: try tim.cycles("tfaw"), wtrS: try tim.cycles("twtr_s"),
      wtrL: try tim.cycles("twtr_l"), rtp: try tim.cycles("trtp"), wr: try tim.cycles("twr"),
      burst: try tim.cycles("tburst"), refi: try tim.cycles("trefi"), rfc: try tim.cycles("trfc"))
    let power = try top.section("power", allowed: DRAMRail.names, lines: &lines, required: false)
    var rails: [DRAMRail] = []
    for railName in power.keys {
      let r = try power.section(railName, allowed: fileKeys["rail"] ?? [], lines: &lines)
      rails.append(
        DRAMRail(
          name: railName, volts: try r.number("volts"), idd0: try r.number("idd0"), idd2p: try r.number("idd2p"),
          idd2n: try r.number("idd2n"), idd3p: try r.number("idd3p"), idd3n: try r.number("idd3n"),
          idd4r: try r.number("idd4r"), idd4w: try r.number("idd4w"), idd5b: try r.number("idd5b")))
    }
    let device = DRAMDevice(name: name, organization: organization, timing: timing, rails: rails)
    do {
      try device.validate()
    } catch {
      var located = error
      located.file = file
      located.line = error.field.flatMap { lines[$0] } ?? power.line
      throw located
    }
    return device
  }
}

/// A YAML mapping of a device file read strictly: plain keys, only the allowed ones, each
/// required unless the section says otherwise; errors carry the line and the dotted field.
struct DeviceMapping {
  let file: String
  let path: String?
  let line: Int?
  /// The keys present, in file order.
  private(set) var keys: [String] = []
  private var values: [String: Node] = [:]
  private var keyLines: [String: Int] = [:]

  init(
    _ node: Node, file: String, path: String?, allowed: [String], lines: inout [String: Int], required: Bool = true,
    headerLine: Int? = nil
  ) throws(DRAMError) {
    self.file = file
    self.path = path
    self.line = headerLine ?? node.mark?.line
    let what = path.map { "section '\($0)'" } ?? "a device file"
    guard case .mapping(let mapping) = node else {
      throw DRAMError(
        "\(what) must be a mapping with keys \(allowed.joined(separator: ", ")), found \(Self.describe(node))",
        file: file, line: node.mark?.line, field: path)
    }
    for (keyNode, value) in mapping {
      let keyLine = keyNode.mark?.line ?? value.mark?.line
      guard case .scalar(let scalar) = keyNode else {
        throw DRAMError("keys of \(what) must be plain words, found \(Self.describe(keyNode))",
          file: file, line: keyLine, field: path)
      }
      let key = scalar.string
      let field = path.map { "\($0).\(key)" } ?? key
      guard allowed.contains(key) else {
        throw DRAMError("unknown key in \(what); accepted keys: \(allowed.joined(separator: ", "))",
          file: file, line: keyLine, field: field)
      }
      guard values[key] == nil else {
        throw DRAMError("duplicate key; each key may appear once", file: file, line: keyLine, field: field)
      }
      values[key] = value
      keyLines[key] = keyLine
      keys.append(key)
      if let keyLine { lines[field] = keyLine }
    }
    if required {
      for key in allowed where values[key] == nil {
        throw DRAMError(
          "missing key in \(what); required keys: \(allowed.joined(separator: ", "))",
          file: file, line: line, field: path.map { "\($0).\(key)" } ?? key)
      }
    }
  }

  private func field(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }

  private func error(_ message: String, key: String) -> DRAMError {
    DRAMError(message, file: file, line: keyLines[key] ?? line, field: field(key))
  }

  /// A nested mapping.
  func section(_ key: String, allowed: [String], lines: inout [String: Int], required: Bool = true)
    throws(DRAMError) -> DeviceMapping
  {
    guard let value = values[key] else { throw error("missing section", key: key) }
    return try DeviceMapping(
      value, file: file, path: field(key), allowed: allowed, lines: &lines, required: required,
      headerLine: keyLines[key])
  }

  private func scalar(_ key: String, expected: String) throws(DRAMError) -> String {
    guard let value = values[key] else { throw error("missing value; expected \(expected)", key: key) }
    guard case .scalar(let scalar) = value else {
      throw error("expected \(expected), found \(Self.describe(value))", key: key)
    }
    return scalar.string
  }

  /// A non-empty word.
  func text(_ key: String) throws(DRAMError) -> String {
    let text = try scalar(key, expected: "a name")
    guard !text.isEmpty, text.count <= 100 else { throw error("expected a name of 1 to 100 characters", key: key) }
    return text
  }

  /// A whole number.
  func integer(_ key: String) throws(DRAMError) -> Int {
    let text = try scalar(key, expected: "a whole number")
    guard let value = Int(text) else { throw error("expected a whole number, found '\(text.prefix(40))'", key: key) }
    return value
  }

  /// A whole number of clock cycles.
  func cycles(_ key: String) throws(DRAMError) -> Int64 {
    let text = try scalar(key, expected: "a whole number of clock cycles")
    guard let value = Int64(text) else {
      throw error("expected a whole number of clock cycles, found '\(text.prefix(40))'", key: key)
    }
    return value
  }

  /// A finite decimal number.
  func number(_ key: String) throws(DRAMError) -> Double {
    let text = try scalar(key, expected: "a number")
    guard let value = Double(text), value.isFinite else {
      throw error("expected a number, found '\(text.prefix(40))'", key: key)
    }
    return value
  }

  static func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): return scalar.string.isEmpty ? "an empty value" : "'\(scalar.string.prefix(40))'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }
}

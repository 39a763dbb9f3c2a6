import Networks

/// Architectures as settings: the dotted keys of the architecture file (`mac.clock_mhz`), so
/// that a design-space grid can vary any field (`--grid mac.array=16x16,32x32`) with the file's
/// own validation and messages.
extension Architecture {
  /// Every key a setting may name: each field of the architecture file as a dotted path, and
  /// `mac.array` for both of the array's sizes at once (`16x16`, rows x columns).
  public static let settingKeys: [String] = [
    "buffer.model", "buffer.pj_per_byte", "buffer.reference_bytes", "dram.bandwidth_bytes_per_cycle", "dram.pj_per_byte",
    "mac.add_pj_8bit", "mac.array", "mac.array.cols", "mac.array.rows", "mac.clock_mhz", "mac.multiply_pj_8bit",
  ]

  /// This architecture with `settings` (key, value) applied together, each value read as the
  /// architecture file reads that field; errors name the key and say what it accepts (an
  /// unknown key lists `settingKeys`). Applied together so that settings that depend on each
  /// other (`buffer.model` and `buffer.reference_bytes`) are checked as one file would be.
  public func applying(_ settings: [(key: String, value: String)], source: String) throws(ArchitectureError)
    -> Architecture
  {
    guard !settings.isEmpty else { return self }
    // key path -> value, nested by section as the file nests them.
    var sections: [String: [(path: [String], value: String)]] = [:]
    var given: Set<String> = []
    for (key, value) in settings {
      guard Self.settingKeys.contains(key) else {
        throw ArchitectureError(
          "unknown key; accepted keys: \(Self.settingKeys.joined(separator: ", "))", location: FileLocation(file: source),
          field: key)
      }
      guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }), !value.isEmpty else {
        throw ArchitectureError("expected a value on one line, found \(excerpt(value))", location: FileLocation(file: source), field: key)
      }
      var parts = key.split(separator: ".").map(String.init)
      var entries: [(path: [String], value: String)] = [(Array(parts.dropFirst()), value)]
      if key == "mac.array" {
        let sizes = value.split(separator: "x", omittingEmptySubsequences: false).map(String.init)
        guard sizes.count == 2 else {
          throw ArchitectureError(
            "expected rows x columns (16x16), found \(excerpt(value))", location: FileLocation(file: source), field: key)
        }
        entries = [(["array", "rows"], sizes[0]), (["array", "cols"], sizes[1])]
        parts = ["mac"]
      }
      for entry in entries {
        let full = ([parts[0]] + entry.path).joined(separator: ".")
        guard given.insert(full).inserted else {
          throw ArchitectureError(
            "set twice (mac.array sets mac.array.rows and mac.array.cols)", location: FileLocation(file: source), field: full)
        }
        sections[parts[0], default: []].append(entry)
      }
    }
    // An architecture file of just these settings, each value quoted (the reader parses the
    // text, so quoting changes no number and no value can add keys).
    var lines: [String] = []
    for section in sections.keys.sorted() {
      lines.append("\(section):")
      var opened: Set<String> = []
      // Sorted, so that the entries of a nested mapping come together.
      for (path, value) in (sections[section] ?? []).sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
        if path.count == 2 {
          if opened.insert(path[0]).inserted { lines.append("  \(path[0]):") }
          lines.append("    \(path[1]): \(quoted(value))")
        } else {
          lines.append("  \(path[0]): \(quoted(value))")
        }
      }
    }
    do {
      return try Architecture.read(yaml: lines.joined(separator: "\n") + "\n", file: source, base: self)
    } catch {
      // The lines of the made-up file mean nothing to the user: the key and the message do.
      throw ArchitectureError(error.message, location: FileLocation(file: source), field: error.field)
    }
  }

  /// `value` as a YAML single-quoted scalar.
  private func quoted(_ value: String) -> String {
    "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }
}

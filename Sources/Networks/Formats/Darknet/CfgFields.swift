/// Typed access to one section's keys, producing errors that name the file, the line of
/// the offending key (or of the section header when a key is missing) and the layer.
struct CfgFields {
  let section: CfgSection
  let kind: DarknetSectionKind
  let file: String
  /// The name the section's layer gets (or would get), so errors point at it.
  let layer: String?

  var headerLocation: FileLocation { FileLocation(file: file, line: section.line) }

  func entry(_ key: String) -> CfgEntry? { section.entries.first { $0.key == key } }

  func location(of key: String) -> FileLocation {
    FileLocation(file: file, line: entry(key)?.line ?? section.line)
  }

  func error(_ message: String, field: String?) -> NetworkError {
    NetworkError(message, location: field.map { location(of: $0) } ?? headerLocation, layer: layer, field: field)
  }

  /// Rejects keys the section does not know, listing those it does.
  func rejectUnknownKeys() throws(NetworkError) {
    guard !kind.acceptsAnyKey else { return }
    let known = Set(kind.acceptedKeys + kind.ignoredKeys)
    for entry in section.entries where !known.contains(entry.key) {
      let accepted = kind.acceptedKeys.isEmpty ? "none" : kind.acceptedKeys.joined(separator: ", ")
      let ignored =
        kind.ignoredKeys.isEmpty ? "" : "; ignored (training only): \(kind.ignoredKeys.joined(separator: ", "))"
      throw error(
        "unknown key \(excerpt(entry.key)) in [\(section.header.prefix(40))]; accepted keys: \(accepted)\(ignored)", field: entry.key)
    }
  }

  func string(_ key: String) throws(NetworkError) -> String? {
    guard let entry = entry(key) else { return nil }
    guard !entry.value.isEmpty else { throw error("\(excerpt(key)) has no value", field: key) }
    return entry.value
  }

  func int(_ key: String) throws(NetworkError) -> Int? {
    guard let text = try string(key) else { return nil }
    guard let value = Int(text), value.magnitude <= Limits.extent else {
      throw error("expected an integer from -\(Limits.describe(Limits.extent)) to \(Limits.describe(Limits.extent)), found \(excerpt(text))", field: key)
    }
    return value
  }

  /// An integer that must be at least `minimum`, with Darknet's default when absent.
  func int(_ key: String, default fallback: Int, minimum: Int) throws(NetworkError) -> Int {
    let value = try int(key) ?? fallback
    guard value >= minimum else {
      throw error("must be at least \(minimum), found \(value)", field: key)
    }
    return value
  }

  /// A required integer of at least `minimum`.
  func requiredInt(_ key: String, minimum: Int) throws(NetworkError) -> Int {
    guard let value = try int(key) else {
      throw error("[\(section.header.prefix(40))] needs \(excerpt(key))", field: key)
    }
    guard value >= minimum else {
      throw error("must be at least \(minimum), found \(value)", field: key)
    }
    return value
  }

  /// A comma-separated list of integers, as in `layers = -1, 61`.
  func intList(_ key: String) throws(NetworkError) -> [Int]? {
    guard let text = try string(key) else { return nil }
    var values: [Int] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let trimmed = CfgText.trim(String(item))
      guard let value = Int(trimmed) else {
        throw error("expected comma-separated integers, found \(excerpt(trimmed)) in \(excerpt(text))", field: key)
      }
      values.append(value)
    }
    return values
  }

  /// The activation, which Darknet defaults to `logistic` when the key is absent.
  func activation(default fallback: String) throws(NetworkError) -> Activation {
    let name = try string("activation") ?? fallback
    guard let activation = Activation(name: name) else {
      let accepted = Activation.allCases.map(\.rawValue).joined(separator: ", ")
      let defaulted = entry("activation") == nil ? " (Darknet's default when 'activation' is absent)" : ""
      throw error("unsupported activation \(excerpt(name))\(defaulted); accepted: \(accepted)", field: "activation")
    }
    return activation
  }
}

import ArgumentParser
import DSE

/// Splits repeated `NAME=VALUE` options into a dictionary, parsing each value with `parse`.
///
/// Splits at the last `=` so a layer name may itself contain one. Malformed entries, values
/// `parse` rejects and names given twice are validation errors that say what is accepted.
func layerAssignments<Value>(
  _ entries: [String], option: String, accepted: String, parse: (String) -> Value?
) throws -> [String: Value] {
  var result: [String: Value] = [:]
  for entry in entries {
    guard let separator = entry.lastIndex(of: "=") else {
      throw ValidationError("\(option) '\(entry)' is not NAME=VALUE; the value is \(accepted)")
    }
    let name = String(entry[..<separator])
    let text = String(entry[entry.index(after: separator)...])
    guard !name.isEmpty else { throw ValidationError("\(option) '\(entry)' has no layer name before '='") }
    guard let value = parse(text) else {
      throw ValidationError("\(option) '\(entry)': '\(text)' is not valid; expected \(accepted)")
    }
    guard result.updateValue(value, forKey: name) == nil else {
      throw ValidationError("\(option) names layer '\(name)' twice")
    }
  }
  return result
}

/// A keep ratio or other fraction: finite, 0 < value <= 1.
func parseFraction(_ text: String) -> Double? {
  guard let value = Double(text), value.isFinite, value > 0, value <= 1 else { return nil }
  return value
}

/// Rejects an output path whose extension names no format before any work is done.
func validateOutputFormat(_ path: String) throws {
  do {
    try NetworkFile.checkWritable(path)
  } catch {
    throw ValidationError("-o/--output '\(path)': \(error.message)")
  }
}

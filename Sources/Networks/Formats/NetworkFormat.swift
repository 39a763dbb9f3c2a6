import Foundation

/// The file formats a network can be read from and written to, chosen by file extension.
public enum NetworkFormat: String, Sendable, CaseIterable, CustomStringConvertible {
  /// The native format (`.yaml`, `.yml`).
  case yaml
  /// Darknet `.cfg`.
  case darknet
  /// SCALE-Sim topology `.csv`.
  case scaleSim

  public var description: String {
    switch self {
    case .yaml: return "YAML (.yaml, .yml)"
    case .darknet: return "Darknet cfg (.cfg)"
    case .scaleSim: return "SCALE-Sim topology (.csv)"
    }
  }

  /// The format a path names by its extension.
  public init(path: String) throws(NetworkError) {
    let lowered = path.lowercased()
    if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
      self = .yaml
    } else if lowered.hasSuffix(".cfg") {
      self = .darknet
    } else if lowered.hasSuffix(".csv") {
      self = .scaleSim
    } else {
      throw NetworkError(
        "unknown network format; accepted extensions: .yaml or .yml (native), .cfg (Darknet), .csv (SCALE-Sim topology)",
        location: FileLocation(file: path))
    }
  }

  /// Parses `text`; `file` names it in error messages.
  public func parse(_ text: String, file: String) throws(NetworkError) -> Network {
    switch self {
    case .yaml: return try NetworkYAML.read(text, file: file)
    case .darknet: return try DarknetCfg.read(text, file: file)
    case .scaleSim: return try ScaleSimTopology.read(text, file: file)
    }
  }

  /// Renders `network` in this format. Formats that cannot express a layer throw.
  public func render(_ network: Network) throws(NetworkError) -> String {
    switch self {
    case .yaml: return NetworkYAML.write(network)
    case .darknet: return try DarknetCfg.write(network)
    case .scaleSim: return try ScaleSimTopology.write(network)
    }
  }

  /// Reads and parses a network file, and checks that its shapes infer.
  public static func load(path: String) throws(NetworkError) -> Network {
    let format = try NetworkFormat(path: path)
    let text = try readText(path)
    let network = try format.parse(text, file: path)
    _ = try network.analyze()
    return network
  }

  /// Renders `network` in the format `path` names and writes it atomically.
  public static func save(_ network: Network, to path: String) throws(NetworkError) {
    let text = try NetworkFormat(path: path).render(network)
    try writeTextAtomically(text, to: path)
  }
}

/// The contents of a UTF-8 text file, or an error naming the file.
public func readText(_ path: String) throws(NetworkError) -> String {
  guard FileManager.default.fileExists(atPath: path) else {
    throw NetworkError("no such file", location: FileLocation(file: path))
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw NetworkError("cannot read the file (is it a directory, or unreadable?)", location: FileLocation(file: path))
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw NetworkError("the file is not UTF-8 text", location: FileLocation(file: path))
  }
  return text
}

/// Writes `text` to a temporary file beside `path` and renames it into place, so that
/// a failure never leaves a half-written output.
public func writeTextAtomically(_ text: String, to path: String) throws(NetworkError) {
  let temporary = temporaryPath(beside: path)
  do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
  } catch {
    try? FileManager.default.removeItem(atPath: temporary)
    throw NetworkError("cannot write the file: \(error.localizedDescription)", location: FileLocation(file: path))
  }
  try moveIntoPlace(temporary, at: path)
}

/// A hidden path in the same folder as `path`, for writing new contents that `moveIntoPlace`
/// then renames over `path` (a rename is atomic only within one file system).
public func temporaryPath(beside path: String) -> String {
  let url = URL(fileURLWithPath: path)
  let name = ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
  return url.deletingLastPathComponent().appendingPathComponent(name).path
}

/// Renames `temporary` over `path` atomically, removing `temporary` if that fails.
public func moveIntoPlace(_ temporary: String, at path: String) throws(NetworkError) {
  // POSIX rename replaces an existing file atomically. FileManager.replaceItemAt is not used:
  // on Linux it fails and deletes both files (swift-corelibs-foundation issue 4655).
  guard rename(temporary, path) == 0 else {
    let reason = String(cString: strerror(errno))
    try? FileManager.default.removeItem(atPath: temporary)
    throw NetworkError("cannot write the file: \(reason)", location: FileLocation(file: path))
  }
}

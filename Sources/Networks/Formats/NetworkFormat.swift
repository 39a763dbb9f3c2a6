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
        "unknown network format; accepted extensions: .yaml or .yml (native), .cfg (Darknet), .csv (SCALE-Sim topology), .onnx (ONNX, read only)",
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
/// Only regular files of at most `Limits.fileBytes` are read: a FIFO or a device would block or
/// never end.
public func readText(_ path: String) throws(NetworkError) -> String {
  let location = FileLocation(file: path)
  var status = stat()
  guard stat(path, &status) == 0 else {
    throw NetworkError(errno == ENOENT ? "no such file" : "cannot read the file: \(fileSystemReason(errno))", location: location)
  }
  guard status.st_mode & S_IFMT == S_IFREG else {
    throw NetworkError("not a regular file (a folder, a device or a pipe); expected a text file", location: location)
  }
  guard status.st_size <= Limits.fileBytes else {
    throw NetworkError(
      "the file has \(Limits.describe(Int(status.st_size))) bytes; at most \(Limits.describe(Limits.fileBytes)) are read",
      location: location)
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw NetworkError("cannot read the file (is it a directory, or unreadable?)", location: FileLocation(file: path))
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw NetworkError("the file is not UTF-8 text", location: FileLocation(file: path))
  }
  return text
}

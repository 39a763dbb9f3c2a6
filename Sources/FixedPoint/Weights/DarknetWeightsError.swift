/// Why a Darknet `.weights` file could not be read against its cfg and network.
package enum DarknetWeightsError: Error, Hashable, Sendable, CustomStringConvertible {
  /// No file at that path, or it cannot be read.
  case fileMissing(path: String)
  case unreadable(path: String, reason: String)
  /// The 12-byte version header (and its `seen` counter) is absent or not one Darknet writes.
  case unsupportedHeader(file: String, reason: String)
  /// The file ended inside `layer`: it needed `expectedBytes` from byte `offset`, `foundBytes` were left.
  case shortFile(file: String, layer: String, offset: Int, expectedBytes: Int, foundBytes: Int)
  /// Bytes left after the last weighted layer (Darknet itself ignores them; see `DarknetWeights.Options`).
  case trailingBytes(file: String, consumedBytes: Int, extraBytes: Int)
  /// The cfg and the network analysis do not describe the same layers.
  case cfgMismatch(file: String, line: Int?, message: String)
  /// A cfg feature whose weights this reader does not load (see `DarknetWeights`).
  case unsupported(file: String, line: Int?, message: String)

  package var description: String {
    switch self {
    case .fileMissing(let path): return "\(path): no such file"
    case .unreadable(let path, let reason): return "\(path): cannot read the file: \(reason)"
    case .unsupportedHeader(let file, let reason): return "\(file): unsupported Darknet weights header: \(reason)"
    case .shortFile(let file, let layer, let offset, let expected, let found):
      return
        "\(file): the file ends inside layer '\(layer)': it needs \(expected) bytes from byte \(offset), found \(found)"
        + " (is this the weights file of another cfg?)"
    case .trailingBytes(let file, let consumed, let extra):
      return
        "\(file): \(extra) bytes left after the last weighted layer (\(consumed) bytes read); "
        + "the cfg describes fewer weights than the file holds"
    case .cfgMismatch(let file, let line, let message), .unsupported(let file, let line, let message):
      return "\(line.map { "\(file):\($0)" } ?? file): \(message)"
    }
  }
}
